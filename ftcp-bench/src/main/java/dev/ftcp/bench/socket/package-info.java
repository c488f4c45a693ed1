/**
 * The machine's limit as a baseline: ftcp's frames over plain blocking {@link java.net.Socket}s
 * on loopback, no library at all, one thread per side. A sender encodes batches of frames into
 * one {@code byte[]} and writes each batch with one call; a receiver reads into one large buffer,
 * parses frames in place and decodes each into a {@link dev.ftcp.bench.netty.RawFrame} with its
 * own payload array, as the raw Netty receivers and ftcp do. Nothing here runs on an event loop,
 * and nothing is handed from one thread to another: what ftcp and Netty cost beyond it is their
 * event loops, hand-offs and buffers.
 */
package dev.ftcp.bench.socket;
