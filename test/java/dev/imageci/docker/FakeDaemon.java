package dev.imageci.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A stand-in for the Docker daemon on a loopback TCP port, for what the real one cannot be made to
 * do on demand: die in the middle of a build, or send a success line after an error. It answers
 * pings, and answers a build with the given JSON lines.
 */
final class FakeDaemon implements AutoCloseable {

  private final ServerSocket server;
  private final List<String> buildLines;
  private final boolean dieAfterLines;
  // Kept-alive connections outlive the server socket; once dead they answer nothing either.
  private volatile boolean dead;

  FakeDaemon(List<String> buildLines, boolean dieAfterLines) throws IOException {
    this.buildLines = buildLines;
    this.dieAfterLines = dieAfterLines;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::serve, "fake-daemon");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String host() {
    return "tcp://127.0.0.1:" + server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread handler = new Thread(() -> handle(client), "fake-daemon-connection");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head.isEmpty() || dead) {
          return;
        }
        if (head.contains("/_ping")) {
          write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK");
        } else if (head.contains("/build")) {
          skipChunkedBody(in);
          answerBuild(out);
          return;
        } else {
          write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
      }
    } catch (IOException e) {
      // The client went away.
    }
  }

  private void answerBuild(OutputStream out) throws IOException {
    write(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (String line : buildLines) {
      byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
      write(out, Integer.toHexString(bytes.length) + "\r\n");
      out.write(bytes);
      write(out, "\r\n");
    }
    if (dieAfterLines) {
      dead = true;
      server.close(); // later pings are refused: the daemon is gone
      return;
    }
    write(out, "0\r\n\r\n");
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b; matched < 4 && (b = in.read()) >= 0; ) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static void skipChunkedBody(InputStream in) throws IOException {
    while (true) {
      StringBuilder size = new StringBuilder();
      for (int b; (b = in.read()) != '\n'; ) {
        if (b < 0) {
          return;
        }
        size.append((char) b);
      }
      int length = Integer.parseInt(size.toString().trim().split(";")[0], 16);
      in.skipNBytes(length + 2L);
      if (length == 0) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
