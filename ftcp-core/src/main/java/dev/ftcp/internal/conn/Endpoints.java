package dev.ftcp.internal.conn;

import dev.ftcp.Conn;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Listener;
import dev.ftcp.Options;
import dev.ftcp.internal.Addresses;
import dev.ftcp.internal.IoGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Where {@link dev.ftcp.Ftcp} hands over to the implementation. */
public final class Endpoints {
  private Endpoints() {}

  public static Conn dial(String address, Options options) throws IOException {
    return dial(List.of(address), options);
  }

  public static Conn dial(List<String> addresses, Options options) throws IOException {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no address to dial");
    }
    List<InetSocketAddress> targets = new ArrayList<>();
    for (String a : addresses) {
      targets.add(Addresses.forDial(Objects.requireNonNull(a, "address")));
    }
    String address = String.join(", ", addresses);
    checkTlsSide(options, true);
    IoGroup.checkMayBlock("Ftcp.dial");
    RealConn conn = RealConn.client(options, targets, IoGroup.next(IoGroup.acquire()));
    conn.startDial();
    long waitMillis = (options.connectTimeout().toMillis() * (options.resumable() ? 2 : 1)
        + (options.tls() != null ? options.tls().handshakeTimeout().toMillis() : 0))
        * targets.size() + 1000;
    try {
      conn.ready.get(waitMillis, TimeUnit.MILLISECONDS);
      return conn;
    } catch (ExecutionException e) {
      conn.terminated().join(); // the failed dial released its resources
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      throw new IOException("cannot dial " + address + ": " + cause, cause);
    } catch (TimeoutException e) {
      conn.close();
      throw new FtcpTimeoutException("dialing " + address + " took longer than " + waitMillis
          + " ms");
    } catch (InterruptedException e) {
      conn.close();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while dialing " + address);
    }
  }

  public static Listener listen(String address, Options options) throws IOException {
    InetSocketAddress bindAddress = Addresses.forListen(address);
    checkTlsSide(options, false);
    IoGroup.checkMayBlock("Ftcp.listen"); // it waits for the bind, which an event loop runs
    return RealListener.listen(options, bindAddress);
  }

  private static void checkTlsSide(Options options, boolean client) {
    if (options.tls() != null && options.tls().isClient() != client) {
      throw new IllegalArgumentException(client
          ? "dialing needs a client TlsConfig (TlsConfig.client()), got a server one"
          : "listening needs a server TlsConfig (TlsConfig.server(...)), got a client one");
    }
  }
}
