package dev.distcache.remote.report;

/** distccd's job results, as its job summary line and its stats page name them. */
public enum JobResult {
  TCP_ACCEPT("dcc_tcp_accept"),
  REJ_BAD_REQ("dcc_rej_bad_req"),
  REJ_OVERLOAD("dcc_rej_overload"),
  COMPILE_OK("dcc_compile_ok"),
  COMPILE_ERROR("dcc_compile_error"),
  COMPILE_TIMEOUT("dcc_compile_timeout"),
  CLI_DISCONN("dcc_cli_disconnect"),
  OTHER("dcc_other");

  private final String statsName;

  JobResult(String statsName) {
    this.statsName = statsName;
  }

  /** The counter's name on the stats page. */
  String statsName() {
    return statsName;
  }

  /**
   * Whether the compiler ran (or a cached result stood in for it), so the line names compiler and
   * file.
   */
  public boolean compiled() {
    return this == COMPILE_OK || this == COMPILE_ERROR;
  }
}
