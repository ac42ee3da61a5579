package dev.distcache.remote.job;

import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.hashing.KeyEnvironment;
import dev.distcache.hashing.KeyRecord;
import dev.distcache.hashing.ResultKey;
import dev.distcache.remote.policy.JobPlan;
import java.util.Comparator;
import java.util.Map;

/**
 * The daemon's cache key for a distcc job: the compiler identity resolved on the daemon, the
 * normalized arguments ({@link JobPlan#keyArgs}: the daemon's own file names left out), the
 * environment that changes what the compiler writes ({@link KeyEnvironment}: the daemon compiles
 * with its own), and the input: the preprocessed source in protocols 1 and 2; in pump mode the
 * client's working directory, the dependency target, and every file's name and content (or link
 * target), in name order. The protocol version is not in it: protocols 1 and 2 give the same
 * outputs.
 */
final class JobKey {
  /** Bump when the meaning of a field changes. */
  static final String VERSION = "distcache-daemon-distcc-1";

  private JobKey() {}

  static ResultKey of(
      String compilerIdentity, JobPlan plan, DistccRequest request, Map<String, String> env) {
    KeyRecord r = KeyRecord.create(false);
    r.field("kind", VERSION + (plan.pump() ? "/pump" : "/preprocessed"));
    r.field("compiler", compilerIdentity);
    for (String a : plan.keyArgs()) {
      r.field("arg", a);
    }
    KeyEnvironment.write(r, env);
    switch (request) {
      case DistccRequest.Preprocessed p -> r.field("input", p.source());
      case DistccRequest.Pump p -> {
        r.field("cwd", p.cwd());
        r.field("dotd-target", plan.dotdTarget());
        for (PumpFile f :
            p.files().stream().sorted(Comparator.comparing(PumpFile::name)).toList()) {
          switch (f) {
            case PumpFile.Regular reg ->
                r.field("file", reg.name()).field("content", reg.content());
            case PumpFile.Link l -> r.field("link", l.name()).field("target", l.target());
          }
        }
      }
    }
    return ResultKey.of(r.digest());
  }
}
