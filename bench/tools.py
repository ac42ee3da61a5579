"""The tools bench/run compares. Each has its own cache directory under the scratch directory (the
user's caches are never touched) and so, for distcache, its own server:

  distcache          default configuration (start-up, misses)
  distcache_direct   direct_mode = true  (distcache.conf and DISTCACHE_DIRECT=1)
  distcache_pp       direct_mode = false (distcache.conf and DISTCACHE_NODIRECT=1)
  distcache_masq     default configuration, through install-masquerade links on PATH (project)
  ccache             default configuration: direct mode
  ccache_nodirect    CCACHE_NODIRECT=1: preprocessor mode
  ccache_masq        default configuration, through /usr/lib/ccache on PATH (project)
  plain              the compiler alone
"""
import os
import subprocess

from common import die

CCACHE_MASQ = "/usr/lib/ccache"   # Debian's ccache masquerade directory
DISTCACHE_TOOLS = ("distcache", "distcache_direct", "distcache_pp", "distcache_masq")


class Stats(dict):
    """A tool's --print-stats counters ("id<TAB>value" lines for both tools)."""

    def __call__(self, ids):
        """A counter, or the sum of counters named "a+b"; 0 when absent."""
        return sum(int(self.get(i, 0)) for i in ids.split("+"))


class Tools:
    def __init__(self, work, distcache, distcache_cc, masq):
        self.work = work
        self.distcache = str(distcache)        # the launcher: administration, warm-up, masquerade
        self.distcache_cc = str(distcache_cc)  # what the timed compiles run: the native client if built
        self.masq = masq                       # the install-masquerade links of distcache_masq
        self.dirs = {
            "distcache": work / "distcache-dir", "distcache_direct": work / "distcache-direct-dir",
            "distcache_pp": work / "distcache-pp-dir", "distcache_masq": work / "distcache-project-dir",
        }

    def create_dirs(self):
        for tool, mode in (("distcache_direct", "true"), ("distcache_pp", "false")):
            self.dirs[tool].mkdir(parents=True, exist_ok=True)
            (self.dirs[tool] / "distcache.conf").write_text(f"direct_mode = {mode}\n")

    def env(self, tool):
        """The environment TOOL runs with: this process's, plus the tool's settings."""
        env = dict(os.environ)
        if tool.startswith("distcache"):
            # DISTCACHE_HOSTS empty: the local cache alone, whatever distcc's host files say.
            env.update(DISTCACHE_DIR=str(self.dirs[tool]), DISTCACHE_HOSTS="")
            if tool == "distcache_direct":
                env["DISTCACHE_DIRECT"] = "1"
            elif tool == "distcache_pp":
                env["DISTCACHE_NODIRECT"] = "1"
            elif tool == "distcache_masq":
                env["PATH"] = f"{self.masq}:{env['PATH']}"
        elif tool == "ccache":
            env["CCACHE_DIR"] = str(self.work / "ccache-dir")
        elif tool == "ccache_nodirect":
            env.update(CCACHE_DIR=str(self.work / "ccache-nodirect-dir"), CCACHE_NODIRECT="1")
        elif tool == "ccache_masq":
            env.update(CCACHE_DIR=str(self.work / "ccache-project-dir"), PATH=f"{CCACHE_MASQ}:{env['PATH']}")
        elif tool != "plain":
            die(f"unknown tool {tool}")
        return env

    def cmd(self, tool, *args):
        """TOOL's command line (prefix mode) for ARGS."""
        if tool.startswith("distcache"):
            return [self.distcache_cc, *args]
        if tool.startswith("ccache"):
            return ["ccache", *args]
        return list(args)

    def admin_cmd(self, tool, *args):
        """distcache's or ccache's own options (-z, -C, --print-stats); None for plain."""
        if tool.startswith("distcache"):
            return [self.distcache, *args]
        if tool.startswith("ccache"):
            return ["ccache", *args]
        return None

    def run(self, tool, argv, cwd=None, **kwargs):
        """One untimed run of ARGV with TOOL's environment; True when it succeeded."""
        return subprocess.run(argv, env=self.env(tool), cwd=cwd, **kwargs).returncode == 0

    def admin(self, tool, *args):
        """TOOL's own option ARGS, its output dropped (the way bench/run zeroes and clears)."""
        argv = self.admin_cmd(tool, *args)
        return argv is None or self.run(tool, argv, stdout=subprocess.DEVNULL)

    def stats(self, tool):
        out = subprocess.run(self.admin_cmd(tool, "--print-stats"), env=self.env(tool),
                             stdout=subprocess.PIPE, text=True).stdout
        return Stats(line.split("\t", 1) for line in out.splitlines() if "\t" in line)

    def stop_servers(self):
        for tool in DISTCACHE_TOOLS:
            if self.dirs[tool].is_dir():
                self.run(tool, [self.distcache, "server", "stop"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
