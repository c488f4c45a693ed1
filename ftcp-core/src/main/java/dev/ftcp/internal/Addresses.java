package dev.ftcp.internal;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Parses ftcp addresses: {@code host:port}, {@code [ipv6]:port}, and {@code :port} (all
 * interfaces, for listening). Thread-safe; remembers only the address dialed last.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * An unresolved address to dial (resolved again at every redial, so a moved host is found).
   *
   * @throws IllegalArgumentException naming the address when it does not parse or has no host
   */
  public static InetSocketAddress forDial(String address) {
    Dialed last = lastDialed;
    if (last != null && last.text.equals(address)) {
      return last.address;
    }
    InetSocketAddress a = parse(address);
    if (a.getHostString().isEmpty()) {
      throw new IllegalArgumentException(
          "cannot dial \"" + address + "\": it names no host (expected host:port)");
    }
    lastDialed = new Dialed(address, a);
    return a;
  }

  /**
   * The address dialed last, parsed: connections dialed to one address (a pool, a fan-in) share
   * one unresolved address object and its host string, about 90 bytes each holds otherwise. It is
   * immutable and unresolved (each dial resolves it anew), so sharing it changes nothing else.
   */
  private static volatile Dialed lastDialed;

  private static final class Dialed {
    final String text;
    final InetSocketAddress address;

    Dialed(String text, InetSocketAddress address) {
      this.text = text;
      this.address = address;
    }
  }

  /** An address to listen on; an empty host means all interfaces. */
  public static InetSocketAddress forListen(String address) {
    InetSocketAddress a = parse(address);
    if (a.getHostString().isEmpty()) {
      return new InetSocketAddress(a.getPort());
    }
    InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
    if (resolved.isUnresolved()) {
      throw new IllegalArgumentException(
          "cannot listen on \"" + address + "\": unknown host " + a.getHostString());
    }
    return resolved;
  }

  private static InetSocketAddress parse(String address) {
    Objects.requireNonNull(address, "address");
    String host;
    String port;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0 || close + 1 >= address.length() || address.charAt(close + 1) != ':') {
        throw bad(address, "expected [ipv6]:port");
      }
      host = address.substring(1, close);
      port = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon < 0) {
        throw bad(address, "missing :port");
      }
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw bad(address, "an IPv6 host must be in brackets, as [::1]:port");
      }
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(address, "port \"" + port + "\" is not a number");
    }
    if (p < 0 || p > 65535) {
      throw bad(address, "port " + p + " is outside 0..65535");
    }
    if (host.chars().anyMatch(Character::isWhitespace)) {
      throw bad(address, "the host contains white space");
    }
    return InetSocketAddress.createUnresolved(host, p);
  }

  private static IllegalArgumentException bad(String address, String why) {
    return new IllegalArgumentException("bad address \"" + address + "\": " + why);
  }
}
