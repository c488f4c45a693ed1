package dev.ftcp;

import dev.ftcp.internal.Internal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLSession;

/**
 * One ftcp message: an ID, the ID it replies to, and a payload.
 *
 * <p>An ID of 0 asks the connection to assign the next number of its sequence when the message
 * is written. A RepID of 0 means the message is not a reply. Both must lie in 0..2<sup>56</sup>-1,
 * the range an 8-byte varint slot holds on the wire; {@code Conn.write} checks this.
 *
 * <p>Immutable and safe to share between threads, with one caveat that keeps the hot path free
 * of copies: {@link #data()} is the array given to the constructor, not a copy. Do not change it
 * after handing the message to {@code write}, until {@code write} has returned. No method
 * blocks.
 */
public final class Message {
  /** Largest value an ID or RepID may take: 2^56-1, what an 8-byte varint slot holds. */
  public static final long MAX_ID = (1L << 56) - 1;

  static {
    Internal.messages = Message::new;
  }

  private final long id;
  private final long repId;
  private final byte[] data;
  private final SSLSession tlsSession;

  /**
   * A message with every field given. The IDs are checked when the message is written, not
   * here.
   *
   * @param id the message ID, or 0 to have the connection assign one
   * @param repId the ID this message replies to, or 0
   * @param data the payload, not copied; an empty array for none
   * @throws NullPointerException when {@code data} is null
   */
  public Message(long id, long repId, byte[] data) {
    this(id, repId, Objects.requireNonNull(data, "data"), null);
  }

  private Message(long id, long repId, byte[] data, SSLSession tlsSession) {
    this.id = id;
    this.repId = repId;
    this.data = data;
    this.tlsSession = tlsSession;
  }

  /**
   * A message with the given payload, an ID to be assigned, and no RepID.
   *
   * @param data the payload, not copied
   * @return the message
   * @throws NullPointerException when {@code data} is null
   */
  public static Message of(byte[] data) {
    return new Message(0, 0, data);
  }

  /**
   * A message whose payload is the UTF-8 encoding of {@code text}, an ID to be assigned, and no
   * RepID.
   *
   * @param text the payload's text
   * @return the message
   * @throws NullPointerException when {@code text} is null
   */
  public static Message of(String text) {
    return of(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A reply to this message: its RepID is this message's ID, its own ID is assigned.
   *
   * @param data the reply's payload, not copied
   * @return the reply
   * @throws NullPointerException when {@code data} is null
   */
  public Message reply(byte[] data) {
    return new Message(0, id, data);
  }

  /**
   * The message ID.
   *
   * @return the ID; 0 for a message created to have its ID assigned when written
   */
  public long id() {
    return id;
  }

  /**
   * The ID this message replies to.
   *
   * @return the RepID; 0 when it is not a reply
   */
  public long repId() {
    return repId;
  }

  /**
   * The payload.
   *
   * @return the array itself, not a copy
   */
  public byte[] data() {
    return data;
  }

  /**
   * The payload decoded as UTF-8.
   *
   * @return the text; malformed bytes become U+FFFD
   */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /**
   * The TLS session of the connection this message was received on.
   *
   * @return the session, or {@code null} for plain TCP and for messages created locally
   */
  public SSLSession tlsSession() {
    return tlsSession;
  }

  /** Equal when ID, RepID and payload are equal; the TLS session is not compared. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Message
        && ((Message) o).id == id
        && ((Message) o).repId == repId
        && Arrays.equals(((Message) o).data, data);
  }

  /** Consistent with {@link #equals}. */
  @Override
  public int hashCode() {
    return Long.hashCode(id) * 31 + Long.hashCode(repId) * 17 + Arrays.hashCode(data);
  }

  /** The IDs and the payload's length; never the payload, which may be secret. */
  @Override
  public String toString() {
    return "Message{id=" + id + ", repId=" + repId + ", " + data.length + " bytes}";
  }
}
