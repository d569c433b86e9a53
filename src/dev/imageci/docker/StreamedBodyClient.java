package dev.imageci.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.SSLConfig;
import com.github.dockerjava.transport.UnixSocket;
import dev.imageci.context.BuildContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends requests that stream a body (the build context) itself, in chunks of up to {@value
 * #CHUNK_BYTES} bytes, and passes every other request to docker-java's transport unchanged. A build
 * context writes itself into the body, on the sending thread, and its writes are the chunks (pieces
 * of 64 KiB to 1 MiB of the rootfs).
 *
 * <p>docker-java's transport copies a streamed body 4 KiB at a time, and the daemon pays for every
 * chunk: a 1 GiB context took twice as long to arrive as the same bytes sent in large chunks.
 */
final class StreamedBodyClient implements DockerHttpClient {

  static final int CHUNK_BYTES = 1024 * 1024;

  private final DockerHttpClient others;
  private final CloseableHttpClient uploads;
  private final HttpHost host;
  private final String pathPrefix;

  private StreamedBodyClient(
      DockerHttpClient others, CloseableHttpClient uploads, HttpHost host, String pathPrefix) {
    this.others = others;
    this.uploads = uploads;
    this.host = host;
    this.pathPrefix = pathPrefix;
  }

  /**
   * @param others docker-java's transport for the same daemon, for every request without a stream
   * @return a client for {@code dockerHost}; for a host other than unix:// and tcp:// (a Windows
   *     named pipe), {@code others} alone
   */
  static DockerHttpClient wrap(
      DockerHttpClient others, URI dockerHost, SSLConfig ssl, Duration connectTimeout) {
    String scheme = dockerHost.getScheme();
    // Limitation: a Windows named pipe keeps docker-java's 4 KiB chunks; no pipe socket here.
    if (!"unix".equals(scheme) && !"tcp".equals(scheme)) {
      return others;
    }
    SSLContext tls = sslContext(ssl);
    HttpHost host =
        "unix".equals(scheme)
            ? new HttpHost("http", "localhost", 2375)
            : new HttpHost(
                tls == null ? "http" : "https", dockerHost.getHost(), dockerHost.getPort());
    String path = "unix".equals(scheme) ? "" : dockerHost.getRawPath();
    String prefix = path == null || path.equals("/") ? "" : path.replaceAll("/$", "");
    return new StreamedBodyClient(others, client(dockerHost, tls, connectTimeout), host, prefix);
  }

  private static SSLContext sslContext(SSLConfig ssl) {
    try {
      return ssl == null ? null : ssl.getSSLContext();
    } catch (Exception e) {
      throw new IllegalArgumentException("the TLS settings are not usable: " + e.getMessage(), e);
    }
  }

  private static CloseableHttpClient client(URI dockerHost, SSLContext tls, Duration timeout) {
    String socketPath = dockerHost.getPath();
    boolean unix = "unix".equals(dockerHost.getScheme());
    TlsSocketStrategy tlsStrategy = tls == null ? null : new DefaultClientTlsStrategy(tls);
    var operator =
        new DefaultHttpClientConnectionOperator(
            proxy -> unix ? UnixSocket.get(socketPath) : new Socket(),
            DefaultSchemePortResolver.INSTANCE,
            SystemDefaultDnsResolver.INSTANCE,
            name -> "https".equalsIgnoreCase(name) ? tlsStrategy : null);
    var connections = new PoolingHttpClientConnectionManager(operator, null, null, null, null);
    // A build may send nothing back for an hour; the wall-clock --timeout bounds it instead.
    connections.setDefaultSocketConfig(
        SocketConfig.custom().setSoTimeout(Timeout.ZERO_MILLISECONDS).build());
    connections.setDefaultConnectionConfig(
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(timeout.toMillis(), TimeUnit.MILLISECONDS))
            .build());
    return HttpClients.custom()
        .setConnectionManager(connections)
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableContentCompression()
        .disableCookieManagement()
        .build();
  }

  @Override
  public Response execute(Request request) {
    InputStream body = request.bodyBytes() == null ? request.body() : null;
    if (body == null || request.hijackedInput() != null) {
      return others.execute(request);
    }
    HttpUriRequestBase http =
        new HttpUriRequestBase(request.method(), URI.create(pathPrefix + request.path()));
    http.setScheme(host.getSchemeName());
    http.setAuthority(new URIAuthority(host.getHostName(), host.getPort()));
    request.headers().forEach(http::addHeader);
    http.setEntity(new StreamedEntity(body));
    try {
      return new StreamedResponse(http, uploads.executeOpen(host, http, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      uploads.close();
    } finally {
      others.close();
    }
  }

  /** A body of unknown length, sent chunked, copied in large pieces. */
  private static final class StreamedEntity extends AbstractHttpEntity {
    private final InputStream body;

    StreamedEntity(InputStream body) {
      super((String) null, null, true);
      this.body = body;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      try (InputStream in = body) {
        if (body instanceof BuildContext.Stream) {
          in.transferTo(out); // written straight into the body: no pipe, no copy on the way
          return;
        }
        byte[] buffer = new byte[CHUNK_BYTES];
        for (int read; (read = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
          out.write(buffer, 0, read);
        }
      }
    }

    @Override
    public InputStream getContent() {
      return body;
    }

    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public boolean isRepeatable() {
      return false;
    }

    @Override
    public boolean isStreaming() {
      return true;
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  private static final class StreamedResponse implements Response {
    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;

    StreamedResponse(HttpUriRequestBase request, ClassicHttpResponse response) {
      this.request = request;
      this.response = response;
    }

    @Override
    public int getStatusCode() {
      return response.getCode();
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return Stream.of(response.getHeaders())
          .collect(
              Collectors.groupingBy(
                  NameValuePair::getName,
                  Collectors.mapping(NameValuePair::getValue, Collectors.toList())));
    }

    @Override
    public InputStream getBody() {
      try {
        return response.getEntity() == null
            ? InputStream.nullInputStream()
            : response.getEntity().getContent();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      // Aborting drops the connection: what is left of a stream the caller stopped reading.
      request.abort();
      try {
        response.close();
      } catch (IOException e) {
        // The connection is being dropped either way.
      }
    }
  }
}
