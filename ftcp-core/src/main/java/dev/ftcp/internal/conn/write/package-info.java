/**
 * The write path: admission ({@link WriteQueue}: checks, IDs, permits, back-pressure), the
 * bounded ring of queued messages ({@link WriteRing}) and the drain that batches, encodes and
 * flushes them and keeps what a broken link did not take for resending ({@link BatchWriter},
 * {@link PendingWrites}). Application threads queue, from any number of threads at once; the
 * connection's event loop drains. See docs/ARCHITECTURE.md, "The write path".
 */
package dev.ftcp.internal.conn.write;
