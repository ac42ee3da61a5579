"""bench/run's second project: yaml-cpp, a C++ library built with CMake and Ninja, from Debian's
source package (apt-get source, through a private apt configuration that adds the deb-src line of
the configured Debian mirror). Its translation units include the standard library's heavy headers
(string, map, vector, memory, sstream, ...).

Both tools go through CMake's compiler launcher (CMAKE_C_COMPILER_LAUNCHER and
CMAKE_CXX_COMPILER_LAUNCHER), the way ccache's manual tells CMake users to use it; distcache's
launcher is bin/distcache, the command its README tells users to type (prefix mode). plain
configures without a launcher.

Per tool, once per bench run: cmake -G Ninja in the build directory (untimed), the configured tree
kept. Per round and tool (the order rotating): the configured tree, an empty cache, `ninja -jJOBS`
(cold, timed); the configured tree again, the cache the cold build filled, `ninja -jJOBS` (warm,
timed). plain builds once per round: its figures stand in both rows. Every tool builds in the same
directory, so the paths gcc writes into the debug info (RelWithDebInfo: -O2 -g) are the same and
the objects can be compared byte for byte.
"""
import glob
import os
import shlex
import shutil
import subprocess
import time

from cases import Case, copy_tree
from checks import check_builds_against_plain, write_sha256_list
from common import die, say
from timer import PythonLoop, print_median

PACKAGE = "yaml-cpp"
CMAKE_FLAGS = ["-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DYAML_CPP_BUILD_TESTS=OFF",
               "-DYAML_CPP_BUILD_TOOLS=ON", "-DCMAKE_C_COMPILER=gcc", "-DCMAKE_CXX_COMPILER=g++"]
# --quick: a few of the library's objects, not the whole build.
QUICK_OBJECTS = ["binary", "emit", "exp", "node_data", "parser", "scanner"]
# The private apt configuration: the deb-src line alone, its own lists; the system's untouched.
SOURCES_LINE = "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] {uri} {suite} main\n"


class CMakeProjectCase(Case):
    """One step (cold, warm) of the CMake project; the two share their builds."""

    def __init__(self, bench, id, kind, label, note, tools, project):
        super().__init__(bench, id, kind, label, note, tools)
        self.project = project

    def run(self):
        self.project.run_round(self.rotated_tools())


def debian_mirror():
    """The URI and suite of the configured Debian archive (deb822 or one-line sources)."""
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        uri = suite = None
        for line in open(path):
            key, _, value = line.partition(":")
            if key == "URIs" and "debian" in value and "security" not in value:
                uri = value.split()[0]
            elif key == "Suites" and uri and suite is None:
                suite = value.split()[0]
        if uri and suite:
            return uri, suite
    if os.path.exists("/etc/apt/sources.list"):
        for line in open("/etc/apt/sources.list"):
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "deb" and "debian" in parts[1] and "security" not in parts[1]:
                return parts[1], parts[2]
    return None, None


