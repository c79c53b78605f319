"""Plan a whole season: nine ITP cohorts of 2026 and 50 Swedish host municipalities.

Each cohort has a window (its second week in Sweden) in which the plan chooses two
internship days, two whole-group study visits, a base it travels from and a travel
budget; hosts have calendars, group-visit offers, partnerships and a hosting history.
The script solves the bundled season with the default settings, validates the plan with
the independent referee and prints per-cohort and per-host summaries.

Run with ``PYTHONPATH=src python examples/season.py`` (about 30 s).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from icld_match import Allocation, Problem, check, explain, load_problem, solve

SEASON = Path(__file__).resolve().parent / "data" / "season-2026.json"


def cohort_lines(problem: Problem, plan: Allocation) -> list[str]:
    """Per cohort: its chosen internship days, teams, study visits and travel cost."""
    travel = explain(problem, plan).travel_by_cohort
    lines = ["Per cohort", f"  {'cohort':<10} {'days':<23} {'teams':>5} {'travel SEK':>11}  visits"]
    for cohort in problem.cohorts:
        teams = [t for t in plan.teams if t.cohort == cohort.id]
        days = sorted({(t.start, t.end) for t in teams})
        shown = ", ".join(f"{a}..{b}" for a, b in days) or "-"
        visits = ", ".join(
            f"{v.visit} {problem.host(v.host).municipality} {v.day:%d %b}"
            for v in plan.visits
            if v.cohort == cohort.id
        )
        cost = travel.get(cohort.id, 0.0)
        lines.append(f"  {cohort.id:<10} {shown:<23} {len(teams):>5} {cost:>11,.0f}  {visits}")
    return lines


def host_lines(problem: Problem, plan: Allocation) -> list[str]:
    """Per host that receives anyone: teams and people by day, and its season total."""
    load: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for team in plan.teams:
        day = team.start
        while day <= team.end:
            load[team.host][day][0] += 1
            load[team.host][day][1] += len(team.members)
            day += timedelta(days=1)
    groups: dict[str, list[str]] = defaultdict(list)
    for visit in plan.visits:
        groups[visit.host].append(f"{visit.cohort} group {visit.day:%d %b}")
    lines = ["Per host (teams/people by day; season total)"]
    for host in problem.hosts:
        if host.id not in load and host.id not in groups:
            continue
        days = load.get(host.id, {})
        by_day = ", ".join(f"{d:%d %b} {t}/{n}" for d, (t, n) in sorted(days.items())) or "-"
        total = len({t.id for t in plan.teams if t.host == host.id})
        cap = f" of {host.season_max_teams}" if host.season_max_teams is not None else ""
        extra = f"; {', '.join(groups[host.id])}" if groups.get(host.id) else ""
        lines.append(f"  {host.municipality:<13} {total:>2}{cap:<5} teams  {by_day}{extra}")
    return lines


def main() -> int:
    problem = load_problem(SEASON)
    plan = solve(problem)  # the default settings: 30 s, every core, the anytime portfolio
    breaches = check(problem, plan)
    verdict = "every hard rule holds" if not breaches else f"{len(breaches)} breaches"
    print(
        f"status {plan.status.value}, objective {plan.objective:.3f}, {len(plan.teams)} teams, "
        f"{len(plan.visits)} study visits, {plan.wall_time:.1f} s; referee: {verdict}"
    )
    print()
    print("\n".join(cohort_lines(problem, plan)))
    print()
    print("\n".join(host_lines(problem, plan)))
    return 0 if plan.is_feasible() and not breaches else 1


if __name__ == "__main__":
    sys.exit(main())
