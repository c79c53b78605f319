"""Derived metrics per row, the issue's targets, and the Markdown/PNG output.

An instance holds ``rows``: one per (peer, budget, workers) for ``icld`` and ``highs``,
one for ``greedy`` and one for the ``lp`` reference (budget-free). Metrics that compare
with the instance (best known objective, best proven bound) are derived here, after every
row of the instance has run; :mod:`benchmarks.metrics` defines them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import metrics
from .harness import LP, PEERS

FAILED = ("invalid", "no allocation", "timeout", "memory", "crashed", "error", "skipped")
Row = dict[str, Any]
Instance = dict[str, Any]


def derive(instance: Instance) -> None:
    """Fill the instance's best known objective and best bound, and every row's metrics."""
    rows: dict[str, Row] = instance["rows"]
    lp = rows.get(LP, {}).get("lp_bound")
    peer_rows = [r for k, r in rows.items() if k != LP]
    objectives = [r["objective"] for r in peer_rows if r.get("valid")]
    best_known = metrics.best_known(instance["name"], objectives)
    bounds = [lp] + [r.get("bound") for r in peer_rows]
    best_bound = metrics.best_bound(bounds, best_known)
    tolerance = 1e-3 * instance["participants"]  # CP-SAT rounds coefficients to 1/1000
    raw = [b for b in bounds if b is not None]
    instance.pop("notes", None)
    if raw and best_known is not None and min(raw) < best_known - tolerance:
        instance["notes"] = f"a bound ({min(raw):.4f}) is below a valid objective"
    instance.update(lp_bound=lp, best_bound=best_bound, best_objective=best_known)
    for r in peer_rows:
        objective = r.get("objective") if r.get("valid") else None
        progress = r.get("progress") or []
        r["gap_best"] = metrics.gap(best_bound, objective)
        r["gap_own"] = metrics.gap(r.get("bound"), objective)
        r["share_best"] = metrics.share_of_best(objective, best_known)
        r["t_first"] = metrics.time_to_first(progress, r.get("wall")) if objective else None
        r["t_1pct"] = metrics.time_to_within(progress, objective, r.get("wall"), best_known)


# --------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------


def _rows(instance: Instance, peer: str, workers: int | None = None) -> list[Row]:
    return [
        r
        for r in instance["rows"].values()
        if r.get("peer") == peer and (workers is None or r.get("workers") == workers)
    ]


def _within(instance: Instance, seconds: float, workers: int | None = None) -> list[Row]:
    """Per worker count, the icld row with the largest budget <= ``seconds``."""
    best: dict[int, Row] = {}
    for r in _rows(instance, "icld", workers):
        if r.get("budget") is not None and r["budget"] <= seconds + 1e-9:
            w = r["workers"]
            if w not in best or r["budget"] > best[w]["budget"]:
                best[w] = r
    return [best[w] for w in sorted(best)]


def _where(r: Row) -> str:
    return f"{r.get('budget'):g} s/w{r.get('workers')}"


def _gap_within(seconds: float, limit: float, workers: int | None = None) -> Callable[..., Any]:
    """Target: gap to the instance's best bound <= ``limit`` at budget <= ``seconds``."""

    def check(instance: Instance) -> list[tuple[bool, str]]:
        out = []
        for r in _within(instance, seconds, workers):
            gap = r.get("gap_best")
            ok = bool(r.get("valid")) and gap is not None and gap <= limit + 1e-12
            why = "" if gap is not None or not r.get("valid") else " (no proven bound)"
            out.append((ok, f"{_where(r)}: {r.get('outcome')}, gap {_pct(gap)}{why}"))
        return out

    return check


def _cohort(instance: Instance) -> list[tuple[bool, str]]:
    out = []
    for r in _rows(instance, "icld", workers=1):
        ok = r.get("outcome") == "optimal" and (r.get("wall") or math.inf) < 0.2
        out.append((ok, f"{_where(r)}: {r.get('outcome')} in {_s(r.get('wall'))}"))
    return out


