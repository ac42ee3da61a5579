/*
 * The JVMs this program hands calls to, started directly (no shell in between): the Java client,
 * for administration this binary does not answer itself and under DISTCACHE_JAVA_CLIENT, and the
 * remote compile daemon ("distcache daemon ..."), a JVM of its own with the whole library. The JVM
 * is the one that built the installation (target/java.path, written by the dist module).
 */
#define _GNU_SOURCE
#include "distcache.h"
#include "texts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A command line being built: NULL-ended words. */
struct command {
  char **words;
  size_t n, cap;
};

static void add(struct command *cmd, const char *word) {
  if (cmd->n + 2 > cmd->cap) {
    cmd->cap = cmd->cap ? 2 * cmd->cap : 64;
    cmd->words = realloc(cmd->words, cmd->cap * sizeof *cmd->words);
    if (!cmd->words) {
      fail("out of memory");
    }
  }
  cmd->words[cmd->n++] = (char *) word;
  cmd->words[cmd->n] = NULL;
}

/* prefix and value as one malloc'd word. */
static char *joined(const char *prefix, const char *value) {
  char *out;
  if (asprintf(&out, "%s%s", prefix, value) < 0) {
    fail("out of memory");
  }
  return out;
}

/* The words of a list of JVM options in a variable, split at blanks as a shell splits $VAR. */
static void add_options(struct command *cmd, const char *variable) {
  const char *value = getenv(variable);
  char *copy = value ? strdup(value) : NULL;
  if (value && !copy) {
    fail("out of memory");
  }
  char *save = NULL;
  for (char *word = copy ? strtok_r(copy, " \t\n", &save) : NULL; word; word = strtok_r(NULL, " \t\n", &save)) {
    add(cmd, word);
  }
}

/*
 * The feature version (25 for 25.0.1) of the Java runtime whose java binary is at java, from the
 * "release" file of its home (two levels above the binary, links followed); 0 when unknown. Read,
 * not run: starting a JVM to ask would cost what the native client saves.
 */
static int java_feature(const char *java) {
  char home[PATH_MAX];
  if (!realpath(java, home)) {
    return 0;
  }
  for (int up = 0; up < 2; up++) {
    char *slash = strrchr(home, '/');
    if (!slash) {
      return 0;
    }
    *slash = '\0';
  }
  char file[PATH_MAX];
  FILE *f = join(file, sizeof file, home[0] ? home : "/", "release") == 0 ? fopen(file, "re") : NULL;
  int version = 0;
  char line[256];
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "JAVA_VERSION=\"", 14) == 0) {
      version = atoi(line + 14); /* "1.8.0_392" reads as 1: too old, as it should */
      break;
    }
  }
  if (f) {
    fclose(f);
  }
  return version;
}

/* dir/bin/java (or, with no bin, dir/java) into out when it is a runtime recent enough. */
static int usable_java(const char *dir, const char *name, char *out, size_t cap) {
  return join(out, cap, dir, name) == 0 && access(out, X_OK) == 0 && java_feature(out) >= JAVA_RELEASE;
}

/*
 * The JVM that built this installation, from target/java.path; when that one is gone (an
 * installation copied to a machine with another JDK, a JDK removed since), $JAVA_HOME's, then the
 * first java on PATH, if recent enough for the jars (JAVA_RELEASE).
 */