def apt_source(directory, log):
    """apt-get source yaml-cpp into DIRECTORY (which must not hold an apt/ yet), through a private
    apt configuration; returns the unpacked source directory and the package version."""
    apt = directory / "apt"
    (apt / "lists" / "partial").mkdir(parents=True)
    (apt / "parts").mkdir()
    uri, suite = debian_mirror()
    if uri is None:
        die("no Debian archive in /etc/apt/sources.list{,.d}: the CMake project comes from its deb-src")
    (apt / "sources.list").write_text(SOURCES_LINE.format(uri=uri, suite=suite))
    opts = ["-o", f"Dir::Etc::SourceList={apt / 'sources.list'}", "-o", f"Dir::Etc::SourceParts={apt / 'parts'}",
            "-o", f"Dir::State::Lists={apt / 'lists'}"]
    say(f"apt-get source {PACKAGE} (deb-src of {uri} {suite}, a private apt list in {apt})")
    with open(log, "w") as f:
        ok = subprocess.run(["apt-get", *opts, "update"], stdout=f, stderr=subprocess.STDOUT).returncode == 0 \
            and subprocess.run(["apt-get", *opts, "source", PACKAGE], cwd=directory, stdout=f,
                               stderr=subprocess.STDOUT).returncode == 0
    found = sorted(p for p in directory.glob(f"{PACKAGE}-*") if p.is_dir())
    if not ok or not found:
        die(f"apt-get source {PACKAGE} failed: see {log}")
    dsc = sorted(directory.glob(f"{PACKAGE}_*.dsc"))
    version = dsc[-1].name[len(PACKAGE) + 1:-len(".dsc")] if dsc else "?"
    # Sources an hour old: ccache's direct mode does not trust files modified moments before the
    # compile (dpkg-source stamps the files its patches touch with the time of unpacking).
    an_hour_ago = time.time() - 3600
    for d, _, names in os.walk(found[-1]):
        for n in names:
            os.utime(os.path.join(d, n), (an_hour_ago, an_hour_ago), follow_symlinks=False)
    return found[-1], version


