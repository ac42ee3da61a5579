#!/usr/bin/env python3
"""bench/run's timer when hyperfine is not installed: the subset of `hyperfine -N` it uses.

    timer.py --warmup W --runs N [--prepare CMD] [--output LOG] --export-json FILE COMMAND

COMMAND and CMD are command lines split like a shell would (no shell runs them). PREPARE runs
before every run, warm-ups included, as with hyperfine. Each timed run is time.perf_counter()
around subprocess.run, with stdin on /dev/null and stdout and stderr on /dev/null, or appended to
LOG (bench/run times the project builds this way, keeping their output). A run that exits
non-zero stops everything with exit status 1. FILE gets hyperfine's JSON format
(results[0].times, in s).
Python's fork/exec adds about a millisecond per run that hyperfine does not: compare figures
taken with the same timer only.
"""
import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time


def run(argv, log=None):
    out = log if log is not None else subprocess.DEVNULL
    return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out).returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--prepare")
    parser.add_argument("--output", help="append the runs' stdout and stderr to this file")
    parser.add_argument("--export-json", required=True)
    parser.add_argument("command")
    args = parser.parse_args()
    argv = shlex.split(args.command)
    prepare = shlex.split(args.prepare) if args.prepare else None

    log = open(args.output, "ab") if args.output else None
    times, codes = [], []
    for i in range(args.warmup + args.runs):
        if prepare and run(prepare) != 0:
            print(f"timer.py: the prepare command failed: {args.prepare}", file=sys.stderr)
            return 1
        start = time.perf_counter()
        code = run(argv, log)
        elapsed = time.perf_counter() - start
        if code != 0:
            print(f"timer.py: exit status {code}: {args.command}", file=sys.stderr)
            return 1
        if i >= args.warmup:
            times.append(elapsed)
            codes.append(code)

    result = {
        "command": args.command,
        "mean": statistics.fmean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": times,
        "exit_codes": codes,
    }
    with open(args.export_json, "w") as f:
        json.dump({"results": [result]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
