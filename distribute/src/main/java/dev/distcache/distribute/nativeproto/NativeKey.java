package dev.distcache.distribute.nativeproto;

import dev.distcache.hashing.KeyEnvironment;
import dev.distcache.hashing.KeyRecord;
import dev.distcache.hashing.ResultKey;
import java.util.List;
import java.util.Map;

/**
 * The keys of the native protocol. The client computes the <em>job key</em> (BLAKE3 over the remote
 * argv exactly as sent and the preprocessed source) and sends it before the source; the daemon
 * looks up the <em>cache key</em>, which it derives from its own resolved compiler identity, the
 * environment it compiles with ({@link KeyEnvironment}) and the job key. After an upload the daemon
 * recomputes the job key from what it received and refuses a mismatch, so a client can only ever
 * store results under the key of what it actually sent.
 */
public final class NativeKey {
  /** Bump when the meaning of a field changes. */
  static final String JOB_VERSION = "distcache-native-job-1";

  static final String CACHE_VERSION = "distcache-daemon-native-1";

  private NativeKey() {}

  /** The job key of {@code argv} (argv[0] the compiler name) and {@code source}. */
  public static byte[] job(List<String> argv, byte[] source) {
    KeyRecord r = KeyRecord.create(JOB_VERSION, false);
    for (String a : argv) {
      r.field("arg", a);
    }
    return r.field("input", source).digest();
  }

  /** The daemon's cache key for a job key, with the identity the daemon resolved. */
  public static ResultKey cache(String identity, Map<String, String> env, byte[] jobKey) {
    KeyRecord r = KeyRecord.create(CACHE_VERSION, false);
    r.field("compiler", identity);
    KeyEnvironment.write(r, env);
    return ResultKey.of(r.field("job", jobKey).digest());
  }
}
