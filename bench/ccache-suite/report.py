#!/usr/bin/env python3
"""The report of bench/ccache-suite/run: per suite and per test, pass/fail under ccache (the
baseline) and under distcache (through the CCACHE_* -> DISTCACHE_* shim), then the totals: the
tests ccache passes, and of those the ones distcache passes, over everything and without the
exclusions (excluded.txt), and the failures grouped by category (categories.txt), most frequent
first. With --markdown FILE it also writes the same as Markdown (docs/bench/ccache-suite.md).

Both rule files hold lines `suite glob | test glob | text`; `#` starts a comment line. The first
rule whose globs match a test applies. In categories.txt a line `reason: | glob | category` instead
matches the test's first failed expectation that is not a missing zero counter. A failing test no
category matches is listed as "uncategorized" with its first failed expectation.

A missing zero counter: ccache's --print-stats lists every counter, zeros included, and the
suite's expect_stat reads "Expected X to be 0, actual " (nothing) when distcache leaves X out.
Such a failure alone says nothing else about the test, so a test whose only failures are these
is its own category, and otherwise the first other failure names the test's category.
"""
import argparse
import fnmatch
import re
import sys
from collections import Counter, OrderedDict
from pathlib import Path

PASS, FAIL, UNFINISHED, NOT_RUN = "pass", "FAIL", "unfinished", "not run"
ZERO_COUNTER = re.compile(r"^line \d+: Expected \S+ to be 0, actual $")
ONLY_ZERO_COUNTERS = "counters: --print-stats leaves out counters that are zero (the test's only failures)"


def read_rules(path):
    rules = []
    if path and Path(path).exists():
        for line in Path(path).read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|", 2)]
            if len(parts) == 3:
                rules.append(tuple(parts))
    return rules


def match(rules, suite, test, reason=None):
    for s, glob, text in rules:
        if s == "reason:":
            if reason is not None and fnmatch.fnmatchcase(reason, glob):
                return text
        elif fnmatch.fnmatchcase(suite, s) and fnmatch.fnmatchcase(test, glob):
            return text
    return None


def first_hard(reasons):
    """The first failed expectation that is not a missing zero counter, or None."""
    return next((r for r in reasons if not ZERO_COUNTER.match(r)), None)


