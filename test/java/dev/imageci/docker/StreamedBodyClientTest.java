package dev.imageci.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.imageci.context.BuildContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a daemon stand-in on loopback that records the HTTP chunks as they arrive. */
class StreamedBodyClientTest {

  private static final String ANSWER = "{\"stream\":\"Step 1/1 : FROM scratch\\n\"}";

  @Test
  void sendsAStreamedBodyWholeInChunksOfAMebibyte() throws Exception {
    byte[] body = new byte[(3 << 20) + 12345];
    new Random(3).nextBytes(body);
    List<Integer> chunks = new ArrayList<>();
    ByteArrayOutputStream received = new ByteArrayOutputStream();

    String requestLine =
        send(
            new ByteArrayInputStream(body),
            chunks,
            received,
            (response, answer) -> {
              assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
              assertThat(answer).isEqualTo(ANSWER);
            });

    assertThat(requestLine).isEqualTo("POST /v1.41/build?t=x HTTP/1.1");
    assertThat(received.toByteArray()).isEqualTo(body);
    assertThat(chunks)
        .as("chunk sizes")
        .containsExactly(StreamedBodyClient.CHUNK_BYTES, 1 << 20, 1 << 20, 12345);
  }

  @Test
  void aBuildContextWritesItselfIntoTheBodyInLargeChunks(@TempDir Path dir) throws Exception {
    byte[] rootfs = new byte[3 << 20];
    new Random(5).nextBytes(rootfs);
    Path file = Files.write(dir.resolve("rootfs.tar"), rootfs);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    new BuildContext("FROM scratch\n", file, "rootfs.tar").writeTo(expected);
    List<Integer> chunks = new ArrayList<>();
    ByteArrayOutputStream received = new ByteArrayOutputStream();

    try (InputStream context = new BuildContext("FROM scratch\n", file, "rootfs.tar").open()) {
      send(context, chunks, received, (response, answer) -> {});
    }

    assertThat(received.toByteArray()).isEqualTo(expected.toByteArray());
    // Its own writes are the chunks: three mebibytes of rootfs, then the Dockerfile and the end
    // (never the tar block by block).
    assertThat(chunks).hasSizeLessThanOrEqualTo(6);
  }

  /**
   * Sends {@code body} as a build's to a stand-in daemon, checks the answer is a 200 and passes it
   * and its body to {@code check}; returns the request line the stand-in read.
   */
  private static String send(
      InputStream body, List<Integer> chunks, ByteArrayOutputStream received, Check check)
      throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> requestLine =
          CompletableFuture.supplyAsync(() -> answerOnce(server, chunks, received));
      try (DockerHttpClient client = client(server, new NoOtherRequests());
          Response response =
              client.execute(
                  Request.builder()
                      .method(Request.Method.POST)
                      .path("/v1.41/build?t=x")
                      .putHeader("Content-Type", "application/x-tar")
                      .body(body)
                      .build())) {
        assertThat(response.getStatusCode()).isEqualTo(200);
        // Read to the end: closing a response early would drop the connection under the stand-in.
        check.accept(response, new String(response.getBody().readAllBytes(), UTF_8));
      }
      return requestLine.get(30, TimeUnit.SECONDS);
    }
  }

  private interface Check {
    void accept(Response response, String body);
  }

  @Test
  void passesRequestsWithoutAStreamedBodyToDockerJavasTransport() throws Exception {
    NoOtherRequests others = new NoOtherRequests();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        DockerHttpClient client = client(server, others)) {

      client.execute(Request.builder().method(Request.Method.GET).path("/_ping").build());
      client.execute(
          Request.builder()
              .method(Request.Method.POST)
              .path("/containers/create")
              .bodyBytes("{}".getBytes(StandardCharsets.UTF_8))
              .build());
    }

    assertThat(others.paths).containsExactly("/_ping", "/containers/create");
  }

  private static DockerHttpClient client(ServerSocket server, DockerHttpClient others) {
    URI host = URI.create("tcp://127.0.0.1:" + server.getLocalPort());
    return StreamedBodyClient.wrap(others, host, null, Duration.ofSeconds(10));
  }

  /** Reads one chunked request, records its chunks, answers with one JSON line. */
  private static String answerOnce(
      ServerSocket server, List<Integer> chunks, ByteArrayOutputStream body) {
    try (Socket socket = server.accept()) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      String requestLine = line(in);
      boolean chunked = false;
      for (String header; !(header = line(in)).isEmpty(); ) {
        chunked |= header.equalsIgnoreCase("Transfer-Encoding: chunked");
      }
      if (!chunked) {
        throw new AssertionError("the body was not sent chunked");
      }
      for (int size; (size = Integer.parseInt(line(in), 16)) > 0; ) {
        byte[] chunk = new byte[size];
        in.readFully(chunk);
        chunks.add(size);
        body.write(chunk);
        line(in);
      }
      line(in);
      OutputStream out = socket.getOutputStream();
      byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + answer.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(answer);
      out.flush();
      return requestLine;
    } catch (IOException e) {
      throw new AssertionError("the stand-in daemon failed: " + e, e);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("the connection ended mid-line: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** docker-java's transport, as far as these tests need it: it records what it is given. */
  private static final class NoOtherRequests implements DockerHttpClient {
    final List<String> paths = new ArrayList<>();

    @Override
    public Response execute(Request request) {
      paths.add(request.path());
      return new Response() {
        @Override
        public int getStatusCode() {
          return 200;
        }

        @Override
        public Map<String, List<String>> getHeaders() {
          return Map.of();
        }

        @Override
        public InputStream getBody() {
          return InputStream.nullInputStream();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {}
  }
}
