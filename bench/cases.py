"""bench/run's cases. A case has an id, a kind (startup, hit, miss, project: the report lists every
kind), a row label, one line on what it measures, and its tools: the distcache variant, the ccache
variant it is compared with, and plain (the compiler alone) where it makes sense. Its run()
measures each tool once per round, in an order that rotates every round, and checks what it timed.
"""
import glob
import os
import shlex
import shutil
import subprocess

from checks import check_builds_against_plain, regular_files, same_trees, write_sha256_list
from common import die, say
from timer import PythonLoop, print_median

C_FLAGS = ["-O2", "-Wall", "-c"]
CXX_FLAGS = ["-O2", "-Wall", "-std=c++17", "-c"]


class Case:
    def __init__(self, bench, id, kind, label, note, tools):
        self.bench, self.id, self.kind, self.label, self.note, self.tools = bench, id, kind, label, note, tools

    def rotated_tools(self):
        """The tools in an order that changes every round, so no tool is always measured right after
        another."""
        k = (self.bench.s.round - 1) % len(self.tools)
        return self.tools[k:] + self.tools[:k]

    def measure(self, tool, argv, runs, warmup, cwd, prepare=None):
        """Times ARGV (no shell) with TOOL's environment: RUNS spread over the rounds, after WARMUP
        untimed runs, PREPARE before each; hyperfine's JSON in results/CASE__TOOL__rROUND.json."""
        b = self.bench
        json_path = b.s.results / f"{self.id}__{tool}__r{b.s.round}.json"
        if not b.timer.measure(argv, runs=b.s.per_round(runs), warmup=warmup, export_json=json_path,
                               env=b.tools.env(tool), cwd=cwd, prepare=prepare):
            say("the timed command failed; running it once more with its output:")
            b.tools.run(tool, argv, cwd=cwd)
            die(f"{self.id}/{tool}: the timed command failed: {shlex.join(argv)}")
        print_median(json_path, self.id, tool, b.s.round)


class StartupVersion(Case):
    """`--version` of each tool: the client's start-up alone."""

    def run(self):
        for tool in self.rotated_tools():
            self.measure(tool, self.bench.tools.cmd(tool, "--version"), self.bench.s.hit_runs,
                         self.bench.s.warmup, cwd=self.bench.s.root)


class CompileCase(Case):
    """A compile of one of the inputs, by each tool and by the plain compiler."""

    def __init__(self, bench, id, kind, label, note, tools, compiler, source, flags):
        super().__init__(bench, id, kind, label, note, tools)
        self.compiler, self.source, self.flags = compiler, source, flags

    def reference(self):
        """The plain compiler's object for the source, compiled once."""
        src = self.bench.s.src
        ref = src / f"ref-{os.path.splitext(self.source)[0]}.o"
        if not ref.exists() and subprocess.run([self.compiler, *self.flags, self.source, "-o", ref.name],
                                               cwd=src).returncode != 0:
            die(f"the plain {self.compiler} cannot compile {self.source}")
        return ref

    def compile_cmd(self, tool, obj):
        return self.bench.tools.cmd(tool, self.compiler, *self.flags, self.source, "-o", str(obj))


