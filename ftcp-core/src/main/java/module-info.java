/** ftcp: framed messaging over TCP and TLS, wire-compatible with the Go package ftcp. */
module dev.ftcp {
  exports dev.ftcp;

  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.transport;
  requires io.netty.transport.unix.common;
  requires io.netty.transport.classes.epoll;
  requires io.netty.codec;
  requires io.netty.handler;
  requires org.jctools.core;
  requires org.slf4j;
}
