/*
 * The administration options that scripts and people run often, answered here in milliseconds
 * instead of by a JVM: -V/--version and -h/--help (texts compiled in from the Java classes,
 * texts.h), and -s/--show-stats, -v/--verbose (once or twice: -sv, -svv), --print-stats (with
 * --format tab or json) and -z/--zero-stats, alone or together (run in order, as
 * DistcacheCommand does), with -d/--dir DIR. The counters come from the running server
 * (the "stats" request), else from the counters file the last server left (CountersFile), without
 * starting one. Anything else, and any state this code cannot render exactly as the Java client
 * would (a DISTCACHE_ variable that may change the limits, a configuration file newer than the
 * counters file, no counters file, a TZ the JVM reads otherwise), is left to the Java client: administer() then returns.
 *
 * The rendering is StatsSummary's and MachineStats's, line for line; e2e NativeAdminTest compares
 * the two clients' outputs for the same state.
 */
#define _GNU_SOURCE
#include "distcache.h"
#include "texts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NCOUNTERS (sizeof COUNTERS / sizeof *COUNTERS)
#define MAX_VALUES 512
#define MAX_ROWS 128

enum action { SHOW, PRINT, ZERO };

/* The id<TAB>value lines of a stats reply or of the counters file, in order. */
struct values {
  char *text; /* owns the strings below */
  int n;
  const char *key[MAX_VALUES];
  const char *value[MAX_VALUES];
};

/* Splits text (taken over) into lines; 0, or -1 for a line without a tab or too many lines. */
static int parse(struct values *v, char *text) {
  v->text = text;
  v->n = 0;
  for (char *line = text; *line;) {
    char *end = strchrnul(line, '\n');
    char *next = *end ? end + 1 : end;
    *end = '\0';
    if (*line) {
      char *tab = strchr(line, '\t');
      if (!tab || tab == line || v->n == MAX_VALUES) {
        return -1;
      }
      *tab = '\0';
      v->key[v->n] = line;
      v->value[v->n++] = tab + 1;
    }
    line = next;
  }
  return 0;
}

static const char *text_of(const struct values *v, const char *key) {
  for (int i = v->n - 1; i >= 0; i--) { /* the last one wins, as in a map */
    if (strcmp(v->key[i], key) == 0) {
      return v->value[i];
    }
  }
  return NULL;
}

/* A value that is not a whole number: the Java client reports it. */
static int malformed;

static long long number(const struct values *v, const char *key) {
  const char *s = text_of(v, key);
  if (!s) {
    return 0;
  }
  while (*s == ' ' || *s == '\t') {
    s++;
  }
  char *end;
  errno = 0;
  long long n = strtoll(s, &end, 10);
  while (*end == ' ' || *end == '\t') {
    end++;
  }
  if (end == s || *end || errno) {
    malformed = 1;
  }
  return n;
}

static long long sum(const struct values *v, enum counter_kind kind) {
  long long total = 0;
  for (size_t i = 0; i < NCOUNTERS; i++) {
    if (COUNTERS[i].kind == kind) {
      total += number(v, COUNTERS[i].id);
    }
  }
  return total;
}

/*
 * Java's String.format("%.Nf") of a finite value >= 0: the shortest digits that read back as the
 * same double, rounded half up (C's printf rounds the binary value, which differs on ties).
 */
static void java_fixed(char *out, size_t cap, double value, int decimals) {
  char buf[48];
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(buf, sizeof buf, "%.*e", precision - 1, value);
    if (strtod(buf, NULL) == value) {
      break;
    }
  }
  char *e = strchr(buf, 'e');
  int point = atoi(e + 1) + 1; /* digits before the decimal point */
  char digits[24];
  int nd = 0;
  for (const char *p = buf; p < e; p++) {
    if (*p >= '0' && *p <= '9') {
      digits[nd++] = *p;
    }
  }
  int whole = point > 0 ? point : 0;
  int width = whole + decimals;
  char fixed[64];
  fixed[0] = '0'; /* room for a carry */
  for (int i = 0; i < width; i++) {
    int k = i - whole + point;
    fixed[i + 1] = k >= 0 && k < nd ? digits[k] : '0';
  }
  int k = decimals + point;
  if (k >= 0 && k < nd && digits[k] >= '5') {
    for (int i = width; i >= 0; i--) {
      if (fixed[i] == '9') {
        fixed[i] = '0';
      } else {
        fixed[i]++;
        break;
      }
    }
  }
  int start = 0; /* fixed[0..whole] is the whole part, carry included: no leading zeros */
  while (start < whole && fixed[start] == '0') {
    start++;
  }
  size_t w = 0;
  for (int i = start; i <= whole && w + 1 < cap; i++) {
    out[w++] = fixed[i];
  }
  if (decimals > 0 && w + 1 < cap) {
    out[w++] = '.';
  }
  for (int i = whole + 1; i <= width && w + 1 < cap; i++) {
    out[w++] = fixed[i];
  }
  out[w] = '\0';
}

