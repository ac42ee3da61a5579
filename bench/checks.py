"""bench/run's correctness checks: what was timed is what it claims to be, or the bench fails.
Every passed check is a line of WORK/verify.log (the report counts them); the project builds'
cache counters go to WORK/counters.tsv for the report to show beside the times.
"""
import filecmp
import hashlib
import os
import subprocess
import sys

from common import die, say


class Checks:
    def __init__(self, settings, tools):
        self.s = settings
        self.tools = tools
        self.log = settings.work / "verify.log"
        self.counters = settings.work / "counters.tsv"
        self.unsupported = {}   # "case/tool": why it is not timed, in the order found

    def create_files(self):
        self.log.write_text("")
        self.counters.write_text("")

    def verified(self, text):
        with open(self.log, "a") as f:
            f.write(text + "\n")

    def passed(self):
        return len(self.log.read_text().splitlines())

    def counter(self, case, tool, key, value):
        """A count the report shows beside the times (the project builds)."""
        with open(self.counters, "a") as f:
            f.write(f"{case}\t{tool}\t{self.s.round}\t{key}\t{value}\n")

    def expect_stats(self, case, tool, expected):
        """TOOL's counters after a measurement: EXPECTED maps ID (or "a+b", a sum) to its value."""
        stats = self.tools.stats(tool)
        for key, value in expected.items():
            got = stats(key)
            if got != value:
                die(f"{case}/{tool}: expected {key} = {value} after the timed runs, --print-stats says {got} "
                    "(the timed runs were not what they claim to be)")
        self.verified(f"{case}/{tool} round {self.s.round}: counters " + " ".join(f"{k}={v}" for k, v in expected.items()))

    def expect_same(self, case, tool, obj, ref):
        """Byte-identical objects (cmp)."""
        if not os.path.isfile(obj) or not filecmp.cmp(obj, ref, shallow=False):
            die(f"{case}/{tool}: {obj} differs from the plain compiler's {ref} (cmp): the cached object is wrong")
        self.verified(f"{case}/{tool} round {self.s.round}: {obj.name} byte-identical to {ref.name}")

    def mark_unsupported(self, case, tool, reason):
        """TOOL cannot be measured in CASE (no direct mode): skipped in every round, reported."""
        self.unsupported[f"{case}/{tool}"] = reason
        (self.s.results / f"{case}__{tool}__unsupported").write_text(reason + "\n")
        say(f"{case}/{tool}: not timed: {reason}")
        self.verified(f"{case}/{tool} round {self.s.round}: not timed: {reason}")

    def is_unsupported(self, case, tool):
        return f"{case}/{tool}" in self.unsupported


def regular_files(top):
    """The regular files under TOP (not symlinks), as ./relative paths: what find -type f lists."""
    out = []
    for d, _, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append("./" + os.path.relpath(p, top))
    return out


def write_sha256_list(top, products, out):
    """sha256sum's lines for every object file under TOP and the PRODUCTS, sorted bytewise."""
    paths = [p for p in regular_files(top) if p.endswith(".o")] + ["./" + p for p in products]
    lines = []
    for p in sorted(paths, key=os.fsencode):
        with open(os.path.join(top, p), "rb") as f:
            lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {p}\n")
    out.write_text("".join(lines))
    return len(lines)


def same_lists(reference, other):
    """Whether two sha256 lists match; prints the start of their diff when not."""
    if reference.read_bytes() == other.read_bytes():
        return True
    diff = subprocess.run(["diff", str(reference), str(other)], stdout=subprocess.PIPE, text=True).stdout
    print("\n".join(diff.splitlines()[:20]), file=sys.stderr)
    return False


def same_trees(reference, other, ignore):
    """Whether two directory trees are identical, files named IGNORE aside (diff -r -q -x)."""
    return subprocess.run(["diff", "-r", "-q", "-x", ignore, str(reference), str(other)],
                          stdout=sys.stderr).returncode == 0


def check_builds_against_plain(checks, sums_dir, case, tools, r):
    """Every cold and warm build (and warm on a new server) of round r by these tools made the plain
    build's objects and products (their sha256 lists in sums_dir); dies at the first that did not."""
    for tool in tools:
        for phase in ("cold", "warm", "fresh"):
            sums = sums_dir / f"{phase}-{tool}-r{r}"
            if not sums.is_file():
                continue
            if not same_lists(sums_dir / f"cold-plain-r{r}", sums):
                die(f"{case}_{phase}/{tool}: objects differ from the plain build's (sha256 lists in {sums_dir})")
            n = len(sums.read_text().splitlines())
            checks.verified(f"{case}_{phase}/{tool} round {r}: {n} objects and products identical to the "
                            "plain build's (sha256)")
