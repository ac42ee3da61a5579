/*
 * The cache directory's local server: where its socket is (CacheLayout), and connecting to it,
 * starting it first when nobody answers (ServerConnection). Both clients read the server's
 * command line from target/server.args, which the build writes.
 */
#define _GNU_SOURCE
#include "distcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKET_PATH 100
#define START_TIMEOUT_MILLIS 20000
#define FAILED_START_PAUSE_SECONDS 60

/*
 * $DISTCACHE_DIR, else $HOME/.cache/distcache (the passwd entry's home when HOME is unset or
 * empty), absolute and normalized; -1 when too long, -2 when there is no home either
 * (CacheLayout.fromEnvironment).
 */
int cache_dir(const char *cwd, char *out, size_t cap) {
  const char *dir = getenv("DISTCACHE_DIR");
  char buf[PATH_MAX];
  if (!dir || !*dir) {
    const char *home = getenv("HOME");
    char name[256], entry_home[PATH_MAX];
    if (!home || !*home) {
      home = user_entry(getuid(), name, sizeof name, entry_home, sizeof entry_home) == 0 ? entry_home : "";
    }
    if (home[0] != '/') {
      return -2;
    }
    if (join(buf, sizeof buf, home, ".cache/distcache") != 0) {
      return -1;
    }
    dir = buf;
  }
  if (absolute(out, cap, cwd, dir) != 0) {
    return -1;
  }
  normalize(out);
  return 0;
}

/*
 * PrivateDir.usable: dir is a real directory (not a symbolic link) of this user with mode 0700,
 * in a parent owned by root or this user and not writable by others unless sticky (/tmp). When
 * create is set and dir is missing, it is made first (mode 0700). Anything else may be another
 * user's trap, a directory made first in /tmp with a fake server in it, and is refused.
 */
static int private_dir(const char *dir, int create) {
  struct stat st;
  if (create && lstat(dir, &st) != 0 && errno == ENOENT) {
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
      *slash = '\0';
      if (make_dirs(parent) != 0) {
        return 0;
      }
    }
    if (mkdir(dir, 0700) == 0) {
      chmod(dir, 0700); /* whatever the umask */
    } else if (errno != EEXIST) {
      return 0;
    }
  }
  if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
    return 0;
  }
  char parent[PATH_MAX];
  snprintf(parent, sizeof parent, "%s", dir);
  char *slash = strrchr(parent, '/');
  if (!slash) {
    return 0;
  }
  slash[slash == parent ? 1 : 0] = '\0';
  struct stat up;
  return stat(parent, &up) == 0 && (up.st_uid == 0 || up.st_uid == geteuid())
      && ((up.st_mode & 022) == 0 || (up.st_mode & S_ISVTX) != 0);
}

/* The socket dir/name when it fits and dir is private (made if create); 0 when so. */
static int socket_in(const char *dir, const char *name, int create, char *out, size_t cap) {
  int w = snprintf(out, cap, "%s/%s", dir, name);
  return w > 0 && (size_t) w < cap && w <= MAX_SOCKET_PATH && private_dir(dir, create) ? 0 : -1;
}

/*
 * CacheLayout.writable(): whether this user may create files in the cache directory (yes when it
 * does not exist yet). Another user's shared cache keeps only its configuration and store.
 */
static int cache_writable(const char *cache) {
  return access(cache, W_OK) == 0 || errno == ENOENT;
}

/*
 * CacheLayout.socket(): server.sock in the cache directory when the path is short enough and the
 * directory writable, else
 * named by fnv1a64 of it in the first private directory of $XDG_RUNTIME_DIR, /tmp/distcache-$USER
 * and $HOME/.cache/distcache-run (the last two made when missing); -1 when there is none.
 */
static int socket_path(const char *cache, char *out, size_t cap) {
  if (join(out, cap, cache, "server.sock") != 0) {
    return -1;
  }
  if (strlen(out) <= MAX_SOCKET_PATH && cache_writable(cache)) {
    return 0;
  }
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (const unsigned char *p = (const unsigned char *) cache; *p; p++) {
    h = (h ^ *p) * UINT64_C(0x100000001b3);
  }
  char name[32];
  snprintf(name, sizeof name, "%016" PRIx64 ".sock", h);
  char base[PATH_MAX];
  const char *runtime = getenv("XDG_RUNTIME_DIR");
  if (runtime && runtime[0] == '/' && absolute(base, sizeof base, "/", runtime) == 0) {
    normalize(base);
    if (socket_in(base, name, 0, out, cap) == 0) {
      return 0;
    }
  }
  /* java.io.tmpdir is /tmp on Linux, and user.name the real user's name, or "?" without one. */
  char user[256], entry_home[PATH_MAX];
  int entry = user_entry(getuid(), user, sizeof user, entry_home, sizeof entry_home);
  snprintf(base, sizeof base, "/tmp/distcache-%s", entry == 0 ? user : "?");
  if (socket_in(base, name, 1, out, cap) == 0) {
    return 0;
  }
  const char *home = getenv("HOME");
  if (!home || home[0] != '/') {
    home = entry == 0 ? entry_home : "/";
  }
  if (join(base, sizeof base, home, ".cache/distcache-run") == 0) {
    normalize(base);
    if (socket_in(base, name, 1, out, cap) == 0) {
      return 0;
    }
  }
  return -1;
}

