/*
 * The native distcache client: the per-compile process on the hot path. It does what the Java
 * client (cli/src/main/java/dev/distcache/cli) does, with the protocol of docs/client-protocol.md:
 * forward argv, cwd and environment to the local server, replay its answer exactly, and run the
 * real compiler itself whenever the server cannot help. Administration goes to the Java client,
 * which this binary starts itself (java.c).
 */
#ifndef DISTCACHE_H
#define DISTCACHE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The limits of docs/client-protocol.md, checked before anything is allocated. */
#define MAX_STRING (UINT32_C(1) << 20)
#define MAX_COUNT (UINT32_C(1) << 16)
#define MAX_OUTPUT (UINT32_C(256) << 20)
#define MAX_NOTE (UINT32_C(64) << 10)

/* One compile as the user asked for it. */
struct call {
  char **argv;           /* argv[0]: the compiler's name or path, then its arguments; NULL-ended */
  int argc;
  const char *invoked;   /* masquerade: the absolute path distcache was run as; prefix mode: "" */
  char cwd[PATH_MAX];
  char home[PATH_MAX];   /* the installation directory */
  char exe[PATH_MAX];    /* this binary's real path */
  char cache[PATH_MAX];  /* the cache directory; "" when it cannot be named */
};

/* exchange.c: one request and its reply. Returns only when the server's answer is not a result. */
void compile_through_server(const struct call *c);

/* exchange.c: one administration request on fd (closed): the reply's stdout, or NULL. */
char *admin_request(const struct call *c, int fd, int argc, char *const *words);

/* server.c: the cache directory, and a connection to its server (started when nobody answers). */
int cache_dir(const char *cwd, char *out, size_t cap);
int connect_server(const struct call *c);
int connect_running(const struct call *c);
int without_server(const struct call *c, int (*fn)(const struct call *));

/* admin.c: the common administration options; returns when the Java client must answer. */
void administer(const struct call *c, const char *argv0, int argc, char **args);

/* java.c: hands the call to the Java client, or "daemon ..." to the remote compile daemon's JVM. */
_Noreturn void run_java(const struct call *c, const char *argv0, int argc, char **args);

/* local.c: the real compiler in this process's place (exits with an error when it cannot run). */
_Noreturn void run_locally(const struct call *c);

/* util.c */
int user_entry(uid_t uid, char *name, size_t name_cap, char *home, size_t home_cap);
int join(char *out, size_t cap, const char *dir, const char *name);
int absolute(char *out, size_t cap, const char *cwd, const char *path);
void normalize(char *path);
int make_dirs(const char *path);
char **environment_with(const char *const *drop, size_t ndrop, char *const *add, size_t nadd);
size_t libc_answer(char **add);
int note_fd(void);
int warn_visible(void);
_Noreturn void fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
