/**
 * Time for a connection's timers: {@link Clock} (a monotonic reading and delayed tasks), the
 * real {@link SystemClock} (an event loop's own scheduler for tasks that run on it, the shared
 * wheel timer for the rest) and {@link Deadlines} (timeout arithmetic without overflow).
 * Thread-safe; the tasks run where they are scheduled to. Deadlines that bound a parked caller
 * are {@code System.nanoTime()} readings instead, since the caller parks in real time.
 */
package dev.ftcp.internal.time;
