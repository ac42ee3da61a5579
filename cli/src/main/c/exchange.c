/*
 * One compile through the server (CompileClient): the request built in one buffer and sent in one
 * write, the reply read with large reads and every length checked against the protocol's limits,
 * then stdout and stderr replayed exactly. A server that does not acknowledge the request within
 * a few seconds is given up, and the compile runs here. A stopping signal while the request is in
 * flight closes the connection, so that the server stops the compile, and this process dies of
 * that signal.
 */
#define _GNU_SOURCE
#include "distcache.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The connection a stopping signal closes; -1 when none is in flight. */
static volatile sig_atomic_t in_flight = -1;

static void on_stop(int sig) {
  int fd = in_flight;
  if (fd >= 0) {
    close(fd);
  }
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  sigaction(sig, &dfl, NULL);
  raise(sig); /* blocked in this handler; delivered with the default action when it returns */
}

/* Catches SIGINT, SIGTERM, SIGHUP and SIGQUIT from now on, except those the parent ignores. */
static void catch_stop_signals(int fd) {
  static const int stop[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  struct sigaction sa = {.sa_handler = on_stop};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof stop / sizeof *stop; i++) {
    sigaddset(&sa.sa_mask, stop[i]);
  }
  in_flight = fd;
  for (size_t i = 0; i < sizeof stop / sizeof *stop; i++) {
    struct sigaction old;
    if (sigaction(stop[i], &sa, &old) == 0 && old.sa_handler == SIG_IGN) {
      sigaction(stop[i], &old, NULL); /* nohup and friends: stay immune */
    }
  }
}

static unsigned char *put(unsigned char *p, const char *tag, uint32_t value) {
  memcpy(p, tag, 4);
  p[4] = (unsigned char) (value >> 24);
  p[5] = (unsigned char) (value >> 16);
  p[6] = (unsigned char) (value >> 8);
  p[7] = (unsigned char) value;
  return p + 8;
}

static unsigned char *put_string(unsigned char *p, const char *tag, const char *s, size_t n) {
  p = put(p, tag, (uint32_t) n);
  memcpy(p, s, n);
  return p + n;
}

static int is_variable(const char *entry) {
  const char *eq = strchr(entry, '=');
  return eq && eq != entry;
}

/* What goes in a request's environment: every variable, or only distcache's (own_only). */
static int sent(const char *entry, int own_only) {
  return is_variable(entry) && (!own_only || strncmp(entry, "DISTCACHE_", 10) == 0);
}

/*
 * The whole request (mode 1: a compile of c->argv; 2: administration, the words), or NULL when a
 * part is over the server's limits (it would drop it anyway). own_only: of the environment only
 * distcache's variables, for another user's server (root administering a group's cache).
 */
static unsigned char *build_request(const struct call *c, uint32_t mode, int argc, char *const *argv, size_t *len,
    int own_only) {
  size_t cwd = strlen(c->cwd);
  size_t invoked = strlen(c->invoked);
  size_t size = 9 * 8 + cwd + invoked;
  size_t envc = 0;
  int ok = cwd <= MAX_STRING && invoked <= MAX_STRING && (size_t) argc <= MAX_COUNT;
  for (int i = 0; ok && i < argc; i++) {
    size_t n = strlen(argv[i]);
    ok = n <= MAX_STRING;
    size += 8 + n;
  }
  for (char **e = environ; ok && *e; e++) {
    if (sent(*e, own_only)) {
      size_t n = strlen(*e);
      ok = n <= MAX_STRING && ++envc <= MAX_COUNT;
      size += 8 + n;
    }
  }
  unsigned char *buf = ok ? malloc(size) : NULL;
  if (!buf) {
    return NULL;
  }
  mode_t mask = umask(0);
  umask(mask);
  uint32_t ttys = (uint32_t) (isatty(STDOUT_FILENO) | isatty(STDERR_FILENO) << 1);
  unsigned char *p = put(buf, "DCS1", 1);
  p = put(p, "MODE", mode);
  p = put_string(p, "CWD ", c->cwd, cwd);
  p = put(p, "UMSK", (uint32_t) mask);
  p = put(p, "TTYS", ttys);
  p = put_string(p, "INVK", c->invoked, invoked);
  p = put(p, "ARGC", (uint32_t) argc);
  for (int i = 0; i < argc; i++) {
    p = put_string(p, "ARGV", argv[i], strlen(argv[i]));
  }
  p = put(p, "ENVC", (uint32_t) envc);
  for (char **e = environ; *e; e++) {
    if (sent(*e, own_only)) {
      p = put_string(p, "ENVV", *e, strlen(*e));
    }
  }
  put(p, "END ", 0);
  *len = size;
  return buf;
}

