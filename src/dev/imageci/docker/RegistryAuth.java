package dev.imageci.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.net.URIBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends a repository's registry requests with the authentication the registry asks for: the first
 * request goes without, and its {@code 401} challenge says whether to send basic credentials or to
 * fetch a bearer token for the repository from the named realm. The answer is kept for the next
 * requests. Secrets and tokens only ever go into an {@code Authorization} header.
 *
 * <p>Token flow: https://distribution.github.io/distribution/spec/auth/token/
 */
final class RegistryAuth {

  /** Manifests are at most 4 MiB in the registry's own limits; tokens are far smaller. */
  static final int MAX_BODY = 4 * 1024 * 1024;

  private static final Pattern PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final String path;
  private final RegistryCredential credential;
  // Keyed by the actions a header allows ("pull", "pull,push"); a basic header allows both.
  private final Map<String, String> headers = new HashMap<>();

  RegistryAuth(String path, RegistryCredential credential) {
    this.path = path;
    this.credential = credential;
  }

  /**
   * The registries (scheme and authority) that answered a challenge of this process with basic
   * authentication: later commands send their own credential to them with the first request,
   * instead of learning the scheme again from a 401 (a round trip before the history record and
   * after the push of every build). Schemes only: no credential or token is kept between commands.
   * A registry that has changed its scheme since answers 401 and is asked again.
   */
  private static final Set<String> BASIC_REGISTRIES = ConcurrentHashMap.newKeySet();

  /** Sends {@code request}, answering one authentication challenge; push asks for push access. */
  RegistryResponse send(HttpUriRequestBase request, boolean push) throws IOException {
    String actions = push ? "pull,push" : "pull";
    String registry = registryOf(request);
    String known = headers.get(actions);
    if (known == null && sendsBasic() && BASIC_REGISTRIES.contains(registry)) {
      known = "Basic " + basic(credential);
    }
    if (known != null) {
      request.setHeader("Authorization", known);
    }
    RegistryResponse response = execute(request);
    if (response.status() != 401 || response.challenge().isEmpty()) {
      return response;
    }

    String header = answer(response.challenge().get(), actions);
    if (header == null) {
      return response;
    }
    if (header.startsWith("Basic ")) {
      BASIC_REGISTRIES.add(registry);
    }
    request.setHeader("Authorization", header);
    return execute(request);
  }

  private boolean sendsBasic() {
    return credential != null && !credential.isIdentityToken();
  }

  private static String registryOf(HttpUriRequestBase request) throws IOException {
    try {
      URI uri = request.getUri();
      return uri.getScheme() + "://" + uri.getRawAuthority();
    } catch (URISyntaxException e) {
      throw new IOException("not a registry address: " + e.getMessage(), e);
    }
  }

  /** The Authorization header for a challenge, or null when there is nothing to answer with. */
  private String answer(String challenge, String actions) throws IOException {
    String scheme = challenge.split(" ", 2)[0].toLowerCase(Locale.ROOT);
    if (scheme.equals("basic")) {
      if (!sendsBasic()) {
        return null;
      }
      String basic = "Basic " + basic(credential);
      headers.put("pull", basic);
      headers.put("pull,push", basic);
      return basic;
    }
    if (!scheme.equals("bearer")) {
      throw new IOException("the registry asks for " + scheme + " authentication, unsupported");
    }
    String bearer = "Bearer " + token(parameters(challenge), actions);
    headers.put(actions, bearer);
    if (actions.equals("pull,push")) {
      headers.put("pull", bearer);
    }
    return bearer;
  }

