package dev.imageci.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of the real registry that answers the first {@code failures}
 * connections (other than version checks) with HTTP 500 and relays every later one untouched: a
 * registry that is broken for a while, then recovers.
 */
final class FaultInjectingProxy implements AutoCloseable {

  private static final int TLS_HANDSHAKE = 0x16;

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final AtomicInteger failuresLeft;
  private final AtomicInteger failed = new AtomicInteger();

  FaultInjectingProxy(String target, int failures) throws IOException {
    int colon = target.lastIndexOf(':');
    this.targetHost = target.substring(0, colon);
    this.targetPort = Integer.parseInt(target.substring(colon + 1));
    this.failuresLeft = new AtomicInteger(failures);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "fault-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** host:port to put in image names. */
  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** How many connections were answered with 500. */
  int failedConnections() {
    return failed.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread handler = new Thread(() -> handle(client), "fault-proxy-connection");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = new java.io.BufferedInputStream(client.getInputStream());
      in.mark(1);
      if (in.read() == TLS_HANDSHAKE) {
        return; // Plain HTTP only, as the real registry: the client falls back to http://.
      }
      in.reset();
      byte[] head = readRequestHead(in);
      if (!isPing(head) && failuresLeft.getAndDecrement() > 0) {
        failed.incrementAndGet();
        client
            .getOutputStream()
            .write(
                ("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        return;
      }
      try (Socket upstream = new Socket(targetHost, targetPort)) {
        Thread back = pipe(upstream.getInputStream(), client.getOutputStream(), client);
        upstream.getOutputStream().write(head);
        pipe(in, upstream.getOutputStream(), upstream).join();
        back.join();
      }
    } catch (IOException | InterruptedException e) {
      // One connection ends; the client sees it closed, as with a real proxy.
    }
  }

  // The version check GET /v2/ is relayed: a failing one makes the daemon skip authentication.
  private static boolean isPing(byte[] head) {
    return new String(head, StandardCharsets.US_ASCII).startsWith("GET /v2/ ");
  }

  private static byte[] readRequestHead(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b; matched < 4 && (b = in.read()) >= 0; ) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static Thread pipe(InputStream from, OutputStream to, Socket closeWhenDone) {
    Thread thread =
        new Thread(
            () -> {
              try {
                from.transferTo(to);
                closeWhenDone.shutdownOutput();
              } catch (IOException e) {
                try {
                  closeWhenDone.close();
                } catch (IOException ignored) {
                  // Already closed.
                }
              }
            },
            "fault-proxy-pipe");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