def _season_1s(instance: Instance) -> list[tuple[bool, str]]:
    out = []
    for r in _rows(instance, "icld"):
        if r.get("budget") is None or r["budget"] > 1.0 + 1e-9:
            continue
        t, share = r.get("t_1pct"), r.get("share_best")
        ok = share is not None and share >= 0.99 - 1e-12
        out.append((ok, f"{_where(r)}: {_pct(share)} of best known, within 1 % at {_s(t)}"))
    return out


def _season_10s(instance: Instance) -> list[tuple[bool, str]]:
    out = []
    for r in _within(instance, 10.0):
        gap = r.get("gap_best")
        ok = r.get("outcome") == "optimal" or (gap is not None and gap <= 0.001)
        out.append((ok, f"{_where(r)}: {r.get('outcome')}, gap {_pct(gap)}"))
    return out


def _huge(instance: Instance) -> list[tuple[bool, str]]:
    out = []
    for r in _within(instance, 10.0):
        ok = bool(r.get("valid")) or (r.get("t_first") or math.inf) <= 10
        out.append((ok, f"valid plan at {_where(r)}: {r.get('outcome')}"))
    out += _gap_within(60.0, 0.03)(instance)
    for r in _rows(instance, "icld"):
        rss = r.get("peak_rss_mb")
        out.append((rss is not None and rss < 2048, f"{_where(r)}: peak {_num(rss, 0)} MB"))
    return out


def _peers(instance: Instance) -> list[tuple[bool, str]]:
    """icld >= HiGHS at the same budget and workers, and >= greedy, at >= 100 participants."""
    if instance["participants"] < 100:
        return []
    greedy = instance["rows"].get("greedy", {})
    g = greedy.get("objective") if greedy.get("valid") else None
    out = []
    for r in _rows(instance, "icld"):
        h = instance["rows"].get(f"highs@{r['budget']:g}s/w{r['workers']}", {})
        theirs = h.get("objective") if h.get("valid") else None
        mine = r.get("objective") if r.get("valid") else None
        ok = mine is not None and all(o is None or mine >= o - 1e-6 for o in (theirs, g))
        out.append((ok, f"{_where(r)}: icld {_num(mine)}, highs {_num(theirs)}, greedy {_num(g)}"))
    return out


def _overshoot(instance: Instance) -> list[tuple[bool, str]]:
    out = []
    for r in _rows(instance, "icld") + _rows(instance, "highs"):
        if r.get("overshoot") is None:
            continue
        ok = metrics.overshoot_ok(r.get("wall"), r.get("budget"))
        if r["peer"] == "icld" or not ok:
            out.append((ok, f"{r['peer']} {_where(r)}: {r['overshoot']:+.2f} s"))
    return out


def _is(family: str, size: int | None = None) -> Callable[[Instance], bool]:
    return lambda i: i["family"] == family and (size is None or i["size"] == size)


#: (text, which instances, check) — a check gives (passed, detail) per measured row.
TARGETS: tuple[tuple[str, Callable[[Instance], bool], Callable[..., Any]], ...] = (
    ("cohort: proven optimal in < 0.2 s at 1 worker", _is("cohort"), _cohort),
    ("season: >= 99 % of best known within 1 s (1 and 2 workers)", _is("season"), _season_1s),
    ("season: optimal or gap <= 0.1 % within 10 s (1 and 2 workers)", _is("season"), _season_10s),
    ("scarce-500: gap <= 2 % within 60 s", _is("scarce", 500), _gap_within(60, 0.02)),
    ("scarce-1000: gap <= 1 % within 30 s", _is("scarce", 1000), _gap_within(30, 0.01)),
    ("stress-1000: gap <= 1 % within 30 s", _is("stress", 1000), _gap_within(30, 0.01)),
    ("stress-2500: gap <= 2 % within 60 s", _is("stress", 2500), _gap_within(60, 0.02)),
    (
        "stress-10000: valid plan within 10 s, gap <= 3 % within 60 s, peak RSS < 2 GiB",
        _is("stress", 10000),
        _huge,
    ),
    (
        "icld >= HiGHS and >= greedy on every instance >= 100 participants, every budget "
        "and worker count",
        lambda i: True,
        _peers,
    ),
    (
        "overshoot <= 5 % of the budget + 0.5 s (icld; highs listed when over)",
        lambda i: True,
        _overshoot,
    ),
)


