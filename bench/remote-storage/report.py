#!/usr/bin/env python3
"""bench/remote-storage/run's report: medians over the rounds, ratios, the issue's targets (met or
not), the counters of every build, the machine and its load. Standard library only.

    report.py --work bench/work-remote --out docs/bench/remote-storage.md

Reads WORK/results/CASE__TOOL__rROUND.json (bench/timer.py's hyperfine-style JSON), WORK/counters.tsv
(case, tool, round, id, value), WORK/facts.tsv (key, value) and WORK/verify.log (one line per check).
"""
import argparse
import glob
import json
import os
import re
import statistics

BUILDS = [  # (case, tool, label)
    ("plain", "plain", "plain gcc, checkout B (the reference objects; round 1 only)"),
    ("cold_a", "distcache", "runner A cold: empty local cache, writes to Redis and HTTP"),
    ("cold_a", "ccache", "runner A cold: empty local cache, writes to Redis and HTTP"),
    ("warm_a", "distcache", "runner A local warm rebuild (the floor)"),
    ("warm_a", "ccache", "runner A local warm rebuild"),
    ("b_redis", "distcache", "runner B from Redis: empty local cache, checkout B"),
    ("b_redis", "ccache", "runner B from Redis: empty local cache, checkout B"),
    ("b_http", "distcache", "runner B from HTTP (nginx WebDAV): empty local cache, checkout B"),
    ("b_http", "ccache", "runner B from HTTP (nginx WebDAV): empty local cache, checkout B"),
]
HITS = [("hit_none", "no remote_storage"), ("hit_refused", "remote down: closed ports (refused)"),
        ("hit_stalled", "remote down: accepts, never answers (stalled)")]
SHOWN_COUNTERS = [("cache_miss", "misses"), ("direct_cache_hit", "direct hits"),
                  ("preprocessed_cache_hit", "pp hits"), ("remote_storage_hit", "remote hits"),
                  ("remote_storage_write", "remote writes"), ("remote_storage_error", "remote errors"),
                  ("remote_storage_timeout", "remote timeouts")]


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def times(work, case, tool):
    out, rounds = [], 0
    for path in sorted(glob.glob(os.path.join(work, "results", f"{case}__{tool}__r*.json"))):
        with open(path) as f:
            out += [t * 1000.0 for t in json.load(f)["results"][0]["times"]]
        rounds += 1
    return out, rounds


def summary(ms):
    if not ms:
        return None
    ms = sorted(ms)
    if len(ms) >= 2:
        q = statistics.quantiles(ms, n=10, method="inclusive")
        p10, p90 = q[0], q[8]
    else:
        p10 = p90 = ms[0]
    return {"n": len(ms), "median": statistics.median(ms), "p10": p10, "p90": p90, "min": ms[0], "max": ms[-1]}


def fmt_s(ms):
    return "—" if ms is None else f"{ms / 1000:.2f} s"