static void find_java(const struct call *c, char *out, size_t cap) {
  char file[PATH_MAX];
  FILE *f = join(file, sizeof file, c->home, "target/java.path") == 0 ? fopen(file, "re") : NULL;
  int found = f && fgets(out, (int) cap, f) != NULL;
  if (f) {
    fclose(f);
  }
  if (!found) {
    fail("distcache is not built in %s; run %s/bin/setup", c->home, c->home);
  }
  out[strcspn(out, "\n")] = '\0';
  if (out[0] && access(out, X_OK) == 0) {
    return;
  }
  char recorded[PATH_MAX];
  snprintf(recorded, sizeof recorded, "%s", out);
  const char *java_home = getenv("JAVA_HOME");
  if (java_home && *java_home && usable_java(java_home, "bin/java", out, cap)) {
    return;
  }
  const char *path = getenv("PATH");
  char *copy = path ? strdup(path) : NULL;
  char *save = NULL;
  for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir; dir = strtok_r(NULL, ":", &save)) {
    if (*dir && usable_java(dir, "java", out, cap)) {
      free(copy);
      return;
    }
  }
  free(copy);
  char manifest[PATH_MAX];
  if (join(manifest, sizeof manifest, c->home, "installed-files") == 0 && access(manifest, F_OK) == 0) {
    /* An installation (bin/install): the runtime it recorded was removed or moved since. */
    fail("the Java runtime in %s (%s) is gone, and neither JAVA_HOME nor PATH names a Java %d+ runtime;"
        " install distcache again (bin/install), which finds one, or write the path of a java program"
        " of version %d or later into that file", file, recorded[0] ? recorded : "empty", JAVA_RELEASE, JAVA_RELEASE);
  }
  fail("no Java runtime %d or later for this command: %s (from the build) is gone, and neither JAVA_HOME"
      " nor PATH names one; install a Java %d+ runtime (e.g. openjdk-%d-jre-headless) or set JAVA_HOME to one",
      JAVA_RELEASE, recorded[0] ? recorded : "the java", JAVA_RELEASE, JAVA_RELEASE);
}

/* A path under the installation, malloc'd. */
static char *installed(const struct call *c, const char *name) {
  char *out;
  if (asprintf(&out, "%s%s%s", c->home, strcmp(c->home, "/") == 0 ? "" : "/", name) < 0) {
    fail("out of memory");
  }
  return out;
}

static int newer_than(const char *file, const char *than) {
  struct stat a, b;
  if (stat(file, &a) != 0) {
    return 0;
  }
  if (stat(than, &b) != 0) {
    return 1;
  }
  return a.st_mtim.tv_sec > b.st_mtim.tv_sec
      || (a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec > b.st_mtim.tv_nsec);
}

/*
 * The class-data archive of administration's JVM, made by that JVM at its first exit (where
 * target/ is read-only it is simply not made). A JVM does not remake an archive whose jars
 * changed, so a rebuild's removes it here. picocli's classes (class file version 49) cannot be
 * archived: see docs/bench/admin.md.
 */
static void admin_archive(const struct call *c, struct command *cmd) {
  char *jsa = installed(c, "target/admin.jsa");
  static const char *const jars[] = {"target/lib/distcache-cli.jar", "target/lib/distcache-core.jar", "target/lib/picocli.jar"};
  for (size_t i = 0; i < sizeof jars / sizeof *jars; i++) {
    char *jar = installed(c, jars[i]);
    int stale = newer_than(jar, jsa);
    free(jar);
    if (stale) {
      unlink(jsa);
      break;
    }
  }
  add(cmd, joined("-XX:SharedArchiveFile=", jsa));
  add(cmd, "-XX:+AutoCreateSharedArchive");
}

/*
 * UNCACHED_ERR_FD (ccache sets it) names the descriptor for distcache's own messages. Only a
 * descriptor open for writing now, before the JVM opens files of its own, can be the wrapper's:
 * any other value is dropped from the JVM's environment.
 */
static int usable_note_fd(void) {
  const char *v = getenv("UNCACHED_ERR_FD");
  if (!v || !*v) {
    return 1;
  }
  char *end;
  errno = 0;
  long fd = strtol(v, &end, 10);
  if (*end || errno || fd < 0 || fd > INT_MAX || v[strspn(v, "0123456789")]) {
    return 0;
  }
  int flags = fcntl((int) fd, F_GETFL);
  return flags != -1 && (flags & O_ACCMODE) != O_RDONLY;
}

