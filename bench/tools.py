"""The tools bench/run compares. Each has its own cache directory under the scratch directory (the
user's caches are never touched) and so, for distcache, its own server:

  distcache          default configuration (start-up, misses)
  distcache_direct   direct_mode = true  (distcache.conf and DISTCACHE_DIRECT=1)
  distcache_pp       direct_mode = false (distcache.conf and DISTCACHE_NODIRECT=1)
  distcache_masq     default configuration, through install-masquerade links on PATH (project)
  distcache_masq_direct  direct_mode = true, through install-masquerade links on PATH (`gcc ...`)
  distcache_launch   default configuration, bin/distcache as CMake's compiler launcher (project2)
  ccache             default configuration: direct mode
  ccache_nodirect    CCACHE_NODIRECT=1: preprocessor mode
  ccache_masq        default configuration, through /usr/lib/ccache on PATH (project)
  ccache_masq_direct default configuration (direct mode), through /usr/lib/ccache on PATH (`gcc ...`)
  ccache_launch      default configuration, ccache as CMake's compiler launcher (project2)
  plain              the compiler alone
"""
import os
import shutil
import subprocess

from common import die

CCACHE_MASQ = "/usr/lib/ccache"   # Debian's ccache masquerade directory
DISTCACHE_TOOLS = ("distcache", "distcache_direct", "distcache_pp", "distcache_masq", "distcache_masq_direct",
                   "distcache_launch")
MASQUERADE_TOOLS = ("distcache_masq", "distcache_masq_direct", "ccache_masq", "ccache_masq_direct")


class Stats(dict):
    """A tool's --print-stats counters ("id<TAB>value" lines for both tools)."""

    def __call__(self, ids):
        """A counter, or the sum of counters named "a+b"; 0 when absent."""
        return sum(int(self.get(i, 0)) for i in ids.split("+"))


class Tools:
    def __init__(self, work, distcache, masq):
        self.work = work
        # bin/distcache: what the README tells users to type (`bin/distcache gcc ...`), so what the
        # prefix-mode compiles run, whatever it is (a script, or a link to the native client), and
        # what administers, warms up and installs the masquerade links.
        self.distcache = str(distcache)
        self.prefix_path = self.distcache
        self.masq = masq                       # the install-masquerade links of the distcache_masq tools
        self.dirs = {
            "distcache": work / "distcache-dir", "distcache_direct": work / "distcache-direct-dir",
            "distcache_pp": work / "distcache-pp-dir", "distcache_masq": work / "distcache-project-dir",
            "distcache_masq_direct": work / "distcache-masq-direct-dir",
            "distcache_launch": work / "distcache-cmake-dir",
        }
        self.ccache_dirs = {
            "ccache": work / "ccache-dir", "ccache_nodirect": work / "ccache-nodirect-dir",
            "ccache_masq": work / "ccache-project-dir", "ccache_masq_direct": work / "ccache-masq-direct-dir",
            "ccache_launch": work / "ccache-cmake-dir",
        }

    def create_dirs(self):
        for tool, mode in (("distcache_direct", "true"), ("distcache_pp", "false"), ("distcache_masq_direct", "true")):
            self.dirs[tool].mkdir(parents=True, exist_ok=True)
            (self.dirs[tool] / "distcache.conf").write_text(f"direct_mode = {mode}\n")

    def env(self, tool):
        """The environment TOOL runs with: this process's, plus the tool's settings."""
        env = dict(os.environ)
        if tool.startswith("distcache"):
            # DISTCACHE_HOSTS empty: the local cache alone, whatever distcc's host files say.
            env.update(DISTCACHE_DIR=str(self.dirs[tool]), DISTCACHE_HOSTS="")
            if tool in ("distcache_direct", "distcache_masq_direct"):
                env["DISTCACHE_DIRECT"] = "1"
            elif tool == "distcache_pp":
                env["DISTCACHE_NODIRECT"] = "1"
            if tool in MASQUERADE_TOOLS:
                env["PATH"] = f"{self.masq}:{env['PATH']}"
        elif tool in self.ccache_dirs:
            env["CCACHE_DIR"] = str(self.ccache_dirs[tool])
            if tool == "ccache_nodirect":
                env["CCACHE_NODIRECT"] = "1"
            if tool in MASQUERADE_TOOLS:
                env["PATH"] = f"{CCACHE_MASQ}:{env['PATH']}"
        elif tool != "plain":
            die(f"unknown tool {tool}")
        return env

    def cmd(self, tool, *args):
        """TOOL's command line for ARGS: prefix mode (`bin/distcache gcc ...`, `ccache gcc ...`), or the
        compiler's name alone for a masquerade tool (its links come first on PATH)."""
        if tool in MASQUERADE_TOOLS:
            return list(args)
        if tool.startswith("distcache"):
            return [self.distcache, *args]
        if tool.startswith("ccache"):
            return ["ccache", *args]
        return list(args)

    def launcher(self, tool):
        """What CMake's compiler launcher is for TOOL (None for plain)."""
        if tool.startswith("distcache"):
            return self.distcache
        if tool.startswith("ccache"):
            return shutil.which("ccache")
        return None

    def describe_prefix(self):
        """What bin/distcache is: a link to the native client, a script, or a binary."""
        path = self.distcache
        if os.path.islink(path):
            return f"bin/distcache, a symlink to {os.path.realpath(path)}"
        with open(path, "rb") as f:
            head = f.read(128)
        if head.startswith(b"#!"):
            return (f"bin/distcache, a script ({head.splitlines()[0].decode(errors='replace')}) that hands every "
                    "call to the native client when it is built")
        return "bin/distcache, a binary"

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
            self.stop_server(tool)

    def stop_server(self, tool):
        """Stops TOOL's distcache server, if it is a distcache tool with one; it saves its state."""
        if tool in DISTCACHE_TOOLS and self.dirs[tool].is_dir():
            self.run(tool, [self.distcache, "server", "stop"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