/*
 * CacheLayout's server files (server.start.lock, server.failed, server.out): name in the cache
 * directory when it is writable, else <hash>.suffix beside the socket; -1 when neither fits.
 */
static int run_file(const char *cache, const char *socket_file, const char *name, const char *suffix,
    char *out, size_t cap) {
  if (cache_writable(cache)) {
    return join(out, cap, cache, name);
  }
  size_t n = strlen(socket_file);
  if (n < 5 || strcmp(socket_file + n - 5, ".sock") != 0) {
    return -1;
  }
  int w = snprintf(out, cap, "%.*s.%s", (int) (n - 5), socket_file, suffix);
  return w > 0 && (size_t) w < cap ? 0 : -1;
}

static int root_in_group_cache(const char *cache);

/*
 * A connection to the socket: -1 when nobody listens, -2 when the one listening runs as another
 * user (SO_PEERCRED, as the server checks its clients): nothing is sent to it. root_admin: root
 * administers the server of a cache directory shared with a group, which runs as the group's
 * compiling user, as the server allows (docs/integration/sharing.md): root's -s shows its
 * counters. Root's compiles never go to it, since its outputs would be written by another user.
 */
static int try_connect(const char *socket_file, int root_admin) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t n = strlen(socket_file);
  if (n >= sizeof addr.sun_path) {
    return -1;
  }
  memcpy(addr.sun_path, socket_file, n + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  struct ucred peer;
  socklen_t len = sizeof peer;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || len != sizeof peer) {
    close(fd);
    return -1;
  }
  if (peer.uid == geteuid() || root_admin) {
    return fd;
  }
  close(fd);
  if (!root_admin) {
    char user[256], home[PATH_MAX];
    if (user_entry(peer.uid, user, sizeof user, home, sizeof home) != 0) {
      snprintf(user, sizeof user, "%u", (unsigned) peer.uid);
    }
    dprintf(note_fd(), "distcache: the server at %s runs as user %s, not as you; not sending it anything"
        " (compiling here instead)\n", socket_file, user);
  }
  return -2;
}

/* A copy of template's len bytes with {home} and {cache} replaced; NULL when it is too long. */
static char *expand(const char *template, size_t len, const struct call *c) {
  char buf[4 * PATH_MAX];
  size_t w = 0;
  for (size_t i = 0; i < len;) {
    const char *with = NULL;
    size_t skip = 1;
    if (len - i >= 6 && memcmp(template + i, "{home}", 6) == 0) {
      with = c->home;
      skip = 6;
    } else if (len - i >= 7 && memcmp(template + i, "{cache}", 7) == 0) {
      with = c->cache;
      skip = 7;
    }
    size_t add = with ? strlen(with) : 1;
    if (w + add >= sizeof buf) {
      return NULL;
    }
    memcpy(buf + w, with ? with : template + i, add);
    w += add;
    i += skip;
  }
  buf[w] = '\0';
  return strdup(buf);
}

/* The server's command line from {home}/target/server.args: one word a line, '#' for comments. */
static char **server_command(const struct call *c) {
  char file[PATH_MAX];
  static char text[16384];
  int fd = join(file, sizeof file, c->home, "target/server.args") == 0 ? open(file, O_RDONLY | O_CLOEXEC) : -1;
  ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
  if (n <= 0 || (size_t) n == sizeof text - 1) {
    dprintf(note_fd(), "distcache: cannot read the server's command line from %s\n", file);
    return NULL;
  }
  static char *argv[256];
  size_t argc = 0;
  for (char *line = text; line < text + n && argc + 1 < sizeof argv / sizeof *argv;) {
    char *end = memchr(line, '\n', (size_t) (text + n - line));
    size_t len = end ? (size_t) (end - line) : (size_t) (text + n - line);
    if (len > 0 && line[0] != '#' && !(argv[argc++] = expand(line, len, c))) {
      return NULL;
    }
    line += len + 1;
  }
  argv[argc] = NULL;
  return argc > 0 ? argv : NULL;
}

