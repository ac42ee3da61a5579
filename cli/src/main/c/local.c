/*
 * The real compiler in this process's place, found and run as the Java client's LocalCompile and
 * CompilerLocator do: search PATH, skip every entry that is distcache itself and every entry up to
 * and including the masquerade directory, and run the compiler behind prefix_command with those
 * directories removed from PATH and DISTCACHE_DEPTH counted up, so that stacked wrappers end at
 * the compiler instead of looping.
 */
#define _GNU_SOURCE
#include "distcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 2

/* distcache's own executables (this binary and the launcher script), by device and inode. */
struct selves {
  struct stat st[2];
  int n;
};

static void find_selves(const struct call *c, struct selves *s) {
  char launcher[PATH_MAX];
  s->n = 0;
  if (stat(c->exe, &s->st[s->n]) == 0) {
    s->n++;
  }
  if (join(launcher, sizeof launcher, c->home, "bin/distcache") == 0 && stat(launcher, &s->st[s->n]) == 0) {
    s->n++;
  }
}

static int is_self(const struct selves *s, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    return 0;
  }
  for (int i = 0; i < s->n; i++) {
    if (st.st_dev == s->st[i].st_dev && st.st_ino == s->st[i].st_ino) {
      return 1;
    }
  }
  return 0;
}

/* DISTCACHE_DEPTH as an integer (Integer.parseInt of the trimmed value); 0 when unset or not one. */
static int depth(void) {
  const char *v = getenv("DISTCACHE_DEPTH");
  if (!v) {
    return 0;
  }
  while (*v && (unsigned char) *v <= ' ') {
    v++;
  }
  char *end;
  errno = 0;
  long d = strtol(v, &end, 10);
  while (*end && (unsigned char) *end <= ' ') {
    end++;
  }
  if (end == v || *end || errno || d < 0 || d > 2147483647L) {
    return 0;
  }
  return (int) d;
}

/* A PATH entry as a directory: relative entries (and "", the working directory) against cwd. */
static int dir_of(const struct call *c, const char *entry, size_t len, char *out, size_t cap) {
  int n = len == 0 ? snprintf(out, cap, "%s", c->cwd)
      : entry[0] == '/' ? snprintf(out, cap, "%.*s", (int) len, entry)
      : snprintf(out, cap, "%s/%.*s", c->cwd, (int) len, entry);
  return n < 0 || (size_t) n >= cap ? -1 : 0;
}

static int is_dir(const char *dir, const char *real) {
  char buf[PATH_MAX];
  return real && realpath(dir, buf) && strcmp(buf, real) == 0;
}

/*
 * Finds the compiler to run into compiler and returns the PATH to run it with ("PATH=...", kept
 * entries as they were spelled); prints CompilerLocator's message and exits when there is none.
 */
static char *search_path(const struct call *c);

static char *locate(const struct call *c, char *compiler, size_t cap) {
  const char *name = c->argv[0];
  int d = depth();
  if (d >= MAX_DEPTH) {
    fail("recursion detected: the compiler \"%s\" leads back to distcache %d times (check PATH and prefix_command)",
        name, d);
  }
  const char *path = getenv("PATH");
  path = path ? path : "/usr/local/bin:/usr/bin:/bin";
  struct selves selves;
  find_selves(c, &selves);
  char masq_buf[PATH_MAX];
  const char *masq = NULL;
  if (c->invoked[0]) {
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", c->invoked);
    char *slash = strrchr(parent, '/');
    *(slash == parent ? slash + 1 : slash) = '\0'; /* the parent of "/gcc" is "/" */
    masq = realpath(parent, masq_buf);
  }
  const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
  char *clean = malloc(strlen(path) + sizeof "PATH=");
  if (!clean) {
    fail("out of memory");
  }
  char *w = stpcpy(clean, "PATH=");
  int kept = 0;
  int search_from = 0; /* the first entry after the masquerade directory, if it is on PATH */
  char dir[PATH_MAX];
  char file[PATH_MAX];
  int entry = 0;
  for (const char *p = path;; entry++) {
    const char *end = strchrnul(p, ':');
    int len = (int) (end - p);
    if (dir_of(c, p, (size_t) len, dir, sizeof dir) == 0 && join(file, sizeof file, dir, base) == 0) {
      int masquerade = is_dir(dir, masq);
      if (masquerade && search_from == 0) {
        search_from = entry + 1;
      }
      if (!masquerade && !is_self(&selves, file)) {
        w += sprintf(w, "%s%.*s", kept++ ? ":" : "", len, p);
      }
    }
    if (!*end) {
      break;
    }
    p = end + 1;
  }
  if (strchr(name, '/')) {
    if (absolute(compiler, cap, c->cwd, name) != 0 || access(compiler, X_OK) != 0) {
      fail("compiler \"%s\" not found or not executable", name);
    }
    if (is_self(&selves, compiler)) {
      fail("\"%s\" is distcache itself, not a compiler", name);
    }
    return clean;
  }
  const char *search = search_path(c);
  if (search && *search) {
    /* The path setting is searched instead of PATH, after the masquerade directory if it is there. */
    search_from = 0;
    entry = 0;
    for (const char *p = search;; entry++) {
      const char *end = strchrnul(p, ':');
      if (dir_of(c, p, (size_t) (end - p), dir, sizeof dir) == 0 && is_dir(dir, masq) && search_from == 0) {
        search_from = entry + 1;
      }
      if (!*end) {
        break;
      }
      p = end + 1;
    }
  } else {
    search = path;
  }
  entry = 0;
  for (const char *p = search;; entry++) {
    const char *end = strchrnul(p, ':');
    struct stat st;
    if (entry >= search_from && dir_of(c, p, (size_t) (end - p), dir, sizeof dir) == 0
        && join(compiler, cap, dir, name) == 0 && stat(compiler, &st) == 0 && S_ISREG(st.st_mode)
        && access(compiler, X_OK) == 0 && !is_self(&selves, compiler)) {
      return clean;
    }
    if (!*end) {
      break;
    }
    p = end + 1;
  }
  fail("cannot find the real compiler \"%s\" in %s after skipping distcache itself%s%s; %s=%s", name,
      search == path ? "PATH" : "path", masq ? " and " : "", masq ? masq : "",
      search == path ? "PATH" : "path (setting)", search);
}

