/**
 * When a client connection dials again after its link broke: {@link Redialer} (the proven-link
 * rule, the give-up time) and {@link Backoff} (the waits, doubling, capped, with jitter), for a
 * {@link RedialHost}. Runs on the connection's event loop only, its timers included; it costs
 * nothing while the link is up.
 */
package dev.ftcp.internal.conn.redial;