static int administration(const char *argv0, int argc, char **args) {
  const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
  if (strcmp(base, "distcache") != 0) {
    return 0;
  }
  return argc == 0 || args[0][0] == '-' || strcmp(args[0], "server") == 0 || strcmp(args[0], "install-masquerade") == 0
      || strcmp(args[0], "update-links") == 0 || strcmp(args[0], "explain") == 0 || strcmp(args[0], "hosts") == 0
      || strcmp(args[0], "mon") == 0 || strcmp(args[0], "help") == 0;
}

_Noreturn void run_java(const struct call *c, const char *argv0, int argc, char **args) {
  static struct command cmd;
  static char java[PATH_MAX];
  find_java(c, java, sizeof java);
  add(&cmd, java);
  const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
  int is_daemon = strcmp(base, "distcache") == 0 && argc > 0 && strcmp(args[0], "daemon") == 0;
  if (is_daemon) {
    add(&cmd, "-XX:+UseSerialGC");
    add(&cmd, "-Xss1m");
    add(&cmd, "-XX:-UsePerfData");
    add(&cmd, "--enable-native-access=ALL-UNNAMED");
    /* RocksDB's and LZ4's JNI libraries, taken out of their jars at build time (dist/pom.xml) */
    add(&cmd, joined("-Djava.library.path=", installed(c, "target/native")));
    add_options(&cmd, "DISTCACHE_DAEMON_JAVA_OPTS");
    add(&cmd, joined("-Ddistcache.home=", c->home));
    add(&cmd, "-cp");
    add(&cmd, installed(c, "target/lib/*")); /* the JVM expands the wildcard */
    add(&cmd, "dev.distcache.remote.DaemonMain");
    args++;
    argc--;
  } else {
    add(&cmd, "-XX:+UseSerialGC");
    add(&cmd, "-XX:TieredStopAtLevel=1");
    add(&cmd, "-XX:-UsePerfData");
    add(&cmd, "-Xshare:auto");
    char *client_jsa = installed(c, "target/client.jsa");
    struct stat st;
    if (administration(argv0, argc, args)) {
      admin_archive(c, &cmd);
    } else if (stat(client_jsa, &st) == 0 && S_ISREG(st.st_mode)) {
      add(&cmd, joined("-XX:SharedArchiveFile=", client_jsa));
    }
    add(&cmd, "-Xlog:disable");
    add(&cmd, "-Xlog:all=off");
    add_options(&cmd, "DISTCACHE_CLIENT_JAVA_OPTS");
    add(&cmd, joined("-Ddistcache.home=", c->home));
    add(&cmd, joined("-Ddistcache.argv0=", argv0));
    char ttys[2] = {(char) ('0' + (isatty(STDOUT_FILENO) ? 1 : 0) + (isatty(STDERR_FILENO) ? 2 : 0)), '\0'};
    add(&cmd, joined("-Ddistcache.ttys=", ttys));
    add(&cmd, "-cp");
    char *cli = installed(c, "target/lib/distcache-cli.jar");
    char *core = installed(c, "target/lib/distcache-core.jar");
    char *picocli = installed(c, "target/lib/picocli.jar");
    char *path;
    if (asprintf(&path, "%s:%s:%s", cli, core, picocli) < 0) {
      fail("out of memory");
    }
    add(&cmd, path);
    add(&cmd, "dev.distcache.cli.Main");
  }
  for (int i = 0; i < argc; i++) {
    add(&cmd, args[i]);
  }
  static const char *const drop[] = {"UNCACHED_ERR_FD"};
  char *add[1];
  size_t nadd = is_daemon ? libc_answer(add) : 0; /* the daemon opens a store; the client does not */
  char **env = usable_note_fd() && nadd == 0 ? environ
                                             : environment_with(drop, usable_note_fd() ? 0 : 1, add, nadd);
  execve(java, cmd.words, env);
  fail("cannot run %s: %s", java, strerror(errno));
}
