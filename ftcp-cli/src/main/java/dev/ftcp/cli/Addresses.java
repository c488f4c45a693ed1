package dev.ftcp.cli;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Prints socket addresses the way they are typed: {@code 127.0.0.1:9000}, {@code [::1]:9000}. */
final class Addresses {
  private Addresses() {}

  static String format(InetSocketAddress a) {
    if (a == null) {
      return "(not connected)";
    }
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    if (a.getAddress() instanceof Inet6Address) {
      int scope = host.indexOf('%');
      host = "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]";
    }
    return host + ":" + a.getPort();
  }
}