/*
 * Closes every descriptor above stderr, as ProcessBuilder does for its children: a wrapper that
 * runs this client (ccache keeps the build's stderr open under another number) must not have its
 * pipes held open by a server that lives on for minutes.
 */
static void close_inherited(void) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0) {
    return;
  }
#endif
  DIR *dir = opendir("/proc/self/fd");
  if (!dir) {
    for (int fd = 3; fd < 1024; fd++) {
      close(fd);
    }
    return;
  }
  int fds[1024];
  size_t n = 0;
  for (struct dirent *e; (e = readdir(dir)) && n < sizeof fds / sizeof *fds;) {
    int fd = atoi(e->d_name);
    if (fd > 2 && fd != dirfd(dir)) {
      fds[n++] = fd;
    }
  }
  closedir(dir);
  for (size_t i = 0; i < n; i++) {
    close(fds[i]);
  }
}

/*
 * Starts the server as ServerConnection.spawn does: its own session (Ctrl-C in the build must not
 * stop it), the cache directory as working directory, stdin from /dev/null, output appended to
 * server.out, no other inherited descriptor, default signal handling, and no DISTCACHE_DEPTH
 * (and the C library named for RocksDB: libc_answer). Returns the child's pid, or -1.
 */
static pid_t spawn_server(const struct call *c, const char *socket_file) {
  pid_t pid = fork();
  if (pid != 0) {
    return pid;
  }
  char out[PATH_MAX];
  int in = open("/dev/null", O_RDONLY);
  int log = run_file(c->cache, socket_file, "server.out", "out", out, sizeof out) == 0
      ? open(out, O_WRONLY | O_CREAT | O_APPEND, 0666) : -1;
  if (setsid() < 0 || chdir(c->cache) != 0 || in < 0 || log < 0 || dup2(in, 0) < 0
      || dup2(log, 1) < 0 || dup2(log, 2) < 0) {
    _exit(127);
  }
  close_inherited();
  /* A daemon of its own: no signal the build blocked or ignored (nohup) carries over. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  static const int stop[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof stop / sizeof *stop; i++) {
    signal(stop[i], SIG_DFL);
  }
  char **argv = server_command(c);
  if (argv) {
    static const char *const drop[] = {"DISTCACHE_DEPTH"};
    char *add[1];
    execve(argv[0], argv, environment_with(drop, 1, add, libc_answer(add)));
    dprintf(note_fd(), "distcache: cannot run the server %s: %s\n", argv[0], strerror(errno));
  }
  _exit(127);
}

static long long now_millis(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Whether server.failed (CacheLayout.serverFailed) says a start failed less than a minute ago:
 * then a compile starts no server and compiles by itself, rather than start a JVM that fails.
 */
static int failed_recently(const char *file) {
  struct stat st;
  time_t now = time(NULL);
  return stat(file, &st) == 0 && now >= st.st_mtime && now - st.st_mtime < FAILED_START_PAUSE_SECONDS;
}

/*
 * Remembers a failed start in server.failed and says so, once per failure, in server.out after
 * the server's own words; the compile's stderr stays the compiler's.
 */
static void start_failed(const struct call *c, const char *socket_file, const char *file) {
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd >= 0) {
    dprintf(fd, "%lld\n", (long long) time(NULL));
    close(fd);
  }
  char out[PATH_MAX];
  fd = run_file(c->cache, socket_file, "server.out", "out", out, sizeof out) == 0 ? open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666) : -1;
  if (fd >= 0) {
    dprintf(fd, "distcache: the server did not start; compiles run without the cache for %d s"
        " (until %s is older)\n", FAILED_START_PAUSE_SECONDS, file);
    close(fd);
  }
}

/*
 * Starts the server under the start lock and returns a connection to it, or -1. The lock is a
 * POSIX record lock (fcntl), the kind Java's FileChannel.lock takes; flock(2) would not exclude
 * a Java client starting a server at the same moment.
 */
