package dev.ftcp.bench.netty;

/**
 * A decoded frame as a user of raw Netty would model it: the two IDs and a payload of its own.
 * The same work per message as ftcp's {@code Message}, so receivers compare fairly.
 */
public record RawFrame(long id, long repId, byte[] payload) {}
