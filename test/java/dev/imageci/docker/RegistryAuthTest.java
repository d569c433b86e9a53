package dev.imageci.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bearer-token side of {@link Registry}, against a small token registry in this process: the
 * real registry in the other tests uses htpasswd (basic) authentication, and no token service can
 * run here. It answers as the distribution token specification describes.
 */
class RegistryAuthTest {

  private static final String MANIFEST =
      "{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\"\n}";
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  private static final String DIGEST = Digest.of(MANIFEST.getBytes(StandardCharsets.UTF_8)).value();

  private HttpServer server;
  private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Map<String, String> types = new ConcurrentHashMap<>();
  private volatile boolean digestOnHead = true;
  private volatile boolean basicOnly;
  private final List<String> manifestAuthorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/v2/team/app/manifests/", this::manifest);
    server.start();
    manifests.put("1.0", MANIFEST.getBytes(StandardCharsets.UTF_8));
    manifests.put(DIGEST, MANIFEST.getBytes(StandardCharsets.UTF_8));
    types.put("1.0", MANIFEST_TYPE);
    types.put(DIGEST, MANIFEST_TYPE);
  }

  @AfterEach
  void stopRegistry() {
    server.stop(0);
  }

  private Registry registry(RegistryCredential credential) {
    String host = "127.0.0.1:" + server.getAddress().getPort();
    return new Registry(ImageName.parse(host + "/team/app"), Optional.ofNullable(credential));
  }

  private RegistryCredential alice(String secret) {
    return new RegistryCredential("127.0.0.1", "alice", secret, "test");
  }

  @Test
  void readsADigestWithAPullTokenFetchedWithBasicCredentials() throws Exception {
    Optional<Digest> digest = registry(alice("s3cret")).digestOf(new Tag("1.0"));

    assertThat(digest).contains(Digest.parse(DIGEST));
    assertThat(tokenRequests)
        .containsExactly("GET alice scope=repository:team/app:pull service=fake-registry");
  }

  @Test
  void aMissingTagIsEmptyAndTheTokenIsFetchedOnce() throws Exception {
    Registry registry = registry(alice("s3cret"));

    assertThat(registry.digestOf(new Tag("nope"))).isEmpty();
    assertThat(registry.digestOf(new Tag("1.0"))).contains(Digest.parse(DIGEST));
    assertThat(tokenRequests).hasSize(1);
  }

  @Test
  void addingATagPutsTheManifestsExactBytesWithAPushToken() throws Exception {
    Digest tagged = registry(alice("s3cret")).addTag(Digest.parse(DIGEST), new Tag("1.1"));

    assertThat(tagged).isEqualTo(Digest.parse(DIGEST));
    assertThat(new String(manifests.get("1.1"), StandardCharsets.UTF_8)).isEqualTo(MANIFEST);
    assertThat(types.get("1.1")).startsWith(MANIFEST_TYPE);
    assertThat(tokenRequests)
        .containsExactly(
            "GET alice scope=repository:team/app:pull service=fake-registry",
            "GET alice scope=repository:team/app:pull,push service=fake-registry");
  }

  @Test
  void anIdentityTokenIsExchangedAsARefreshToken() throws Exception {
    RegistryCredential identity =
        new RegistryCredential("127.0.0.1", RegistryCredential.TOKEN_USER, "id-token-7", "test");

    assertThat(registry(identity).digestOf(new Tag("1.0"))).contains(Digest.parse(DIGEST));
    assertThat(tokenRequests)
        .containsExactly("POST refresh scope=repository:team/app:pull service=fake-registry");
  }

  @Test
  void aRefusedTokenIsAnErrorThatDoesNotShowTheSecret() {
    assertThatThrownBy(() -> registry(alice("wrong-secret-5")).digestOf(new Tag("1.0")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("reading the manifest of")
        .hasMessageContaining("token service 127.0.0.1 said HTTP 401")
        .hasMessageNotContaining("wrong-secret-5");
  }

  @Test
  void withoutADigestHeaderTheManifestBytesGiveTheDigest() throws Exception {
    digestOnHead = false;

    assertThat(registry(alice("s3cret")).digestOf(new Tag("1.0"))).contains(Digest.parse(DIGEST));
  }

  @Test
  void aRegistryThatAskedForBasicOnceGetsTheCredentialWithTheFirstRequestAfterwards()
      throws Exception {
    basicOnly = true;
    String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes());

    assertThat(registry(alice("s3cret")).digestOf(new Tag("1.0"))).contains(Digest.parse(DIGEST));
    assertThat(manifestAuthorizations).containsExactly("none", basic);
    manifestAuthorizations.clear();
    // A later command: a client of its own, which keeps no header, only that basic is the scheme.
    assertThat(registry(alice("s3cret")).digestOf(new Tag("1.0"))).contains(Digest.parse(DIGEST));
    assertThat(manifestAuthorizations).containsExactly(basic);
    assertThat(tokenRequests).isEmpty();
  }

  @Test
  void aRegistryThatMovedFromBasicToTokensIsAnsweredWithAToken() throws Exception {
    basicOnly = true;
    assertThat(registry(alice("s3cret")).digestOf(new Tag("1.0"))).contains(Digest.parse(DIGEST));
    basicOnly = false;

    assertThat(registry(alice("s3cret")).digestOf(new Tag("1.0"))).contains(Digest.parse(DIGEST));
    assertThat(tokenRequests)
        .containsExactly("GET alice scope=repository:team/app:pull service=fake-registry");
  }

  private void token(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    Map<String, String> form =
        parse(
            exchange.getRequestMethod().equals("POST")
                ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                : query);
    String who;
    if (exchange.getRequestMethod().equals("POST")) {
      boolean valid =
          "refresh_token".equals(form.get("grant_type"))
              && "id-token-7".equals(form.get("refresh_token"));
      who = valid ? "refresh" : null;
    } else {
      String expected =
          "Basic "
              + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
      who =
          expected.equals(exchange.getRequestHeaders().getFirst("Authorization")) ? "alice" : null;
    }
    if (who == null) {
      send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"no\"}]}", null);
      return;
    }
    String scope = form.get("scope");
    tokenRequests.add(
        exchange.getRequestMethod()
            + " "
            + who
            + " scope="
            + scope
            + " service="
            + form.get("service"));
    String token = scope.endsWith("push") ? "push-token" : "pull-token";
    String key = scope.endsWith("push") ? "access_token" : "token";
    send(exchange, 200, "{\"" + key + "\":\"" + token + "\"}", null);
  }

  private void manifest(HttpExchange exchange) throws IOException {
    String reference =
        exchange.getRequestURI().getPath().substring("/v2/team/app/manifests/".length());
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    manifestAuthorizations.add(authorization == null ? "none" : authorization);
    if (basicOnly) {
      String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes());
      if (!expected.equals(authorization)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake-registry\"");
        send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", null);
        return;
      }
      authorization = "Bearer pull-token"; // let the basic request read below
    }
    boolean put = exchange.getRequestMethod().equals("PUT");
    String needed = put ? "Bearer push-token" : null;
    boolean allowed =
        put
            ? needed.equals(authorization)
            : "Bearer pull-token".equals(authorization)
                || "Bearer push-token".equals(authorization);
    if (!allowed) {
      String realm = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
      exchange
          .getResponseHeaders()
          .add(
              "WWW-Authenticate",
              "Bearer realm=\""
                  + realm
                  + "\",service=\"fake-registry\",scope=\"repository:team/app:"
                  + (put ? "pull,push" : "pull")
                  + "\"");
      send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}", null);
      return;
    }
    if (put) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      manifests.put(reference, body);
      types.put(reference, exchange.getRequestHeaders().getFirst("Content-Type"));
      exchange.getResponseHeaders().add("Docker-Content-Digest", Digest.of(body).value());
      send(exchange, 201, "", null);
      return;
    }
    byte[] body = manifests.get(reference);
    if (body == null) {
      send(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}", null);
      return;
    }
    if (digestOnHead) {
      exchange.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
    }
    exchange.getResponseHeaders().add("Content-Type", types.get(reference));
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
      return;
    }
    send(exchange, 200, null, body);
  }

  private static void send(HttpExchange exchange, int status, String text, byte[] bytes)
      throws IOException {
    byte[] body = bytes != null ? bytes : text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  private static Map<String, String> parse(String form) {
    Map<String, String> values = new ConcurrentHashMap<>();
    if (form == null) {
      return values;
    }
    for (String pair : form.split("&")) {
      String[] parts = pair.split("=", 2);
      if (parts.length == 2) {
        values.put(
            URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
            URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
      }
    }
    return values;
  }
}