class CMakeProject:
    def __init__(self, bench):
        self.bench = bench
        s = bench.s
        self.dir = s.work / "project2"
        self.build_dir = self.dir / "build"
        self.sums = self.dir / "sums"
        self.version = "?"
        self.source = None
        if s.quick:
            self.targets = [f"CMakeFiles/yaml-cpp.dir/src/{n}.cpp.o" for n in QUICK_OBJECTS]
            self.products = []
            self.scope = f"{len(QUICK_OBJECTS)} of the library's objects (--quick)"
        else:
            self.targets = []
            self.products = ["libyaml-cpp.a", "util/parse", "util/read", "util/sandbox"]
            self.scope = "the static library and the util tools (tests off)"
        self.done_round = 0
        self.objects = 0

    def describe(self):
        s = self.bench.s
        return (f"yaml-cpp {self.version} (Debian source package, apt-get source): {self.scope}, "
                f"{self.objects} object files; cmake {' '.join(CMAKE_FLAGS)}, then ninja -j{s.jobs}; "
                "distcache and ccache through CMAKE_C_COMPILER_LAUNCHER/CMAKE_CXX_COMPILER_LAUNCHER "
                f"(distcache: {self.bench.tools.prefix_path}, ccache: {shutil.which('ccache')}); "
                "one build directory for every tool")

    def fetch(self):
        """apt-get source yaml-cpp into the project directory: once per bench run."""
        self.source, self.version = apt_source(self.dir, self.bench.s.logs / "apt-get-source.log")

    def cmake_args(self, tool):
        launcher = self.bench.tools.launcher(tool)
        args = ["cmake", *CMAKE_FLAGS]
        if launcher:
            args += [f"-DCMAKE_C_COMPILER_LAUNCHER={launcher}", f"-DCMAKE_CXX_COMPILER_LAUNCHER={launcher}"]
        return args + [str(self.source)]

    def run_round(self, tools):
        s = self.bench.s
        if self.done_round == s.round:
            return
        self.done_round = s.round
        if not self.dir.is_dir():
            self.sums.mkdir(parents=True)
            self.fetch()
        for tool in tools:
            self.build(tool)
        self.check_round()
        shutil.rmtree(self.build_dir, ignore_errors=True)

    def configure(self, tool):
        """cmake through TOOL's launcher, untimed, once per run; the tree kept in configured-TOOL."""
        b, s = self.bench, self.bench.s
        configured = self.dir / f"configured-{tool}"
        if configured.is_dir():
            return
        shutil.rmtree(self.build_dir, ignore_errors=True)
        self.build_dir.mkdir(parents=True)
        log = s.logs / f"project2_cmake__{tool}.log"
        with open(log, "w") as f:
            if subprocess.run(self.cmake_args(tool), cwd=self.build_dir, env=b.tools.env(tool),
                              stdout=f, stderr=subprocess.STDOUT).returncode != 0:
                die(f"project2/{tool}: cmake failed; see {log}")
        copy_tree(self.build_dir, configured)

    def build(self, tool):
        b, s = self.bench, self.bench.s
        self.configure(tool)
        self.restore(tool)
        b.tools.admin(tool, "-C")
        b.tools.admin(tool, "-z")
        self.time_step("project2_cold", tool)
        self.write_sums("cold", tool)
        if tool == "plain":
            for step in ("project2_warm", "project2_fresh"):
                shutil.copy(s.results / f"project2_cold__plain__r{s.round}.json",
                            s.results / f"{step}__plain__r{s.round}.json")
            return
        self.count("project2_cold", tool, need="cache_miss")
        self.restore(tool)
        b.tools.admin(tool, "-z")
        self.time_step("project2_warm", tool)
        self.write_sums("warm", tool)
        self.count("project2_warm", tool, need="direct_cache_hit+preprocessed_cache_hit")
        # The same warm rebuild on a server started for it, as in a CI job or the first build after
        # idle_timeout: distcache's server is stopped first (ccache has none, so for it this is a
        # second warm rebuild).
        self.restore(tool)
        b.tools.admin(tool, "-z")
        b.tools.stop_server(tool)
        self.time_step("project2_fresh", tool)
        self.write_sums("fresh", tool)
        self.count("project2_fresh", tool, need="direct_cache_hit+preprocessed_cache_hit")

    def count(self, case, tool, need):
        """The step's counters into the report; NEED must be positive (misses cold, hits warm)."""
        b, s = self.bench, self.bench.s
        stats = b.tools.stats(tool)
        for key, ids in (("direct", "direct_cache_hit"), ("preprocessed", "preprocessed_cache_hit"),
                         ("misses", "cache_miss")):
            b.checks.counter(case, tool, key, stats(ids))
        if stats(need) <= 0:
            die(f"{case}/{tool}: the build counted no {need}: did its compiles go through {tool}?")
        b.checks.verified(f"{case}/{tool} round {s.round}: {stats('direct_cache_hit')} direct hits, "
                          f"{stats('preprocessed_cache_hit')} preprocessed hits, {stats('cache_miss')} misses")

    def time_step(self, case, tool):
        b, s = self.bench, self.bench.s
        json_path = s.results / f"{case}__{tool}__r{s.round}.json"
        log = s.logs / f"{case}__{tool}__r{s.round}.log"
        argv = ["ninja", "-C", str(self.build_dir), f"-j{s.jobs}", *self.targets]
        if not PythonLoop().measure(argv, runs=1, warmup=0, export_json=json_path, env=b.tools.env(tool),
                                    cwd=s.root, log=log):
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
            die(f"{case}/{tool}: {shlex.join(argv)} failed; the end of {log}:\n{tail}")
        print_median(json_path, case, tool, s.round)
        if "Re-running CMake" in log.read_text(errors="replace"):
            die(f"{case}/{tool}: the build re-ran cmake (see {log}): the configured tree was not complete")

    def restore(self, tool):
        shutil.rmtree(self.build_dir, ignore_errors=True)
        copy_tree(self.dir / f"configured-{tool}", self.build_dir)

    def write_sums(self, phase, tool):
        s = self.bench.s
        for p in self.products:
            if not (self.build_dir / p).is_file():
                die(f"project2_{phase}/{tool}: the build made no {p}")
        n = write_sha256_list(self.build_dir, self.products, self.sums / f"{phase}-{tool}-r{s.round}")
        if n == 0:
            die(f"project2_{phase}/{tool}: no object files in {self.build_dir}")
        self.objects = n - len(self.products)

    def check_round(self):
        b, r = self.bench, self.bench.s.round
        check_builds_against_plain(b.checks, self.sums, "project2", ("distcache_launch", "ccache_launch"), r)