/* StatsSummary.percent: "(%5.2f%%)", or "(%5.1f%%)" when the numerator reaches the denominator. */
static void percent(char *out, size_t cap, long long numerator, long long denominator) {
  double p = 100.0 * (double) numerator / (double) denominator;
  char digits[48];
  java_fixed(digits, sizeof digits, p, numerator >= denominator ? 1 : 2);
  snprintf(out, cap, "(%5s%%)", digits);
}

/* TextTable: rows of cells, each column as wide as its widest cell, headings apart. */
struct cell {
  char *text;
  int right;
};

struct row {
  struct cell cells[5];
  int n;
  int heading;
  int wide; /* the second cell spans the other columns: only the first widens its column */
};

static struct row rows[MAX_ROWS];
static int nrows;

static struct cell text_cell(const char *s) {
  return (struct cell){strdup(s), 0};
}

static struct cell number_cell(long long n) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", n);
  return (struct cell){strdup(buf), 1};
}

static struct cell formatted_cell(const char *s) {
  return (struct cell){strdup(s), 1};
}

static void add_row(int n, const struct cell *cells, int heading) {
  if (nrows == MAX_ROWS) {
    fail("too many rows in the statistics");
  }
  struct row *r = &rows[nrows++];
  r->n = n;
  r->heading = heading;
  r->wide = 0;
  memcpy(r->cells, cells, (size_t) n * sizeof *cells);
}

static void heading(const char *s) {
  struct cell c = text_cell(s);
  add_row(1, &c, 1);
}

static void wide_row(const char *label, const char *text) {
  struct cell cells[] = {text_cell(label), text_cell(text)};
  add_row(2, cells, 0);
  rows[nrows - 1].wide = 1;
}

static void row2(struct cell a, struct cell b) {
  struct cell cells[] = {a, b};
  add_row(2, cells, 0);
}

static void row5(struct cell a, struct cell b, struct cell c, struct cell d, struct cell e) {
  struct cell cells[] = {a, b, c, d, e};
  add_row(5, cells, 0);
}

static void ratio(const char *label, long long numerator, long long denominator) {
  if (denominator > 0) {
    char p[64];
    percent(p, sizeof p, numerator, denominator);
    row5(text_cell(label), number_cell(numerator), text_cell("/"), number_cell(denominator), text_cell(p));
  } else {
    row2(text_cell(label), number_cell(numerator));
  }
}

static void render(FILE *out) {
  size_t widths[5] = {0};
  for (int i = 0; i < nrows; i++) {
    for (int j = 0; j < (rows[i].heading ? 0 : rows[i].wide ? 1 : rows[i].n); j++) {
      size_t n = strlen(rows[i].cells[j].text);
      widths[j] = n > widths[j] ? n : widths[j];
    }
  }
  for (int i = 0; i < nrows; i++) {
    char line[8192];
    size_t w = 0;
    for (int j = 0; j < rows[i].n; j++) {
      const struct cell *c = &rows[i].cells[j];
      size_t len = strlen(c->text);
      size_t pad = rows[i].heading || (rows[i].wide && j > 0) ? 0 : widths[j] - len;
      w += (size_t) snprintf(line + w, sizeof line - w, "%s%*s%s%*s", j > 0 ? " " : "",
          c->right ? (int) pad : 0, "", c->text, c->right ? 0 : (int) pad, "");
      if (w >= sizeof line) {
        w = sizeof line - 1;
      }
      free(c->text);
    }
    while (w > 0 && line[w - 1] == ' ') {
      w--;
    }
    line[w] = '\0';
    fprintf(out, "%s\n", line);
  }
  nrows = 0;
}

static int by_description(const void *a, const void *b) {
  return strcmp((*(const struct counter *const *) a)->description, (*(const struct counter *const *) b)->description);
}

