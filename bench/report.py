#!/usr/bin/env python3
"""bench/run's report: pools the timed runs of every case and tool, writes results.md (printed
too), results.json and results.svg (matplotlib when importable, else an SVG drawn by hand).

    report.py --work bench/work --out docs/bench

Reads, all written by bench/run:
  WORK/cases.tsv      id, kind, label, note, tools (space-separated: a distcache variant, the
                      ccache variant it is compared with, and maybe plain)
  WORK/facts.tsv      key, value
  WORK/counters.tsv   case, tool, round, key, value (the project builds' cache counters)
  WORK/results/CASE__TOOL__rROUND.json   hyperfine's JSON format (bench/timer.py writes the same)
  WORK/results/CASE__TOOL__unsupported   why TOOL was not timed in CASE (no direct mode yet)
Standard library only, apart from the optional matplotlib.
"""
import argparse
import glob
import json
import math
import os
import statistics
import sys
from xml.sax.saxutils import escape

TITLES = {
    "distcache": "distcache (default configuration)",
    "distcache_direct": "distcache, direct_mode=true",
    "distcache_pp": "distcache, direct_mode=false",
    "distcache_masq": "distcache (install-masquerade links on PATH)",
    "distcache_masq_direct": "distcache, direct_mode=true, install-masquerade link on PATH",
    "distcache_launch": "distcache (bin/distcache as CMake's compiler launcher)",
    "ccache": "ccache (default: direct mode)",
    "ccache_nodirect": "ccache, CCACHE_NODIRECT=1",
    "ccache_masq": "ccache (/usr/lib/ccache on PATH)",
    "ccache_masq_direct": "ccache (direct mode), /usr/lib/ccache on PATH",
    "ccache_launch": "ccache (CMake's compiler launcher)",
    "plain": "plain gcc/g++",
}
# How the Medians table names each tool's mode.
MODES = {
    "distcache": "default", "distcache_direct": "direct_mode=true", "distcache_pp": "direct_mode=false",
    "distcache_masq": "default, masquerade", "ccache": "default (direct)", "ccache_nodirect": "CCACHE_NODIRECT=1",
    "ccache_masq": "default, /usr/lib/ccache", "plain": "",
    "distcache_masq_direct": "direct_mode=true, masquerade", "ccache_masq_direct": "default (direct), /usr/lib/ccache",
    "distcache_launch": "default, CMake launcher", "ccache_launch": "default, CMake launcher",
}
ROLES = ["distcache", "ccache", "plain"]
ROLE_TITLES = {"distcache": "distcache", "ccache": "ccache (the mode named in the case)", "plain": "plain compiler"}
COLORS = {"distcache": "#d62728", "ccache": "#1f77b4", "plain": "#7f7f7f"}

# Issue 12's targets, as ratios of medians: (case, test, factor, what it says). "ratio": distcache's
# median at most FACTOR times ccache's; "overhead": distcache's miss overhead over the plain
# compiler no larger than ccache's.
TARGETS = [
    ("hit_c_direct", "ratio", 0.5, "direct-mode hit, small C, prefix mode (`bin/distcache gcc ...`): at most 0.5× ccache's time"),
    ("hit_c_direct_masq", "ratio", 0.5, "direct-mode hit, small C, masquerade (`gcc ...`, install-masquerade's link against /usr/lib/ccache's): at most 0.5× ccache's time"),
    ("hit_cxx_direct", "ratio", 0.5, "direct-mode hit, C++ with the standard library: at most 0.5× ccache's time"),
    ("hit_c_pp", "ratio", 0.8, "preprocessor-mode hit, small C file: at most 0.8× ccache's (CCACHE_NODIRECT=1)"),
    ("hit_cxx_pp", "ratio", 0.8, "preprocessor-mode hit, C++: at most 0.8× ccache's (CCACHE_NODIRECT=1)"),
    ("miss_c", "overhead", None, "miss overhead over plain gcc, small C file: no larger than ccache's"),
    ("miss_cxx", "overhead", None, "miss overhead over plain g++, C++ file: no larger than ccache's"),
    ("project_warm", "ratio", 0.9, "warm rebuild of binutils (make -j2): at most 0.9× ccache's time"),
    ("project_cold", "ratio", 1.0, "cold build of binutils (make -j2): at most 1.0× ccache's time"),
    ("project2_warm", "ratio", 0.9, "warm rebuild of yaml-cpp (CMake, ninja -j2): at most 0.9× ccache's time"),
    ("project2_fresh", "ratio", 0.9, "warm rebuild of yaml-cpp on a server started for it (a CI job, the first build after idle_timeout): at most 0.9× ccache's time"),
    ("project2_cold", "ratio", 1.0, "cold build of yaml-cpp (CMake, ninja -j2): at most 1.0× ccache's time"),
]


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def role(tool):
    return "distcache" if tool.startswith("distcache") else "ccache" if tool.startswith("ccache") else "plain"


