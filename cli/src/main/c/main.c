/*
 * Entry point, and the program a user runs: bin/distcache, an installed distcache and masquerade
 * links all name this binary, so no shell stands in front of a compile. basename(argv[0]) decides
 * the mode exactly as Main.java does: "distcache" with no arguments, an option or a subcommand is
 * administration, which the Java client does (admin.c answers the common options itself; java.c
 * starts the JVM);
 * "distcache <compiler> args" is prefix mode; any other name is a masquerade link.
 */
#define _GNU_SOURCE
#include "distcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Subcommands (daemon: a JVM of its own; the others: administration in the Java client). */
static int is_subcommand(const char *word) {
  return strcmp(word, "server") == 0 || strcmp(word, "install-masquerade") == 0 || strcmp(word, "update-links") == 0
      || strcmp(word, "help") == 0 || strcmp(word, "explain") == 0 || strcmp(word, "hosts") == 0
      || strcmp(word, "daemon") == 0 || strcmp(word, "mon") == 0;
}

/* This binary's real path, and the installation directory: three levels up from target/bin/distcache. */
static void find_self(struct call *c) {
  ssize_t n = readlink("/proc/self/exe", c->exe, sizeof c->exe - 1);
  if (n <= 0) {
    fail("cannot find this program's path in /proc/self/exe: %s", strerror(errno));
  }
  c->exe[n] = '\0';
  memcpy(c->home, c->exe, (size_t) n + 1);
  for (int i = 0; i < 3; i++) {
    char *slash = strrchr(c->home, '/');
    if (slash) {
      *slash = '\0';
    }
  }
  if (!c->home[0]) {
    strcpy(c->home, "/");
  }
}

/*
 * The path a masquerade link was run as: argv[0] when it holds a '/', else the first PATH entry
 * whose file of that name is this binary (shells and make pass the bare name). Made absolute
 * against cwd, as the Java client resolves the launcher's $0.
 */
static void invoked_path(const struct call *c, const char *argv0, char *out, size_t cap) {
  struct stat self;
  const char *path = getenv("PATH");
  if (!strchr(argv0, '/') && path && stat(c->exe, &self) == 0) {
    for (const char *p = path;; p++) {
      const char *end = strchrnul(p, ':');
      char file[PATH_MAX];
      struct stat st;
      int n = end == p ? snprintf(file, sizeof file, "./%s", argv0)
          : snprintf(file, sizeof file, "%.*s/%s", (int) (end - p), p, argv0);
      if (n > 0 && (size_t) n < sizeof file && stat(file, &st) == 0 && st.st_dev == self.st_dev
          && st.st_ino == self.st_ino && absolute(out, cap, c->cwd, file) == 0) {
        return;
      }
      if (!*end) {
        break;
      }
      p = end;
    }
  }
  if (absolute(out, cap, c->cwd, argv0) != 0) {
    snprintf(out, cap, "%s", argv0);
  }
}

/* As ccache's "ccache ccache gcc": a word whose base name starts with "distcache" names this program. */
static int names_self(const char *word) {
  const char *base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;
  return strncmp(base, "distcache", sizeof "distcache" - 1) == 0;
}

int main(int argc, char **argv) {
  static char *nameless[] = {"distcache", NULL};
  static struct call c;
  if (argc < 1) {
    argc = 1;
    argv = nameless;
  }
  find_self(&c);
  const char *argv0 = argv[0];
  const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
  int prefix = strcmp(base, "distcache") == 0;
  if (prefix) {
    /* distcache distcache gcc ...: the compiler is the first word that is not this program. */
    int first = 1;
    while (first < argc && names_self(argv[first])) {
      first++;
    }
    argv += first - 1;
    argc -= first - 1;
  }
  int has_cwd = getcwd(c.cwd, sizeof c.cwd) != NULL;
  if (!has_cwd) {
    strcpy(c.cwd, "."); /* a removed directory: the server cannot help, the compiler will say why */
  }
  if (prefix && (argc < 2 || argv[1][0] == '-' || is_subcommand(argv[1]))) {
    const char *java = getenv("DISTCACHE_JAVA_CLIENT");
    if (argc >= 2 && !(java && *java && strcmp(java, "0") != 0)) {
      if (!has_cwd || cache_dir(c.cwd, c.cache, sizeof c.cache) != 0) {
        c.cache[0] = '\0';
      }
      c.invoked = "";
      administer(&c, argv0, argc - 1, argv + 1);
    }
    run_java(&c, argv0, argc - 1, argv + 1);
  }
  static char invoked[PATH_MAX];
  if (!prefix) {
    invoked_path(&c, argv0, invoked, sizeof invoked);
  }
  const char *java = getenv("DISTCACHE_JAVA_CLIENT");
  if (java && *java && strcmp(java, "0") != 0) {
    run_java(&c, prefix ? argv0 : invoked, argc - 1, argv + 1);
  }
  if (prefix) {
    c.argv = argv + 1;
    c.argc = argc - 1;
  } else {
    argv[0] = (char *) base;
    c.argv = argv;
    c.argc = argc;
  }
  c.invoked = invoked;
  int found = has_cwd ? cache_dir(c.cwd, c.cache, sizeof c.cache) : -1;
  if (found != 0) {
    c.cache[0] = '\0';
  }
  if (found == -2 && warn_visible()) {
    /* CacheLayout.NO_HOME */
    dprintf(note_fd(), "distcache: warning: HOME is not set and this user has no home directory in the password"
        " database, so there is no cache directory; set DISTCACHE_DIR (or -d) or HOME; compiled without the cache\n");
  }
  compile_through_server(&c);
  run_locally(&c);
}
