package dev.imageci.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.imageci.config.Rootfs;
import dev.imageci.context.Tarballs.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a real HTTP server on loopback, through the public {@link RootfsPreparer}. */
class DownloadRootfsTest {

  @TempDir Path downloads;

  private final byte[] archive = RootfsPreparerTest.goodRootfs().bytes(Compression.GZIP);
  private final AtomicInteger requests = new AtomicInteger();
  private final CompletableFuture<Boolean> clientHungUp = new CompletableFuture<>();
  private HttpServer server;
  private ExecutorService executor;
  private String base;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    serve("/rootfs.tar.gz", exchange -> send(exchange, 200, archive));
    serve("/redirect", exchange -> redirect(exchange, "/rootfs.tar.gz"));
    serve("/loop", exchange -> redirect(exchange, "/loop"));
    serve("/to-localhost", exchange -> redirect(exchange, localhost() + "/rootfs.tar.gz"));
    serve("/to-file", exchange -> redirect(exchange, "file:///etc/passwd"));
    serve("/missing", exchange -> send(exchange, 404, "not here".getBytes()));
    serve("/big", exchange -> send(exchange, 200, new byte[2 << 20]));
    serve("/big-chunked", this::sendChunkedZeros);
    serve("/slow", this::trickle);
    serve("/hang", this::hang);
    serve("/evil.tar.gz", exchange -> send(exchange, 200, evilArchive()));
    serve("/evil-big.tar", this::sendEvilThenMore);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void downloadsAndChecksARootfsIntoATemporaryFileDeletedOnClose() throws Exception {
    PreparedRootfs prepared = preparer(loopbackAllowed()).prepare(url("/rootfs.tar.gz", null));

    assertThat(prepared.temporary()).isTrue();
    assertThat(prepared.file()).startsWith(downloads).hasBinaryContent(archive);
    assertThat(prepared.sha256()).isEqualTo(Tarballs.sha256(archive));
    assertThat(prepared.size()).isEqualTo(archive.length);

    prepared.close();

    assertThat(prepared.file()).doesNotExist();
  }

