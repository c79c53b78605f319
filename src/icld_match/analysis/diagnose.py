"""Why is there no allocation? Pre-checks first, then a CP-SAT core over named rule instances.

Every hard rule instance (a participant's placement, a host's capacity on some dates, a
keep-together group, a pin, a cohort's team sizes ...) gets an assumption literal. CP-SAT
(one worker, no objective) returns a set of them that cannot hold together; a deletion
pass then drops each member whose removal leaves the rest still infeasible, so a core
reported as ``minimal`` is irreducible: remove any one rule and the others can be met.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from ..engine.model import Assumption, ModelContext, build_context, visits_context
from ..engine.rules import RULES, apply_all
from ..index.problem_index import ProblemIndex
from ..records.catalogue import MODELLED_PAIR_RULES, SOFT_ONLY, VISIT_RULES
from ..records.options import check_options
from ..records.schema import Problem
from .precheck import precheck

#: A participant with at most this many open hosts gets them listed in the diagnosis.
_FEW_HOSTS = 3


class CoreRule(BaseModel):
    """One rule instance in an infeasible core, in the user's terms."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="Rule name, as in check() and the README.")
    label: str = Field(description="Which instance: a participant, host, group or cohort.")
    records: list[str] = Field(description="Ids of the records involved.")
    text: str = Field(description="Plain-language statement of the rule instance.")


class Diagnosis(BaseModel):
    """The answer to 'why is there no allocation?'."""

    model_config = ConfigDict(frozen=True)

    feasible: bool | None = Field(description="True/False, or None if undecided in time.")
    prechecks: list[str] = Field(default_factory=list, description="Failed pre-checks.")
    core: list[CoreRule] = Field(
        default_factory=list, description="Rule instances that cannot all hold together."
    )
    minimal: bool = Field(False, description="True if dropping any one core rule suffices.")

    def reasons(self) -> list[str]:
        if self.prechecks:
            return list(self.prechecks)
        if self.feasible:
            return []
        if not self.core:
            return ["No allocation was found, and none was proven impossible in the time given."]
        kind = (
            "a minimal set: relaxing any one of them removes this conflict"
            if self.minimal
            else "a sufficient set, not necessarily minimal"
        )
        head = f"No allocation satisfies these {len(self.core)} hard rules together ({kind}):"
        return [head, *(f"- {item.text}" for item in self.core)]


def describe(index: ProblemIndex, item: Assumption) -> str:
    """A rule instance as a coordinator would state it."""
    match item.rule:
        case "placement" | "pin" | "fit_floor":
            return _describe_participant_rule(index, item)
        case "host_capacity" | "host_dates" | "season_cap":
            return _describe_host_rule(index.problem, item)
        case (
            "team_dates"
            | "team_size"
            | "keep_together"
            | "keep_apart"
            | "mixed_countries"
            | "organisation"
        ):
            return _describe_team_rule(index.problem, item)
        case "travel_budget":
            return _budget_text(index.problem, item.label)
        case "partnership" | "revisit":
            return _describe_season_rule(index, item)
    if item.rule.startswith("visit_"):
        return describe_visit_rule(index, item)
    return f"{item.rule}: {item.label}"


def _describe_participant_rule(index: ProblemIndex, item: Assumption) -> str:
    """One participant's placement (naming their few open hosts), pin or fit floor."""
    problem = index.problem
    p = problem.participant(item.records[0])
    match item.rule:
        case "placement":
            row = index.participant_pos[p.id]
            open_hosts = [problem.hosts[h].name for h in index.allowed[row].nonzero()[0]]
            where = ""
            if len(open_hosts) <= _FEW_HOSTS:
                where = f"; the only hosts open to them are {', '.join(open_hosts) or 'none'}"
            return (
                f"{p.name} ({p.id}, {p.country}, languages {', '.join(p.languages)}) "
                f"must be placed{where}"
            )
        case "pin":
            host = problem.host(item.records[1])
            return f"{p.name} ({p.id}) is pinned to {host.name} ({item.label})"
    return (  # fit_floor
        f"{p.name} ({p.id}) goes only to a host whose thematic fit with them is at "
        f"least the floor {problem.rules.fit_floor:g} (fit_floor, hard rule)"
    )


