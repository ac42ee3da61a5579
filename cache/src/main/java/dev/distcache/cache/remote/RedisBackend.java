package dev.distcache.cache.remote;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A Redis server as remote storage ({@code redis://} and {@code redis+unix:}, see {@link
 * RedisUrl}), through Jedis. A value is stored under {@code distcache:KEY}, so that a Redis shared
 * with ccache (whose keys start {@code ccache:}) or other tools never mixes their entries with
 * ours. A get is one {@code GET}; a put is {@code SET}, or {@code SET NX} when a stored value is to
 * be kept.
 *
 * <p>Connections come from a small pool (at most {@value #MAX_CONNECTIONS}: the local server calls
 * from many virtual threads, and Redis answers each call in well under a millisecond). Nothing
 * connects before the first call, so a server that is down costs nothing until used. Time is
 * bounded everywhere: connecting by the connect timeout, each read by the operation timeout ({@code
 * SO_TIMEOUT}), and waiting for a pooled connection by the operation timeout too; Jedis itself
 * never retries or sleeps. A refused connection fails at once.
 *
 * <p>A connection that breaks while in use (the server restarted, or closed it for being idle) is
 * dropped with every other idle connection, which are likely as stale, and the call is made once
 * more on a new connection; a new connection that fails, a timeout and an error answer are reported
 * as they are. Every failure is a {@link RemoteStorageException} naming the server by its URL
 * without password; {@link RemoteStorageException#timedOut()} is set when a connect or a read timed
 * out or no pooled connection became free in time.
 */
public final class RedisBackend implements RemoteBackend {
  /** The most connections to one server. */
  static final int MAX_CONNECTIONS = 8;

  /** The prefix of every key of ours on the server. */
  static final String KEY_PREFIX = "distcache:";

  private final String name;
  private final JedisPool pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisBackend(String name, JedisPool pool) {
    this.name = name;
    this.pool = pool;
  }

  /**
   * A backend for {@code spec}'s URL with its connect and operation timeouts. Connects lazily.
   *
   * @throws IllegalArgumentException when the URL is not a well-formed redis:// or redis+unix: URL
   */
  public static RedisBackend open(RemoteSpec spec) {
    RedisUrl url = RedisUrl.parse(spec.url());
    Duration connect = spec.connectTimeout();
    Duration operation = spec.operationTimeout();
    JedisSocketFactory sockets =
        url.socket() != null
            ? RedisSockets.unix(url.socket(), connect, operation)
            : RedisSockets.tcp(url.host(), url.port(), connect, operation);
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(millis(connect))
            .socketTimeoutMillis(millis(operation))
            .database(url.database())
            // No CLIENT SETINFO: one more round trip per connection, which Redis before 7.2
            // refuses.
            .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    if (url.password() != null) {
      client.user(url.user()).password(url.password());
    }
    return new RedisBackend(
        spec.redactedUrl(), new JedisPool(poolConfig(operation), sockets, client.build()));
  }

  private static GenericObjectPoolConfig<Jedis> poolConfig(Duration operation) {
    GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
    config.setMaxTotal(MAX_CONNECTIONS);
    config.setMaxIdle(MAX_CONNECTIONS);
    config.setMinIdle(0);
    config.setBlockWhenExhausted(true);
    config.setMaxWait(operation); // never wait longer for a connection than for an answer
    config.setTestOnBorrow(false); // a PING per call would double its cost; a stale one is retried
    config.setTestOnReturn(false);
    config.setTestWhileIdle(false);
    config.setTimeBetweenEvictionRuns(Duration.ofMillis(-1)); // no evictor thread
    config.setJmxEnabled(false);
    return config;
  }

  @Override
  public Optional<byte[]> get(String key) {
    return Optional.ofNullable(call("GET", jedis -> jedis.get(redisKey(key))));
  }

  @Override
  public void put(String key, byte[] value, boolean overwrite) {
    byte[] k = redisKey(key);
    if (overwrite) {
      call("SET", jedis -> jedis.set(k, value));
    } else {
      call("SET NX", jedis -> jedis.set(k, value, SetParams.setParams().nx()));
    }
  }

  /** The server's key for {@code key}. */
  static byte[] redisKey(String key) {
    return (KEY_PREFIX + key).getBytes(StandardCharsets.UTF_8);
  }

  private <T> T call(String command, Function<Jedis, T> body) {
    try {
      try {
        return once(body);
      } catch (StaleConnection stale) {
        pool.clear(); // the other idle connections are likely as stale
        try {
          return once(body);
        } catch (StaleConnection again) {
          throw again.cause;
        }
      }
    } catch (JedisException e) {
      throw failure(command, e);
    }
  }

  /**
   * One call on one pooled connection. A connection failure in the middle of the call comes back as
   * {@link StaleConnection}; failing to get a connection, a timeout and an error answer are thrown
   * as they are.
   */
  private <T> T once(Function<Jedis, T> body) throws StaleConnection {
    try (Jedis jedis = pool.getResource()) {
      try {
        return body.apply(jedis);
      } catch (JedisConnectionException e) {
        if (isTimeout(e)) {
          throw e;
        }
        throw new StaleConnection(e);
      }
    }
  }

  /**
   * A pooled connection broke during a call (the broken connection is not returned to the pool).
   */
  private static final class StaleConnection extends Exception {
    final JedisConnectionException cause;

    StaleConnection(JedisConnectionException cause) {
      super(null, null, false, false);
      this.cause = cause;
    }
  }

  private RemoteStorageException failure(String command, JedisException e) {
    boolean timedOut = isTimeout(e);
    return new RemoteStorageException(
        "Redis " + name + ": " + command + (timedOut ? " timed out: " : " failed: ") + describe(e),
        timedOut,
        e);
  }

  /** Whether a connect or read timed out, or no pooled connection was free in time. */
  static boolean isTimeout(Throwable e) {
    for (Throwable t : chain(e)) {
      if (t instanceof SocketTimeoutException || t instanceof NoSuchElementException) {
        return true;
      }
    }
    return false;
  }

  /** The messages of {@code e}'s causes, each once, outermost first: what a log line needs. */
  static String describe(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 6; t = t.getCause()) {
      String m = t.getMessage();
      // Jedis wraps an IOException with its toString() as message: drop the class name.
      String message =
          m == null || m.isBlank()
              ? t.getClass().getSimpleName()
              : m.replaceFirst("^([a-z][a-z0-9_]*\\.)+[A-Za-z0-9_$]+: ", "");
      if (parts.stream().noneMatch(p -> p.contains(message))) {
        parts.add(message);
      }
    }
    return String.join(": ", parts);
  }

  /** {@code e}, its causes and what they suppressed. */
  private static List<Throwable> chain(Throwable e) {
    List<Throwable> all = new ArrayList<>();
    Set<Throwable> seen = new HashSet<>();
    List<Throwable> todo = new ArrayList<>(List.of(e));
    while (!todo.isEmpty() && all.size() < 32) {
      Throwable t = todo.removeLast();
      if (t != null && seen.add(t)) {
        all.add(t);
        todo.add(t.getCause());
        todo.addAll(List.of(t.getSuppressed()));
      }
    }
    return all;
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  /** Closes the pool and its connections; idempotent, never throws. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        pool.close();
      } catch (RuntimeException e) {
        // closing is best effort: the connections go with the process
      }
    }
  }

  @Override
  public String toString() {
    return "Redis " + name;
  }
}