static int send_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w > 0) {
      p += w;
      n -= (size_t) w;
    } else if (!(w < 0 && errno == EINTR)) {
      return -1;
    }
  }
  return 0;
}

/* Reads frames from the connection; the first 64 KiB need no allocation. */
struct reader {
  int fd;
  unsigned char *buf;
  size_t cap, len, pos;
};

static unsigned char first_buffer[1 << 16];

/* Makes need bytes available at pos, reading as much as arrives; -1 when the stream ends first. */
static int fill(struct reader *r, size_t need) {
  if (r->pos + need > r->cap) {
    size_t cap = r->pos + need + 64; /* room for the frame headers that follow a big body */
    unsigned char *buf = malloc(cap);
    if (!buf) {
      return -1;
    }
    memcpy(buf, r->buf, r->len);
    if (r->buf != first_buffer) {
      free(r->buf);
    }
    r->buf = buf;
    r->cap = cap;
  }
  while (r->len - r->pos < need) {
    ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
    if (n > 0) {
      r->len += (size_t) n;
    } else if (!(n < 0 && errno == EINTR)) {
      return -1;
    }
  }
  return 0;
}

/* Reads a frame header with the given tag (any tag when NULL, copied to got). */
static int frame(struct reader *r, const char *tag, char got[4], uint32_t *value) {
  if (fill(r, 8) != 0) {
    return -1;
  }
  const unsigned char *p = r->buf + r->pos;
  if (tag && memcmp(p, tag, 4) != 0) {
    return -1;
  }
  if (got) {
    memcpy(got, p, 4);
  }
  *value = (uint32_t) p[4] << 24 | (uint32_t) p[5] << 16 | (uint32_t) p[6] << 8 | p[7];
  r->pos += 8;
  return 0;
}

/* Skips over a body of len bytes (at most max), recording where it starts. */
static int body(struct reader *r, uint32_t len, uint32_t max, size_t *at) {
  if (len > max || fill(r, len) != 0) {
    return -1;
  }
  *at = r->pos;
  r->pos += len;
  return 0;
}

struct result {
  int exit_code;
  size_t out, out_len, err, err_len; /* offsets into the reader's buffer */
  size_t note, note_len;             /* distcache's own lines for the user; note_len 0 for none */
};

/* 1 for a result, 0 for LOCL or FAIL, -1 for a reply cut short or against the protocol. */
static int read_reply(struct reader *r, struct result *res) {
  char tag[4];
  uint32_t v;
  size_t skip;
  if (frame(r, "DCS1", NULL, &v) != 0 || frame(r, NULL, tag, &v) != 0) {
    return -1;
  }
  res->note_len = 0;
  if (memcmp(tag, "NOTE", 4) == 0) {
    if (body(r, v, MAX_NOTE, &res->note) != 0) {
      return -1;
    }
    res->note_len = v;
    if (frame(r, NULL, tag, &v) != 0) {
      return -1;
    }
  }
  int kind;
  if (memcmp(tag, "EXIT", 4) == 0) {
    res->exit_code = (int) v;
    if (frame(r, "SOUT", NULL, &v) != 0 || body(r, v, MAX_OUTPUT, &res->out) != 0) {
      return -1;
    }
    res->out_len = v;
    if (frame(r, "SERR", NULL, &v) != 0 || body(r, v, MAX_OUTPUT, &res->err) != 0) {
      return -1;
    }
    res->err_len = v;
    kind = 1;
  } else if (memcmp(tag, "LOCL", 4) == 0 || memcmp(tag, "FAIL", 4) == 0) {
    if (body(r, v, MAX_STRING, &skip) != 0) {
      return -1;
    }
    kind = 0;
  } else {
    return -1;
  }
  return frame(r, "END ", NULL, &v) == 0 ? kind : -1;
}