def _describe_host_rule(problem: Problem, item: Assumption) -> str:
    """One host's capacity (per day with windows), open dates or season cap."""
    h = problem.host(item.records[0])
    match item.rule:
        case "host_capacity":
            cohorts = ", ".join(item.records[1:])
            day = item.label.partition(" on ")[2]  # windows: capacity is counted per day
            return (
                f"{h.name} takes at most {h.capacity.max_teams} team(s) and "
                f"{h.capacity.max_participants} people at once"
                + (f" on {day}" if day else "")
                + f" (cohorts {cohorts})"
            )
        case "host_dates":
            c = problem.cohort(item.records[1])
            return (
                f"a team of cohort {c.id} at {h.name} goes on days {h.name} is open, within "
                f"{c.window}"
            )
    return f"{h.name} takes at most {h.season_max_teams} team(s) in the season"  # season_cap


def _describe_team_rule(problem: Problem, item: Assumption) -> str:
    """A rule on how teams are formed: dates, size, groups, country mix, colleagues."""
    match item.rule:
        case "team_dates":
            c = problem.cohort(item.records[0])
            return (
                f"all teams of cohort {c.id} go on the same {c.internship_days} day(s) within "
                f"{c.window} (rules.internship_dates = per_cohort)"
            )
        case "team_size":
            size = problem.cohort(item.records[0]).team_size
            return f"teams of cohort {item.records[0]} have {size.min} to {size.max} members"
        case "keep_together":
            return f"{', '.join(item.records)} travel in one team ({item.label})"
        case "keep_apart":
            return f"no two of {', '.join(item.records)} share a team ({item.label})"
        case "mixed_countries":
            return f"every team of cohort {item.label} mixes countries (hard rule)"
    policy = problem.rules.organisation  # organisation
    return f"colleagues from {item.label} are kept {policy} (hard rule): " + ", ".join(item.records)


def describe_visit_rule(index: ProblemIndex, item: Assumption) -> str:
    """A study-visit rule instance in the coordinator's words, naming the rule."""
    problem = index.problem
    match item.rule:
        case "visit_placement":
            cohort_id, visit_id = item.records
            offering = [h.name for h in problem.hosts if h.group_visits is not None]
            where = ", ".join(offering[:_FEW_HOSTS]) + (
                " ..." if len(offering) > _FEW_HOSTS else ""
            )
            return (
                f"study visit {visit_id} of cohort {cohort_id} needs one host and day "
                f"(visit_placement); hosts offering group visits: {where or 'none'}"
            )
        case "visit_capacity":
            host = problem.host(item.records[0])
            size = sum(1 for p in problem.participants if p.cohort == item.records[1])
            capacity = host.group_visits.capacity if host.group_visits else 0
            return (
                f"{host.name} receives groups of at most {capacity} people; cohort "
                f"{item.records[1]} has {size} (visit_capacity)"
            )
        case "visit_days":
            host = problem.host(item.records[0])
            offer = host.group_visits
            days = (
                "any day"
                if offer is None or offer.days is None
                else ", ".join(str(r) for r in offer.days)
            )
            return (
                f"{host.name} receives group visits only on {days}, when it is available "
                "(visit_days)"
            )
        case "visit_per_day":
            host = problem.host(item.records[0])
            limit = host.group_visits.max_per_day if host.group_visits else 0
            day = item.label.rsplit(" on ", 1)[-1]
            return f"{host.name} receives at most {limit} group(s) a day, on {day} (visit_per_day)"
        case "visit_clash":
            cohort_id, visit_id, host_id = item.records
            return (
                f"{problem.host(host_id).name} does not receive cohort {cohort_id}'s whole group "
                f"(visit {visit_id}) on a day one of its teams is there (visit_clash)"
            )
    return f"{item.rule}: {item.label}"


def _describe_season_rule(index: ProblemIndex, item: Assumption) -> str:
    """A participant's hard partnership or revisit rule: which hosts it leaves or closes."""
    problem = index.problem
    p = problem.participant(item.records[0])
    row = index.participant_pos[p.id]
    if item.rule == "partnership":
        partners = np.flatnonzero(index.pair_terms["partnership"][row] > 0)
        names = ", ".join(problem.hosts[int(h)].name for h in partners)
        return (
            f"{p.name} ({p.id}, {p.home_municipality or p.country}) goes to a partner "
            f"host: {names} (hard partnership rule)"
        )
    mine = _org(p.organisation)
    seen = sorted({v.host for v in problem.history if mine in {_org(o) for o in v.organisations}})
    return (
        f"{p.name} ({p.id}) of {p.organisation} is not sent back to "
        f"{', '.join(problem.host(h).name for h in seen)}, visited by their organisation "
        "in an earlier season (hard revisit rule)"
    )