def summarize(times):
    ms = sorted(t * 1000.0 for t in times)
    if len(ms) >= 2:
        deciles = statistics.quantiles(ms, n=10, method="inclusive")
        p10, p90 = deciles[0], deciles[8]
    else:
        p10 = p90 = ms[0]
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms),
        "p10_ms": p10,
        "p90_ms": p90,
        "min_ms": ms[0],
        "max_ms": ms[-1],
        "mean_ms": statistics.fmean(ms),
    }


def load(work):
    counters = {}
    for row in read_tsv(os.path.join(work, "counters.tsv")):
        case_id, tool, rnd, key, value = row[:5]
        counters.setdefault((case_id, tool), {}).setdefault(key, []).append(int(value))
    cases = []
    for row in read_tsv(os.path.join(work, "cases.tsv")):
        case_id, kind, label, note, tools = (row + [""] * 5)[:5]
        case = {"id": case_id, "kind": kind, "label": label, "note": note, "roles": {}, "tools": {},
                "unsupported": {}, "counters": {}}
        for tool in tools.split():
            case["roles"][role(tool)] = tool
            files = sorted(glob.glob(os.path.join(work, "results", f"{case_id}__{tool}__r*.json")))
            times = []
            for path in files:
                with open(path) as f:
                    times += json.load(f)["results"][0]["times"]
            if times:
                case["tools"][tool] = summarize(times)
                case["tools"][tool]["rounds"] = len(files)
            reason = os.path.join(work, "results", f"{case_id}__{tool}__unsupported")
            if os.path.exists(reason):
                with open(reason) as f:
                    case["unsupported"][tool] = f.read().strip()
            if (case_id, tool) in counters:
                case["counters"][tool] = counters[(case_id, tool)]
        cases.append(case)
    facts = [(row[0], row[1] if len(row) > 1 else "") for row in read_tsv(os.path.join(work, "facts.tsv"))]
    return cases, facts


def stat(case, r, key="median_ms"):
    tool = case["roles"].get(r)
    s = case["tools"].get(tool) if tool else None
    return s[key] if s else None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ms(v):
    if v is None:
        return "—"
    if v >= 1000:
        return f"{v / 1000:.1f} s"
    if v >= 100:
        return f"{v:.0f} ms"
    if v >= 10:
        return f"{v:.1f} ms"
    return f"{v:.2f} ms"


def fmt_ratio(r):
    if r is None:
        return "—"
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def fmt_overhead(tool_ms, plain_ms):
    if tool_ms is None or plain_ms is None:
        return "—"
    d = tool_ms - plain_ms
    return f"{'+' if d >= 0 else '−'}{fmt_ms(abs(d))} ({d / plain_ms * 100:+.0f}%)"


def cell(case, r):
    tool = case["roles"].get(r)
    if tool in case["unsupported"]:
        return "not timed: " + case["unsupported"][tool].split(":")[0]
    return fmt_ms(stat(case, r))


def overlap(case, factor=1.0):
    """Whether distcache's p10–p90 range overlaps FACTOR times ccache's (the verdict is within the
    noise)."""
    d10, d90, c10, c90 = (stat(case, r, k) for r in ("distcache", "ccache") for k in ("p10_ms", "p90_ms"))
    return None not in (d10, d90, c10, c90) and d10 <= factor * c90 and factor * c10 <= d90