def read_mode(dirs):
    """{(suite, test): [status, reasons]} in the order the tests ran, plus skipped and
    aborted suites, for one mode's directories (a test a later directory ran replaces the earlier
    record: parts run with --tests); None when the mode did not run."""
    dirs = [d for d in dirs if d.is_dir()]
    if not dirs:
        return None
    results = OrderedDict()
    files = [f for d in dirs if (d / "results").is_dir() for f in sorted((d / "results").glob("*.tsv"))]
    for f in files:
        for line in f.read_text(errors="replace").splitlines():
            kind, suite, test, reason = (line.split("\t", 3) + [""] * 4)[:4]
            key = (suite, test)
            if kind == "START":
                results[key] = [UNFINISHED, []]
            elif kind == "FAIL" and key in results:
                results[key][1].append(reason)
            elif kind == "END" and key in results:
                results[key][0] = FAIL if results[key][1] else PASS
    for key, (status, reasons) in results.items():
        if status == UNFINISHED:
            reasons.insert(0, "not finished (the suite was stopped or timed out)")

    def pairs(name):
        found = {}
        for d in dirs:
            if (d / name).exists():
                lines = (d / name).read_text().splitlines()
                found.update((line.split("\t", 1) + [""])[:2] for line in lines if line)
        return found

    return results, pairs("skipped.tsv"), pairs("aborted.tsv")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--also", action="append", default=[],
                    help="another --work directory of a part run with --tests; its results replace the main run's")
    ap.add_argument("--excluded")
    ap.add_argument("--categories")
    ap.add_argument("--markdown")
    ap.add_argument("--note", help="a Markdown file whose text goes after the measurement facts")
    a = ap.parse_args()
    work = Path(a.work)
    base = read_mode([work / "ccache"] + [Path(d) / "ccache" for d in a.also])
    dist = read_mode([work / "distcache"] + [Path(d) / "distcache" for d in a.also])
    if base is None or dist is None:
        sys.exit(f"report.py: {work} needs both the ccache and the distcache runs (for a part run with --tests, "
                 "report on the main run's --work with --also and this part's --work)")
    excluded = read_rules(a.excluded)
    categories = read_rules(a.categories)
    bres, bskip, babort = base
    dres, dskip, dabort = dist
    meta = (work / "meta.txt").read_text() if (work / "meta.txt").exists() else ""
    suite_order = []
    for line in meta.splitlines():
        if line.startswith("suites:"):
            suite_order = line.split(":", 1)[1].split()
    for s, _ in list(bres) + list(dres):
        if s not in suite_order:
            suite_order.append(s)

    def shown(status, reasons):
        """The reason a row shows: the first failure that is not a missing zero counter."""
        if status == PASS or not reasons:
            return ""
        hard = first_hard(reasons)
        zeros = len(reasons) - sum(1 for r in reasons if not ZERO_COUNTER.match(r))
        if hard is None:
            return f"only missing zero counters ({zeros})"
        return hard + (f" [+{zeros} missing zero counters]" if zeros else "")

    rows = []  # (suite, test, ccache status, distcache status, shown reason, exclusion, reasons)
    for (s, t), (bst, _) in bres.items():
        dst, dreasons = dres.get((s, t), (None, []))
        if dst is None and s in dskip:
            dst, dreasons = FAIL, ["suite skipped: " + dskip[s]]
        elif dst is None:
            dst, dreasons = NOT_RUN, ["not measured: the distcache run never reached this test"]
        elif dst == UNFINISHED:
            dst = NOT_RUN  # a test cut short is not measured
        rows.append((s, t, bst, dst, shown(dst, dreasons), match(excluded, s, t), dreasons))
    for (s, t), (dst, dreasons) in dres.items():
        if (s, t) not in bres:
            rows.append((s, t, NOT_RUN, dst, shown(dst, dreasons), match(excluded, s, t), dreasons))

    out = []
    md = []

    def both(text, mdtext=None):
        out.append(text)
        md.append(text if mdtext is None else mdtext)

    md.append("# distcache against ccache 4.7.5's own test suite")
    md.append("")
    md.append("Generated by `bench/ccache-suite/run` (see its header for how it runs the suite). Measured:")
    md.append("")
    for line in meta.splitlines():
        md.append(f"- {line}")
    md.append("")
    if a.note:
        md.append(Path(a.note).read_text().rstrip())
        md.append("")

    # Totals.
    def totals(rs):
        """Tests, ccache passes, distcache passes of those, of those not measured under distcache."""
        passed = [r for r in rs if r[2] == PASS]
        return (len(rs), len(passed), sum(1 for r in passed if r[3] == PASS),
                sum(1 for r in passed if r[3] == NOT_RUN))

    n_all, b_all, d_all, u_all = totals(rows)
    kept = [r for r in rows if not r[5]]
    n_kept, b_kept, d_kept, u_kept = totals(kept)
    b_excl = b_all - b_kept

    def measured(b, d, u):
        if not u:
            return f"ccache passes {b}; distcache passes {d} of those"
        return f"ccache passes {b}; {b - u} of those measured under distcache, which passes {d} of them ({u} not measured)"

    both("Totals")
    md[-1] = "## Totals"
    md.append("")
    lines = [
        f"all suites: {n_all} tests ran under ccache; " + measured(b_all, d_all, u_all),
        f"excluded (excluded.txt): {b_excl} of the tests ccache passes",
        f"without the exclusions: " + measured(b_kept, d_kept, u_kept) + f"; {b_kept - u_kept - d_kept} differences",
    ]
    for line in lines:
        out.append("  " + line)
        md.append("- " + line)
    extra = [r for r in rows if r[2] != PASS and r[3] == PASS]
    if extra:
        out.append(f"  (distcache also passes {len(extra)} tests ccache fails here)")
        md.append(f"- distcache also passes {len(extra)} tests that ccache fails here")
    out.append("")
    md.append("")

    # Per suite.
    both("Per suite (ccache passes / distcache passes of those / of those not measured / tests run)",
         "## Per suite")
    md.append("")
    md.append("| suite | tests | ccache passes | distcache passes (of those) | not measured | note |")
    md.append("|---|---:|---:|---:|---:|---|")
    for s in suite_order:
        rs = [r for r in rows if r[0] == s]
        n, b, d, u = totals(rs)
        note = []
        if s in bskip:
            note.append("skipped under ccache: " + bskip[s])
        if s in dskip:
            note.append("skipped under distcache: " + dskip[s])
        if s in babort:
            note.append("ccache run " + babort[s])
        if s in dabort:
            note.append("distcache run " + dabort[s])
        ex = {r[5] for r in rs if r[5]}
        if ex and all(r[5] for r in rs):
            note.append("excluded: " + "; ".join(sorted(ex)))
        elif ex:
            note.append(f"{sum(1 for r in rs if r[5])} tests excluded")
        out.append(f"  {s:24} {b:4} {d:4} {u:4} {n:4}  {'; '.join(note)}")
        md.append(f"| {s} | {n} | {b} | {d} | {u} | {'; '.join(note)} |")
    out.append("")
    md.append("")

    # Failures by category.
    failing = [r for r in kept if r[2] == PASS and r[3] not in (PASS, NOT_RUN)]
    cat_of = {}
    for r in failing:
        hard = first_hard(r[6])
        if hard is None:
            cat_of[(r[0], r[1])] = ONLY_ZERO_COUNTERS
        else:
            cat_of[(r[0], r[1])] = match(categories, r[0], r[1], hard) or "uncategorized"
    counts = Counter(cat_of.values())
    both(f"Differences by category ({len(failing)} tests ccache passes and distcache fails, exclusions left out)",
         f"## Differences by category\n\n{len(failing)} tests ccache passes and distcache fails, the exclusions "
         "left out; categories from `bench/ccache-suite/categories.txt`, most frequent first, each test with "
         "its first failed expectation.")
    md.append("")
    for cat, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"  {n:3}  {cat}")
    md.append("| tests | category |")
    md.append("|---:|---|")
    for cat, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        md.append(f"| {n} | {cat} |")
    out.append("")
    md.append("")
    for cat, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        both(f"[{cat}]", f"### {cat}")
        md.append("")
        for r in failing:
            if cat_of[(r[0], r[1])] == cat:
                reason = r[4].replace("|", "\\|")
                out.append(f"    {r[0]} / {r[1]}: {r[4][:200]}")
                md.append(f"- {r[0]} / {r[1]}: {reason[:300]}")
        out.append("")
        md.append("")

    # Exclusions.
    both("Excluded (tests ccache passes that the totals without exclusions leave out)", "## Exclusions")
    md.append("")
    md.append("Rules from `bench/ccache-suite/excluded.txt`; the tests ccache passes that each leaves out, and how "
              "many of them distcache passes anyway:")
    md.append("")
    ex_counts = OrderedDict()
    for r in rows:
        if r[5] and r[2] == PASS:
            c = ex_counts.setdefault(r[5], [0, 0])
            c[0] += 1
            c[1] += r[3] == PASS
    md.append("| ccache passes | distcache passes | reason |")
    md.append("|---:|---:|---|")
    for reason, (b, d) in ex_counts.items():
        out.append(f"  {b:3} {d:3}  {reason}")
        md.append(f"| {b} | {d} | {reason} |")
    out.append("")
    md.append("")

    # Per test.
    both("Per test (ccache, distcache, suite / test, distcache's first failed expectation)", "## Per test")
    md.append("")
    md.append("| suite | test | ccache | distcache | excluded | distcache's first failed expectation |")
    md.append("|---|---|---|---|---|---|")
    for r in rows:
        mark = "x" if r[5] else ""
        out.append(f"  {r[2]:10} {r[3]:10} {mark:1} {r[0]} / {r[1]}" + (f": {r[4][:160]}" if r[3] != PASS else ""))
        reason = r[4].replace("|", "\\|")[:200] if r[3] != PASS else ""
        test = r[1].replace("|", "\\|")
        md.append(f"| {r[0]} | {test} | {r[2]} | {r[3]} | {mark} | {reason} |")
    print("\n".join(out))
    if a.markdown:
        Path(a.markdown).write_text("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