/* One indented row per counter of the kind (the nonzero ones, or all), sorted by description. */
static void details(const struct values *v, enum counter_kind kind, long long total, int all) {
  const struct counter *listed[NCOUNTERS];
  size_t n = 0;
  for (size_t i = 0; i < NCOUNTERS; i++) {
    if (COUNTERS[i].kind == kind && (all || number(v, COUNTERS[i].id) > 0)) {
      listed[n++] = &COUNTERS[i];
    }
  }
  qsort(listed, n, sizeof *listed, by_description);
  for (size_t i = 0; i < n; i++) {
    char label[256];
    snprintf(label, sizeof label, "  %s:", listed[i]->description);
    ratio(label, number(v, listed[i]->id), total);
  }
}

/* Values.formatGigabytes: decimal gigabytes with two decimals, as ccache shows the cache size. */
static struct cell gb_cell(long long bytes) {
  char buf[48];
  java_fixed(buf, sizeof buf, (double) bytes / 1e9, 2);
  return formatted_cell(buf);
}

/* StatsSummary.shownIfNonzero: "label n" when n is nonzero, or at level 2. */
static void shown_if_nonzero(const char *label, long long n, int verbosity) {
  if (n > 0 || verbosity > 1) {
    row2(text_cell(label), number_cell(n));
  }
}

/*
 * StatsSummary.timestamp: "never" for 0, else strftime's %c in the C locale and the local zone
 * (timestamps_native() has checked that the JVM's zone is this one).
 */