def _org(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _budget_text(problem: Problem, label: str) -> str:
    if label == "season":
        budget = problem.travel_budget
        who = "teams and study visits" if any(c.study_visits for c in problem.cohorts) else "teams"
        return f"all {who} of the season travel for at most {budget:,.2f} SEK (season budget)"
    cohort = problem.cohort(label)
    who = "teams and study visits" if cohort.study_visits else "teams"
    return (
        f"the {who} of cohort {cohort.id} ({cohort.name}) travel for at most "
        f"{cohort.travel_budget:,.2f} SEK (its travel budget)"
    )


def _solve(
    ctx: ModelContext, literals: list[cp_model.IntVar], seconds: float
) -> tuple[Any, cp_model.CpSolver]:
    ctx.model.clear_assumptions()
    ctx.model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    return solver.solve(ctx.model), solver


def diagnose_index(
    index: ProblemIndex, *, time_limit: float = 10.0, minimise: bool = True
) -> Diagnosis:
    failed = precheck(index)
    if failed:
        return Diagnosis(feasible=False, prechecks=failed)
    deadline = time.perf_counter() + time_limit
    if len(index.visits):
        # visits that clash among themselves whatever the teams: a small core, named first
        alone = diagnose_visits(index, time_limit=time_limit / 4, minimise=minimise)
        if alone.feasible is False:
            return alone
    # pair rules with a model module re-enter as named assumptions instead of masks
    ctx = build_context(index.relaxed(MODELLED_PAIR_RULES), diagnose=True)
    apply_all(ctx, SOFT_ONLY)
    return _core(ctx, index, deadline, minimise)


def diagnose_visits(
    index: ProblemIndex, *, time_limit: float = 2.0, minimise: bool = True
) -> Diagnosis:
    """Whether the study visits can be placed at all, with no team anywhere (teams only
    add the clash rule): if not, the visit rules that conflict."""
    ctx = visits_context(index, {}, diagnose=True)
    apply_all(ctx, _NOT_VISITS)
    return _core(ctx, index, time.perf_counter() + time_limit, minimise)


#: Every rule but the study-visit rules (left out of the visits-only diagnosis).
_NOT_VISITS = frozenset(name for name, _, _ in RULES if name not in VISIT_RULES) | SOFT_ONLY


def _core(ctx: ModelContext, index: ProblemIndex, deadline: float, minimise: bool) -> Diagnosis:
    """Feasible, undecided, or a set of named rule instances that cannot hold together
    (minimal by a deletion pass when ``minimise`` and time allow)."""
    assert ctx.assumptions is not None
    by_index = {a.literal.index: a for a in ctx.assumptions.values()}
    time_limit = max(0.01, deadline - time.perf_counter())
    status, solver = _solve(ctx, [a.literal for a in by_index.values()], time_limit)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Diagnosis(feasible=True)
    if status != cp_model.INFEASIBLE:
        return Diagnosis(feasible=None)
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    minimal = False
    if minimise:
        minimal = True
        for candidate in list(core):
            if candidate not in core:
                continue
            rest = [a for a in core if a is not candidate]
            left = deadline - time.perf_counter()
            if left <= 0:
                minimal = False
                break
            status, solver = _solve(ctx, [a.literal for a in rest], left)
            if status == cp_model.INFEASIBLE:
                smaller = {
                    by_index[i].literal.index
                    for i in solver.sufficient_assumptions_for_infeasibility()
                }
                core = [a for a in rest if a.literal.index in smaller] or rest
            elif status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                minimal = False
    items = [
        CoreRule(rule=a.rule, label=a.label, records=list(a.records), text=describe(index, a))
        for a in core
    ]
    return Diagnosis(feasible=False, core=items, minimal=minimal)


def diagnose(problem: Problem, *, time_limit: float = 10.0, minimise: bool = True) -> Diagnosis:
    """Explain why no allocation exists (or confirm that one does)."""
    check_options(time_limit, 0, None)
    return diagnose_index(ProblemIndex.build(problem), time_limit=time_limit, minimise=minimise)