def targets(instances: list[Instance]) -> list[dict[str, Any]]:
    """Every target, met or not, with the numbers behind it per instance and row."""
    out: list[dict[str, Any]] = []
    for text, applies, check in TARGETS:
        details = [
            {"instance": i["name"], "passed": ok, "detail": detail}
            for i in instances
            if applies(i)
            for ok, detail in check(i)
        ]
        measured = [d for d in details if not d["detail"].startswith("highs")]
        status = "not measured" if not measured else "met"
        if any(not d["passed"] for d in measured):  # highs lines are information only
            status = "NOT met"
        out.append({"target": text, "status": status, "details": details})
    return out


# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f} %"


def _s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f} s" if abs(x) < 1 else f"{x:.1f} s"


def _header(meta: dict[str, Any]) -> list[str]:
    m = meta["machine"]
    total, estimated = meta.get("total_seconds"), meta.get("estimated_seconds")
    took = "" if total is None else f" Took {total / 60:.1f} min"
    took += "" if not took or estimated is None else f" (estimated {estimated / 60:.0f} min)."
    return [
        "# icld-match benchmarks",
        "",
        f"Run {meta['date']} with `{meta['command']}`.{took}",
        "",
        f"Machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['cpu']}; {m['platform']}.  ",
        f"Python {m['python']}, OR-Tools {m['ortools']}, HiGHS (highspy) {m['highspy']}, "
        f"numpy {m['numpy']}, icld-match {m['icld_match']}.  ",
        "Peers: `icld` = `icld_match.solve(problem, time_limit=budget, seed=0, workers=w)`; "
        "`highs` = the same rules as a MIP in HiGHS (threads=w, the budget covering model "
        "building); `greedy` = a one-pass coordinator heuristic (run once: it has no "
        "budget); `lp` = the LP relaxation, a reference bound. Each run is a fresh process; "
        "every allocation is checked with `icld_match.check` and its objective recomputed "
        "with `icld_match.score`. *load 1* = one CPU-burning process ran beside it. See "
        "benchmarks/README.md for the metrics.",
        "",
    ]