  private String token(Map<String, String> challenge, String actions) throws IOException {
    String realm = challenge.get("realm");
    if (realm == null) {
      throw new IOException("the registry's bearer challenge names no realm");
    }
    String scope = "repository:" + path + ":" + actions;
    String service = challenge.getOrDefault("service", "");
    HttpUriRequestBase request =
        credential != null && credential.isIdentityToken()
            ? refreshTokenRequest(realm, service, scope)
            : tokenRequest(realm, service, scope);
    RegistryResponse response = execute(request);
    if (response.status() != 200) {
      throw new IOException("the token service " + host(realm) + " said " + response.problem());
    }
    JsonNode json = new ObjectMapper().readTree(response.body());
    JsonNode token = json.hasNonNull("token") ? json.get("token") : json.get("access_token");
    if (token == null || !token.isTextual() || token.asText().isEmpty()) {
      throw new IOException("the token service " + host(realm) + " sent no token");
    }
    return token.asText();
  }

  private HttpUriRequestBase tokenRequest(String realm, String service, String scope)
      throws IOException {
    URIBuilder uri = uriBuilder(realm).addParameter("scope", scope);
    if (!service.isEmpty()) {
      uri.addParameter("service", service);
    }
    try {
      HttpGet get = new HttpGet(uri.build());
      if (credential != null) {
        get.setHeader("Authorization", "Basic " + basic(credential));
      }
      return get;
    } catch (URISyntaxException e) {
      throw new IOException("the registry's token realm is not a URL: " + realm, e);
    }
  }

  // An identity token (a credential helper's "<token>" user) is an OAuth2 refresh token.
  private HttpUriRequestBase refreshTokenRequest(String realm, String service, String scope)
      throws IOException {
    HttpPost post = new HttpPost(uri(realm));
    post.setEntity(
        new UrlEncodedFormEntity(
            List.of(
                new BasicNameValuePair("grant_type", "refresh_token"),
                new BasicNameValuePair("refresh_token", credential.secret()),
                new BasicNameValuePair("service", service),
                new BasicNameValuePair("scope", scope),
                new BasicNameValuePair("client_id", "imageci")),
            StandardCharsets.UTF_8));
    return post;
  }

  private static URIBuilder uriBuilder(String realm) throws IOException {
    return new URIBuilder(uri(realm));
  }

  private static URI uri(String realm) throws IOException {
    try {
      URI uri = new URI(realm);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
        throw new IOException("the registry's token realm is not an http(s) URL: " + realm);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IOException("the registry's token realm is not a URL: " + realm, e);
    }
  }

  private static String host(String realm) {
    try {
      return new URI(realm).getHost();
    } catch (URISyntaxException e) {
      return realm;
    }
  }

  static Map<String, String> parameters(String challenge) {
    Map<String, String> parameters = new HashMap<>();
    Matcher matcher = PARAMETER.matcher(challenge);
    while (matcher.find()) {
      parameters.put(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2));
    }
    return parameters;
  }

  private static String basic(RegistryCredential credential) {
    String pair = credential.username() + ":" + credential.secret();
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static RegistryResponse execute(HttpUriRequestBase request) throws IOException {
    return Http.CLIENT.execute(request, RegistryAuth::read);
  }

  private static RegistryResponse read(ClassicHttpResponse response) throws IOException {
    HttpEntity entity = response.getEntity();
    byte[] body = new byte[0];
    if (entity != null) {
      try (InputStream in = entity.getContent()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        throw new IOException("the registry sent more than " + MAX_BODY + " bytes");
      }
    }
    return new RegistryResponse(
        response.getCode(),
        header(response, "Docker-Content-Digest"),
        header(response, "Content-Type").orElse("application/octet-stream"),
        header(response, "WWW-Authenticate"),
        body);
  }

  private static Optional<String> header(ClassicHttpResponse response, String name) {
    Header header = response.getFirstHeader(name);
    return header == null ? Optional.empty() : Optional.of(header.getValue());
  }

  /** One client for the process, made on first use: commands that never ask a registry skip it. */
  private static final class Http {
    static final CloseableHttpClient CLIENT =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.ofSeconds(15))
                            .setSocketTimeout(Timeout.ofSeconds(60))
                            .setTimeToLive(1, TimeUnit.MINUTES)
                            .build())
                    .build())
            .setUserAgent("imageci")
            .disableCookieManagement()
            .build();
  }
}
