package dev.imageci.context;

import dev.imageci.context.CappedInputStream.LimitExceededException;
import dev.imageci.context.ResolveAllowedHost.HostRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;

/**
 * Downloads a rootfs given as an http(s) URL, so that the daemon never fetches it from its own
 * host. Redirects are followed by hand, each hop checked again; hosts must resolve to public
 * addresses unless the policy says otherwise; connecting, waiting and the whole download are timed
 * out, and the body may not grow past the size cap.
 */
final class DownloadRootfs {

  /** Reads the response body; the body is open only during the call. */
  interface BodyReader<T> {
    T read(InputStream body) throws IOException, RootfsException;
  }

  private static final String USER_AGENT = "imageci rootfs download";
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "imageci-download-timer");
            thread.setDaemon(true);
            return thread;
          });

  private final RootfsPolicy policy;
  private final SSLContext tls;

  DownloadRootfs(RootfsPolicy policy) {
    this(policy, SSLContexts.createSystemDefault());
  }

  /** With {@code tls} deciding which servers are trusted (tests use their own authority). */
  DownloadRootfs(RootfsPolicy policy, SSLContext tls) {
    this.policy = policy;
    this.tls = tls;
  }

  /** Downloads {@code url} and hands the body of the final answer to {@code reader}. */
  <T> T call(URI url, BodyReader<T> reader) throws RootfsException {
    long deadline = System.nanoTime() + policy.downloadTimeout().toNanos();
    AtomicBoolean timedOut = new AtomicBoolean();
    try (CloseableHttpClient client = client()) {
      URI current = url;
      for (int redirects = 0; ; redirects++) {
        checkUrl(url, current);
        HttpGet get = new HttpGet(current);
        ScheduledFuture<?> abort = abortAtDeadline(get, deadline, timedOut);
        ClassicHttpResponse response = null;
        try {
          response = client.executeOpen(null, get, null);
          int status = response.getCode();
          if (isRedirect(status)) {
            current = redirect(url, current, response, redirects);
            continue;
          }
          checkStatus(url, current, response);
          return reader.read(body(response.getEntity()));
        } finally {
          abort.cancel(false);
          discard(get, response);
        }
      }
    } catch (IOException | RootfsException e) {
      // Whatever an aborted connection looked like to the reader, the cause is the deadline.
      if (timedOut.get()) {
        throw new RootfsException(
            "rootfs "
                + show(url)
                + ": the download took longer than "
                + seconds(policy.downloadTimeout())
                + RootfsPolicy.hint(RootfsPolicy.DOWNLOAD_TIMEOUT),
            e);
      }
      throw e instanceof RootfsException refused ? refused : failure(url, (IOException) e);
    }
  }

  /** Aborting closes the connection, which also ends a read blocked on a slow server. */
  private static ScheduledFuture<?> abortAtDeadline(
      HttpGet get, long deadline, AtomicBoolean timedOut) {
    return TIMER.schedule(
        () -> {
          timedOut.set(true);
          get.cancel();
        },
        Math.max(0, deadline - System.nanoTime()),
        TimeUnit.NANOSECONDS);
  }

  /**
   * Closes the connection rather than letting the client drain the rest of the body to reuse it: a
   * refused archive may have gigabytes left.
   */
  private static void discard(HttpGet get, ClassicHttpResponse response) {
    get.cancel();
    if (response != null) {
      try {
        response.close();
      } catch (IOException e) {
        // The connection is already gone; closing it again can only fail the same way.
      }
    }
  }

  private RootfsException failure(URI url, IOException e) {
    String label = "rootfs " + show(url) + ": ";
    if (e instanceof HostRefusedException || e instanceof LimitExceededException) {
      return new RootfsException(label + e.getMessage(), e);
    }
    if (e instanceof ConnectTimeoutException) {
      return new RootfsException(
          label
              + "connecting took longer than "
              + seconds(policy.connectTimeout())
              + RootfsPolicy.hint(RootfsPolicy.CONNECT_TIMEOUT),
          e);
    }
    if (e instanceof SocketTimeoutException) {
      return new RootfsException(
          label
              + "the server sent nothing for "
              + seconds(policy.readTimeout())
              + " (an administrator can change the limit with "
              + RootfsPolicy.READ_TIMEOUT
              + ")",
          e);
    }
    return new RootfsException(label + "the download failed: " + describe(e), e);
  }

  private static void checkStatus(URI url, URI current, ClassicHttpResponse response)
      throws RootfsException {
    int status = response.getCode();
    if (status < 200 || status > 299) {
      throw new RootfsException(
          "rootfs "
              + show(url)
              + ": the server answered "
              + status
              + " "
              + response.getReasonPhrase()
              + (current.equals(url) ? "" : " for " + show(current))
              + "; expected 200 and the archive");
    }
  }

  /** The URL for messages: no query, which may carry a token. */
  static String show(URI url) {
    if (url.isOpaque()) {
      return url.getScheme() + ":...";
    }
    String authority = url.getRawAuthority() == null ? "" : url.getRawAuthority();
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    String shown = url.getScheme() + "://" + authority + path;
    return url.getRawQuery() == null ? shown : shown + "?...";
  }

  private CloseableHttpClient client() {
    ConnectionConfig connection =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(policy.connectTimeout()))
            .setSocketTimeout(Timeout.of(policy.readTimeout()))
            .build();
    RequestConfig request =
        RequestConfig.custom()
            .setRedirectsEnabled(false)
            .setResponseTimeout(Timeout.of(policy.readTimeout()))
            .build();
    // Limitation: no HTTP proxy is used, because connecting through one would skip the host check.
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new ResolveAllowedHost(policy))
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                .setDefaultConnectionConfig(connection)
                .build())
        .setDefaultRequestConfig(request)
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableContentCompression()
        .disableCookieManagement()
        .disableAuthCaching()
        .setUserAgent(USER_AGENT)
        .build();
  }

  private void checkUrl(URI original, URI url) throws RootfsException {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new RootfsException(
          "rootfs "
              + show(original)
              + ": redirected to "
              + show(url)
              + "; expected an http(s) URL");
    }
    if (url.getHost() == null || url.getRawUserInfo() != null) {
      throw new RootfsException(
          "rootfs "
              + show(original)
              + ": the URL "
              + show(url)
              + " needs a host and no user:password part");
    }
    String host = ResolveAllowedHost.bare(url.getHost());
    if (!policy.allowedHosts().isEmpty() && !policy.allowedHosts().contains(host)) {
      throw new RootfsException(
          "rootfs "
              + show(original)
              + ": host "
              + host
              + " is not in "
              + RootfsPolicy.ALLOWED_HOSTS
              + " "
              + policy.allowedHosts().stream().sorted().toList());
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private URI redirect(URI original, URI current, ClassicHttpResponse response, int redirects)
      throws RootfsException {
    String label = "rootfs " + show(original);
    if (redirects >= policy.maxRedirects()) {
      throw new RootfsException(
          label
              + ": more than "
              + policy.maxRedirects()
              + " redirects"
              + RootfsPolicy.hint(RootfsPolicy.MAX_REDIRECTS));
    }
    Header location = response.getFirstHeader("Location");
    if (location == null || location.getValue().isBlank()) {
      throw new RootfsException(
          label + ": the server answered " + response.getCode() + " without a Location");
    }
    URI next;
    try {
      next = current.resolve(new URI(location.getValue().trim()));
    } catch (URISyntaxException e) {
      throw new RootfsException(label + ": the server redirected to an invalid URL", e);
    }
    if ("https".equalsIgnoreCase(current.getScheme())
        && "http".equalsIgnoreCase(next.getScheme())) {
      throw new RootfsException(
          label + ": redirected from https to plain http (" + show(next) + "); refused");
    }
    return next;
  }

  private InputStream body(HttpEntity entity) throws IOException {
    if (entity == null) {
      return InputStream.nullInputStream();
    }
    if (entity.getContentLength() > policy.maxDownloadBytes()) {
      throw new LimitExceededException(
          "the server announces "
              + entity.getContentLength()
              + " bytes, over the limit of "
              + policy.maxDownloadBytes()
              + RootfsPolicy.hint(RootfsPolicy.MAX_DOWNLOAD_BYTES));
    }
    return new CappedInputStream(
        entity.getContent(),
        policy.maxDownloadBytes(),
        "the download",
        RootfsPolicy.MAX_DOWNLOAD_BYTES);
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
