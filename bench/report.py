#!/usr/bin/env python3
"""bench/run's report: pools the timed runs of every case and tool, writes results.md (printed
too), results.json and results.svg (matplotlib when importable, else an SVG drawn by hand).

    report.py --work bench/work --out docs/bench

Reads WORK/cases.tsv (id, kind, label, note), WORK/facts.tsv (key, value) and
WORK/results/CASE__TOOL__rROUND.json (hyperfine's JSON format; bench/timer.py writes the same).
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

TOOLS = ["distcache", "ccache", "ccache_nodirect", "plain"]
TITLES = {
    "distcache": "distcache",
    "ccache": "ccache (direct mode)",
    "ccache_nodirect": "ccache, CCACHE_NODIRECT=1",
    "plain": "plain gcc/g++",
}
COLORS = {"distcache": "#d62728", "ccache": "#1f77b4", "ccache_nodirect": "#6baed6", "plain": "#7f7f7f"}


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


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
    cases = []
    for row in read_tsv(os.path.join(work, "cases.tsv")):
        case_id, kind, label, note = (row + [""] * 4)[:4]
        tools = {}
        for tool in TOOLS:
            files = sorted(glob.glob(os.path.join(work, "results", f"{case_id}__{tool}__r*.json")))
            times = []
            for path in files:
                with open(path) as f:
                    times += json.load(f)["results"][0]["times"]
            if times:
                tools[tool] = summarize(times)
                tools[tool]["rounds"] = len(files)
        cases.append({"id": case_id, "kind": kind, "label": label, "note": note, "tools": tools})
    facts = [(row[0], row[1] if len(row) > 1 else "") for row in read_tsv(os.path.join(work, "facts.tsv"))]
    return cases, facts


def med(case, tool):
    t = case["tools"].get(tool)
    return t["median_ms"] if t else None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ms(v):
    if v is None:
        return "—"
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
    return f"{d:+.0f} ms ({d / plain_ms * 100:+.0f}%)"


def markdown(cases, facts):
    f = dict(facts)
    out = []
    w = out.append
    w("# distcache benchmark results")
    w("")
    w(f"Measured {f.get('date', '?')} by `bench/run` on {f.get('nproc', '?')} cores ({f.get('cpu', '?')}), "
      f"distcache {f.get('distcache commit', '?')}. Figures are **medians** of wall-clock times in ms "
      "(p10 and p90 in the detail table), pooled over interleaved rounds; the machine is shared and noisy, "
      "so trust ratios and medians, not single runs. `bench/README.md` says what each case measures.")
    w("")
    w("| case | " + " | ".join(TITLES[t] for t in TOOLS) + " | distcache / ccache | distcache / ccache-nodirect |")
    w("|---|" + "---:|" * (len(TOOLS) + 2))
    for c in cases:
        d = med(c, "distcache")
        cells = [fmt_ms(med(c, t)) for t in TOOLS]
        w(f"| {c['label']} | " + " | ".join(cells)
          + f" | {fmt_ratio(ratio(d, med(c, 'ccache')))} | {fmt_ratio(ratio(d, med(c, 'ccache_nodirect')))} |")
    w("")
    w("A ratio above 1× means distcache is slower. distcache has only preprocessor mode today, so "
      "**distcache / ccache-nodirect** (ccache forced to preprocessor mode) is the like-for-like comparison; "
      "distcache / ccache compares with ccache's default direct mode, which skips the preprocessor on a hit.")

    misses = [c for c in cases if c["kind"] == "miss"]
    if misses:
        w("")
        w("## Miss overhead over the plain compiler")
        w("")
        w("| case | plain | distcache miss | distcache overhead | ccache miss | ccache overhead "
          "| ccache-nodirect miss | ccache-nodirect overhead |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|")
        for c in misses:
            p = med(c, "plain")
            row = [fmt_ms(p)]
            for t in ("distcache", "ccache", "ccache_nodirect"):
                row += [fmt_ms(med(c, t)), fmt_overhead(med(c, t), p)]
            w(f"| {c['label']} | " + " | ".join(row) + " |")

    hits = [c for c in cases if c["kind"] == "hit"]
    if hits:
        w("")
        w("## Hit speed-up over compiling (plain median / hit median)")
        w("")
        w("| case | distcache | ccache | ccache-nodirect |")
        w("|---|---:|---:|---:|")
        for c in hits:
            p = med(c, "plain")
            w(f"| {c['label']} | " + " | ".join(
                fmt_ratio(ratio(p, med(c, t))) for t in ("distcache", "ccache", "ccache_nodirect")) + " |")

    w("")
    w("## Detail")
    w("")
    w("| case | tool | n | p10 | median | p90 | min | max |")
    w("|---|---|---:|---:|---:|---:|---:|---:|")
    for c in cases:
        for t in TOOLS:
            s = c["tools"].get(t)
            if s:
                w(f"| {c['label']} | {TITLES[t]} | {s['n']} | {fmt_ms(s['p10_ms'])} | {fmt_ms(s['median_ms'])} "
                  f"| {fmt_ms(s['p90_ms'])} | {fmt_ms(s['min_ms'])} | {fmt_ms(s['max_ms'])} |")
    w("")
    w("## Cases")
    w("")
    for c in cases:
        w(f"- **{c['label']}** (`{c['id']}`): {c['note']}")
    w("")
    w("Every timed hit was checked: `--print-stats` of the tool counted exactly one hit of the expected kind "
      "per run (warm-ups included) and no miss, and the object left by the last run is byte-identical (`cmp`) "
      "to the plain compiler's; every timed miss was counted as a miss and checked the same way.")
    w("")
    w("## Machine")
    w("")
    for k, v in facts:
        w(f"- {k}: {v}")
    w("")
    w("![medians per case](results.svg)")
    w("")
    return "\n".join(out)


def plot_matplotlib(cases, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    matplotlib.rcParams["svg.hashsalt"] = "distcache-bench"
    fig, ax = plt.subplots(figsize=(10, 1.5 + 0.8 * len(cases)))
    height = 0.8 / len(TOOLS)
    for i, tool in enumerate(TOOLS):
        ys, xs = [], []
        for j, c in enumerate(cases):
            v = med(c, tool)
            if v is not None:
                ys.append(j - 0.4 + height * (i + 0.5))
                xs.append(v)
        bars = ax.barh(ys, xs, height=height, color=COLORS[tool], label=TITLES[tool])
        ax.bar_label(bars, labels=[fmt_ms(x) for x in xs], fontsize=7, padding=2)
    ax.set_yticks(range(len(cases)), [c["label"] for c in cases])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("median wall-clock time, ms (log scale)")
    ax.set_title("distcache vs ccache vs the plain compiler: medians per case")
    ax.grid(axis="x", which="both", alpha=0.3)
    ax.set_xlim(right=max(v for c in cases for t in TOOLS if (v := med(c, t)) is not None) * 3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(TOOLS), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})


def plot_by_hand(cases, path):
    values = [v for c in cases for t in TOOLS if (v := med(c, t)) is not None]
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values) * 1.5))
    left, right, top, bar, gap = 260, 90, 50, 14, 18
    plot_w = 560
    group = bar * len(TOOLS) + gap
    width = left + plot_w + right
    height = top + group * len(cases) + 70

    def x(v):
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="14">'
         'distcache vs ccache vs the plain compiler: medians per case</text>']
    bottom = top + group * len(cases)
    decade = lo
    while decade <= hi * 1.0001:
        for m in (1, 2, 5):
            v = decade * m
            if lo <= v <= hi * 1.0001:
                xv = x(v)
                s.append(f'<line x1="{xv:.1f}" y1="{top - 5}" x2="{xv:.1f}" y2="{bottom}" stroke="#ccc" '
                         f'stroke-width="{1 if m == 1 else 0.5}"/>')
                label = f"{v:g}"
                s.append(f'<text x="{xv:.1f}" y="{bottom + 14}" text-anchor="middle">{label}</text>')
        decade *= 10
    s.append(f'<text x="{left + plot_w / 2}" y="{bottom + 32}" text-anchor="middle">'
             'median wall-clock time, ms (log scale)</text>')
    for j, c in enumerate(cases):
        y0 = top + group * j
        s.append(f'<text x="{left - 8}" y="{y0 + bar * len(TOOLS) / 2 + 4}" text-anchor="end">'
                 f'{escape(c["label"])}</text>')
        for i, tool in enumerate(TOOLS):
            v = med(c, tool)
            if v is None:
                continue
            y = y0 + bar * i
            s.append(f'<rect x="{left}" y="{y}" width="{max(x(v) - left, 1):.1f}" height="{bar - 2}" '
                     f'fill="{COLORS[tool]}"><title>{escape(TITLES[tool])}: {fmt_ms(v)}</title></rect>')
            s.append(f'<text x="{x(v) + 3:.1f}" y="{y + bar - 4}" font-size="9">{fmt_ms(v)}</text>')
    ly = bottom + 48
    lx = left
    for tool in TOOLS:
        s.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{COLORS[tool]}"/>')
        s.append(f'<text x="{lx + 16}" y="{ly + 10}">{escape(TITLES[tool])}</text>')
        lx += 30 + 7 * len(TITLES[tool])
    s.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(s) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--plot", choices=["auto", "matplotlib", "hand"], default="auto")
    args = parser.parse_args()
    cases, facts = load(args.work)
    cases = [c for c in cases if c["tools"]]
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

    md = markdown(cases, facts)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    summary = {
        "facts": dict(facts),
        "cases": [{
            "id": c["id"], "kind": c["kind"], "label": c["label"], "tools": c["tools"],
            "distcache_over_ccache": ratio(med(c, "distcache"), med(c, "ccache")),
            "distcache_over_ccache_nodirect": ratio(med(c, "distcache"), med(c, "ccache_nodirect")),
        } for c in cases],
    }
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