/* Java's String.trim: drops every character up to ' ' from both ends, in place. */
static char *trim(char *s) {
  while (*s && (unsigned char) *s <= ' ') {
    s++;
  }
  size_t n = strlen(s);
  while (n > 0 && (unsigned char) s[n - 1] <= ' ') {
    s[--n] = '\0';
  }
  return s;
}

/*
 * A setting as the Java client finds it: the first of vars that is set, else the last "key = value"
 * line of distcache.conf; NULL when neither has it. (Unlike the Java client, other keys' values are
 * not checked: a configuration the server rejects does not drop the setting here.)
 */
static char *setting(const struct call *c, const char *const *vars, const char *key) {
  for (; *vars; vars++) {
    const char *v = getenv(*vars);
    if (v) {
      return strdup(v);
    }
  }
  char file[PATH_MAX];
  struct stat st;
  int fd = c->cache[0] && join(file, sizeof file, c->cache, "distcache.conf") == 0
      ? open(file, O_RDONLY | O_CLOEXEC) : -1;
  char *text = fd >= 0 && fstat(fd, &st) == 0 ? malloc((size_t) st.st_size + 1) : NULL;
  ssize_t n = text ? read(fd, text, (size_t) st.st_size) : -1;
  char *found = NULL;
  if (n >= 0) {
    text[n] = '\0';
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
      char *eq = strchr(line, '=');
      char *l = trim(line);
      if (eq && *l != '#') {
        *eq = '\0';
        if (strcmp(trim(l), key) == 0) {
          found = trim(eq + 1);
        }
      }
    }
  }
  if (fd >= 0) {
    close(fd);
  }
  return found;
}

/* prefix_command: DISTCACHE_PREFIX_COMMAND, DISTCACHE_PREFIX, else distcache.conf's. */
static char *prefix_command(const struct call *c) {
  static const char *const vars[] = {"DISTCACHE_PREFIX_COMMAND", "DISTCACHE_PREFIX", NULL};
  return setting(c, vars, "prefix_command");
}

/* ccache's path setting: where the compiler is searched instead of PATH; NULL or "" for PATH. */
static char *search_path(const struct call *c) {
  static const char *const vars[] = {"DISTCACHE_PATH", NULL};
  return setting(c, vars, "path");
}

_Noreturn void run_locally(const struct call *c) {
  if (c->argc < 1) {
    fail("no compiler named");
  }
  char compiler[PATH_MAX];
  char *path = locate(c, compiler, sizeof compiler);
  char depth_var[32];
  snprintf(depth_var, sizeof depth_var, "DISTCACHE_DEPTH=%d", depth() + 1);
  static const char *const drop[] = {"PATH", "DISTCACHE_DEPTH"};
  char *add[] = {path, depth_var};
  char **env = environment_with(drop, 2, add, 2);
  char *prefix = prefix_command(c);
  size_t words = 0;
  char **argv = malloc((prefix ? strlen(prefix) / 2 + 1 : 0) * sizeof *argv + ((size_t) c->argc + 1) * sizeof *argv);
  if (!argv) {
    fail("out of memory");
  }
  for (char *word = prefix ? strtok(prefix, " \t\n\v\f\r") : NULL; word; word = strtok(NULL, " \t\n\v\f\r")) {
    argv[words++] = word;
  }
  argv[words] = compiler;
  memcpy(argv + words + 1, c->argv + 1, (size_t) c->argc * sizeof *argv); /* with the NULL */
  /* As ProcessBuilder does: a bare prefix word is searched on this process's PATH. */
  execvpe(argv[0], argv, env);
  fail("cannot run %s: %s", argv[0], strerror(errno));
}