/* How long to wait for the server's acknowledgement of the request (ServerConnection.ackMillis):
 * DISTCACHE_ACK_TIMEOUT seconds, 1 to 3600, else 5. */
static int ack_millis(void) {
  const char *v = getenv("DISTCACHE_ACK_TIMEOUT");
  size_t n = v ? strlen(v) : 0;
  if (n >= 1 && n <= 4 && strspn(v, "0123456789") == n) {
    int seconds = atoi(v);
    if (seconds >= 1 && seconds <= 3600) {
      return seconds * 1000;
    }
  }
  return 5000;
}

static long long now_millis(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits for the reply's first frame, which a server sends as soon as it has read the request:
 * 0 when something arrived (or the connection ended; reading tells which), -1 when nothing did
 * within the bound (a hung or starved server, compiled around). */
static int await_acknowledgement(int fd) {
  long long deadline = now_millis() + ack_millis();
  for (;;) {
    long long left = deadline - now_millis();
    if (left <= 0) {
      return -1;
    }
    struct pollfd in = {.fd = fd, .events = POLLIN};
    int n = poll(&in, 1, (int) left);
    if (n > 0) {
      return 0;
    }
    if (n == 0 || errno != EINTR) {
      return -1;
    }
  }
}

/* Writes everything, through partial writes, EINTR and non-blocking descriptors. */
static void write_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w > 0) {
      p += w;
      n -= (size_t) w;
    } else if (w < 0 && errno == EAGAIN) {
      struct pollfd out = {.fd = fd, .events = POLLOUT};
      poll(&out, 1, -1);
    } else if (!(w < 0 && errno == EINTR)) {
      return; /* the reader went away; the exit code still tells the truth */
    }
  }
}

void compile_through_server(const struct call *c) {
  size_t len = 0;
  unsigned char *request = build_request(c, 1, c->argc, c->argv, &len, 0);
  int fd = request ? connect_server(c) : -1;
  if (fd < 0) {
    free(request);
    return;
  }
  catch_stop_signals(fd);
  struct reader r = {.fd = fd, .buf = first_buffer, .cap = sizeof first_buffer};
  struct result res = {0};
  int kind = send_all(fd, request, len) == 0 && await_acknowledgement(fd) == 0 ? read_reply(&r, &res) : -1;
  in_flight = -1;
  close(fd);
  free(request);
  if (kind >= 0 && res.note_len > 0) {
    write_all(note_fd(), r.buf + res.note, res.note_len);
  }
  if (kind == 1) {
    write_all(STDOUT_FILENO, r.buf + res.out, res.out_len);
    write_all(STDERR_FILENO, r.buf + res.err, res.err_len);
    exit(res.exit_code);
  }
}

/*
 * One administration request (AdminChannel) on fd, which it closes: the stdout of a successful
 * reply, NUL-terminated and malloc'd, or NULL for anything else (the caller leaves it to the Java
 * client, which explains).
 */
char *admin_request(const struct call *c, int fd, int argc, char *const *words) {
  size_t len = 0;
  struct ucred peer;
  socklen_t peer_len = sizeof peer;
  int foreign = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0 || peer.uid != geteuid();
  unsigned char *request = build_request(c, 2, argc, words, &len, foreign);
  struct reader r = {.fd = fd, .buf = first_buffer, .cap = sizeof first_buffer};
  struct result res = {0};
  int kind = request && send_all(fd, request, len) == 0 && await_acknowledgement(fd) == 0 ? read_reply(&r, &res) : -1;
  close(fd);
  free(request);
  char *out = kind == 1 && res.exit_code == 0 ? malloc(res.out_len + 1) : NULL;
  if (out) {
    memcpy(out, r.buf + res.out, res.out_len);
    out[res.out_len] = '\0';
  }
  if (r.buf != first_buffer) {
    free(r.buf);
  }
  return out;
}
