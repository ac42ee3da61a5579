"""The machine bench/run measures on: the packages it installs when they are missing (as root, with
apt-get), the clean environment the tools run in, and the facts the report lists."""
import os
import platform
import re
import shutil
import subprocess
import time

from common import die, say

# command: the Debian package that has it
NEEDED = {"gcc": "gcc", "g++": "g++", "make": "make", "ccache": "ccache", "python3": "python3", "cmp": "diffutils"}
# What the CMake project (project2) needs besides: its build tools, and dpkg-source for apt-get source.
NEEDED_PROJECT2 = {"cmake": "cmake", "ninja": "ninja-build", "dpkg-source": "dpkg-dev"}


class Installer:
    def __init__(self, allowed):
        self.allowed = allowed
        self.updated = False

    def __call__(self, *packages):
        """Installs PACKAGES as root with apt-get; False when it cannot."""
        if not self.allowed or os.geteuid() != 0 or not shutil.which("apt-get"):
            return False
        say(f"installing {' '.join(packages)} with apt-get")
        # Another apt-get (a parallel job on a shared machine) may hold the lock for a while.
        apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not self.updated:
            subprocess.run(apt + ["update", "-qq"], **quiet)
            self.updated = True
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        return subprocess.run(apt + ["install", "-y", "-qq", *packages], env=env, **quiet).returncode == 0


def install_commands(install, needed=NEEDED):
    need = [package for command, package in needed.items() if not shutil.which(command)]
    if need and not install(*need):
        die(f"missing {' '.join(need)}: install them (Debian: apt-get install {' '.join(need)})")


def python_with_matplotlib(install):
    """The python3 that draws the plot: one with matplotlib if there is (Debian's python3-matplotlib
    goes to /usr/bin/python3), else the report draws the SVG by hand."""
    def find():
        for py in ("python3", "/usr/bin/python3"):
            if shutil.which(py) and subprocess.run([py, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.DEVNULL).returncode == 0:
                return py
        return None
    py = find()
    if py is None:
        if not install("python3-matplotlib"):
            say("python3-matplotlib cannot be installed; drawing the SVG by hand")
        py = find() or "python3"
    return py


def clean_environment(work):
    """No CCACHE_* or DISTCACHE_* settings of the user's, no cache wrapper on PATH (so `gcc` is the
    real compiler; the project cases put one back per tool), and a ccache that reads only an empty
    config file: its defaults, whatever /etc/ccache.conf says."""
    for name in [n for n in os.environ if n.startswith(("CCACHE_", "DISTCACHE_"))]:
        del os.environ[name]
    os.environ["PATH"] = ":".join(p for p in os.environ.get("PATH", "").split(":")
                                  if "ccache" not in p and "distcache" not in p)
    for cc in ("gcc", "g++"):
        path = shutil.which(cc)
        if path and re.search("ccache|distcache", os.path.realpath(path)):
            die(f"{cc} on PATH is a cache wrapper: {path}")
    os.environ["CCACHE_CONFIGPATH"] = str(work / "ccache.conf")


def first_line(argv, stderr=False):
    """The first line a command prints (on stdout, or on both streams when STDERR)."""
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if stderr else subprocess.DEVNULL,
                             text=True).stdout
    except OSError:
        return ""
    return out.splitlines()[0] if out else ""


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Facts:
    """key<TAB>value lines of WORK/facts.tsv, in the report's order."""

    def __init__(self, path):
        self.path = path
        path.write_text("")

    def add(self, key, value):
        with open(self.path, "a") as f:
            f.write(f"{key}\t{value}\n")

    def collect(self, bench):
        s, tools = bench.s, bench.tools
        java_path = s.root / "target" / "java.path"
        java = java_path.read_text().splitlines()[0] if java_path.is_file() else ""
        self.add("date", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        self.add("nproc", str(len(os.sched_getaffinity(0))))
        self.add("cpu", self.cpu())
        self.add("memory", self.memory())
        self.add("os", self.os_name())
        self.add("kernel", platform.release())
        self.add("gcc", first_line(["gcc", "--version"]))
        self.add("g++", first_line(["g++", "--version"]))
        self.add("ccache", first_line(["ccache", "--version"]))
        if java:
            self.add("java", first_line([java, "-version"], stderr=True))
        self.add("distcache", first_line([tools.distcache, "--version"], stderr=True))
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=s.root, capture_output=True, text=True)
        self.add("distcache commit", commit.stdout.strip() if commit.returncode == 0 else "unknown")
        self.add("prefix mode runs", tools.describe_prefix())
        if os.access(s.root / "target" / "bin" / "distcache", os.X_OK):
            self.add("distcache client", "native (target/bin/distcache)")
        else:
            self.add("distcache client", "Java: bin/distcache starts a JVM for every call")
            self.add("AppCDS archive", "yes (target/client.jsa)" if (s.root / "target" / "client.jsa").is_file()
                     else "NO: start-up figures are pessimistic")
        self.add("timer", bench.timer.describe())
        self.add("runs", f"hits and start-up: {s.hit_runs} after {s.warmup} warm-ups; misses: {s.miss_runs} after "
                 f"{s.miss_warmup} warm-up; over {s.rounds} interleaved rounds")
        if bench.project:
            self.add("project", bench.project.describe())
        if bench.project or bench.project2:
            self.add("project rounds", f"{s.project_rounds}, the tools interleaved; each tool builds cold and warm "
                     f"once per round; configure is run and timed in the first {s.configure_rounds} round(s), its "
                     "tree copied for the later ones; the CMake project is configured once per tool, untimed")
        if s.quick:
            self.add("smoke test", "bench/run --quick: a few runs in one round, binutils cut down to its zlib, yaml-cpp "
                     "to 6 objects")
        self.add("load average at start", load_average())

    @staticmethod
    def cpu():
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        return ""

    @staticmethod
    def memory():
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    return f"{int(line.split()[1]) / 1048576:.1f} GiB"
        return ""

    @staticmethod
    def os_name():
        try:
            with open("/etc/os-release") as f:
                for line in f:
                    if line.startswith("PRETTY_NAME="):
                        return line.split("=", 1)[1].strip().strip('"')
        except OSError:
            pass
        return platform.system()
