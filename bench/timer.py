"""bench/run's timers: hyperfine without a shell (-N) when installed, else a Python loop doing the
subset of `hyperfine -N` the bench uses. Both write hyperfine's JSON format (results[0].times, in
s), which report.py pools.

A PREPARE command runs before every run, warm-ups included, as with hyperfine. The loop times
each run with time.perf_counter() around subprocess.run, stdin on /dev/null, stdout and stderr on
/dev/null or appended to a log (the project's builds keep their output this way). Python's
fork/exec adds about a millisecond per run that hyperfine does not: compare figures taken with
the same timer only.
"""
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import time

from common import die, say


class Hyperfine:
    name = "hyperfine"

    def measure(self, argv, *, runs, warmup, export_json, env, cwd, prepare=None):
        """Times ARGV; False when a run (or PREPARE) failed."""
        args = ["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                "--export-json", str(export_json)]
        if prepare:
            args += ["--prepare", shlex.join(prepare)]
        return subprocess.run(args + [shlex.join(argv)], env=env, cwd=cwd).returncode == 0

    def describe(self):
        version = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True).stdout.strip()
        return f"{version} (-N: no shell); the project builds: bench/timer.py, one run each"


class PythonLoop:
    name = "python"

    def measure(self, argv, *, runs, warmup, export_json, env, cwd, prepare=None, log=None):
        """Times ARGV; False when a run (or PREPARE) failed. LOG gets the runs' output appended."""
        out = open(log, "ab") if log else subprocess.DEVNULL
        try:
            times, codes = [], []
            for i in range(warmup + runs):
                if prepare and self._run(prepare, env, cwd, subprocess.DEVNULL) != 0:
                    print(f"timer.py: the prepare command failed: {shlex.join(prepare)}", file=sys.stderr)
                    return False
                start = time.perf_counter()
                code = self._run(argv, env, cwd, out)
                elapsed = time.perf_counter() - start
                if code != 0:
                    print(f"timer.py: exit status {code}: {shlex.join(argv)}", file=sys.stderr)
                    return False
                if i >= warmup:
                    times.append(elapsed)
                    codes.append(code)
        finally:
            if log:
                out.close()
        result = {
            "command": shlex.join(argv),
            "mean": statistics.fmean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
            "median": statistics.median(times),
            "min": min(times),
            "max": max(times),
            "times": times,
            "exit_codes": codes,
        }
        with open(export_json, "w") as f:
            json.dump({"results": [result]}, f, indent=1)
        return True

    @staticmethod
    def _run(argv, env, cwd, out):
        return subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=out).returncode

    def describe(self):
        return "Python loop (bench/timer.py, time.perf_counter around subprocess.run)"


def choose(wanted, install):
    """The timer for --timer WANTED (auto, hyperfine, python); INSTALL(package) tries to install."""
    if wanted == "python":
        return PythonLoop()
    if not shutil.which("hyperfine") and not install("hyperfine"):
        say("hyperfine is not installed and cannot be; timing with the Python loop")
    if shutil.which("hyperfine"):
        return Hyperfine()
    if wanted == "hyperfine":
        die("--timer hyperfine but hyperfine is not installed")
    return PythonLoop()


def print_median(export_json, case, tool, rnd):
    """One line per measurement on stderr, as the bench goes."""
    with open(export_json) as f:
        t = json.load(f)["results"][0]["times"]
    m = statistics.median(t)
    shown = f"{m:9.2f} s " if m >= 1 else f"{m * 1000:9.2f} ms"
    print(f"  {case:<18} {tool:<16} round {rnd}: median {shown}  (n={len(t)})", file=sys.stderr, flush=True)
