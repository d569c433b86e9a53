package dev.imageci.resident;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker daemon and a registry on loopback that answer just enough of their APIs for {@code
 * imageci build --push} to succeed, so the warm-up runs the code a real build runs: the build and
 * push streams, the image inspection, the registry's manifest requests. They build and store
 * nothing: a build reads the context to its end and reports a new image id, a push reports the
 * digest of a made-up manifest, which the registry then serves. Only for the warm-up, which gives
 * them no credentials.
 */
final class StandIns implements AutoCloseable {

  private static final Pattern VERSION = Pattern.compile("^/v1\\.\\d+(/.*)$");
  private static final Pattern INSPECT = Pattern.compile("^/images/(.+)/json$");
  private static final Pattern PUSH = Pattern.compile("^/images/(.+)/push$");
  private static final Pattern IMAGE = Pattern.compile("^/images/(.+)$");
  private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
  private static final String MANIFEST_TYPE =
      "application/vnd.docker.distribution.manifest.v2+json";

  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "imageci-warmup-stand-in");
            thread.setDaemon(true);
            return thread;
          });
  private final HttpServer daemon;
  private final HttpServer registry;
  private final AtomicInteger builds = new AtomicInteger();
  private final Map<String, String> images = new ConcurrentHashMap<>(); // reference -> image id
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>(); // repo:tag, repo@digest

  private StandIns() throws IOException {
    daemon = server(this::daemon);
    registry = server(this::registry);
  }

  static StandIns start() throws IOException {
    return new StandIns();
  }

  /** The daemon's address, as DOCKER_HOST. */
  String dockerHost() {
    return "tcp://127.0.0.1:" + daemon.getAddress().getPort();
  }

  /** The registry's host and port, for an image name. */
  String registryHost() {
    return "127.0.0.1:" + registry.getAddress().getPort();
  }

  private HttpServer server(Handler handler) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            handler.handle(exchange);
          }
        });
    server.setExecutor(threads);
    server.start();
    return server;
  }

  private void daemon(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    Matcher versioned = VERSION.matcher(path);
    if (versioned.matches()) {
      path = versioned.group(1);
    }
    String method = exchange.getRequestMethod();
    Matcher match;
    if (path.equals("/_ping")) {
      exchange.getResponseHeaders().set("Api-Version", "1.41");
      send(exchange, 200, "text/plain", "OK");
    } else if (path.equals("/version")) {
      send(exchange, 200, "application/json", "{\"ApiVersion\":\"1.41\",\"Version\":\"20.10.24\"}");
    } else if (method.equals("POST") && path.equals("/build")) {
      build(exchange);
    } else if (method.equals("GET") && (match = INSPECT.matcher(path)).matches()) {
      inspect(exchange, decode(match.group(1)));
    } else if (method.equals("POST") && (match = PUSH.matcher(path)).matches()) {
      push(exchange, decode(match.group(1)));
    } else if (method.equals("DELETE") && (match = IMAGE.matcher(path)).matches()) {
      images.remove(decode(match.group(1)));
      send(exchange, 200, "application/json", "[]");
    } else {
      send(exchange, 404, "application/json", "{\"message\":\"not in the warm-up's daemon\"}");
    }
  }

  private void build(HttpExchange exchange) throws IOException {
    try (InputStream context = exchange.getRequestBody()) {
      context.transferTo(OutputStream.nullOutputStream());
    }
    Digest id = Digest.of(("build " + builds.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
    List<String> tags = query(exchange, "t");
    tags.forEach(tag -> images.put(tag, id.value()));
    StringBuilder stream = new StringBuilder();
    stream.append(line("{\"stream\":\"Step 1/2 : FROM scratch\\n\"}"));
    stream.append(line("{\"stream\":\" ---\\u003e Running in 0123456789ab\\n\"}"));
    stream.append(line("{\"stream\":\"Step 2/2 : CMD [\\\"x\\\"]\\n\"}"));
    stream.append(line("{\"aux\":{\"ID\":\"" + id + "\"}}"));
    stream.append(line("{\"stream\":\"Successfully built " + id.shortHex() + "\\n\"}"));
    for (String tag : tags) {
      stream.append(line("{\"stream\":\"Successfully tagged " + tag + "\\n\"}"));
    }
    send(exchange, 200, "application/json", stream.toString());
  }

  private void inspect(HttpExchange exchange, String reference) throws IOException {
    String id = images.get(reference);
    if (id == null) {
      send(exchange, 404, "application/json", "{\"message\":\"No such image: " + reference + "\"}");
      return;
    }
    send(
        exchange,
        200,
        "application/json",
        "{\"Id\":\""
            + id
            + "\",\"RepoTags\":[\""
            + reference
            + "\"],\"RepoDigests\":[],\"Created\":\"2026-01-01T00:00:00Z\",\"Size\":0,"
            + "\"Os\":\"linux\",\"Architecture\":\"amd64\",\"Config\":{\"Labels\":{}}}");
  }

  private void push(HttpExchange exchange, String repository) throws IOException {
    String tag = query(exchange, "tag").stream().findFirst().orElse("latest");
    String id = images.get(repository + ":" + tag);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\",\"config\":\"" + id + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.of(manifest);
    String name = ImageName.parse(repository).path();
    manifests.put(name + ":" + tag, manifest);
    manifests.put(name + "@" + digest, manifest);
    send(
        exchange,
        200,
        "application/json",
        line("{\"status\":\"The push refers to repository [" + repository + "]\"}")
            + line("{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"0123456789ab\"}")
            + line("{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"0123456789ab\"}")
            + line(
                "{\"status\":\""
                    + tag
                    + ": digest: "
                    + digest
                    + " size: "
                    + manifest.length
                    + "\"}")
            + line(
                "{\"progressDetail\":{},\"aux\":{\"Tag\":\""
                    + tag
                    + "\",\"Digest\":\""
                    + digest
                    + "\",\"Size\":"
                    + manifest.length
                    + "}}"));
  }

  private void registry(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    Matcher match = MANIFEST.matcher(path);
    if (path.equals("/v2/") || path.equals("/v2")) {
      send(exchange, 200, "application/json", "{}");
      return;
    }
    if (!match.matches()) {
      send(exchange, 404, "application/json", "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}");
      return;
    }
    String reference = match.group(2);
    String key = match.group(1) + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    String method = exchange.getRequestMethod();
    if (method.equals("PUT")) {
      byte[] manifest = exchange.getRequestBody().readAllBytes();
      Digest digest = Digest.of(manifest);
      manifests.put(key, manifest);
      manifests.put(match.group(1) + "@" + digest, manifest);
      exchange.getResponseHeaders().set("Docker-Content-Digest", digest.value());
      exchange.sendResponseHeaders(201, -1);
      return;
    }
    byte[] manifest = manifests.get(key);
    if (manifest == null) {
      send(exchange, 404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
      return;
    }
    exchange.getResponseHeaders().set("Docker-Content-Digest", Digest.of(manifest).value());
    exchange.getResponseHeaders().set("Content-Type", MANIFEST_TYPE);
    if (method.equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, manifest.length);
    exchange.getResponseBody().write(manifest);
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String line(String json) {
    return json + "\r\n";
  }

  private static List<String> query(HttpExchange exchange, String name) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return List.of();
    }
    return Pattern.compile("&")
        .splitAsStream(query)
        .filter(pair -> pair.startsWith(name + "="))
        .map(pair -> decode(pair.substring(name.length() + 1)))
        .toList();
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    daemon.stop(0);
    registry.stop(0);
    threads.shutdownNow();
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }
}