def targets(cases):
    by_id = {c["id"]: c for c in cases}
    out = []
    for case_id, test, factor, text in TARGETS:
        c = by_id.get(case_id)
        if c is None:
            continue
        d, cc, p = stat(c, "distcache"), stat(c, "ccache"), stat(c, "plain")
        entry = {"case": case_id, "target": text, "met": None}
        if c["roles"].get("distcache") in c["unsupported"]:
            entry["detail"] = c["unsupported"][c["roles"]["distcache"]]
        elif d is None or cc is None or (test == "overhead" and p is None):
            entry["detail"] = "not measured"
        elif test == "ratio":
            entry["met"] = d <= factor * cc
            entry["value"] = d / cc
            entry["detail"] = f"{fmt_ratio(d / cc)} (distcache {fmt_ms(d)}, ccache {fmt_ms(cc)}; target ≤ {factor:g}×)"
        else:
            entry["met"] = d - p <= cc - p
            entry["value"] = d - p
            entry["detail"] = (f"distcache {fmt_overhead(d, p)} against ccache's {fmt_overhead(cc, p)} "
                               f"over plain {fmt_ms(p)}")
        if entry["met"] is not None and overlap(c, factor or 1.0):
            entry["detail"] += (f"; distcache's p10–p90 range overlaps {factor:g}× ccache's, so this is within the noise"
                                if factor and factor != 1.0 else "; the p10–p90 ranges overlap, so this is within the noise")
        out.append(entry)
    return out


def markdown(cases, facts, goals):
    f = dict(facts)
    out = []
    w = out.append
    w("# distcache benchmark results")
    w("")
    w(f"Measured {f.get('date', '?')} by `bench/run` on {f.get('nproc', '?')} cores ({f.get('cpu', '?')}), "
      f"distcache {f.get('distcache commit', '?')} (client: {f.get('distcache client', '?')}). Figures are "
      "**medians** of wall-clock times (p10 and p90 in the detail table), pooled over interleaved rounds; "
      "the machine is shared and noisy (load averages below), so trust ratios and medians, not single runs. "
      "`bench/README.md` says what each case measures.")
    if "smoke test" in f:
        w("")
        w(f"**A smoke test, not a measurement**: {f['smoke test']}.")
    if goals:
        w("")
        w("## Targets")
        w("")
        for g in goals:
            mark = "**met**" if g["met"] else "**not met**" if g["met"] is False else "**not measured**"
            w(f"- {mark}: {g['target']} — {g['detail']}")
    w("")
    w("## Medians")
    w("")
    w("| case | distcache | ccache | plain gcc/g++ | distcache / ccache | modes: distcache vs ccache |")
    w("|---|---:|---:|---:|---:|---|")
    for c in cases:
        roles = c["roles"]
        compared = " vs ".join(MODES[roles[r]] for r in ("distcache", "ccache") if r in roles)
        w(f"| {c['label']} | {cell(c, 'distcache')} | {cell(c, 'ccache')} | {cell(c, 'plain')} "
          f"| {fmt_ratio(ratio(stat(c, 'distcache'), stat(c, 'ccache')))} | {compared} |")
    w("")
    w("A ratio above 1× means distcache is slower. Each hit case compares like with like: the direct-mode "
      "rows distcache with `direct_mode=true` against ccache's default direct mode, the preprocessor-mode "
      "rows distcache with `direct_mode=false` against ccache with `CCACHE_NODIRECT=1`; start-up, misses and "
      "the project run both tools in their default configuration.")

    misses = [c for c in cases if c["kind"] == "miss"]
    if misses:
        w("")
        w("## Miss overhead over the plain compiler")
        w("")
        w("| case | plain | distcache miss | distcache overhead | ccache miss | ccache overhead |")
        w("|---|---:|---:|---:|---:|---:|")
        for c in misses:
            p = stat(c, "plain")
            row = [fmt_ms(p)]
            for r in ("distcache", "ccache"):
                row += [fmt_ms(stat(c, r)), fmt_overhead(stat(c, r), p)]
            w(f"| {c['label']} | " + " | ".join(row) + " |")

    hits = [c for c in cases if c["kind"] == "hit"]
    if hits:
        w("")
        w("## Hit speed-up over compiling (plain median / hit median)")
        w("")
        w("| case | distcache | ccache |")
        w("|---|---:|---:|")
        for c in hits:
            p = stat(c, "plain")
            w(f"| {c['label']} | {fmt_ratio(ratio(p, stat(c, 'distcache')))} | {fmt_ratio(ratio(p, stat(c, 'ccache')))} |")

    for kind, title in (("project", "The project build: binutils (autotools, make)"),
                        ("project2", "The second project: yaml-cpp (CMake, Ninja)")):
        project_section(w, f, kind, title, [c for c in cases if c["kind"] == kind])
    markdown_tail(w, cases, facts, f)
    return "\n".join(out)


