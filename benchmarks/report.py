"""Derived metrics (gaps, best bounds), the issue's targets, and the Markdown/PNG output."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .harness import PEERS

#: The issue's targets, as (key, text) for the report.
TARGETS: tuple[tuple[str, str], ...] = (
    ("cohort", "cohort: proven optimal in < 0.5 s"),
    ("season", "season: optimal or gap <= 0.1 % within 10 s"),
    ("stress-1000", "1,000: first feasible within 5 s and gap <= 1 % within 30 s"),
    ("stress-2500", "2,500: gap <= 2 % within 60 s"),
    ("stress-10000", "10,000: valid allocation within 60 s, peak RSS < 4 GiB"),
    ("peers", "icld >= both peers on every instance with >= 100 participants (equal budget)"),
    ("greedy", "icld strictly better than greedy on every season instance"),
)
FAILED = ("invalid", "no allocation", "timeout", "memory", "crashed", "error", "skipped")


def _gap(bound: float | None, objective: float | None) -> float | None:
    if bound is None or objective is None:
        return None
    return max(0.0, bound - objective) / max(1.0, abs(objective))


def derive(instance: dict[str, Any]) -> None:
    """Fill per-instance best bound/objective and per-peer gaps (in place)."""
    results: dict[str, dict[str, Any]] = instance["results"]
    lp = results.get("lp", {}).get("lp_bound")
    objectives = [r["objective"] for p, r in results.items() if p in PEERS and r.get("valid")]
    best_objective = max(objectives) if objectives else None
    bounds = [b for b in [lp] + [results.get(p, {}).get("bound") for p in PEERS] if b is not None]
    best_bound = min(bounds) if bounds else None
    notes = []
    # CP-SAT bounds are on objective coefficients rounded to 1/1000: allow that much.
    tolerance = 1e-3 * instance["participants"]
    if best_bound is not None and best_objective is not None:
        if best_bound < best_objective - tolerance:
            notes.append(f"a bound ({best_bound:.4f}) is below a valid objective")
        best_bound = max(best_bound, best_objective)
    instance.update(lp_bound=lp, best_bound=best_bound, best_objective=best_objective)
    if notes:
        instance["notes"] = "; ".join(notes)
    for peer in PEERS:
        r = results.get(peer)
        if r is None:
            continue
        objective = r.get("objective") if r.get("valid") else None
        r["gap_own"] = _gap(r.get("bound"), objective)
        r["gap_lp"] = _gap(lp, objective)
        r["gap_best"] = _gap(best_bound, objective)


def _icld(instance: dict[str, Any]) -> dict[str, Any]:
    r: dict[str, Any] = instance["results"].get("icld", {})
    return r


def _check_target(key: str, instance: dict[str, Any]) -> tuple[bool, str] | None:
    """(passed, detail) of one target on one instance, or None if it does not apply."""
    family, n, limit = instance["family"], instance["participants"], instance["time_limit"]
    r = _icld(instance)
    valid = bool(r.get("valid"))
    wall, gap = r.get("wall"), r.get("gap_own")
    if key == "cohort" and family == "cohort":
        ok = r.get("outcome") == "optimal" and wall is not None and wall < 0.5
        return ok, f"{r.get('outcome')} in {_s(wall)}"
    if key == "season" and family == "season":
        within = wall is not None and wall <= 10.5
        ok = valid and within and (r.get("outcome") == "optimal" or (gap or 1) <= 0.001)
        return ok, f"{r.get('outcome')}, own gap {_pct(gap)}, {_s(wall)} (limit {limit:g} s)"
    if key == "stress-1000" and family == "stress" and n == 1000:
        first, t_gap = r.get("t_first"), r.get("t_gap_1pct")
        if t_gap is None and valid and gap is not None and gap <= 0.01:
            t_gap = wall  # the bound closed after the last solution: its time is the end
        ok = valid and first is not None and first <= 5 and t_gap is not None and t_gap <= 30
        return ok, f"first feasible {_s(first)}, own gap <= 1 % at {_s(t_gap)}, final {_pct(gap)}"
    if key == "stress-2500" and family == "stress" and n == 2500:
        ok = valid and gap is not None and gap <= 0.02 and (wall or math.inf) <= 63
        return ok, f"{r.get('outcome')}, own gap {_pct(gap)} at {_s(wall)}"
    if key == "stress-10000" and family == "stress" and n == 10000:
        rss = r.get("peak_rss_mb")
        ok = valid and (wall or math.inf) <= 63 and rss is not None and rss < 4096
        return ok, f"{r.get('outcome')} in {_s(wall)}, peak RSS {_num(rss, 0)} MB"
    if key == "peers" and n >= 100:
        others = {
            p: instance["results"][p].get("objective")
            for p in PEERS
            if p != "icld" and instance["results"].get(p, {}).get("valid")
        }
        mine = r.get("objective") if valid else None
        ok = mine is not None and all(mine >= o - 1e-6 for o in others.values())
        detail = ", ".join(f"{p} {_num(o)}" for p, o in others.items()) or "no valid peer"
        return ok, f"icld {_num(mine)} vs {detail}"
    if key == "greedy" and family == "season":
        g = instance["results"].get("greedy", {})
        theirs = g.get("objective") if g.get("valid") else None
        mine = r.get("objective") if valid else None
        ok = mine is not None and (theirs is None or mine > theirs + 1e-6)
        return ok, f"icld {_num(mine)} vs greedy {_num(theirs)}"
    return None


def targets(instances: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, text in TARGETS:
        checks = [(i["name"], _check_target(key, i)) for i in instances]
        applied = [(name, c) for name, c in checks if c is not None]
        if not applied:
            out.append({"target": text, "status": "not measured", "details": []})
            continue
        passed = all(c[0] for _, c in applied)
        out.append(
            {
                "target": text,
                "status": "met" if passed else "NOT met",
                "details": [
                    {"instance": name, "passed": c[0], "detail": c[1]} for name, c in applied
                ],
            }
        )
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
    return f"{x:.3f} s" if x < 1 else f"{x:.1f} s"


def markdown(meta: dict[str, Any], instances: list[dict[str, Any]]) -> str:
    m = meta["machine"]
    lines = [
        "# icld-match benchmarks",
        "",
        f"Run {meta['date']} with `{meta['command']}`.",
        "",
        f"Machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['cpu']}; {m['platform']}.  ",
        f"Python {m['python']}, OR-Tools {m['ortools']}, HiGHS (highspy) {m['highspy']}, "
        f"numpy {m['numpy']}, icld-match {m['icld_match']}.  ",
        f"Peers: `icld` = `icld_match.strategies.solve(problem, time_limit=T, seed=0, "
        f"workers={meta['workers']})`; `highs` = the same rules as a MIP in HiGHS "
        f"(threads={meta['workers']}); `greedy` = a one-pass coordinator heuristic. Each run "
        "is a fresh process; every allocation is checked with `icld_match.analysis.check` and its "
        "objective recomputed with `icld_match.score`. The icld outcome names the strategy "
        "`solve` picked (`exact` or `decompose`). See benchmarks/README.md.",
        "",
        "## Instances",
        "",
        "| instance | participants | hosts | cohorts | allowed pairs | MIP binaries | T (s) "
        "| LP bound | LP time | best bound | best objective |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i in instances:
        lp = i["results"].get("lp", {})
        lp_time = _s(lp.get("wall")) if lp.get("outcome") == "solved" else lp.get("outcome", "-")
        lp_limit = i.get("lp_time_limit", i["time_limit"])
        if lp and lp_limit != i["time_limit"]:
            lp_time += f" (limit {lp_limit:g} s)"
        binaries = lp.get("binaries") or i["results"].get("highs", {}).get("binaries")
        lines.append(
            f"| {i['name']} | {i['participants']:,} | {i['hosts']:,} | {i['cohorts']} "
            f"| {i['allowed_pairs']:,} | {_num(binaries, 0)} | {i['time_limit']:g} "
            f"| {_num(i.get('lp_bound'))} | {lp_time} | {_num(i.get('best_bound'))} "
            f"| {_num(i.get('best_objective'))} |"
        )
    lines += [
        "",
        "## Results",
        "",
        "Gaps are (bound - objective) / max(1, |objective|): *own* against the peer's own "
        "proven bound, *LP* against the LP relaxation, *best* against the tightest proven "
        "bound of the instance. *t 1 %* is the first time the peer's solution was within "
        "1 % of its own final objective. Failures (no allocation, invalid, timeout, "
        "memory) have no objective.",
        "",
        "| instance | peer | outcome | objective | own bound | gap own | gap LP | gap best "
        "| t first | t 1 % | wall | peak RSS |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i in instances:
        for peer in PEERS:
            r = i["results"].get(peer)
            if r is None:
                continue
            outcome = r.get("outcome", "?")
            if outcome in FAILED:
                outcome = f"**{outcome}**"
            elif r.get("strategy"):
                outcome = f"{outcome} ({r['strategy']})"
            lines.append(
                f"| {i['name']} | {peer} | {outcome} | {_num(r.get('objective'))} "
                f"| {_num(r.get('bound'))} | {_pct(r.get('gap_own'))} | {_pct(r.get('gap_lp'))} "
                f"| {_pct(r.get('gap_best'))} | {_s(r.get('t_first'))} | {_s(r.get('t_1pct'))} "
                f"| {_s(r.get('wall'))} | {_num(r.get('peak_rss_mb'), 0)} MB |"
            )
    notes = [
        (i["name"], p, r.get("notes"))
        for i in instances
        for p, r in i["results"].items()
        if r.get("notes")
    ]
    notes += [(i["name"], "instance", i["notes"]) for i in instances if i.get("notes")]
    if notes:
        lines += ["", "Notes:", ""]
        for name, peer, note in notes:
            first = str(note).strip().splitlines()[0][:240]
            lines.append(f"- {name} / {peer}: {first}")
    lines += ["", "## Targets of issue 3", ""]
    for t in meta["targets"]:
        lines.append(f"- **{t['status']}** — {t['target']}")
        for d in t["details"]:
            mark = "pass" if d["passed"] else "FAIL"
            lines.append(f"  - {d['instance']}: {mark} ({d['detail']})")
    lines += [
        "",
        "Plots: `gap_vs_size.png` (gap to the best bound against participants) and "
        "`time_vs_size.png` (time to first feasible and wall time against participants).",
        "",
    ]
    return "\n".join(lines)


def plots(out: Path, instances: list[dict[str, Any]]) -> list[Path]:
    """gap_vs_size.png and time_vs_size.png, one colour per peer.

    Gap plot: a valid allocation without any proven bound for its instance is drawn as a
    hollow marker on the "no bound" line, a failure as a cross on the "failed" line.
    Time plot: failures (timeout, no allocation, ...) are crosses at their wall time;
    skipped runs are left out.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"greedy": "tab:orange", "highs": "tab:green", "icld": "tab:blue"}
    offsets = {"greedy": 0.94, "highs": 1.0, "icld": 1.06}  # spread equal sizes a little
    no_bound, failed_at = 300.0, 1000.0
    written = []

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for peer in PEERS:
        points: dict[str, tuple[list[float], list[float]]] = {
            k: ([], []) for k in ("gap", "nobound", "failed")
        }
        for i in instances:
            r = i["results"].get(peer)
            if not r or r.get("outcome") == "skipped":
                continue
            x = i["participants"] * offsets[peer]
            if r.get("valid") and r.get("gap_best") is not None:
                kind, y = "gap", max(100 * r["gap_best"], 1e-3)
            elif r.get("valid"):
                kind, y = "nobound", no_bound
            else:
                kind, y = "failed", failed_at
            points[kind][0].append(x)
            points[kind][1].append(y)
        c = colours[peer]
        ax.scatter(*points["gap"], color=c, label=peer, alpha=0.8)
        ax.scatter(*points["nobound"], facecolors="none", edgecolors=c, s=50)
        ax.scatter(*points["failed"], color=c, marker="x", s=60)
    for y, text in ((no_bound, "valid, no bound known"), (failed_at, "failed")):
        ax.axhline(y, color="grey", lw=0.5, ls=":")
        ax.text(0.01, y * 1.08, text, transform=ax.get_yaxis_transform(), fontsize=7, color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("participants")
    ax.set_ylabel("gap to best proven bound (%)")
    ax.set_title("Gap vs size (0 % drawn at 0.001 %)")
    ax.legend(loc="center left")
    fig.tight_layout()
    path = out / "gap_vs_size.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    written.append(path)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for peer in PEERS:
        xs, first, wall, fx, fwall = [], [], [], [], []
        for i in instances:
            r = i["results"].get(peer)
            if not r or r.get("wall") is None or r.get("outcome") == "skipped":
                continue
            x = i["participants"] * offsets[peer]
            if not r.get("valid"):
                fx.append(x)
                fwall.append(max(r["wall"], 1e-3))
                continue
            xs.append(x)
            wall.append(max(r["wall"], 1e-3))
            first.append(max(r["t_first"], 1e-3) if r.get("t_first") is not None else math.nan)
        c = colours[peer]
        ax.scatter(xs, wall, color=c, marker="o", label=f"{peer} wall", alpha=0.8)
        ax.scatter(xs, first, color=c, marker="^", label=f"{peer} first", alpha=0.8)
        if fx:
            ax.scatter(fx, fwall, color=c, marker="x", s=60, label=f"{peer} failed")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("participants")
    ax.set_ylabel("seconds")
    ax.set_title("Time vs size (o wall time, ^ first valid solution, x failed)")
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    path = out / "time_vs_size.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    written.append(path)
    return written
