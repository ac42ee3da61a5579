package dev.distcache.cache.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A remote storage on an HTTP server that stores PUT bodies (nginx with WebDAV, bazel-remote, an
 * object store's HTTP front), spoken to as ccache does: GET reads a value (200 is a hit, 404 a
 * miss), PUT stores one (any 2xx is success), and a put that must not replace a stored value asks
 * with HEAD first and sends nothing when the server has one. What the entry may say is in {@link
 * HttpSettings}: {@code http://} or {@code https://} (the JDK's TLS and its default trust store),
 * {@code USER:PASSWORD@}, {@code layout=}, {@code bearer-token=}, {@code header=}, {@code
 * keep-alive=}, the timeouts, and for {@code https://} {@code tls-ca=} (PEM CAs trusted instead of
 * the JDK's), {@code tls-cert=} and {@code tls-key=} (a client certificate).
 *
 * <p>Connections are the JDK client's, HTTP/1.1, pooled and reused across requests and threads.
 * {@code keep-alive=false} is accepted and changes nothing: the JDK client has no switch to close a
 * connection after each request (it refuses to send a {@code Connection} header), and a fresh
 * client per request would cost a TCP, or TLS, handshake and a thread per compile. A server that
 * wants no kept connections closes them itself, and the client then opens a new one.
 *
 * <p>Timeouts: the connect timeout bounds opening a connection; the operation timeout bounds each
 * request as a whole, from sending it to the last byte of the answer (the JDK's own request timeout
 * stops at the answer's headers, so a server that stalls in the body is cut off here too). Both
 * raise a {@link RemoteStorageException} that {@link RemoteStorageException#timedOut()}.
 */
public final class HttpBackend implements RemoteBackend {
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{3,}");

  private final HttpSettings settings;
  private final HttpClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  private HttpBackend(HttpSettings settings, HttpClient client) {
    this.settings = settings;
    this.client = client;
  }

  /**
   * A backend for an {@code http://} or {@code https://} entry, with the JDK's default TLS. Nothing
   * is sent until the first request.
   *
   * @throws IllegalArgumentException when the entry is malformed, naming it and what is wrong
   */
  public static HttpBackend open(RemoteSpec spec) {
    return open(spec, null);
  }

  /**
   * As {@link #open(RemoteSpec)}, with {@code sslContext} for TLS instead of the JDK's default
   * (when not null): the tests' way to trust a self-signed certificate.
   */
  static HttpBackend open(RemoteSpec spec, SSLContext sslContext) {
    HttpSettings settings = HttpSettings.of(spec);
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.connectTimeout());
    if (sslContext != null) {
      builder.sslContext(sslContext);
    } else if (settings.tls() != null) {
      builder.sslContext(settings.tls());
    }
    return new HttpBackend(settings, builder.build());
  }

  @Override
  public Optional<byte[]> get(String key) {
    URI uri = uri(key);
    HttpResponse<byte[]> response =
        send("GET", uri, request(uri).GET(), HttpResponse.BodyHandlers.ofByteArray());
    return switch (response.statusCode()) {
      case 200 -> Optional.of(response.body());
      case 404 -> Optional.empty();
      default -> throw answered("GET", uri, response.statusCode());
    };
  }

  @Override
  public void put(String key, byte[] value, boolean overwrite) {
    URI uri = uri(key);
    if (!overwrite) {
      int head =
          send("HEAD", uri, request(uri).HEAD(), HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (success(head)) {
        return; // stored already, and any stored value for this key is as good
      }
    }
    HttpRequest.Builder put =
        request(uri)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(value));
    int status = send("PUT", uri, put, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (!success(status)) {
      throw answered("PUT", uri, status);
    }
  }

  /** Stops the client: requests under way fail, connections close. Idempotent; never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      client.shutdownNow();
      client.awaitTermination(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // nothing more to release
    }
  }

  @Override
  public String toString() {
    return "HTTP remote storage " + settings.name();
  }

  private URI uri(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("a remote storage key is lower-case hex, not " + key);
    }
    return settings.uri(key);
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.operationTimeout());
    settings.headers().forEach(h -> b.header(h.name(), h.value()));
    return b;
  }

  /**
   * Sends one request and waits for the whole answer, at most the operation timeout (plus the
   * connect timeout, so that the JDK's own, more precise, timeouts normally fire first).
   */
  private <T> HttpResponse<T> send(
      String method, URI uri, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    if (closed.get()) {
      throw new RemoteStorageException(this + " is closed", false);
    }
    Duration limit = settings.operationTimeout().plus(settings.connectTimeout());
    CompletableFuture<HttpResponse<T>> answer;
    try {
      answer = client.sendAsync(request.build(), body);
    } catch (RuntimeException e) { // a client shut down under us
      throw new RemoteStorageException(what(method, uri) + " failed: " + e, false, e);
    }
    try {
      return answer.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new RemoteStorageException(
          what(method, uri) + " timed out after " + limit.toMillis() + " ms", true, e);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new RemoteStorageException(what(method, uri) + " was interrupted", false, e);
    } catch (CancellationException e) {
      throw new RemoteStorageException(what(method, uri) + " was cancelled", false, e);
    } catch (ExecutionException e) {
      throw failed(method, uri, e.getCause());
    }
  }

  private RemoteStorageException failed(String method, URI uri, Throwable cause) {
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return new RemoteStorageException(
          what(method, uri)
              + ": no connection within "
              + settings.connectTimeout().toMillis()
              + " ms",
          true,
          cause);
    }
    if (cause instanceof HttpTimeoutException) {
      return new RemoteStorageException(
          what(method, uri)
              + ": no answer within "
              + settings.operationTimeout().toMillis()
              + " ms",
          true,
          cause);
    }
    if (cause instanceof ConnectException) {
      return new RemoteStorageException(
          what(method, uri) + ": cannot connect (" + reason(cause) + ")", false, cause);
    }
    if (cause instanceof IOException) {
      return new RemoteStorageException(
          what(method, uri) + " failed: " + reason(cause), false, cause);
    }
    return new RemoteStorageException(what(method, uri) + " failed: " + cause, false, cause);
  }

  private RemoteStorageException answered(String method, URI uri, int status) {
    return new RemoteStorageException(what(method, uri) + " answered HTTP " + status, false);
  }

  private String what(String method, URI uri) {
    return this + ": " + method + " " + uri.getRawPath();
  }

  private static String reason(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }

  private static boolean success(int status) {
    return status >= 200 && status < 300;
  }
}