class HitCase(CompileCase):
    """A hit for each tool (its cache primed by an untimed compile), the plain compile beside them.
    Every run must count one hit of the tool's kind and no miss; the object must be the plain one."""

    EXPECTED = {  # the counters after the runs of each tool, as functions of the number of runs
        "distcache_direct": lambda n: {"direct_cache_hit": n, "preprocessed_cache_hit": 0, "cache_miss": 0},
        "distcache_masq_direct": lambda n: {"direct_cache_hit": n, "preprocessed_cache_hit": 0, "cache_miss": 0},
        "ccache": lambda n: {"direct_cache_hit": n, "preprocessed_cache_hit": 0, "cache_miss": 0},
        "ccache_masq_direct": lambda n: {"direct_cache_hit": n, "preprocessed_cache_hit": 0, "cache_miss": 0},
        "distcache_pp": lambda n: {"direct_cache_hit": 0, "preprocessed_cache_hit": n, "cache_miss": 0},
        "ccache_nodirect": lambda n: {"direct_cache_hit": 0, "preprocessed_cache_hit": n, "cache_miss": 0},
        "distcache": lambda n: {"direct_cache_hit+preprocessed_cache_hit": n, "cache_miss": 0},
    }

    def run(self):
        b = self.bench
        ref = self.reference()
        runs = b.s.per_round(b.s.hit_runs) + b.s.warmup
        for tool in self.rotated_tools():
            if b.checks.is_unsupported(self.id, tool):
                continue
            obj = b.s.src / f"{self.id}-{tool}.o"
            cmd = self.compile_cmd(tool, obj)
            if tool != "plain":
                if not b.tools.run(tool, cmd, cwd=b.s.src):
                    die(f"{self.id}/{tool}: the priming compile failed")
                if tool in ("distcache_direct", "distcache_masq_direct") and not self.direct_mode_probe(tool, cmd):
                    continue
                obj.unlink(missing_ok=True)
                b.tools.admin(tool, "-z")
            self.measure(tool, cmd, b.s.hit_runs, b.s.warmup, cwd=b.s.src)
            if tool in self.EXPECTED:
                b.checks.expect_stats(self.id, tool, self.EXPECTED[tool](runs))
            b.checks.expect_same(self.id, tool, obj, ref)

    def direct_mode_probe(self, tool, cmd):
        """After the priming compile, is a hit answered in direct mode? ccache writes its manifest on
        the miss; an implementation that writes it on the first preprocessed hit gets a second
        chance. A miss after priming is a broken cache, not a mode."""
        b = self.bench
        for _ in range(2):
            b.tools.admin(tool, "-z")
            if not b.tools.run(tool, cmd, cwd=b.s.src):
                die(f"{self.id}/{tool}: the probe compile failed")
            stats = b.tools.stats(tool)
            if stats("direct_cache_hit") == 1:
                b.checks.verified(f"{self.id}/{tool} round {b.s.round}: direct mode: the probe hit counted direct_cache_hit")
                return True
            if stats("preprocessed_cache_hit") != 1:
                die(f"{self.id}/{tool}: a compile right after the priming one was no hit "
                    f"(--print-stats: cache_miss={stats('cache_miss')})")
        b.checks.mark_unsupported(self.id, tool, "no direct mode: with direct_mode=true two hits after priming "
                                  "counted preprocessed_cache_hit, never direct_cache_hit")
        return False


class MissCase(CompileCase):
    """A miss for each tool (its cache cleared before every run, warm-ups included), the plain
    compile beside them. Every run must count one miss; the object must be the plain one."""

    def run(self):
        b = self.bench
        ref = self.reference()
        runs = b.s.per_round(b.s.miss_runs) + b.s.miss_warmup
        for tool in self.rotated_tools():
            obj = b.s.src / f"{self.id}-{tool}.o"
            obj.unlink(missing_ok=True)
            b.tools.admin(tool, "-z")
            self.measure(tool, self.compile_cmd(tool, obj), b.s.miss_runs, b.s.miss_warmup, cwd=b.s.src,
                         prepare=b.tools.admin_cmd(tool, "-C"))
            if tool != "plain":
                b.checks.expect_stats(self.id, tool, {"cache_miss": runs, "direct_cache_hit+preprocessed_cache_hit": 0})
            b.checks.expect_same(self.id, tool, obj, ref)


class ProjectCase(Case):
    """One step of the project (configure, cold build, warm build): the three share their builds,
    so the first of them in a round runs the project's round."""

    def __init__(self, bench, id, kind, label, note, tools, project):
        super().__init__(bench, id, kind, label, note, tools)
        self.project = project

    def run(self):
        self.project.run_round(self.rotated_tools())


# ---------------------------------------------------------------------------------------------
# The project: GNU binutils from Debian's binutils-source, a real autotools tree (a top-level
# configure that configures bfd, opcodes, libiberty, zlib, libsframe, intl and gas, automake and
# libtool throughout). Debian's libxcrypt-source cannot be used: its packaging drops upstream's
# build-aux/ (m4 macros and the Perl header generators), so autoreconf fails. Everything but the
# assembler and what it needs is disabled: 181 objects, about a minute of make -j2 on 2 cores.
# --quick builds only its zlib.
# ---------------------------------------------------------------------------------------------
CONFIGURE_FLAGS = ["--disable-nls", "--disable-werror", "--disable-gdb", "--disable-gdbserver", "--disable-sim",
                   "--disable-gprofng", "--disable-gold", "--disable-ld", "--disable-binutils", "--disable-gprof",
                   "--disable-libctf", "--without-zstd", "--without-debuginfod"]


def project_tarball():
    found = sorted(glob.glob("/usr/src/binutils/binutils-*.tar.*"))
    return found[-1] if found else None