static void timestamp(char *out, size_t cap, long long seconds) {
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = (time_t) seconds;
  struct tm tm;
  if (seconds == 0 || !localtime_r(&t, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999) {
    snprintf(out, cap, "never");
    malformed = seconds != 0 ? 1 : malformed; /* a year Java writes otherwise: the Java client answers */
    return;
  }
  snprintf(out, cap, "%s %s %2d %02d:%02d:%02d %d", days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday, tm.tm_hour,
      tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

static void local_storage(const struct values *v, int verbosity) {
  heading("Local storage:");
  long long size = number(v, "cache_size_bytes");
  long long max_size = number(v, "max_size");
  if (max_size > 0) {
    char p[64];
    percent(p, sizeof p, size, max_size);
    row5(text_cell("  Cache size (GB):"), gb_cell(size), text_cell("/"), gb_cell(max_size), text_cell(p));
  } else {
    row2(text_cell("  Cache size (GB):"), gb_cell(size));
  }
  if (verbosity > 0) {
    long long files = number(v, "files_in_cache");
    long long max_files = number(v, "max_files");
    if (max_files > 0) {
      ratio("  Files:", files, max_files);
    } else {
      row2(text_cell("  Files:"), number_cell(files));
    }
  }
  long long cleanups = number(v, "cleanups_performed");
  if (cleanups > 0 || verbosity > 1) {
    row2(text_cell("  Cleanups:"), number_cell(cleanups));
  }
  long long hits = number(v, "local_storage_hit");
  long long misses = number(v, "local_storage_miss");
  if (verbosity > 0 || number(v, "remote_storage_hit") + number(v, "remote_storage_miss") > 0) {
    ratio("  Hits:", hits, hits + misses);
    ratio("  Misses:", misses, hits + misses);
  }
  if (verbosity > 0) {
    row2(text_cell("  Reads:"), number_cell(number(v, "local_storage_read_hit") + number(v, "local_storage_read_miss")));
    row2(text_cell("  Writes:"), number_cell(number(v, "local_storage_write")));
  }
  shown_if_nonzero("  Write failures:", number(v, "local_storage_write_failed"), verbosity);
  shown_if_nonzero("  Damaged stores moved aside:", number(v, "store_moved_aside"), verbosity);
  const char *broken = text_of(v, "store_moved_aside_to");
  if (broken && strcmp(broken, "?") != 0) {
    row2(text_cell("  Damaged store kept in:"), text_cell(broken));
  }
}

/* StatsSummary.remoteStorage: the tiers after the local store. */
static void remote_storage(const struct values *v, int verbosity) {
  long long hits = number(v, "remote_storage_hit");
  long long misses = number(v, "remote_storage_miss");
  long long errors = number(v, "remote_storage_error");
  long long timeouts = number(v, "remote_storage_timeout");
  if (verbosity < 2 && hits + misses + errors + timeouts == 0) {
    return;
  }
  heading("Remote storage:");
  ratio("  Hits:", hits, hits + misses);
  ratio("  Misses:", misses, hits + misses);
  if (verbosity > 0) {
    row2(text_cell("  Reads:"), number_cell(number(v, "remote_storage_read_hit") + number(v, "remote_storage_read_miss")));
    row2(text_cell("  Writes:"), number_cell(number(v, "remote_storage_write")));
  }
  shown_if_nonzero("  Errors:", errors, verbosity);
  shown_if_nonzero("  Timeouts:", timeouts, verbosity);
}

/* StatsSummary.farm: the compile farm's section. */
static void farm(const struct values *v, int verbosity) {
  long long compiled = number(v, "remote_compile");
  long long compile_errors = number(v, "remote_compile_error");
  long long unreachable = number(v, "remote_host_unreachable");
  long long failed = number(v, "remote_job_failed");
  if (verbosity < 2 && compiled + compile_errors + unreachable + failed == 0) {
    return;
  }
  heading("Remote compiles:");
  row2(text_cell("  Compiled remotely:"), number_cell(compiled));
  shown_if_nonzero("  Compile errors:", compile_errors, verbosity);
  shown_if_nonzero("  Hosts unreachable:", unreachable, verbosity);
  shown_if_nonzero("  Jobs failed:", failed, verbosity);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*
 * Whether localtime() and the JVM's ZoneId.systemDefault() read TZ as the same zone, so that the
 * timestamps of -sv are the Java client's: TZ unset (both follow /etc/localtime), or the name of
 * a zone that the tz database here has and the JVM knows, with or without ':'. The JVM reads a
 * POSIX rule (CET-1CEST,M3.5.0,M10.5.0/3), a path or an empty TZ otherwise than the C library
 * does (a fixed offset, or /etc/localtime): there the Java client answers.
 */
static int same_zone_as_java(void) {
  const char *tz = getenv("TZ");
  if (!tz) {
    return 1;
  }
  tz += *tz == ':';
  if (!*tz || *tz == '/' || strstr(tz, "..") || getenv("TZDIR")
      || !bsearch(&tz, JAVA_ZONES, sizeof JAVA_ZONES / sizeof *JAVA_ZONES, sizeof *JAVA_ZONES, by_name)) {
    return 0;
  }
  char file[PATH_MAX];
  struct stat st;
  return snprintf(file, sizeof file, "/usr/share/zoneinfo/%s", tz) < (int) sizeof file && stat(file, &st) == 0
      && S_ISREG(st.st_mode);
}

static const char *text_or_unknown(const struct values *v, const char *key) {
  const char *s = text_of(v, key);
  return s ? s : "?";
}

/*
 * StatsSummary.format at verbosity (the number of -v) into out; -1 when a value is malformed or
 * the timestamps would not be the Java client's (nothing printed).
 */
static int show_stats(FILE *out, const struct values *v, int verbosity) {
  if (verbosity > 0 && !same_zone_as_java()) {
    return -1;
  }
  malformed = 0;
  long long direct = number(v, "direct_cache_hit");
  long long preprocessed = number(v, "preprocessed_cache_hit");
  long long hits = direct + preprocessed;
  long long misses = number(v, "cache_miss");
  long long uncacheable = sum(v, UNCACHEABLE);
  long long errors = sum(v, ERROR);
  long long total = hits + misses + uncacheable + errors;
  if (verbosity > 0) {
    char when[64];
    wide_row("Cache directory:", text_or_unknown(v, "cache_dir"));
    wide_row("Config file:", text_or_unknown(v, "config_file"));
    wide_row("System config file:", "none");
    timestamp(when, sizeof when, number(v, "stats_updated_timestamp"));
    wide_row("Stats updated:", when);
    if (verbosity > 1) {
      timestamp(when, sizeof when, number(v, "stats_zeroed_timestamp"));
      wide_row("Stats zeroed:", when);
    }
  }
  if (total > 0 || verbosity > 1) {
    ratio("Cacheable calls:", hits + misses, total);
    ratio("  Hits:", hits, hits + misses);
    ratio("    Direct:", direct, hits);
    ratio("    Preprocessed:", preprocessed, hits);
    ratio("  Misses:", misses, hits + misses);
  }
  if (uncacheable > 0 || verbosity > 1) {
    ratio("Uncacheable calls:", uncacheable, total);
    if (verbosity > 0) {
      details(v, UNCACHEABLE, uncacheable, verbosity > 1);
    }
  }
  if (errors > 0 || verbosity > 1) {
    ratio("Errors:", errors, total);
    if (verbosity > 0) {
      details(v, ERROR, errors, verbosity > 1);
    }
  }
  if (total > 0 && verbosity > 0) {
    heading("Successful lookups:");
    ratio("  Direct:", direct, direct + number(v, "direct_cache_miss"));
    ratio("  Preprocessed:", preprocessed, preprocessed + number(v, "preprocessed_cache_miss"));
  }
  local_storage(v, verbosity);
  remote_storage(v, verbosity);
  farm(v, verbosity);
  if (malformed) {
    for (int i = 0; i < nrows; i++) {
      for (int j = 0; j < rows[i].n; j++) {
        free(rows[i].cells[j].text);
      }
    }
    nrows = 0;
    return -1;
  }
  render(out);
  for (int n = 1;; n++) {
    char key[32];
    snprintf(key, sizeof key, "config_note_%d", n);
    const char *note = text_of(v, key);
    if (!note) {
      break;
    }
    fprintf(out, "%s  %s\n", n == 1 ? "Configuration notes:\n" : "", note);
  }
  return 0;
}

struct line {
  const char *id;
  long long value;
};

static int by_id(const void *a, const void *b) {
  return strcmp(((const struct line *) a)->id, ((const struct line *) b)->id);
}

/*
 * MachineStats.format: every counter and the four sizes, "id<TAB>value", sorted by id; with json,
 * MachineStats.json: the same lines as one JSON object, a member a line (ids need no escapes).
 */
static int print_stats(FILE *out, const struct values *v, int json) {
  malformed = 0;
  struct line lines[NCOUNTERS + 4];
  size_t n = 0;
  for (size_t i = 0; i < NCOUNTERS; i++) {
    lines[n++] = (struct line){COUNTERS[i].id, number(v, COUNTERS[i].id)};
  }
  lines[n++] = (struct line){"cache_size_kibibyte", number(v, "cache_size_bytes") / 1024};
  lines[n++] = (struct line){"files_in_cache", number(v, "files_in_cache")};
  lines[n++] = (struct line){"max_cache_size_kibibyte", number(v, "max_size") / 1024};
  lines[n++] = (struct line){"max_files_in_cache", number(v, "max_files")};
  if (malformed) {
    return -1;
  }
  qsort(lines, n, sizeof *lines, by_id);
  for (size_t i = 0; i < n; i++) {
    if (json) {
      fprintf(out, "%s  \"%s\": %lld", i == 0 ? "{\n" : ",\n", lines[i].id, lines[i].value);
    } else {
      fprintf(out, "%s\t%lld\n", lines[i].id, lines[i].value);
    }
  }
  if (json) {
    fputs(n == 0 ? "{\n}\n" : "\n}\n", out);
  }
  return 0;
}

/* The whole of a small file, NUL-terminated and malloc'd; NULL when it cannot be read. */
static char *slurp(const char *file) {
  FILE *f = fopen(file, "re");
  if (!f) {
    return NULL;
  }
  size_t cap = 8192, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len - 1, f);
    if (len < cap - 1) {
      break;
    }
    char *bigger = cap < (1u << 24) ? realloc(buf, cap *= 2) : NULL;
    if (!bigger) {
      free(buf);
      buf = NULL;
    }
    buf = bigger;
  }
  int error = ferror(f);
  fclose(f);
  if (buf) {
    buf[len] = '\0';
  }
  if (error) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* DISTCACHE_ variables that change neither the limits nor the configuration's notes. */
static int harmless_variable(const char *entry) {
  static const char *const names[] = {"DISTCACHE_DIR=", "DISTCACHE_HOSTS=", "DISTCACHE_JAVA_CLIENT=",
      "DISTCACHE_DEPTH=", "DISTCACHE_CLIENT_JAVA_OPTS=", "DISTCACHE_DAEMON_JAVA_OPTS=", "DISTCACHE_NATIVE_CC="};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    if (strncmp(entry, names[i], strlen(names[i])) == 0) {
      return 1;
    }
  }
  return 0;
}

static int newer(const struct stat *a, const struct stat *b) {
  return a->st_mtim.tv_sec > b->st_mtim.tv_sec
      || (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec >= b->st_mtim.tv_nsec);
}

/*
 * The counters file, when it says what the Java client would show (StoredCounters.read): it has
 * the limits, which the server took from the configuration file alone, and since then that file
 * has not changed and no variable here may change them. 0, or -1 (then the Java client answers).
 */
static int read_counters_file(const struct call *c, struct values *v) {
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, "DISTCACHE_", 10) == 0 && !harmless_variable(*e)) {
      return -1;
    }
  }
  char file[PATH_MAX], config[PATH_MAX];
  struct stat counters, conf;
  if (join(file, sizeof file, c->cache, "counters") != 0 || join(config, sizeof config, c->cache, "distcache.conf") != 0
      || stat(file, &counters) != 0 || (stat(config, &conf) == 0 && newer(&conf, &counters))) {
    return -1;
  }
  char *text = slurp(file);
  if (!text || parse(v, text) != 0 || !text_of(v, "max_size")) {
    free(text);
    return -1;
  }
  /* The file's own notes are those of this configuration without variables; so are ours. */
  return 0;
}

