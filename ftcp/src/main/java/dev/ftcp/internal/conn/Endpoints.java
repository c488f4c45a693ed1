package dev.ftcp.internal.conn;

import dev.ftcp.Conn;
import dev.ftcp.Listener;
import dev.ftcp.Options;
import java.io.IOException;

/** Where {@link dev.ftcp.Ftcp} hands over to the implementation. */
public final class Endpoints {
  private Endpoints() {}

  public static Conn dial(String address, Options options) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  public static Listener listen(String address, Options options) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