def project_section(w, f, kind, title, project):
    if project:
        w("")
        w(f"## {title}")
        w("")
        w(f"{f.get(kind, 'the project')}. Rounds: {f.get('project rounds', '?')}.")
        w("")
        w("| step | distcache | ccache | plain |")
        w("|---|---:|---:|---:|")
        for c in project:
            cells = []
            for r in ROLES:
                m, n = stat(c, r), stat(c, r, "n")
                if m is None:
                    cells.append("—")
                elif n < 2:
                    cells.append(f"{fmt_ms(m)} (n=1)")
                else:
                    cells.append(f"{fmt_ms(m)} (p10 {fmt_ms(stat(c, r, 'p10_ms'))}, p90 {fmt_ms(stat(c, r, 'p90_ms'))}, n={n})")
            w(f"| {c['label']} | " + " | ".join(cells) + " |")
        counted = [(c, r) for c in project for r in ("distcache", "ccache") if c["roles"].get(r) in c["counters"]]
        if counted:
            w("")
            w("What the tools counted, per round (`--print-stats`, zeroed before each step):")
            w("")
            w("| step | tool | counters per round |")
            w("|---|---|---|")
            for c, r in counted:
                counts = c["counters"][c["roles"][r]]
                text = "; ".join(f"{k} {', '.join(str(v) for v in vs)}" for k, vs in counts.items())
                w(f"| {c['label']} | {r} | {text} |")
            w("")
            if kind == "project":
                w("configure: *uncacheable* is autoconf_test + called_for_link + called_for_preprocessing (the "
                  "conftest calls each tool passes to the compiler); *misses* are the compiles it cached. ")
            w("cold: the cache was empty; warm: *direct* and *preprocessed* split the hits by mode.")


def markdown_tail(w, cases, facts, f):
    w("")
    w("## Detail")
    w("")
    w("| case | tool | n | p10 | median | p90 | min | max |")
    w("|---|---|---:|---:|---:|---:|---:|---:|")
    for c in cases:
        for r in ROLES:
            tool = c["roles"].get(r)
            s = c["tools"].get(tool) if tool else None
            if s:
                w(f"| {c['label']} | {TITLES[tool]} | {s['n']} | {fmt_ms(s['p10_ms'])} | {fmt_ms(s['median_ms'])} "
                  f"| {fmt_ms(s['p90_ms'])} | {fmt_ms(s['min_ms'])} | {fmt_ms(s['max_ms'])} |")
            elif tool in c["unsupported"]:
                w(f"| {c['label']} | {TITLES[tool]} | 0 | | {c['unsupported'][tool]} | | | |")
    w("")
    w("## Cases")
    w("")
    for c in cases:
        w(f"- **{c['label']}** (`{c['id']}`): {c['note']}")
    w("")
    w("## Checks")
    w("")
    w("Every timed hit was checked: `--print-stats` of the tool counted exactly one hit of the expected kind "
      "(`direct_cache_hit` in the direct-mode cases, `preprocessed_cache_hit` in the preprocessor-mode ones) "
      "per run, warm-ups included, and no miss, and the object left by the last run is byte-identical (`cmp`) "
      "to the plain compiler's; every timed miss was counted as a miss and checked the same way. A distcache "
      "without direct mode (a hit with `direct_mode=true` counted as `preprocessed_cache_hit`) is reported as "
      "not timed instead. The project: every tool's configure left the same configured tree as the plain "
      "one, no configure ran inside a timed build, the cold build counted misses and the warm one hits, and "
      "every object file and the product are identical (sha256) to the plain build's of the same round, all "
      "built in one directory. yaml-cpp: the cold build counted misses and the warm one hits, no build re-ran "
      "cmake, and every object file, the library and the util tools are identical (sha256) to the plain build's "
      f"of the same round, built in one directory. {f.get('correctness checks passed', '?')} checks passed.")
    w("")
    w("## Machine")
    w("")
    for k, v in facts:
        w(f"- {k}: {v}")
    w("")
    w("![medians per case](results.svg)")
    w("")