/* The counters from the running server, else from the counters file; -1: ask the Java client. */
static int stats(const struct call *c, struct values *v) {
  int fd = connect_running(c);
  if (fd < 0) {
    return read_counters_file(c, v);
  }
  static char *words[] = {"stats"};
  char *reply = admin_request(c, fd, 1, words);
  if (!reply || parse(v, reply) != 0) {
    free(reply);
    return -1;
  }
  return 0;
}

/* CountersFile.zeroed, written beside the file and renamed over it; 0 or -1. */
static int zero_counters_file(const struct call *c) {
  char file[PATH_MAX], tmp[PATH_MAX + 32];
  if (join(file, sizeof file, c->cache, "counters") != 0) {
    return -1;
  }
  struct values v = {0};
  char *text = slurp(file);
  if (text && parse(&v, text) != 0) {
    free(text);
    return -1; /* damaged: the Java client says so */
  }
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", file, (long) getpid());
  FILE *out = fopen(tmp, "we");
  if (!out) {
    free(text);
    return -1;
  }
  long long now = (long long) time(NULL);
  for (int i = 0; i < v.n; i++) {
    int counter = 0;
    for (size_t k = 0; k < NCOUNTERS && !counter; k++) {
      counter = strcmp(v.key[i], COUNTERS[k].id) == 0;
    }
    int later = 0; /* a map keeps the last of a repeated key, in the place of the first */
    for (int j = 0; j < i && !later; j++) {
      later = strcmp(v.key[i], v.key[j]) == 0;
    }
    if (later) {
      continue;
    }
    if (counter) {
      fprintf(out, "%s\t%lld\n", v.key[i], strcmp(v.key[i], "stats_zeroed_timestamp") == 0 ? now : 0);
    } else {
      fprintf(out, "%s\t%s\n", v.key[i], text_of(&v, v.key[i]));
    }
  }
  for (size_t k = 0; k < NCOUNTERS; k++) {
    if (!text_of(&v, COUNTERS[k].id)) {
      fprintf(out, "%s\t%lld\n", COUNTERS[k].id, strcmp(COUNTERS[k].id, "stats_zeroed_timestamp") == 0 ? now : 0);
    }
  }
  free(text);
  int ok = fflush(out) == 0 && !ferror(out);
  ok = fclose(out) == 0 && ok;
  if (!ok || rename(tmp, file) != 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* -z: through the running server, else on the counters file; -1: ask the Java client. */
static int zero(const struct call *c) {
  int fd = connect_running(c);
  if (fd == -2) {
    return -1; /* another user's server: the Java client says so */
  }
  if (fd < 0) {
    int done = without_server(c, zero_counters_file);
    if (done != 0) {
      return done == 1 ? 0 : -1;
    }
    fd = connect_running(c); /* a server answered under the lock */
    if (fd < 0) {
      return -1;
    }
  }
  static char *words[] = {"zero"};
  char *reply = admin_request(c, fd, 1, words);
  if (!reply) {
    return -1;
  }
  free(reply);
  return 0;
}

/*
 * The actions of args in order, with -v (counted: -svv) applying to every -s and --format to
 * every --print-stats wherever they stand (picocli fields, the last --format winning), and
 * -d/--dir DIR to every action (AdminMain.firstPass: the last one given); 0 when anything else
 * is there, or a --format other than tab or json (picocli's error is the Java client's).
 * Short options may be clustered (-sv, -zs).
 */
static int parse_actions(int argc, char **args, enum action *actions, int *nactions, int *verbose, int *json, const char **dir) {
  *nactions = 0;
  *verbose = 0;
  *json = 0;
  *dir = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = args[i];
    if (*nactions >= 64) {
      return 0;
    }
    if (strcmp(a, "-d") == 0 || strcmp(a, "--dir") == 0 || strcmp(a, "--directory") == 0) {
      if (i + 1 == argc) {
        return 0; /* picocli explains */
      }
      *dir = args[++i][0] ? args[i] : *dir;
    } else if (strncmp(a, "--dir=", 6) == 0 || strncmp(a, "--directory=", 12) == 0 || (a[1] == 'd' && a[0] == '-' && a[2])) {
      const char *value = a[1] == 'd' ? a + 2 : strchr(a, '=') + 1;
      *dir = value[0] ? value : *dir;
    } else if (strcmp(a, "--show-stats") == 0) {
      actions[(*nactions)++] = SHOW;
    } else if (strcmp(a, "--print-stats") == 0) {
      actions[(*nactions)++] = PRINT;
    } else if (strcmp(a, "--zero-stats") == 0) {
      actions[(*nactions)++] = ZERO;
    } else if (strcmp(a, "--verbose") == 0) {
      ++*verbose;
    } else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
      const char *value = a[8] == '=' ? a + 9 : i + 1 < argc ? args[++i] : NULL;
      if (!value || (strcmp(value, "tab") != 0 && strcmp(value, "json") != 0)) {
        return 0;
      }
      *json = strcmp(value, "json") == 0;
    } else if (a[0] == '-' && a[1] && a[1] != '-' && strspn(a + 1, "svz") == strlen(a + 1) && strlen(a) < 32) {
      for (const char *p = a + 1; *p; p++) {
        if (*p == 'v') {
          ++*verbose;
        } else if (*nactions >= 64) {
          return 0;
        } else {
          actions[(*nactions)++] = *p == 's' ? SHOW : ZERO;
        }
      }
    } else {
      return 0;
    }
  }
  return *nactions > 0;
}

