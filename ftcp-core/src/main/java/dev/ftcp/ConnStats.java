package dev.ftcp;

/**
 * A snapshot of a connection's counters.
 *
 * @param messagesIn messages received
 * @param bytesIn bytes of frames received, length prefixes included
 * @param messagesOut messages handed to the socket
 * @param bytesOut bytes of frames handed to the socket, length prefixes included
 * @param redials successful redials of a client connection
 * @param queued messages written and not yet handed to the socket (with resumable sessions:
 *     not yet acknowledged by the peer)
 * @param lateRepliesDiscarded replies that came after their request timed out, with no reader
 *     open to take them
 * @param messagesDiscarded queued messages thrown away because the connection gave up or
 *     closed before they could be sent
 * @param resumes times a resumable session went on over a new link
 * @param messagesResent messages of a resumable session sent again: after a resume, those the
 *     peer had not received; after the session was lost, every one it had not acknowledged
 */
public record ConnStats(
    long messagesIn,
    long bytesIn,
    long messagesOut,
    long bytesOut,
    long redials,
    long queued,
    long lateRepliesDiscarded,
    long messagesDiscarded,
    long resumes,
    long messagesResent) {}
