#!/usr/bin/env python3
"""bench/farm's report: medians per build and the ratios the farm benchmark is about, as Markdown.

    farm-report.py --times TSV --verify LOG --out MD --files N --jobs N --rounds N --rtt-ms MS
                   --machine TEXT

TSV lines are NAME<TAB>ROUND<TAB>MILLISECONDS; LOG holds one line per passed check.
"""
import argparse
import statistics
from collections import defaultdict

BUILDS = [
    ("plain", "make CC=gcc on this machine, no farm (the reference objects)"),
    ("distcc_cold", "distcc, the distccd pair"),
    ("distcache_cold", "distcache, empty local cache, the same distccd pair"),
    ("distcache_fill", "distcache, empty local cache, the distcache daemon pair with empty caches"),
    ("distcache_tls", "distcache, empty local cache, two more distcache daemons with empty caches, over TLS with a token"),
    ("distcache_second", "distcache, a fresh local cache, the distcache daemon pair the previous build filled"),
    ("distcache_storage", "distcache, a fresh local cache, the same daemons and `remote_storage` on the storage port of one of them (filled by untimed builds)"),
    ("distcc_again", "distcc recompiling everything on the distccd pair"),
    ("plain_g", "the project with `-g`, make CC=gcc (the reference debug objects)"),
    ("distcache_g", "`-g`, distcache, a fresh local cache, the distcache daemon pair (sources shipped)"),
    ("distcc_g", "`-g`, distcc, the distccd pair (preprocessed text shipped)"),
]
RATIOS = [
    ("(a) cold: distcache / distcc, same distccd pair", "distcache_cold", "distcc_cold"),
    ("(a') cold: distcache on distcache daemons / distcc on distccd", "distcache_fill", "distcc_cold"),
    ("TLS and a token: distcache over TLS / the same over plaintext (both cold, empty daemon caches)", "distcache_tls", "distcache_fill"),
    ("(b) second build, fresh client cache (daemon-side hits) / distcc recompiling", "distcache_second", "distcc_again"),
    ("(b') second build, fresh client cache, the daemon's storage port as `remote_storage` / distcc recompiling", "distcache_storage", "distcc_again"),
    ("plain local build / distcc", "plain", "distcc_cold"),
    ("`-g` cold: distcache on distcache daemons / distcc on distccd", "distcache_g", "distcc_g"),
]


def main():
    p = argparse.ArgumentParser()
    for a in ("--times", "--verify", "--out", "--machine"):
        p.add_argument(a, required=True)
    for a in ("--files", "--jobs", "--rounds"):
        p.add_argument(a, type=int, required=True)
    p.add_argument("--rtt-ms", type=float, required=True)
    args = p.parse_args()
    runs = defaultdict(list)
    with open(args.times) as f:
        for line in f:
            name, _, ms = line.rstrip("\n").split("\t")
            runs[name].append(int(ms) / 1000.0)
    med = {n: statistics.median(t) for n, t in runs.items()}
    with open(args.verify) as f:
        checks = [l.rstrip("\n") for l in f if l.strip()]

    out = ["# Farm benchmark: distcache vs distcc on loopback daemons", "",
           f"`bench/farm` builds a generated C project ({args.files} files, `-O2 -Wall`; the `_g` builds add `-g`) with "
           f"`make -j{args.jobs}`, {args.rounds} round(s); figures are medians over the rounds, in seconds. "
           "Daemons: two stock `distccd` on 127.0.0.4/127.0.0.5 and two `distcache daemon` on "
           f"127.0.0.2/127.0.0.3, each `--jobs {args.jobs // 2}`; the distccd pair listed `/{args.jobs // 2},lzo` "
           f"(distcc's protocol 2), the distcache pair `/{args.jobs // 2},distcache` (distcache's own protocol), "
           f"and for the TLS build two more distcache daemons on 127.0.0.6/127.0.0.7 listed `/{args.jobs // 2},tls`. "
           "Every distcache build starts with its local server already running; that server and "
           "the daemons it uses have first built an unrelated warm-up project (untimed, other text, "
           "so no hit for the measured one), as long-running processes would have: the measured "
           "build is cold in every cache, not in the JVMs' JIT. "
           + (f"Every daemon sits behind `bench/delay_proxy.py`, which holds each direction's bytes for "
              f"{args.rtt_ms / 2:g} ms: a round trip of {args.rtt_ms:g} ms, as on a LAN (`tc netem` would "
              "do this in the kernel, but this machine's kernel has no `sch_netem`)."
              if args.rtt_ms else "The clients reach the daemons directly, on loopback."), "",
           f"Machine: {args.machine}.", "",
           "**Caveat.** Client, daemons and compilers share this machine's cores, so a loopback farm "
           "measures the protocol and cache overhead of each client, not a parallel speed-up: a "
           "distributed build cannot beat the plain local one here, and is expected to be somewhat slower.", "",
           "| build | what | median (s) | runs (s) |", "|---|---|---:|---|"]
    for name, what in BUILDS:
        if name in runs:
            out.append(f"| `{name}` | {what} | {med[name]:.2f} | {', '.join(f'{t:.2f}' for t in runs[name])} |")
    out += ["", "| ratio | value |", "|---|---:|"]
    for label, a, b in RATIOS:
        if a in med and b in med:
            out.append(f"| {label} | {med[a] / med[b]:.2f} |")
    out += ["", "Below 1: distcache faster. Checks passed (every build's objects are compared with the "
            "plain build's of the same round, and the counters say where each compile went):", ""]
    out += [f"- {c}" for c in checks]
    out.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()