  @Test
  void verifiesTheSha256OfADownload() throws Exception {
    String expected = "cd".repeat(32);

    assertThatThrownBy(() -> preparer(loopbackAllowed()).prepare(url("/rootfs.tar.gz", expected)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("sha256 mismatch: the form expects " + expected)
        .hasMessageContaining("but the archive has " + Tarballs.sha256(archive));
    assertThat(downloads).isEmptyDirectory();
  }

  @Test
  void followsARedirect() throws Exception {
    try (PreparedRootfs prepared =
        preparer(loopbackAllowed()).prepare(url("/redirect", Tarballs.sha256(archive)))) {

      assertThat(prepared.file()).hasBinaryContent(archive);
    }
    assertThat(requests).hasValue(2);
  }

  @Test
  void refusesARedirectToAHostOutsideTheAllowlist() {
    RootfsPolicy policy = policy(Map.of("IMAGECI_ROOTFS_ALLOWED_HOSTS", "127.0.0.1"));

    assertThatThrownBy(() -> preparer(policy).prepare(url("/to-localhost", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("host localhost is not in IMAGECI_ROOTFS_ALLOWED_HOSTS [127.0.0.1]");
    assertThat(requests).as("nothing is fetched from the refused host").hasValue(1);
  }

  @Test
  void refusesARedirectToAnotherScheme() {
    assertThatThrownBy(() -> preparer(loopbackAllowed()).prepare(url("/to-file", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("redirected to file:///etc/passwd; expected an http(s) URL");
  }

  @Test
  void refusesTooManyRedirects() {
    assertThatThrownBy(() -> preparer(loopbackAllowed()).prepare(url("/loop", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("more than 5 redirects")
        .hasMessageContaining("IMAGECI_ROOTFS_MAX_REDIRECTS");
    assertThat(requests).hasValue(6);
  }

  @Test
  void refusesADownloadThatAnnouncesMoreThanTheSizeCap() {
    RootfsPolicy policy =
        loopbackAllowed().withDownloadLimits(1 << 20, 5, seconds(10), seconds(60));

    assertThatThrownBy(() -> preparer(policy).prepare(url("/big", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the server announces 2097152 bytes, over the limit of 1048576")
        .hasMessageContaining("IMAGECI_ROOTFS_MAX_DOWNLOAD_BYTES");
    assertThat(downloads).isEmptyDirectory();
  }

  @Test
  void stopsReadingADownloadPastTheSizeCap() {
    RootfsPolicy policy =
        loopbackAllowed().withDownloadLimits(1 << 20, 5, seconds(10), seconds(60));

    assertThatThrownBy(() -> preparer(policy).prepare(url("/big-chunked", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the download is larger than the limit of 1048576 bytes");
    assertThat(downloads).isEmptyDirectory();
  }

  @Test
  void downloadsOverHttpsAndRefusesAFallBackToPlainHttp() throws Exception {
    SSLContext tls = selfSignedTls();
    HttpsServer https =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls));
    https.createContext("/rootfs.tar.gz", exchange -> respond(exchange, 200, archive));
    https.createContext(
        "/downgrade", exchange -> redirectAndClose(exchange, base + "/rootfs.tar.gz"));
    https.start();
    String secure = "https://127.0.0.1:" + https.getAddress().getPort();
    DownloadRootfs download = new DownloadRootfs(loopbackAllowed(), tls);
    try {

      byte[] body = download.call(URI.create(secure + "/rootfs.tar.gz"), InputStream::readAllBytes);

      assertThat(body).isEqualTo(archive);
      assertThatThrownBy(() -> download.call(URI.create(secure + "/downgrade"), in -> 0))
          .isInstanceOf(RootfsException.class)
          .hasMessage(
              "rootfs "
                  + secure
                  + "/downgrade: redirected from https to plain http ("
                  + base
                  + "/rootfs.tar.gz); refused");
      assertThat(requests).as("the plain http server is never asked").hasValue(0);
    } finally {
      https.stop(0);
    }
  }

  @Test
  void reportsANon2xxAnswer() {
    assertThatThrownBy(() -> preparer(loopbackAllowed()).prepare(url("/missing", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessage(
            "rootfs "
                + base
                + "/missing: the server answered 404 Not Found;"
                + " expected 200 and the archive");
  }

  @Test
  void stopsASlowDownloadAtTheOverallTimeout() {
    RootfsPolicy policy =
        loopbackAllowed().withDownloadLimits(1 << 30, 5, seconds(10), Duration.ofSeconds(1));

    assertThatThrownBy(() -> preparer(policy).prepare(url("/slow", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the download took longer than 1 s")
        .hasMessageContaining("IMAGECI_ROOTFS_DOWNLOAD_TIMEOUT");
    assertThat(downloads).isEmptyDirectory();
  }

  @Test
  void stopsAServerThatSendsNothing() {
    RootfsPolicy policy =
        loopbackAllowed().withDownloadLimits(1 << 30, 5, Duration.ofMillis(500), seconds(60));

    assertThatThrownBy(() -> preparer(policy).prepare(url("/hang", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the server sent nothing for 500 ms");
  }

  @Test
  void refusesLoopbackWithTheDefaultPolicy() {
    assertThatThrownBy(() -> preparer(RootfsPolicy.defaults()).prepare(url("/rootfs.tar.gz", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("host 127.0.0.1 resolves to 127.0.0.1, a loopback address")
        .hasMessageContaining("IMAGECI_ROOTFS_ALLOW_PRIVATE_HOSTS=true");
    assertThat(requests).as("the server is never contacted").hasValue(0);
  }

  @Test
  void refusesLocalhostByNameWithTheDefaultPolicy() {
    Rootfs rootfs = new Rootfs(null, URI.create(localhost() + "/rootfs.tar.gz"), null, false);

    assertThatThrownBy(() -> preparer(RootfsPolicy.defaults()).prepare(rootfs))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("host localhost resolves to")
        .hasMessageContaining("a loopback address");
    assertThat(requests).hasValue(0);
  }

  @Test
  void allowsLoopbackWhenTheAdministratorSwitchIsOn() throws Exception {
    RootfsPolicy policy = policy(Map.of("IMAGECI_ROOTFS_ALLOW_PRIVATE_HOSTS", "true"));

    try (PreparedRootfs prepared = preparer(policy).prepare(url("/rootfs.tar.gz", null))) {

      assertThat(prepared.sha256()).isEqualTo(Tarballs.sha256(archive));
    }
  }

  @Test
  void allowsAHostTheAdministratorListed() throws Exception {
    RootfsPolicy policy = policy(Map.of("IMAGECI_ROOTFS_ALLOWED_HOSTS", "example.org, 127.0.0.1"));

    try (PreparedRootfs prepared = preparer(policy).prepare(url("/rootfs.tar.gz", null))) {

      assertThat(prepared.size()).isEqualTo(archive.length);
    }
  }

  @Test
  void refusesAHostileDownloadAndDeletesIt() {
    assertThatThrownBy(() -> preparer(loopbackAllowed()).prepare(url("/evil.tar.gz", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessage(
            "rootfs "
                + base
                + "/evil.tar.gz: entry \"bin/su\" is set-uid;"
                + " allow it with rootfs.allowSetuid: true");
    assertThat(downloads).isEmptyDirectory();
  }

  @Test
  void hangsUpOnARefusedArchiveInsteadOfReadingTheRest() throws Exception {
    assertThatThrownBy(() -> preparer(loopbackAllowed()).prepare(url("/evil-big.tar", null)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("entry \"bin/su\" is set-uid");

    assertThat(clientHungUp.get(30, TimeUnit.SECONDS))
        .as("the server could not send the rest of the body")
        .isTrue();
  }

  @Test
  void keepsTheQueryOutOfMessages() {
    Rootfs rootfs = new Rootfs(null, URI.create(base + "/missing?token=s3cr3t"), null, false);

    assertThatThrownBy(() -> preparer(loopbackAllowed()).prepare(rootfs))
        .isInstanceOf(RootfsException.class)
        .hasMessageStartingWith("rootfs " + base + "/missing?...: the server answered 404")
        .message()
        .doesNotContain("s3cr3t");
  }

  private RootfsPreparer preparer(RootfsPolicy policy) {
    return new RootfsPreparer(policy.withDownloadDirectory(downloads));
  }

  private RootfsPolicy loopbackAllowed() {
    return RootfsPolicy.defaults().withAllowPrivateHosts(true);
  }

  private RootfsPolicy policy(Map<String, String> env) {
    return RootfsPolicy.fromEnvironment(env);
  }

  private Rootfs url(String path, String sha256) {
    return new Rootfs(null, URI.create(base + path), sha256, false);
  }

  private String localhost() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  private static Duration seconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static byte[] evilArchive() {
    return Tarballs.tar().file("bin/su", "x", 04755).bytes(Compression.GZIP);
  }

  private void serve(String path, HttpHandler handler) {
    server.createContext(
        path,
        exchange -> {
          requests.incrementAndGet();
          try (exchange) {
            handler.handle(exchange);
          } catch (IOException e) {
            // The client went away, as it should when it refuses a download.
          }
        });
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    try (exchange) {
      send(exchange, status, body);
    }
  }

  private static void redirectAndClose(HttpExchange exchange, String location) throws IOException {
    try (exchange) {
      redirect(exchange, location);
    }
  }

  /** A TLS context with a fresh self-signed certificate for 127.0.0.1, trusted by itself alone. */
  private SSLContext selfSignedTls() throws Exception {
    Path keystore = downloads.resolveSibling("tls-" + System.nanoTime() + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process process =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "test",
                "-keyalg",
                "EC",
                "-validity",
                "1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "testpass")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("keytool: " + output).isZero();
    char[] password = "testpass".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
    } finally {
      Files.delete(keystore);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return tls;
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1);
  }

  private void sendChunkedZeros(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    // A real archive, so that reading goes on until the cap stops it.
    Tarballs.tar().zeros("big", 4 << 20).write(out, Compression.NONE);
  }

  /** A set-uid entry first, then 256 MiB the client has no reason to read. */
  private void sendEvilThenMore(HttpExchange exchange) throws IOException {
    byte[] evil = Tarballs.tar().file("bin/su", "x", 04755).bytes(Compression.NONE);
    long rest = 256L << 20;
    exchange.sendResponseHeaders(200, evil.length + rest);
    OutputStream out = exchange.getResponseBody();
    out.write(evil);
    byte[] block = new byte[64 * 1024];
    try {
      for (long sent = 0; sent < rest; sent += block.length) {
        out.write(block);
      }
      clientHungUp.complete(false);
    } catch (IOException e) {
      clientHungUp.complete(true);
      throw e;
    }
  }

  private void trickle(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    byte[] slow = Tarballs.tar().zeros("slow", 1 << 20).bytes(Compression.NONE);
    for (int i = 0; i < slow.length && i < 600 * 512; i += 512) {
      out.write(slow, i, 512);
      out.flush();
      sleep(100);
    }
  }

  private void hang(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    exchange.getResponseBody().flush();
    sleep(30_000);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
