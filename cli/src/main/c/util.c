/* Paths, directories and environments, the way the Java client's java.nio.file calls see them. */
#define _GNU_SOURCE
#include "distcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * One line of the passwd database, cut into its fields in place: 0 when it is an entry of uid
 * whose name and home fit, -1 otherwise (NIS markers, blank, short or malformed lines).
 */
static int passwd_line(char *line, uid_t uid, char *name, size_t name_cap, char *home, size_t home_cap) {
  line[strcspn(line, "\n")] = '\0';
  char *field[7];
  int n = 0;
  for (char *p = line; n < 7; n++) {
    field[n] = p;
    p = strchr(p, ':');
    if (!p) {
      n++;
      break;
    }
    *p++ = '\0';
  }
  if (n < 7 || field[0][0] == '\0' || field[0][0] == '+' || field[0][0] == '-'
      || field[2][0] < '0' || field[2][0] > '9') {
    return -1;
  }
  char *end;
  errno = 0;
  unsigned long id = strtoul(field[2], &end, 10);
  if (*end || errno || id != uid || strlen(field[0]) >= name_cap || strlen(field[5]) >= home_cap) {
    return -1;
  }
  strcpy(name, field[0]);
  strcpy(home, field[5]);
  return 0;
}

/* `getent passwd uid`'s one line, read into line; 0 when it printed one. */
static int getent_line(uid_t uid, char *line, size_t cap) {
  int pipes[2];
  if (pipe2(pipes, O_CLOEXEC) != 0) {
    return -1;
  }
  char id[24];
  snprintf(id, sizeof id, "%u", (unsigned) uid);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipes[1], 1);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, 2);
    }
    execl("/usr/bin/getent", "getent", "passwd", id, (char *) NULL);
    execl("/bin/getent", "getent", "passwd", id, (char *) NULL);
    _exit(127);
  }
  close(pipes[1]);
  if (pid < 0) {
    close(pipes[0]);
    return -1;
  }
  size_t got = 0;
  while (got + 1 < cap) {
    ssize_t r = read(pipes[0], line + got, cap - 1 - got);
    if (r > 0) {
      got += (size_t) r;
    } else if (r == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipes[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  line[got] = '\0';
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 && got > 0 ? 0 : -1;
}

/*
 * User uid's name and home directory, as getpwuid(3) finds them: 0 when found, -1 when the user
 * has no entry (a container's numeric user) or a field does not fit. The client is linked
 * statically (no dynamic loader at each compile), and a static C library can reach sources other
 * than /etc/passwd (LDAP, sssd) only through the NSS modules of the very C library it was built
 * with, which an installation built on another machine cannot count on. So /etc/passwd is read
 * here, as nsswitch's "files" source reads it (the first entry with the uid), and for a user it
 * does not hold, getent(1), a program of the system's own C library, asks every source. The
 * lookups this serves are off the common path: HOME unset, a socket outside the cache directory,
 * a message naming another server's user.
 */
int user_entry(uid_t uid, char *name, size_t name_cap, char *home, size_t home_cap) {
  FILE *f = fopen("/etc/passwd", "re");
  if (f) {
    char *line = NULL;
    size_t cap = 0;
    int found = -1;
    while (found != 0 && getline(&line, &cap, f) > 0) {
      found = passwd_line(line, uid, name, name_cap, home, home_cap);
    }
    free(line);
    fclose(f);
    if (found == 0) {
      return 0;
    }
  }
  char line[PATH_MAX + 1024];
  return getent_line(uid, line, sizeof line) == 0 ? passwd_line(line, uid, name, name_cap, home, home_cap) : -1;
}

/* dir + "/" + name; -1 when it does not fit. */
int join(char *out, size_t cap, const char *dir, const char *name) {
  int n = snprintf(out, cap, "%s/%s", dir, name);
  return n < 0 || (size_t) n >= cap ? -1 : 0;
}

/* path made absolute against cwd, as Path.toAbsolutePath does; -1 when it does not fit. */
int absolute(char *out, size_t cap, const char *cwd, const char *path) {
  if (path[0] == '/') {
    int n = snprintf(out, cap, "%s", path);
    return n < 0 || (size_t) n >= cap ? -1 : 0;
  }
  return join(out, cap, cwd, path);
}

/* Normalizes an absolute path in place, as Path.normalize does: no ".", "..", "//" or trailing "/". */
void normalize(char *path) {
  size_t w = 0;
  const char *p = path;
  while (*p) {
    while (*p == '/') {
      p++;
    }
    const char *start = p;
    while (*p && *p != '/') {
      p++;
    }
    size_t len = (size_t) (p - start);
    if (len == 0 || (len == 1 && start[0] == '.')) {
      continue;
    }
    if (len == 2 && start[0] == '.' && start[1] == '.') {
      while (w > 0 && path[--w] != '/') {
      }
      continue;
    }
    path[w++] = '/';
    memmove(path + w, start, len); /* w never passes start: the output is never longer */
    w += len;
  }
  if (w == 0) {
    path[w++] = '/';
  }
  path[w] = '\0';
}

/* mkdir -p with mode 0777 (less the umask), as Files.createDirectories; 0 when it exists. */
int make_dirs(const char *path) {
  char buf[PATH_MAX];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, path, n + 1);
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        return -1;
      }
      *p = c;
      if (c == '\0') {
        break;
      }
    }
  }
  struct stat st;
  if (stat(path, &st) != 0) {
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

static int named(const char *entry, const char *name) {
  size_t n = strlen(name);
  return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/*
 * A copy of this process's environment without the variables named in drop, plus the entries in
 * add (NAME=value). Entries without a name are left out, as the JVM leaves them out of getenv().
 */
char **environment_with(const char *const *drop, size_t ndrop, char *const *add, size_t nadd) {
  size_t n = 0;
  while (environ[n]) {
    n++;
  }
  char **out = malloc((n + nadd + 1) * sizeof *out);
  if (!out) {
    fail("out of memory");
  }
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    const char *eq = strchr(environ[i], '=');
    int keep = eq && eq != environ[i];
    for (size_t d = 0; keep && d < ndrop; d++) {
      keep = !named(environ[i], drop[d]);
    }
    if (keep) {
      out[w++] = environ[i];
    }
  }
  for (size_t i = 0; i < nadd; i++) {
    out[w++] = add[i];
  }
  out[w] = NULL;
  return out;
}

/*
 * RocksDB's JNI loader asks whether the C library is musl by running
 * `sh -c "ldd /usr/bin/env | grep -q musl"` unless ROCKSDB_MUSL_LIBC answers: about 0.1 s of every
 * start of a JVM that opens a store (the local server, the daemon) on a loaded machine. This binary
 * was built against the machine's C library, so with glibc it answers; a value the user set stays.
 * Writes at most one entry to add; returns how many.
 */
size_t libc_answer(char **add) {
#ifdef __GLIBC__
  if (!getenv("ROCKSDB_MUSL_LIBC")) {
    add[0] = "ROCKSDB_MUSL_LIBC=false";
    return 1;
  }
#endif
  (void) add;
  return 0;
}

/*
 * Where distcache's own messages go: the descriptor in $UNCACHED_ERR_FD when a wrapper that runs
 * distcache (ccache with CCACHE_PREFIX) set it and it is open, so that the wrapper does not take
 * them for the compiler's output and cache them; else stderr. The compiler's stderr stays on 2.
 */
int note_fd(void) {
  const char *v = getenv("UNCACHED_ERR_FD");
  if (v == NULL || *v == '\0') {
    return STDERR_FILENO;
  }
  char *end;
  errno = 0;
  long fd = strtol(v, &end, 10);
  if (*end != '\0' || errno != 0 || fd < STDERR_FILENO || fd > INT_MAX || fcntl((int) fd, F_GETFD) == -1) {
    return STDERR_FILENO;
  }
  return (int) fd;
}

/*
 * Whether a warning about the cache itself may be printed: where ccache's UNCACHED_ERR_FD points,
 * or on stderr when that is a terminal. Otherwise the compile's stderr stays the compiler's alone:
 * configure scripts read a conftest's stderr, and a line of ours would fail their checks.
 */
int warn_visible(void) {
  return note_fd() != STDERR_FILENO || isatty(STDERR_FILENO);
}

/* Prints "distcache: error: ..." to note_fd() and exits 1, as the Java client does for what it cannot do. */
_Noreturn void fail(const char *format, ...) {
  char msg[PATH_MAX + 512];
  va_list ap;
  va_start(ap, format);
  vsnprintf(msg, sizeof msg, format, ap);
  va_end(ap);
  dprintf(note_fd(), "distcache: error: %s\n", msg);
  exit(1);
}