def _instances_table(instances: list[Instance]) -> list[str]:
    lines = [
        "## Instances",
        "",
        "| instance | participants | hosts | cohorts | season caps | allowed pairs "
        "| LP bound | LP time | best bound | best known |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i in instances:
        lp = i["rows"].get(LP, {})
        lp_time = _s(lp.get("wall")) if lp.get("outcome") == "solved" else lp.get("outcome", "-")
        if lp.get("budget"):
            lp_time += f" (limit {lp['budget']:g} s)"
        lines.append(
            f"| {i['name']} | {i['participants']:,} | {i['hosts']:,} | {i['cohorts']} "
            f"| {i.get('season_caps', '-')} | {i['allowed_pairs']:,} | {_num(i.get('lp_bound'))} "
            f"| {lp_time} | {_num(i.get('best_bound'))} | {_num(i.get('best_objective'))} |"
        )
    return lines


def _row_line(i: Instance, r: Row) -> str:
    outcome = r.get("outcome", "?")
    if outcome in FAILED:
        outcome = f"**{outcome}**"
    elif r.get("strategy"):
        outcome = f"{outcome} ({r['strategy']})"
    budget = "-" if r.get("peer") == "greedy" else f"{r.get('budget'):g}"
    return (
        f"| {i['name']} | {r.get('peer')} | {budget} | {r.get('workers') or '-'} "
        f"| {r.get('load', 0)} | {outcome} | {_num(r.get('objective'))} "
        f"| {_pct(r.get('share_best'))} | {_pct(r.get('gap_best'))} | {_s(r.get('t_first'))} "
        f"| {_s(r.get('t_1pct'))} | {_s(r.get('wall'))} | {_s(r.get('overshoot'))} "
        f"| {_num(r.get('peak_rss_mb'), 0)} MB |"
    )


def _family_tables(instances: list[Instance]) -> list[str]:
    lines = [
        "## Results",
        "",
        "Per row: *% best* = objective / best known objective of the instance (over every "
        "row, and never below the best recorded from earlier runs: `metrics.RECORDED_BEST`, "
        "the proven season optima); *gap best* = (best proven bound - objective) / "
        "max(1, |objective|); *t first* = first valid plan; *t 1 %* = first time within "
        "1 % of the best known; *wall* = "
        "from ready to answer, measured by the parent; *over* = wall - budget. Rows are "
        "ordered by budget and worker count; greedy runs once.",
    ]
    head = (
        "| instance | peer | budget (s) | workers | load | outcome | objective | % best "
        "| gap best | t first | t 1 % | wall | over | peak RSS |"
    )
    by_family: dict[str, list[Instance]] = defaultdict(list)
    for i in instances:
        by_family[i["family"]].append(i)
    for family, group in by_family.items():
        lines += ["", f"### {family}", "", head, "|---|---|---:|---:|---:|---|" + "---:|" * 8]
        rows = [
            (r.get("budget") or 0, r.get("workers") or 0, PEERS.index(r["peer"]), k, i, r)
            for i in group
            for k, r in i["rows"].items()
            if r.get("peer") in PEERS
        ]
        for *_, i, r in sorted(rows, key=lambda x: x[:4]):
            lines.append(_row_line(i, r))
    return lines


def markdown(meta: dict[str, Any], instances: list[Instance]) -> str:
    lines = _header(meta) + _instances_table(instances) + [""] + _family_tables(instances)
    notes = [
        (i["name"], k, r.get("notes"))
        for i in instances
        for k, r in i["rows"].items()
        if r.get("notes")
    ]
    notes += [(i["name"], "instance", i["notes"]) for i in instances if i.get("notes")]
    notes += [(i["name"], "peers", i["peers_na"]) for i in instances if i.get("peers_na")]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {n} / {k}: {str(t).strip().splitlines()[0][:240]}" for n, k, t in notes]
    lines += ["", "## Targets", ""]
    for t in meta["targets"]:
        lines.append(f"- **{t['status']}** — {t['target']}")
        for d in t["details"]:
            mark = "pass" if d["passed"] else "FAIL"
            lines.append(f"  - {d['instance']}: {mark} ({d['detail']})")
    lines += [
        "",
        "Plot: `anytime.png` (objective as % of the best known against the budget, per "
        "family, peer and worker count; mean over the family's instances).",
        "",
    ]
    return "\n".join(lines)


def _series(instances: list[Instance]) -> dict[str, dict[str, dict[float, list[float]]]]:
    """family -> series label -> budget -> % of best known (failures count as 0 %)."""
    out: dict[str, dict[str, dict[float, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for i in instances:
        name = i["family"] if i["size"] is None else f"{i['family']}-{i['size']}"
        for r in i["rows"].values():
            if r.get("peer") not in PEERS or r.get("outcome") == "skipped":
                continue
            share = 100 * (r.get("share_best") or 0.0)
            if r["peer"] == "greedy":
                budgets = sorted({x.get("budget") for x in i["rows"].values() if x.get("budget")})
                for b in budgets:
                    out[name]["greedy"][b].append(share)
                continue
            label = f"{r['peer']} w{r['workers']}"
            if r["peer"] == "icld" and r.get("strategy"):
                label += f" ({r['strategy'].split('(')[0]})"
            out[name][label][r["budget"]].append(share)
    return out


def plots(out: Path, instances: list[Instance]) -> list[Path]:
    """anytime.png: objective (% of best known) against budget, one panel per family."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = _series(instances)
    if not data:
        return []
    n = len(data)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.8 * rows), squeeze=False)
    for ax, (family, series) in zip(axes.flat, data.items(), strict=False):
        for label, points in sorted(series.items()):
            xs = sorted(points)
            ys = [sum(points[x]) / len(points[x]) for x in xs]
            ax.plot(xs, ys, marker="o", ls="--" if label == "greedy" else "-", label=label)
        ax.set_xscale("log")
        ax.set_title(family)
        ax.set_xlabel("budget (s)")
        ax.set_ylabel("% of best known")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    path = out / "anytime.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]
