/**
 * The read path: where each received message goes ({@link Inbound}: a request, every open
 * reader, or the backlog), the readers and backlog ({@link Readers}), the readers' buffers and
 * their blocking and asynchronous reads ({@link RealReader}), and read flow control
 * ({@link ReadFlow}), which bounds the buffers by pausing socket reads at
 * {@code readerBufferDepth}; a buffer can exceed it by what one read batch decoded. The event
 * loop delivers; application threads take. See docs/ARCHITECTURE.md, "The read path".
 */
package dev.ftcp.internal.conn.read;
