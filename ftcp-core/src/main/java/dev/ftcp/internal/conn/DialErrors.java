package dev.ftcp.internal.conn;

import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.internal.Durations;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failed dial attempt in the user's words: "connection refused by 127.0.0.1:1" rather than
 * the transport's "finishConnect(..) failed with error(-111): Connection refused:
 * /127.0.0.1:1". The transport's exception is logged at debug level, not chained, so that no
 * layer that prints causes shows it again. Stateless.
 */
final class DialErrors {
  private static final Logger log = LoggerFactory.getLogger(DialErrors.class);

  private DialErrors() {}

  /** What a dial attempt to {@code peer} (host:port) failed with, for the application. */
  static Throwable describe(Throwable cause, String peer, Duration connectTimeout) {
    if (!(cause instanceof IOException)) {
      return cause;
    }
    log.debug("dialing {} failed", peer, cause);
    String m = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (cause instanceof ConnectTimeoutException) {
      return new FtcpTimeoutException("no answer from " + peer + " within "
          + Durations.human(connectTimeout) + " (connectTimeout)");
    }
    if (cause instanceof NoRouteToHostException || m.contains("no route to host")) {
      return new NoRouteToHostException("no route to host " + peer);
    }
    if (cause instanceof UnknownHostException) {
      return new UnknownHostException("unknown host in " + peer);
    }
    if (cause instanceof ConnectException) {
      if (m.contains("refused")) {
        return new ConnectException("connection refused by " + peer);
      }
      if (m.contains("unreachable")) {
        return new ConnectException("network unreachable for " + peer);
      }
      if (m.contains("timed out")) {
        return new ConnectException("connecting to " + peer + " timed out");
      }
      return new ConnectException("cannot connect to " + peer);
    }
    return cause;
  }
}
