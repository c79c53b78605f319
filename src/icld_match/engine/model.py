"""The CP-SAT formulation's shared state: team slots, assignment literals and named terms.

A *slot* is one possible team of one cohort at one host. A host that can take ``k`` teams
of a cohort at once gets ``k`` slots for it; ``x[p, s]`` says participant ``p`` travels in
slot ``s``. Variables exist only for pairs the index allows, so the pair rules (dates,
language, access, blocked hosts, pins) cost nothing in the model. Each rule module in
:mod:`icld_match.engine.rules` reads this context and adds its constraints or objective terms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from ..index.problem_index import ProblemIndex
from ..index.visits import VisitOption
from ..records.catalogue import entry

#: Objective coefficients are weights x values rounded to 1/SCALE.
SCALE = 1000


@dataclass(frozen=True)
class Slot:
    cohort: int
    host: int
    rank: int  # 0 for the first team of this cohort at this host, 1 for the second, ...


@dataclass
class Term:
    """A named objective term: raw value = constant + sum(coef * var)."""

    name: str
    sense: Literal["reward", "penalty"]
    weight: float
    coefficients: list[tuple[float, cp_model.IntVar]] = field(default_factory=list)
    constant: float = 0.0

    def add(self, coef: float, var: cp_model.IntVar) -> None:
        if coef:
            self.coefficients.append((coef, var))

    def value(self, var_value: Callable[[cp_model.IntVar], int]) -> float:
        return self.constant + sum(c * var_value(v) for c, v in self.coefficients)


@dataclass(frozen=True)
class Assumption:
    """One named rule instance that diagnosis may switch off (an assumption literal)."""

    literal: cp_model.IntVar
    rule: str
    label: str
    records: tuple[str, ...]


@dataclass
class ModelContext:
    """Everything the rule modules need to add their part to one CP-SAT model."""

    index: ProblemIndex
    model: cp_model.CpModel
    slots: list[Slot]
    slots_at: dict[tuple[int, int], list[int]]
    x: dict[tuple[int, int], cp_model.IntVar]
    in_slot: list[list[int]]
    of_participant: list[list[int]]
    used: list[cp_model.IntVar]
    terms: list[Term] = field(default_factory=list)
    #: Participants may stay unplaced (relaxed mode); placing them is then a first objective.
    allow_unplaced: bool = False
    #: When diagnosing, every rule instance is guarded by a named assumption literal.
    assumptions: dict[str, Assumption] | None = None
    #: Slots of cohorts with a window: start day -> literal (see :mod:`..calendar`).
    starts: dict[int, dict[date, cp_model.IntVar]] = field(default_factory=dict)
    #: Per study visit (``index.visits`` order): its (host, day) options and literals.
    #: Only open options, except when diagnosing (closed ones are then forbidden by the
    #: named rule that closes them, so a core can name it).
    visit_vars: list[list[tuple[VisitOption, cp_model.IntVar]]] = field(default_factory=list)
    #: When the teams are given rather than decided (the visits-only model): (cohort,
    #: host, day) -> whether a team of the cohort is at the host that day, a 0/1 constant
    #: or a literal fixed per solve (:class:`..cpsat.VisitsModel`); None: the team slots
    #: decide (``used``).
    fixed_teams: Mapping[tuple[int, int, date], Any] | None = None
    #: Cohort -> whole öre its given teams' trips cost (a constant or a variable fixed per
    #: solve), when the teams are given: what the travel budgets have already spent.
    fixed_travel: Mapping[int, Any] | None = None

    def guard(self, rule: str, label: str, records: tuple[str, ...]) -> list[cp_model.IntVar]:
        """Enforcement literals for one rule instance: none, or its assumption when diagnosing."""
        if self.assumptions is None:
            return []
        key = f"{rule}:{label}"
        if key not in self.assumptions:
            literal = self.model.new_bool_var(key)
            self.assumptions[key] = Assumption(literal, rule, label, records)
        return [self.assumptions[key].literal]

    def require(
        self, constraint: Any, rule: str, label: str, records: tuple[str, ...] = ()
    ) -> None:
        """Add a hard constraint that belongs to a named rule instance."""
        self.model.add(constraint).only_enforce_if(self.guard(rule, label, records))

    def size(self, slot: int) -> Any:
        return sum(self.x[p, slot] for p in self.in_slot[slot])

    def placed(self, participant: int) -> Any:
        return sum(self.x[participant, s] for s in self.of_participant[participant])

    def var(self, participant: int, slot: int) -> cp_model.IntVar | int:
        """The literal for (participant, slot), or 0 where the pair is not allowed."""
        return self.x.get((participant, slot), 0)

    def team_term(self, name: str) -> Term | None:
        """The named per-team term (``index.team_terms``, its sense from the catalogue):
        every used team slot adds its cohort x host value; None when the problem has none."""
        raw = self.index.team_terms.get(name)
        if raw is None:
            return None
        sense = entry(name).sense or "penalty"
        term = self.new_term(name, sense, float(getattr(self.index.problem.weights, name)))
        for s, slot in enumerate(self.slots):
            term.add(float(raw[slot.cohort, slot.host]), self.used[s])
        return term

    def new_term(self, name: str, sense: Literal["reward", "penalty"], weight: float) -> Term:
        term = Term(name, sense, weight)
        self.terms.append(term)
        return term


def internship_rounds(index: ProblemIndex) -> npt.NDArray[np.int64]:
    """Per cohort: internships that fit one after another without overlap (1 with fixed
    dates or per_cohort). Per team, a window holds that many rounds of a host's capacity:
    no day has more than the capacity, so no more than this many times it in all."""
    problem = index.problem
    rounds = np.ones(len(problem.cohorts), dtype=np.int64)
    if problem.rules.internship_dates == "per_team":
        for c in index.open_starts:
            cohort = problem.cohorts[c]
            rounds[c] = len(cohort.span.days()) // cohort.internship_days
    return rounds


def team_limits(index: ProblemIndex) -> npt.NDArray[np.int64]:
    """cohort x host: teams of the cohort the host can hold at once (capacity, season cap)."""
    problem = index.problem
    smallest = np.array([c.team_size.min for c in problem.cohorts])[:, None]
    hosts = problem.hosts
    max_teams = np.array([h.capacity.max_teams for h in hosts])[None, :]
    max_people = np.array([h.capacity.max_participants for h in hosts])[None, :]
    no_cap = index.n_participants + 1
    season = np.array(
        [no_cap if h.season_max_teams is None else h.season_max_teams for h in hosts]
    )[None, :]
    rounds = internship_rounds(index)[:, None]
    limits: npt.NDArray[np.int64] = np.minimum(
        np.minimum(max_teams * rounds, (max_people * rounds) // smallest), season
    ).clip(min=0)
    return limits


def candidate_counts(index: ProblemIndex) -> npt.NDArray[np.int64]:
    """cohort x host: participants of the cohort every pair rule allows at the host."""
    counts: npt.NDArray[np.int64] = np.stack(
        [index.allowed[index.members(c)].sum(axis=0) for c in range(len(index.problem.cohorts))]
    )
    return counts


def slot_matrix(index: ProblemIndex, diagnose: bool = False) -> npt.NDArray[np.int64]:
    """Team slots to create per cohort x host: the host's limit (capacity, season cap), but
    never more than the cohort's candidates there can fill.

    When diagnosing, capacity and team sizes must be able to show up as named rules in a
    conflict, so a host gets up to two slots beyond what those rules allow.
    """
    smallest = np.array([c.team_size.min for c in index.problem.cohorts])[:, None]
    candidates = candidate_counts(index)
    limit = np.minimum(team_limits(index), candidates // smallest)
    slots: npt.NDArray[np.int64] = np.minimum(candidates, limit + 2) if diagnose else limit
    return slots


def build_context(
    index: ProblemIndex,
    *,
    allow_unplaced: bool = False,
    diagnose: bool = False,
    skipped: frozenset[str] = frozenset(),
) -> ModelContext:
    """Create slots and assignment literals for every allowed (participant, host) pair,
    and visit literals for every open visit option (or one closed only by ``skipped``)."""
    model = cp_model.CpModel()
    slots: list[Slot] = []
    slots_at: dict[tuple[int, int], list[int]] = {}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    in_slot: list[list[int]] = []
    of_participant: list[list[int]] = [[] for _ in range(index.n_participants)]
    used: list[cp_model.IntVar] = []
    problem = index.problem
    counts = slot_matrix(index, diagnose)
    for c, cohort in enumerate(problem.cohorts):
        members = index.members(c)
        for h in map(int, np.flatnonzero(counts[c])):
            host = problem.hosts[h]
            candidates = [int(p) for p in members[index.allowed[members, h]]]
            for rank in range(int(counts[c, h])):
                s = len(slots)
                slots.append(Slot(c, h, rank))
                slots_at.setdefault((c, h), []).append(s)
                used.append(model.new_bool_var(f"used[{cohort.id},{host.id},{rank}]"))
                in_slot.append(candidates)
                for p in candidates:
                    x[p, s] = model.new_bool_var(
                        f"x[{problem.participants[p].id},{host.id},{rank}]"
                    )
                    of_participant[p].append(s)
    ctx = ModelContext(
        index,
        model,
        slots,
        slots_at,
        x,
        in_slot,
        of_participant,
        used,
        allow_unplaced=allow_unplaced,
        assumptions={} if diagnose else None,
        visit_vars=visit_literals(index, model, diagnose, skipped),
    )
    if index.has_windows:  # the days are part of the plan: a start literal per slot
        from .calendar import add_start_literals

        add_start_literals(ctx)
    return ctx


def visit_literals(
    index: ProblemIndex,
    model: cp_model.CpModel,
    diagnose: bool,
    skipped: frozenset[str] = frozenset(),
) -> list[list[tuple[VisitOption, cp_model.IntVar]]]:
    """``v[visit, host, day]`` for every open option (every option when diagnosing, and
    those closed only by rules the caller skips)."""
    visits = index.visits
    hosts = index.problem.hosts
    out: list[list[tuple[VisitOption, cp_model.IntVar]]] = []
    for k, (c, visit_id) in enumerate(visits.keys):
        cohort_id = index.problem.cohorts[c].id
        options = [o for o in visits.options[k] if diagnose or set(o.closed_by) <= skipped]
        out.append(
            [
                (o, model.new_bool_var(f"v[{cohort_id},{visit_id},{hosts[o.host].id},{o.day}]"))
                for o in options
            ]
        )
    return out


def visits_context(
    index: ProblemIndex,
    teams: Mapping[tuple[int, int, date], Any],
    *,
    diagnose: bool = False,
    travel: Mapping[int, Any] | None = None,
    model: cp_model.CpModel | None = None,
) -> ModelContext:
    """A model of the study visits alone, the teams given (``ModelContext.fixed_teams``):
    (cohort, host, day) -> a team of the cohort is at the host that day; ``travel``: öre
    the teams' trips cost per cohort (the budgets left to the visits). ``model``: the one
    to add to (a new one by default)."""
    model = cp_model.CpModel() if model is None else model
    return ModelContext(
        index,
        model,
        [],
        {},
        {},
        [],
        [[] for _ in range(index.n_participants)],
        [],
        assumptions={} if diagnose else None,
        visit_vars=visit_literals(index, model, diagnose),
        fixed_teams=teams,
        fixed_travel=travel,
    )