void administer(const struct call *c, const char *argv0, int argc, char **args) {
  if (argc == 1 && (strcmp(args[0], "--version") == 0 || strcmp(args[0], "-V") == 0)) {
    fputs(VERSION_TEXT, stdout);
    exit(fflush(stdout) == 0 ? 0 : 1);
  }
  if (argc == 1 && (strcmp(args[0], "--help") == 0 || strcmp(args[0], "-h") == 0)) {
    for (const char *const *line = HELP_TEXT; *line; line++) {
      fputs(*line, stdout);
    }
    exit(fflush(stdout) == 0 ? 0 : 1);
  }
  enum action actions[64];
  int n, verbose, json;
  const char *dir;
  if (!parse_actions(argc, args, actions, &n, &verbose, &json, &dir)) {
    return;
  }
  static struct call in_dir;
  if (dir) {
    in_dir = *c;
    if (absolute(in_dir.cache, sizeof in_dir.cache, c->cwd, dir) != 0) {
      return;
    }
    normalize(in_dir.cache);
    c = &in_dir;
  }
  if (!c->cache[0]) {
    return;
  }
  for (int i = 0; i < n; i++) {
    int done;
    if (actions[i] == ZERO) {
      done = zero(c) == 0;
      if (done) {
        fputs("Statistics zeroed\n", stdout);
      }
    } else {
      struct values v = {0};
      done = stats(c, &v) == 0 && (actions[i] == SHOW ? show_stats(stdout, &v, verbose) : print_stats(stdout, &v, json)) == 0;
      free(v.text);
    }
    if (!done && i == 0) {
      return; /* the Java client answers the whole command line */
    }
    if (!done) {
      /* The Java client does the rest, after what was done here. */
      static char *rest[200];
      static char *words[] = {[SHOW] = "-s", [PRINT] = "--print-stats", [ZERO] = "-z"};
      int m = 0;
      for (int k = i; k < n; k++) {
        rest[m++] = words[actions[k]];
      }
      for (int k = 0; k < verbose && k < 64; k++) {
        rest[m++] = "-v";
      }
      if (json) {
        rest[m++] = "--format";
        rest[m++] = "json";
      }
      if (dir) {
        rest[m++] = "-d";
        rest[m++] = (char *) dir;
      }
      rest[m] = NULL;
      fflush(stdout);
      run_java(c, argv0, m, rest);
    }
  }
  exit(fflush(stdout) == 0 ? 0 : 1);
}
