"""Chosen internship days: a start literal per team slot and host capacity day by day.

Only for problems where some cohort has a ``window`` (the plan chooses its days); problems
with fixed dates never reach this module and keep their model exactly as before. A slot
of a windowed cohort gets one literal per start on which its host is open for the whole
internship; exactly one is true when the slot is used. Under ``per_cohort`` a cohort
literal per start ties all its slots to the same days. Capacity then holds on every day:
a team counts on a day only if its chosen days include it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

from .model import ModelContext


def add_start_literals(ctx: ModelContext) -> None:
    """One literal per (slot, open start) of windowed cohorts; one per used slot."""
    index, model = ctx.index, ctx.model
    problem = index.problem
    per_cohort = problem.rules.internship_dates == "per_cohort"
    chosen: dict[int, dict[date, cp_model.IntVar]] = {}
    for c in index.open_starts:
        cohort = problem.cohorts[c]
        if per_cohort:
            chosen[c] = {d: model.new_bool_var(f"start[{cohort.id},{d}]") for d in cohort.starts()}
            ctx.require(sum(chosen[c].values()) == 1, "team_dates", cohort.id, (cohort.id,))
    for s, slot in enumerate(ctx.slots):
        open_at = index.open_starts.get(slot.cohort)
        if open_at is None:
            continue
        cohort, host = problem.cohorts[slot.cohort], problem.hosts[slot.host]
        literals = {
            d: model.new_bool_var(f"day[{cohort.id},{host.id},{slot.rank},{d}]")
            for row, d in enumerate(cohort.starts())
            if open_at[row, slot.host]
        }
        ctx.starts[s] = literals
        label, records = f"{host.id} for {cohort.id}", (host.id, cohort.id)
        ctx.require(sum(literals.values()) == ctx.used[s], "host_dates", label, records)
        for d, literal in literals.items():
            if per_cohort:
                tied = literal <= chosen[slot.cohort][d]
                ctx.require(tied, "team_dates", cohort.id, (cohort.id,))


def _presence(ctx: ModelContext, s: int) -> dict[date, Any]:
    """Day -> linear expression, 1 when slot ``s`` is at its host that day."""
    cohort = ctx.index.problem.cohorts[ctx.slots[s].cohort]
    if s not in ctx.starts:  # fixed dates (or the start literals were skipped: any day)
        return {day: ctx.used[s] for day in cohort.span.days()}
    on: dict[date, Any] = defaultdict(int)
    for start, literal in ctx.starts[s].items():
        for k in range(cohort.internship_days):
            on[start + timedelta(k)] += literal
    return dict(on)


def add_daily_capacity(ctx: ModelContext) -> None:
    """At every host, on every day: teams present <= max_teams, people <= max_participants."""
    problem = ctx.index.problem
    by_host: dict[int, list[int]] = defaultdict(list)
    for s, slot in enumerate(ctx.slots):
        by_host[slot.host].append(s)
    for h, slots in by_host.items():
        host = problem.hosts[h]
        teams: dict[date, list[tuple[int, Any]]] = defaultdict(list)
        for s in slots:
            for day, present in _presence(ctx, s).items():
                teams[day].append((s, present))
        for day in sorted(teams):
            present = teams[day]
            cohort_ids = tuple(
                dict.fromkeys(problem.cohorts[ctx.slots[s].cohort].id for s, _ in present)
            )
            label, records = f"{host.id} on {day}", (host.id, *cohort_ids)
            ctx.require(
                sum(p for _, p in present) <= host.capacity.max_teams,
                "host_capacity",
                label,
                records,
            )
            people = [_people_on(ctx, s, p, day) for s, p in present]
            ctx.require(
                sum(people) <= host.capacity.max_participants, "host_capacity", label, records
            )


def _people_on(ctx: ModelContext, s: int, present: Any, day: date) -> Any:
    """Members of slot ``s`` at the host on ``day``: its size if it is there, else 0."""
    if s not in ctx.starts:
        return ctx.size(s)
    on = ctx.model.new_bool_var(f"on[{s},{day}]")
    ctx.model.add(on == present)
    count = ctx.model.new_int_var(0, len(ctx.in_slot[s]), f"people[{s},{day}]")
    ctx.model.add(count == ctx.size(s)).only_enforce_if(on)
    ctx.model.add(count == 0).only_enforce_if(on.Not())
    return count
