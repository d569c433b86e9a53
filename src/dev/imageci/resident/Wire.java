package dev.imageci.resident;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The resident process's protocol, one unix-socket connection per command. The client sends a
 * request (magic, version, working directory, arguments, environment) and later, at most once, a
 * cancel; the server answers with frames: accepted, stdout bytes, stderr bytes, and last the exit
 * status, or refused before it started anything. Every frame is a type byte and an int length.
 *
 * <p>The client is {@code scripts/resident-client.pl}; this class and that script are the two ends
 * of the same protocol and change together.
 *
 * <p>Reads and writes go to the channel directly: JDK 17's {@code Channels} streams take the
 * channel's blocking lock for a read, so a thread waiting for a cancel would block every write.
 */
final class Wire {

  static final int MAGIC = 0x696d6369; // "imci"
  static final int VERSION = 1;

  static final byte REQUEST = 'Q';
  static final byte ACCEPTED = 'A';
  static final byte REFUSED = 'R';
  static final byte STDOUT = 'O';
  static final byte STDERR = 'E';
  static final byte EXIT = 'X';
  static final byte CANCEL = 'C';

  /** A request larger than this (arguments and environment together) is refused. */
  static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

  private final SocketChannel channel;
  private final ByteBuffer header = ByteBuffer.allocate(5);

  Wire(SocketChannel channel) {
    this.channel = channel;
  }

  /** Writes one frame; frames from several threads never interleave. */
  synchronized void frame(byte type, byte[] payload, int offset, int length) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(5).put(type).putInt(length).flip();
    writeFully(head);
    writeFully(ByteBuffer.wrap(payload, offset, length));
  }

  void frame(byte type, byte[] payload) throws IOException {
    frame(type, payload, 0, payload.length);
  }

  void frame(byte type, int value) throws IOException {
    frame(type, ByteBuffer.allocate(4).putInt(value).array());
  }

  private void writeFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** The next frame's type; its payload follows through {@link #payload}. -1 at the end. */
  int nextType() throws IOException {
    header.clear();
    if (!readFully(header, true)) {
      return -1;
    }
    return header.get(0);
  }

  /** The payload of the frame whose type was just read, at most {@code max} bytes. */
  byte[] payload(int max) throws IOException {
    int length = header.getInt(1);
    if (length < 0 || length > max) {
      throw new IOException("a frame of " + length + " bytes, expected at most " + max);
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    readFully(body, false);
    return body.array();
  }

  private boolean readFully(ByteBuffer buffer, boolean endAllowed) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        if (endAllowed && buffer.position() == 0) {
          return false;
        }
        throw new EOFException("the connection ended inside a frame");
      }
    }
    return true;
  }

  static String getString(ByteBuffer buffer) throws IOException {
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) {
      throw new IOException("a string of " + length + " bytes in a request of " + buffer.limit());
    }
    String text = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
    buffer.position(buffer.position() + length);
    return text;
  }
}
