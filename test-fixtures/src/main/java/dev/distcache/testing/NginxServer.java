package dev.distcache.testing;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real nginx (Debian's, built with the WebDAV module) on a loopback address and a free port,
 * started and stopped by a test, with everything it writes in one directory: its configuration,
 * pid, logs, temporary files and the document root. It stands for the HTTP servers a shared cache
 * tier stores on (ccache's {@code http://} remote storage). Locations, all under {@link #root()}:
 *
 * <ul>
 *   <li>{@code /cache/}: stores PUT bodies (WebDAV PUT and DELETE, intermediate directories made,
 *       no size limit) and serves them to GET and HEAD; 404 for what was never stored.
 *   <li>{@code /auth/}: as {@code /cache/}, but 401 unless the request carries {@code
 *       Authorization: Bearer }{@link #BEARER_TOKEN}.
 *   <li>{@code /basic/}: as {@code /cache/}, but 401 unless the request carries HTTP basic
 *       authentication for {@link #BASIC_USER} and {@link #BASIC_PASSWORD}.
 *   <li>{@code /header/}: as {@code /cache/}, but 403 unless the request carries the header {@link
 *       #HEADER_NAME} with the value {@link #HEADER_VALUE}.
 *   <li>{@code /fail/}: 500 for every request.
 *   <li>{@code /readonly/}: serves what {@code /cache/} stored to GET and HEAD ({@code
 *       /readonly/ab/cd} is {@code /cache/ab/cd}; 404 for what was never stored), and answers every
 *       other method, PUT included, with 403: a server that lets a client read but not write.
 * </ul>
 *
 * <p>Every request is logged to {@link #accessLog()} as {@code METHOD URI STATUS}. With HTTPS, a
 * second listener serves the same locations over TLS with a self-signed certificate for the
 * loopback address, made with {@code openssl req -x509}; {@link #sslContext()} trusts it.
 *
 * <p>nginx runs in the foreground as one process ({@code daemon off; master_process off}), so
 * stopping it is one SIGTERM. {@link #stop()} and {@link #start()} restart it on the same ports
 * with the same files, for tests of a server that goes away and comes back.
 */
public final class NginxServer implements AutoCloseable {
  /** The token {@code /auth/} accepts. */
  public static final String BEARER_TOKEN = "secret-token";

  /** The user {@code /basic/} accepts. */
  public static final String BASIC_USER = "cache-user";

  /** The password {@code /basic/} accepts; it holds characters a URL must percent-encode. */
  public static final String BASIC_PASSWORD = "p@ss word:%";

  /** The header {@code /header/} requires. */
  public static final String HEADER_NAME = "X-Distcache-Test";

  /** The value of {@link #HEADER_NAME} that {@code /header/} requires. */
  public static final String HEADER_VALUE = "header-value";

  private static final String NGINX = "/usr/sbin/nginx";
  private static final long START_SECONDS = 30;

  public final String address;
  public final int port;

  /** The HTTPS port, or -1 when started without HTTPS. */
  public final int httpsPort;

  private final Path dir;
  private Process process;

  private NginxServer(String address, int port, int httpsPort, Path dir) {
    this.address = address;
    this.port = port;
    this.httpsPort = httpsPort;
    this.dir = dir;
  }

  /** Starts nginx on 127.0.0.1, HTTP only, with its files in {@code dir}. */
  public static NginxServer start(Path dir) throws IOException, InterruptedException {
    return start("127.0.0.1", dir, false);
  }

  /**
   * Starts nginx on {@code address} (a 127.0.0.x loopback address) with its files in {@code dir},
   * with an HTTPS listener too when {@code https}.
   *
   * @throws IllegalStateException when nginx (or, for HTTPS, openssl) is missing or does not start
   */
  public static NginxServer start(String address, Path dir, boolean https)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(NGINX))) {
      throw new IllegalStateException(NGINX + " is missing; bin/setup installs Debian's nginx");
    }
    Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(dir.resolve("tmp"));
    if (https) {
      makeCertificate(address, dir);
    }
    for (int attempt = 0; attempt < 5; attempt++) { // a free port may be taken before nginx binds
      int port = Loopback.freePort(address);
      int httpsPort = https ? Loopback.freePort(address) : -1;
      NginxServer server = new NginxServer(address, port, httpsPort, dir);
      Files.writeString(server.conf(), server.configuration(), StandardCharsets.UTF_8);
      if (server.launch()) {
        return server;
      }
    }
    throw new IllegalStateException(
        "nginx did not start on "
            + address
            + "; its error log:\n"
            + read(dir.resolve("error.log")));
  }

  /**
   * Starts this server again after {@link #stop()}, on the same ports with the same files.
   *
   * @throws IllegalStateException when it is running, or does not start (its port was taken)
   */
  public void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("nginx on " + address + ":" + port + " is already running");
    }
    if (!launch()) {
      throw new IllegalStateException(
          "nginx did not start again on "
              + address
              + ":"
              + port
              + "; its error log:\n"
              + read(dir.resolve("error.log")));
    }
  }

  /** The plain HTTP URL of {@code path} (which starts with {@code /}) on this server. */
  public String url(String path) {
    return "http://" + address + ":" + port + path;
  }

  /** The HTTPS URL of {@code path} on this server. */
  public String httpsUrl(String path) {
    if (httpsPort < 0) {
      throw new IllegalStateException("nginx on " + address + ":" + port + " has no HTTPS");
    }
    return "https://" + address + ":" + httpsPort + path;
  }

  /** The document root: the file of URL path {@code /cache/ab/cd} is {@code root()/cache/ab/cd}. */
  public Path root() {
    return dir.resolve("root");
  }

  /** The self-signed certificate (PEM) of the HTTPS listener. */
  public Path certificate() {
    return dir.resolve("cert.pem");
  }

  /** A TLS context that trusts {@link #certificate()} and nothing else. */
  public SSLContext sslContext() throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(certificate()))) {
      trust.setCertificateEntry(
          "nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * The requests served so far, one {@code METHOD URI STATUS} line each, in order. nginx writes a
   * line after it has answered, so the line of the request a test just made may come a moment
   * later: see {@link #awaitAccessLog}.
   */
  public List<String> accessLog() {
    return read(dir.resolve("access.log")).lines().toList();
  }

  /**
   * Waits (up to 10 s) until {@link #accessLog()} has a line equal to {@code line} and returns the
   * log then; every request answered before that one is in it.
   *
   * @throws IllegalStateException when the line does not come
   */
  public List<String> awaitAccessLog(String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<String> log = accessLog();
      if (log.contains(line)) {
        return log;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nginx logged no \"" + line + "\"; its log: " + log);
      }
      Thread.sleep(10);
    }
  }

  /** nginx's error log. */
  public String errorLog() {
    return read(dir.resolve("error.log"));
  }

  /** Stops nginx (SIGTERM, then SIGKILL after 10 s); the files stay. Idempotent. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** Starts nginx and waits until it accepts connections; false when it exited instead. */
  private boolean launch() throws IOException, InterruptedException {
    Path errorLog = dir.resolve("error.log");
    process =
        new ProcessBuilder(
                NGINX, "-p", dir + "/", "-c", conf().toString(), "-e", errorLog.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(errorLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (process.isAlive() && System.nanoTime() < deadline) {
      if (accepts(port) && (httpsPort < 0 || accepts(httpsPort))) {
        return true;
      }
      Thread.sleep(20);
    }
    stop();
    return false;
  }

  private boolean accepts(int p) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, p), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Path conf() {
    return dir.resolve("nginx.conf");
  }

  private String configuration() {
    String basic =
        Base64.getEncoder()
            .encodeToString((BASIC_USER + ":" + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8));
    String store =
        "dav_methods PUT DELETE; create_full_put_path on; dav_access user:rw group:rw all:r;"
            + " client_max_body_size 0;";
    List<String> c = new ArrayList<>();
    c.add("daemon off;");
    c.add("master_process off;");
    c.add("worker_processes 1;");
    c.add("pid " + dir.resolve("nginx.pid") + ";");
    c.add("error_log " + dir.resolve("error.log") + " warn;");
    c.add("events { worker_connections 256; }");
    c.add("http {");
    c.add("  log_format distcache '$request_method $request_uri $status';");
    c.add("  access_log " + dir.resolve("access.log") + " distcache;");
    for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      c.add("  " + temp + "_temp_path " + dir.resolve("tmp").resolve(temp) + ";");
    }
    c.add("  default_type application/octet-stream;");
    c.add("  server {");
    c.add("    listen " + address + ":" + port + ";");
    if (httpsPort >= 0) {
      c.add("    listen " + address + ":" + httpsPort + " ssl;");
      c.add("    ssl_certificate " + certificate() + ";");
      c.add("    ssl_certificate_key " + dir.resolve("key.pem") + ";");
    }
    c.add("    root " + root() + ";");
    c.add("    location /cache/ { " + store + " }");
    c.add("    location /auth/ {");
    c.add("      if ($http_authorization != \"Bearer " + BEARER_TOKEN + "\") { return 401; }");
    c.add("      " + store);
    c.add("    }");
    c.add("    location /basic/ {");
    c.add("      if ($http_authorization != \"Basic " + basic + "\") { return 401; }");
    c.add("      " + store);
    c.add("    }");
    c.add("    location /header/ {");
    String variable = "$http_" + HEADER_NAME.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    c.add("      if (" + variable + " != \"" + HEADER_VALUE + "\") { return 403; }");
    c.add("      " + store);
    c.add("    }");
    c.add("    location /fail/ { return 500; }");
    c.add("    location /readonly/ {");
    c.add("      alias " + root().resolve("cache") + "/;");
    c.add("      limit_except GET { deny all; }"); // GET allows HEAD too
    c.add("    }");
    c.add("  }");
    c.add("}");
    return String.join("\n", c) + "\n";
  }

  /** A self-signed certificate and key for {@code address}, valid for a few days. */
  private static void makeCertificate(String address, Path dir)
      throws IOException, InterruptedException {
    boolean found =
        java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "openssl")));
    if (!found) {
      throw new IllegalStateException(
          "openssl is not on PATH; it makes the HTTPS certificate (Debian's openssl package)");
    }
    Run run =
        Processes.runInherited(
            dir,
            java.util.Map.of(),
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "7",
                "-subj",
                "/CN=" + address,
                "-addext",
                "subjectAltName=IP:" + address,
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString()),
            60);
    if (run.exitCode() != 0) {
      throw new IllegalStateException("openssl could not make a certificate: " + run.err());
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