def fmt_ms(ms):
    return "—" if ms is None else f"{ms:.2f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    work = a.work
    facts = [(r[0], r[1] if len(r) > 1 else "") for r in read_tsv(os.path.join(work, "facts.tsv"))]
    fact = dict(facts)
    counters = {}
    for case, tool, rnd, key, value in (r[:5] for r in read_tsv(os.path.join(work, "counters.tsv"))):
        counters.setdefault((case, tool), {}).setdefault(key, []).append(int(value))
    verify = open(os.path.join(work, "verify.log")).read().splitlines() if os.path.exists(
        os.path.join(work, "verify.log")) else []

    builds = {}
    for case, tool, _ in BUILDS:
        ms, rounds = times(work, case, tool)
        builds[(case, tool)] = (summary(ms), rounds)
    hits = {}
    for case, _ in HITS:
        for tool in ("distcache", "ccache"):
            ms, rounds = times(work, case, tool)
            hits[(case, tool)] = (summary(ms), rounds)

    def med(case, tool, table=builds):
        s = table.get((case, tool), (None, 0))[0]
        return s["median"] if s else None

    quick = "smoke test" in fact
    L = []
    L.append("# The shared cache tier: distcache against ccache on the same Redis and nginx")
    L.append("")
    if quick:
        L.append("**Smoke-test figures (`bench/remote-storage/run --quick`): one round, the project cut down to its "
                 "zlib, a few hit runs. They show that every path works, not how fast it is.**")
        L.append("")
    done = [k for k, _ in facts if k.startswith("load average after round ")]
    planned = re.match(r"(\d+)", fact.get("rounds", ""))
    if "bench wall time" not in fact and planned:
        L.append(f"**The run was stopped after {len(done)} of its {planned.group(1)} rounds (its time was up); the "
                 "figures are those of the rounds that finished, every one of their checks passed.**")
        L.append("")
    L.append("Written by `bench/remote-storage/run` (see bench/README.md, \"The shared tier\"). One Debian "
             "redis-server and one Debian nginx with WebDAV PUT, on loopback, started and stopped by the bench; "
             "distcache (`remote_storage`) and Debian's ccache 4.7.5 (`remote_storage`) use the same two servers "
             "(distcache's Redis keys are `distcache:*`, ccache's `ccache:*`; over HTTP each tool has its own path). "
             "Both tools get the same patient timeouts on the healthy servers "
             f"(`{'|connect-timeout=2000|operation-timeout=20000'}`). Every build is checked: its objects are "
             "identical (sha256) to a plain gcc build's in checkout B, and its counters say what it claims "
             "(cold: misses and remote writes, with the keys and files on the servers; warm: local hits only; "
             "runner B: at least 95% remote hits).")
    L.append("")

    # Targets.
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | met? |")
    L.append("|---|---|---|")
    floor = med("warm_a", "distcache")

    def row(text, value, limit, show):
        if value is None:
            L.append(f"| {text} | not measured | — |")
        else:
            L.append(f"| {text} | {show(value)} | {'yes' if value <= limit else '**no**'} |")

    for srv, name in (("b_redis", "Redis"), ("b_http", "HTTP")):
        d, c = med(srv, "distcache"), med(srv, "ccache")
        row(f"runner B from {name} ≤ 1.3× distcache's local warm rebuild",
            d / floor if d and floor else None, 1.3,
            lambda v, d=d: f"{v:.2f}× ({fmt_s(d)} / {fmt_s(floor)})")
        row(f"distcache's runner B from {name} ≤ 0.8× ccache's runner B from {name}",
            d / c if d and c else None, 0.8, lambda v, d=d, c=c: f"{v:.2f}× ({fmt_s(d)} / {fmt_s(c)})")
    base = med("hit_none", "distcache", hits)
    for case, name in (("hit_refused", "refused"), ("hit_stalled", "stalled")):
        v = med(case, "distcache", hits)
        row(f"a local hit whose remote is down ({name}) ≤ +5 ms over the same hit with no remote (medians)",
            v - base if v is not None and base is not None else None, 5.0,
            lambda x, v=v: f"{x:+.2f} ms ({fmt_ms(v)} vs {fmt_ms(base)})")
    L.append("")

    L.append("A verdict compares medians of one build per tool and round; on 2 shared cores under the load "
             "listed below, single builds move by tens of percent (see the per-round table), so a ratio near a "
             "limit is within the noise.")
    L.append("")

    # Builds.
    L.append(f"## Builds of the project (make {fact.get('make', '')}), medians over the rounds")
    L.append("")
    L.append("| build | tool | median | min | max | rounds | × distcache local warm |")
    L.append("|---|---|---|---|---|---|---|")
    for case, tool, label in BUILDS:
        s, rounds = builds[(case, tool)]
        if not s:
            L.append(f"| {label} | {tool} | not run | | | | |")
            continue
        ratio = f"{s['median'] / floor:.2f}×" if floor else "—"
        L.append(f"| {label} | {tool} | {fmt_s(s['median'])} | {fmt_s(s['min'])} | {fmt_s(s['max'])} | {rounds} "
                 f"| {ratio} |")
    L.append("")
    L.append("Ratios, distcache / ccache (medians; below 1 distcache is faster):")
    L.append("")
    L.append("| build | distcache | ccache | ratio |")
    L.append("|---|---|---|---|")
    for case, label in (("cold_a", "runner A cold (writes to both servers)"), ("warm_a", "runner A local warm"),
                        ("b_redis", "runner B from Redis"), ("b_http", "runner B from HTTP")):
        d, c = med(case, "distcache"), med(case, "ccache")
        L.append(f"| {label} | {fmt_s(d)} | {fmt_s(c)} | {f'{d / c:.2f}' if d and c else '—'} |")
    L.append("")

    # Per round: the load moves every figure, so the pairs measured minutes apart matter.
    L.append("Per round (the two tools of a pair built minutes apart, the order rotating; distcache / ccache):")
    L.append("")
    rounds_seen = sorted({int(m.group(1)) for path in glob.glob(os.path.join(work, "results", "*__r*.json"))
                          for m in [re.search(r"__r(\d+)\.json$", path)] if m})
    L.append("| build | " + " | ".join(f"round {r}" for r in rounds_seen) + " |")
    L.append("|---|" + "---|" * len(rounds_seen))
    for case, label in (("cold_a", "runner A cold"), ("warm_a", "runner A local warm"),
                        ("b_redis", "runner B from Redis"), ("b_http", "runner B from HTTP")):
        cells = []
        for r in rounds_seen:
            pair = []
            for tool in ("distcache", "ccache"):
                path = os.path.join(work, "results", f"{case}__{tool}__r{r}.json")
                if os.path.exists(path):
                    with open(path) as f:
                        pair.append(json.load(f)["results"][0]["times"][0])
            cells.append(f"{pair[0]:.1f} s / {pair[1]:.1f} s = {pair[0] / pair[1]:.2f}" if len(pair) == 2 else "—")
        L.append(f"| {label} | " + " | ".join(cells) + " |")
    L.append("")

    # Counters.
    L.append("## Counters of the builds (each round's value; `--print-stats` after the build)")
    L.append("")
    L.append("| build | tool | " + " | ".join(n for _, n in SHOWN_COUNTERS) + " |")
    L.append("|---|---|" + "---|" * len(SHOWN_COUNTERS))
    for case, tool, label in BUILDS:
        c = counters.get((case, tool))
        if not c:
            continue
        cells = [" / ".join(str(v) for v in c.get(k, [])) for k, _ in SHOWN_COUNTERS]
        L.append(f"| {case} | {tool} | " + " | ".join(cells) + " |")
    L.append("")

    # Hits.
    L.append("## A local hit whose remote is down")
    L.append("")
    L.append(fact.get("remote-down hits", ""))
    L.append("")
    L.append("| remote_storage | tool | median | p10 | p90 | n | median − no remote |")
    L.append("|---|---|---|---|---|---|---|")
    for case, label in HITS:
        for tool in ("distcache", "ccache"):
            s, _ = hits[(case, tool)]
            if not s:
                continue
            b = med("hit_none", tool, hits)
            diff = f"{s['median'] - b:+.2f} ms" if b is not None and case != "hit_none" else ""
            L.append(f"| {label} | {tool} | {fmt_ms(s['median'])} | {fmt_ms(s['p10'])} | {fmt_ms(s['p90'])} | "
                     f"{s['n']} | {diff} |")
    L.append("")
    L.append("A local hit never asks the remote storage (the local store is asked first), in either tool, so a "
             "down remote costs a hit nothing but noise; the counters of these runs show no remote error or "
             "timeout. A *miss* with the remote down is what pays: one refused connect, or one operation "
             "timeout for a stalled server, then the remote is backed off (see README.md, \"A shared cache tier\").")
    L.append("")

    # Machine.
    L.append("## Machine and run")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    for k, v in facts:
        if k == "remote-down hits":
            continue
        L.append(f"| {k} | {v.replace('|', chr(92) + '|')} |")
    L.append("")
    L.append(f"## Checks that passed ({len(verify)})")
    L.append("")
    L.append("```")
    L.extend(verify)
    L.append("```")
    text = "\n".join(L) + "\n"
    text = re.sub(r"\n{3,}", "\n\n", text)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