def panels(cases):
    """The plot's panels: file cases in ms on a log scale, project builds in s on a linear one."""
    small = [c for c in cases if c["kind"] not in ("project", "project2")]
    big = [c for c in cases if c["kind"] in ("project", "project2")]
    out = []
    if small:
        out.append((small, "median wall-clock time, ms (log scale)", True, 1.0))
    if big:
        out.append((big, "median wall-clock time of the project step, s", False, 1000.0))
    return out


def plot_matplotlib(cases, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    matplotlib.rcParams["svg.hashsalt"] = "distcache-bench"
    parts = panels(cases)
    heights = [0.8 + 0.7 * len(p[0]) for p in parts]
    fig, axes = plt.subplots(len(parts), 1, figsize=(10, 1.6 + sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    height = 0.8 / len(ROLES)
    for ax, (group, xlabel, log, unit) in zip(axes[:, 0], parts):
        top = 0
        for i, r in enumerate(ROLES):
            ys, xs = [], []
            for j, c in enumerate(group):
                v = stat(c, r)
                y = j - 0.4 + height * (i + 0.5)
                if v is not None:
                    ys.append(y)
                    xs.append(v / unit)
                    top = max(top, v / unit)
                elif c["roles"].get(r) in c["unsupported"]:
                    ax.text(0, y, "  not timed: " + c["unsupported"][c["roles"][r]].split(":")[0],
                            va="center", fontsize=7, color=COLORS[r], transform=ax.get_yaxis_transform())
            bars = ax.barh(ys, xs, height=height, color=COLORS[r], label=ROLE_TITLES[r])
            ax.bar_label(bars, labels=[fmt_ms(x * unit) for x in xs], fontsize=7, padding=2)
        ax.set_yticks(range(len(group)), [c["label"] for c in group])
        ax.invert_yaxis()
        if log:
            ax.set_xscale("log")
            ax.set_xlim(right=top * 3)
        else:
            ax.set_xlim(0, top * 1.2)
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", which="both", alpha=0.3)
    axes[0, 0].set_title("distcache vs ccache vs the plain compiler: medians per case")
    axes[-1, 0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.3 if len(parts) > 1 else -0.12),
                       ncol=len(ROLES), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})


def plot_by_hand(cases, path):
    left, right, bar, gap, plot_w = 300, 90, 14, 18, 560
    group_h = bar * len(ROLES) + gap
    width = left + plot_w + right
    s = []
    y = 50
    for group, xlabel, log, unit in panels(cases):
        values = [v / unit for c in group for r in ROLES if (v := stat(c, r)) is not None]
        if not values:
            continue
        if log:
            lo = 10 ** math.floor(math.log10(min(values)))
            hi = 10 ** math.ceil(math.log10(max(values) * 1.5))
            ticks = [d * m for e in range(round(math.log10(lo)), round(math.log10(hi)) + 1)
                     for m in (1, 2, 5) if lo <= (d := 10 ** e) * m <= hi * 1.0001]

            def x(v, lo=lo, hi=hi):
                return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        else:
            step = 10 ** math.floor(math.log10(max(values)))
            step = step / 2 if max(values) / step < 4 else step
            hi = math.ceil(max(values) * 1.15 / step) * step
            ticks = [k * step for k in range(int(round(hi / step)) + 1)]

            def x(v, hi=hi):
                return left + plot_w * v / hi
        bottom = y + group_h * len(group)
        for t in ticks:
            s.append(f'<line x1="{x(t):.1f}" y1="{y - 5}" x2="{x(t):.1f}" y2="{bottom}" stroke="#ccc" stroke-width="0.7"/>')
            s.append(f'<text x="{x(t):.1f}" y="{bottom + 14}" text-anchor="middle">{t:g}</text>')
        s.append(f'<text x="{left + plot_w / 2}" y="{bottom + 32}" text-anchor="middle">{escape(xlabel)}</text>')
        for j, c in enumerate(group):
            y0 = y + group_h * j
            s.append(f'<text x="{left - 8}" y="{y0 + bar * len(ROLES) / 2 + 4}" text-anchor="end">'
                     f'{escape(c["label"])}</text>')
            for i, r in enumerate(ROLES):
                v = stat(c, r)
                yb = y0 + bar * i
                if v is None:
                    if c["roles"].get(r) in c["unsupported"]:
                        s.append(f'<text x="{left + 3}" y="{yb + bar - 4}" font-size="9" fill="{COLORS[r]}">not timed: '
                                 f'{escape(c["unsupported"][c["roles"][r]].split(":")[0])}</text>')
                    continue
                xv = x(v / unit) if (not log or v / unit > 0) else left
                s.append(f'<rect x="{left}" y="{yb}" width="{max(xv - left, 1):.1f}" height="{bar - 2}" '
                         f'fill="{COLORS[r]}"><title>{escape(TITLES[c["roles"][r]])}: {fmt_ms(v)}</title></rect>')
                s.append(f'<text x="{xv + 3:.1f}" y="{yb + bar - 4}" font-size="9">{fmt_ms(v)}</text>')
        y = bottom + 60
    lx = left
    for r in ROLES:
        s.append(f'<rect x="{lx}" y="{y}" width="12" height="12" fill="{COLORS[r]}"/>')
        s.append(f'<text x="{lx + 16}" y="{y + 10}">{escape(ROLE_TITLES[r])}</text>')
        lx += 30 + 7 * len(ROLE_TITLES[r])
    height = y + 30
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'font-family="sans-serif" font-size="11">',
            f'<rect width="{width}" height="{height}" fill="white"/>',
            f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="14">'
            'distcache vs ccache vs the plain compiler: medians per case</text>']
    with open(path, "w") as f:
        f.write("\n".join(head + s + ["</svg>"]) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--plot", choices=["auto", "matplotlib", "hand"], default="auto")
    args = parser.parse_args()
    cases, facts = load(args.work)
    cases = [c for c in cases if c["tools"] or c["unsupported"]]
    if not cases:
        print("report.py: no results", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)

    plotter = "hand"
    if args.plot != "hand":
        try:
            import matplotlib  # noqa: F401
            plotter = "matplotlib"
        except ImportError:
            if args.plot == "matplotlib":
                raise
    svg = os.path.join(args.out, "results.svg")
    if plotter == "matplotlib":
        plot_matplotlib(cases, svg)
    else:
        plot_by_hand(cases, svg)
    facts.append(("plot", "matplotlib" if plotter == "matplotlib" else "SVG drawn by bench/report.py"))

    goals = targets(cases)
    md = markdown(cases, facts, goals)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    summary = {
        "facts": dict(facts),
        "targets": goals,
        "cases": [{
            "id": c["id"], "kind": c["kind"], "label": c["label"], "roles": c["roles"], "tools": c["tools"],
            "unsupported": c["unsupported"], "counters": c["counters"],
            "distcache_over_ccache": ratio(stat(c, "distcache"), stat(c, "ccache")),
        } for c in cases],
    }
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