static int start_server(const struct call *c, const char *socket_file) {
  char lock_file[PATH_MAX];
  char failed_file[PATH_MAX];
  if (make_dirs(c->cache) != 0) {
    /* ServerConnection.CacheDirException: no server can run for it; the compile runs here */
    int why = errno; /* isatty may set errno */
    if (warn_visible()) {
      dprintf(note_fd(), "distcache: warning: cannot create the cache directory %s (%s); set DISTCACHE_DIR (or -d)"
          " to a directory you can write; compiled without the cache\n", c->cache, strerror(why));
    }
    return -1;
  }
  if (run_file(c->cache, socket_file, "server.start.lock", "start.lock", lock_file, sizeof lock_file) != 0
      || run_file(c->cache, socket_file, "server.failed", "failed", failed_file, sizeof failed_file) != 0) {
    return -1;
  }
  int lock = open(lock_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  while (lock >= 0 && fcntl(lock, F_SETLKW, &whole) != 0) {
    if (errno != EINTR) {
      close(lock);
      return -1;
    }
  }
  if (lock < 0) {
    return -1;
  }
  int fd = try_connect(socket_file, 0);
  if (fd == -1 && failed_recently(failed_file)) {
    close(lock);
    return -1;
  }
  pid_t pid = fd == -1 ? spawn_server(c, socket_file) : 0;
  long long deadline = now_millis() + START_TIMEOUT_MILLIS;
  while (fd < 0 && pid > 0 && now_millis() < deadline) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      break; /* it failed; server.out says why (an exit 0 is a server that found another running) */
    }
    nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
    fd = try_connect(socket_file, 0);
  }
  if (pid != 0) {
    if (fd < 0) {
      start_failed(c, socket_file, failed_file);
    } else {
      unlink(failed_file);
    }
  }
  close(lock);
  return fd < 0 ? -1 : fd;
}

/*
 * A connection for administration to the cache directory's running server, never starting one;
 * -1 when none, -2 when it runs as another user and this one is not root.
 */
int connect_running(const struct call *c) {
  char socket_file[PATH_MAX];
  if (!c->cache[0] || socket_path(c->cache, socket_file, sizeof socket_file) != 0) {
    return -1;
  }
  size_t n = strlen(c->cache);
  int in_cache = strncmp(socket_file, c->cache, n) == 0 && socket_file[n] == '/';
  return try_connect(socket_file, in_cache && root_in_group_cache(c->cache));
}

/* Takes a POSIX record lock on the whole file (made if missing), waiting; the descriptor or -1. */
static int lock_file(const char *dir, const char *name) {
  char file[PATH_MAX];
  if (join(file, sizeof file, dir, name) != 0) {
    return -1;
  }
  int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  while (fd >= 0 && fcntl(fd, F_SETLKW, &whole) != 0) {
    if (errno != EINTR) {
      close(fd);
      return -1;
    }
  }
  return fd;
}

/*
 * ServerConnection.withoutServer: runs fn under the start lock, so that no server starts meanwhile,
 * and under the server lock, so that one that was stopping has finished (and written the counters
 * file), when no server answers. 1 when fn ran and returned 0, 0 when a server answers, -1 on an
 * error.
 */
int without_server(const struct call *c, int (*fn)(const struct call *)) {
  if (!c->cache[0] || make_dirs(c->cache) != 0) {
    return -1;
  }
  int start = lock_file(c->cache, "server.start.lock");
  if (start < 0) {
    return -1;
  }
  int fd = connect_running(c);
  int result = 0;
  if (fd >= 0) {
    close(fd);
  } else if (fd == -2) {
    result = -1; /* another user's server holds the counters: not this user's to change */
  } else {
    int server = lock_file(c->cache, "server.lock");
    result = server >= 0 && fn(c) == 0 ? 1 : -1;
    if (server >= 0) {
      close(server);
    }
  }
  close(start);
  return result;
}

/*
 * CacheLayout.groupShared for root: the cache directory is shared with a group other than root's
 * (set-group-ID and group-writable, as ccache's under Portage: root:portage 2775). Root starts no
 * server there: the group's compiling user does, and a server of root's would turn that user's
 * compiles away until it exited (docs/integration/sharing.md).
 */
static int root_in_group_cache(const char *cache) {
  struct stat st;
  return geteuid() == 0 && stat(cache, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISGID)
      && (st.st_mode & S_IWGRP) && st.st_gid != getegid();
}

/* A connection to the cache directory's server, started if needed; -1 when there is none. */
int connect_server(const struct call *c) {
  char socket_file[PATH_MAX];
  if (!c->cache[0] || socket_path(c->cache, socket_file, sizeof socket_file) != 0) {
    return -1;
  }
  int fd = try_connect(socket_file, 0);
  return fd >= 0 ? fd : fd == -2 || root_in_group_cache(c->cache) ? -1 : start_server(c, socket_file);
}