class Project:
    """Every tool builds in the same directory (build/), in turn, so the paths gcc writes into the
    debug info (DW_AT_comp_dir, file names) are the same for all of them and their objects can be
    compared byte for byte with the plain build's. Per round and tool: configure (timed, in the
    first configure_rounds rounds; a copy of the configured tree serves later rounds), then
    `make -jJOBS` from that configured tree with an empty cache (cold), then again from the
    configured tree with the filled cache (warm). plain builds once per round (it has no cache);
    its figures stand in both rows. Checks: the configured tree (config.log aside) identical to
    plain's, no configure run inside a timed build, the cold build counted misses and the warm one
    hits, and every object file and the product identical (sha256) to the plain build's of the
    same round."""

    def __init__(self, bench):
        self.bench = bench
        s = bench.s
        self.dir = s.work / "project"
        self.build_dir = self.dir / "build"
        self.sums = self.dir / "sums"
        if s.quick:
            self.configure_target, self.build_target = "configure-zlib", "all-zlib"
            self.products = ["zlib/libz.a"]
            self.scope = "its zlib only (--quick)"
        else:
            self.configure_target, self.build_target = "configure-host", "all"
            self.products = ["gas/as-new"]
            self.scope = "bfd, opcodes, libiberty, zlib, libsframe, intl and gas (the assembler, gas/as-new)"
        self.done_round = 0

    def describe(self):
        """The project's line in the report's machine facts."""
        s = self.bench.s
        tarball = project_tarball() or "?"
        version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "binutils-source"],
                                 capture_output=True, text=True)
        version = version.stdout if version.returncode == 0 else "?"
        return (f"GNU binutils from {os.path.basename(tarball)} (Debian's binutils-source {version}): {self.scope}; "
                f"configure {' '.join(CONFIGURE_FLAGS)} && make -j{s.jobs} {self.configure_target}, "
                f"then make -j{s.jobs} {self.build_target}; one build directory for every tool")

    def prepare(self):
        """Unpacks the sources, writes the configure and build steps: once per bench run (bench/run
        made distcache's masquerade links)."""
        if self.dir.is_dir():
            return
        b, s = self.bench, self.bench.s
        tarball = project_tarball()
        self.sums.mkdir(parents=True)
        say(f"unpacking {tarball} into {self.dir}")
        if subprocess.run(["tar", "-xf", tarball, "-C", str(self.dir)]).returncode != 0:
            die(f"cannot unpack {tarball}")
        source = sorted(self.dir.glob("binutils-*"))[0]
        if not os.access(source / "configure", os.X_OK):
            die(f"{tarball} has no configure script")
        # The configure and build steps, each timed as a single command.
        (self.dir / "configure.sh").write_text(
            f"set -e\ncd {shlex.quote(str(self.build_dir))}\n"
            f"{shlex.join([str(source / 'configure'), *CONFIGURE_FLAGS])}\n"
            f"{shlex.join(['make', f'-j{s.jobs}', self.configure_target])}\n")
        (self.dir / "build.sh").write_text(
            f"exec {shlex.join(['make', '-C', str(self.build_dir), f'-j{s.jobs}', self.build_target])}\n")

    def run_round(self, tools):
        s = self.bench.s
        if self.done_round == s.round:
            return
        self.done_round = s.round
        self.prepare()
        configured = [tool for tool in tools if self.build(tool)]
        self.check_round(configured)
        shutil.rmtree(self.build_dir, ignore_errors=True)

    def build(self, tool):
        """TOOL's configure (when due), cold and warm build, checked; True when it configured."""
        b, s = self.bench, self.bench.s
        configured_dir = self.dir / f"configured-{tool}"
        configure = s.round <= s.configure_rounds or not configured_dir.is_dir()
        if configure:
            shutil.rmtree(self.build_dir, ignore_errors=True)
            shutil.rmtree(configured_dir, ignore_errors=True)
            self.build_dir.mkdir(parents=True)
            self.empty_cache(tool)
            self.time_step("project_configure", tool, "configure.sh")
            if tool != "plain":
                stats = b.tools.stats(tool)
                b.checks.counter("project_configure", tool, "uncacheable",
                                 stats("autoconf_test+called_for_link+called_for_preprocessing"))
                b.checks.counter("project_configure", tool, "misses", stats("cache_miss"))
            copy_tree(self.build_dir, configured_dir)

        self.restore(tool)
        self.empty_cache(tool)
        self.time_step("project_cold", tool, "build.sh")
        self.write_sums("cold", tool)
        if tool == "plain":
            # No cache: a second build would measure the same thing again.
            shutil.copy(s.results / f"project_cold__plain__r{s.round}.json",
                        s.results / f"project_warm__plain__r{s.round}.json")
            return configure
        stats = b.tools.stats(tool)
        misses, hits = stats("cache_miss"), stats("direct_cache_hit+preprocessed_cache_hit")
        b.checks.counter("project_cold", tool, "misses", misses)
        b.checks.counter("project_cold", tool, "hits", hits)
        if misses <= 0:
            die(f"project_cold/{tool}: the cold build counted no miss: did its compiles go through {tool}?")
        b.checks.verified(f"project_cold/{tool} round {s.round}: empty cache, {misses} misses, {hits} hits")

        self.restore(tool)
        b.tools.admin(tool, "-z")
        self.time_step("project_warm", tool, "build.sh")
        self.write_sums("warm", tool)
        stats = b.tools.stats(tool)
        hits, misses = stats("direct_cache_hit+preprocessed_cache_hit"), stats("cache_miss")
        b.checks.counter("project_warm", tool, "hits", hits)
        b.checks.counter("project_warm", tool, "direct", stats("direct_cache_hit"))
        b.checks.counter("project_warm", tool, "preprocessed", stats("preprocessed_cache_hit"))
        b.checks.counter("project_warm", tool, "misses", misses)
        if hits <= 0:
            die(f"project_warm/{tool}: the warm build counted no hit (misses: {misses})")
        b.checks.verified(f"project_warm/{tool} round {s.round}: {hits} hits "
                          f"({stats('direct_cache_hit')} direct), {misses} misses")
        return configure

    def time_step(self, case, tool, script):
        """One timed run of SCRIPT with TOOL's environment, its output in logs/CASE__TOOL__rROUND.log;
        a build step must not run configure (it would time conftests)."""
        b, s = self.bench, self.bench.s
        json_path = s.results / f"{case}__{tool}__r{s.round}.json"
        log = s.logs / f"{case}__{tool}__r{s.round}.log"
        argv = ["bash", str(self.dir / script)]
        if not PythonLoop().measure(argv, runs=1, warmup=0, export_json=json_path, env=b.tools.env(tool),
                                    cwd=s.root, log=log):
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
            die(f"{case}/{tool}: {shlex.join(argv)} failed; the end of {log}:\n{tail}")
        print_median(json_path, case, tool, s.round)
        if case != "project_configure":
            text = log.read_text(errors="replace")
            if any(line.startswith("Configuring in") for line in text.splitlines()) \
                    or "config.status --recheck" in text:
                die(f"{case}/{tool}: the build ran configure (see {log}): the configured tree was not complete")

    def restore(self, tool):
        """The build directory as TOOL's configure left it."""
        shutil.rmtree(self.build_dir, ignore_errors=True)
        copy_tree(self.dir / f"configured-{tool}", self.build_dir)

    def empty_cache(self, tool):
        """Clears TOOL's cache and zeroes its counters."""
        self.bench.tools.admin(tool, "-C")
        self.bench.tools.admin(tool, "-z")

    def write_sums(self, phase, tool):
        """sha256 of every object and product in the build directory, into sums/PHASE-TOOL-rROUND."""
        s = self.bench.s
        for p in self.products:
            if not (self.build_dir / p).is_file():
                die(f"project_{phase}/{tool}: the build made no {p}")
        if write_sha256_list(self.build_dir, self.products, self.sums / f"{phase}-{tool}-r{s.round}") == 0:
            die(f"project_{phase}/{tool}: no object files in {self.build_dir}")

    def check_round(self, configured):
        """Every tool's configured tree and objects against plain's."""
        b, r = self.bench, self.bench.s.round
        for tool in configured:
            if tool == "plain":
                continue
            # config.log alone may differ: it records PATH and the commands as run.
            if not same_trees(self.dir / "configured-plain", self.dir / f"configured-{tool}", "config.log"):
                die(f"project_configure/{tool}: the configured tree differs from the plain configure's: "
                    f"configure through {tool} found something else")
            n = len(regular_files(self.dir / f"configured-{tool}"))
            b.checks.verified(f"project_configure/{tool} round {r}: the configured tree ({n} files, config.log "
                              "aside) identical to the plain configure's")
        check_builds_against_plain(b.checks, self.sums, "project", ("distcache_masq", "ccache_masq"), r)

def copy_tree(src, dst):
    """cp -a: timestamps kept, so make sees the configured tree as up to date."""
    if subprocess.run(["cp", "-a", str(src), str(dst)]).returncode != 0:
        die(f"cannot copy {src} to {dst}")
