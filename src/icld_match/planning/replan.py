"""Re-planning with minimal change, and what-if comparisons.

``replan`` keeps everyone it can: moving as few participants as possible is the first
objective (a participant *moves* when their host changes or they lose their place), the
weighted objective the second. ``what_if`` re-solves from scratch after the changes, to
show what a decision costs. Both report every move with its reason and the score change
per term.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..engine.model import ModelContext
from ..index.problem_index import ProblemIndex
from ..records.base import cached_index
from ..records.errors import ProblemError, ProblemIssue
from ..records.options import check_options
from ..records.result import Allocation, Visit
from ..records.schema import Problem
from ..strategies.solve import solve_index
from .changes import (
    Change,
    Dropout,
    Forbid,
    Force,
    HostCancels,
    SetCapacity,
    apply_changes,
    parse_changes,
)


class Move(BaseModel):
    """A participant whose host changed, or who lost their place."""

    model_config = ConfigDict(frozen=True)

    participant: str
    from_host: str = Field(description="Host before.")
    to_host: str | None = Field(description="Host after; None if now unplaced or dropped.")
    why: str


class PlanChange(BaseModel):
    """The outcome of a re-plan or what-if: the new plan, who moved and what it cost."""

    model_config = ConfigDict(frozen=True)

    mode: Literal["replan", "what_if"]
    changes: list[Change]
    problem: Problem = Field(description="The problem after the changes.")
    allocation: Allocation = Field(description="The new allocation.")
    moves: list[Move] = Field(
        description="Every participant of the old plan (not dropped out) whose host changed."
    )
    added: list[str] = Field(description="Participants placed now who had no place before.")
    kept: int = Field(description="Participants of the old plan still at the same host.")
    term_deltas: dict[str, float] = Field(description="Change of each term's contribution.")
    objective_delta: float | None = Field(description="New objective minus old.")
    visit_moves: list[str] = Field(
        default_factory=list,
        description="Study visits of the old plan whose host or day changed, e.g. "
        "'V1 of C1: umea 2026-05-13 -> malmo 2026-05-14'.",
    )

    def summary(self) -> str:
        lines = [
            f"{self.mode}: {len(self.changes)} change(s), status {self.allocation.status.value}",
            f"kept {self.kept} participant(s) in place, moved {len(self.moves)}, "
            f"placed {len(self.added)} new",
        ]
        lines += [
            f"  {m.participant}: {m.from_host} -> {m.to_host or '-'}  ({m.why})" for m in self.moves
        ]
        lines += [f"  visit {move}" for move in self.visit_moves]
        if self.objective_delta is not None:
            lines.append(f"objective change: {self.objective_delta:+.3f}")
            lines += [f"  {name:<14}{delta:+.3f}" for name, delta in self.term_deltas.items()]
        lines += [f"reason: {r}" for r in self.allocation.reasons]
        return "\n".join(lines)


def _hosts(allocation: Allocation) -> dict[str, str]:
    return {m: t.host for t in allocation.teams for m in t.members}


def _stay_expression(
    previous: dict[str, str], visits: list[Visit] | None = None
) -> Callable[[ModelContext], Any]:
    """Count of previously placed participants kept at their previous host; then (as a
    tie-break below one participant) study visits kept at their host and day."""
    kept_visits = {(v.cohort, v.visit, v.host, v.day) for v in visits or []}

    def build(ctx: ModelContext) -> Any:
        index = ctx.index
        literals = []
        for pid, host_id in previous.items():
            p, h = index.participant_pos.get(pid), index.host_pos.get(host_id)
            if p is None or h is None:
                continue
            literals += [ctx.x[p, s] for s in ctx.of_participant[p] if ctx.slots[s].host == h]
        if not kept_visits:
            return sum(literals)
        problem = index.problem
        same = [
            var
            for k, (c, visit_id) in enumerate(index.visits.keys)
            for option, var in ctx.visit_vars[k]
            if (problem.cohorts[c].id, visit_id, problem.hosts[option.host].id, option.day)
            in kept_visits
        ]
        return sum(literals) * (len(same) + 1) + sum(same)

    return build


def _visit_moves(before: Allocation, after: Allocation) -> list[str]:
    """Old visits now at another host or day (or no longer planned)."""
    new = {(v.cohort, v.visit): v for v in after.visits}
    moves = []
    for v in before.visits:
        now = new.get((v.cohort, v.visit))
        if now is None or (now.host, now.day) != (v.host, v.day):
            to = f"{now.host} {now.day}" if now is not None else "-"
            moves.append(f"{v.visit} of {v.cohort}: {v.host} {v.day} -> {to}")
    return moves


def _change_reason(
    pid: str, old_host: str, new_host: str | None, changes: list[Change], before: Allocation
) -> str | None:
    """The latest change that explains the move, if any: a later change overrides an
    earlier one (force then forbid the same host leaves the forbid in force)."""
    for change in reversed(changes):
        if isinstance(change, Force | Forbid) and pid in _members(change, before):
            if isinstance(change, Force) and change.host == new_host:
                return f"forced to {change.host} by the change"
            if isinstance(change, Forbid) and change.host == old_host:
                return f"forbidden at {change.host} by the change"
            if isinstance(change, Force) and change.host != new_host:
                continue  # a later forbid (seen first) or a lost pin explains it instead
        if isinstance(change, HostCancels) and change.host == old_host:
            return f"host {old_host} cancelled"
        if isinstance(change, SetCapacity) and change.host == old_host:
            return f"host {old_host} changed its capacity"
    return None


def _why(
    mode: Literal["replan", "what_if"],
    pid: str,
    old_host: str,
    new_host: str | None,
    index: ProblemIndex,
    changes: list[Change],
    before: Allocation,
) -> str:
    if pid not in index.participant_pos:
        return "dropped out"
    reason = _change_reason(pid, old_host, new_host, changes, before)
    if reason is not None:
        return reason
    row, h = index.participant_pos[pid], index.host_pos.get(old_host)
    if h is not None and not index.allowed[row, h]:
        closed = [rule for rule, mask in index.pair_masks.items() if not mask[row, h]]
        return f"{old_host} is no longer open to them ({', '.join(closed)} rule)"
    team = before.team_of(pid)
    gone = [m for m in (team.members if team else []) if m not in index.participant_pos]
    if gone:
        return f"their team lost {', '.join(gone)}; no plan keeps more participants in place"
    if mode == "what_if":
        return f"the best plan after the changes sends them to {new_host}"
    where = f"to {new_host}" if new_host else "left unplaced"
    return f"moved {where} so that every hard rule holds after the changes"


def _members(change: Force | Forbid, before: Allocation) -> list[str]:
    if change.participant is not None:
        return [change.participant]
    teams = before.teams
    by_id = cached_index(before, "_team_by_id", teams, lambda: {t.id: t for t in teams})
    team = by_id.get(change.team) if change.team is not None else None
    return list(team.members) if team is not None else []


def compare(
    mode: Literal["replan", "what_if"],
    changes: list[Change],
    problem: Problem,
    before: Allocation,
    after: Allocation,
) -> PlanChange:
    index = ProblemIndex.build(problem)
    old, new = _hosts(before), _hosts(after)
    dropped = {c.participant for c in changes if isinstance(c, Dropout)}
    moves = [
        Move(
            participant=pid,
            from_host=old[pid],
            to_host=new.get(pid),
            why=_why(mode, pid, old[pid], new.get(pid), index, changes, before),
        )
        for pid in sorted(old)
        if old[pid] != new.get(pid) and pid not in dropped
    ]
    added = sorted(pid for pid in new if pid not in old)
    if after.is_feasible():
        before_terms = {t.name: t.contribution for t in before.terms}
        deltas = {t.name: t.contribution - before_terms.get(t.name, 0.0) for t in after.terms}
        delta = (after.objective or 0.0) - (before.objective or 0.0)
    else:
        deltas, delta = {}, None
    kept = sum(1 for pid, host in old.items() if new.get(pid) == host)
    return PlanChange(
        mode=mode,
        changes=changes,
        problem=problem,
        allocation=after,
        moves=moves if after.is_feasible() else [],
        added=added,
        kept=kept,
        term_deltas=deltas,
        objective_delta=delta,
        visit_moves=_visit_moves(before, after) if after.is_feasible() else [],
    )


def replan(
    problem: Problem,
    previous: Allocation,
    changes: list[Change],
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
) -> PlanChange:
    """Apply the changes and move as few participants as possible, then optimise.

    The status is ``optimal`` only when both the fewest moves and the best objective among
    plans with that many moves are proven.
    """
    return _resolve("replan", problem, previous, changes, time_limit, seed, workers)


def what_if(
    problem: Problem,
    allocation: Allocation,
    changes: list[Change],
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
) -> PlanChange:
    """Re-solve from scratch after the changes and report the difference per term."""
    return _resolve("what_if", problem, allocation, changes, time_limit, seed, workers)


def _resolve(
    mode: Literal["replan", "what_if"],
    problem: Problem,
    before: Allocation,
    changes: list[Change],
    time_limit: float,
    seed: int,
    workers: int | None,
) -> PlanChange:
    check_options(time_limit, seed, workers)
    if not isinstance(changes, list | tuple):
        kind = type(changes).__name__
        raise ProblemError.single("changes", "", f"expected a list of changes, not {kind}")
    changes = parse_changes(list(changes))  # a ProblemError naming the change, not a crash
    _check_base(problem, before)
    changed = apply_changes(problem, changes, before)
    after = solve_index(
        ProblemIndex.build(changed),
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        hint=before,
        primary=_stay_expression(_hosts(before), before.visits) if mode == "replan" else None,
    ).stamped(changed)  # icld-match version and the changed problem's hash
    return compare(mode, changes, changed, before, after)


def _check_base(problem: Problem, before: Allocation) -> None:
    """The current allocation must name hosts and participants of the problem.

    ``validate`` would report the same as ``host_known``/``placement``; here the plan is
    an input, so a mismatch is bad input (ProblemError), not a crash further down.
    """
    hosts = {h.id for h in problem.hosts}
    people = {p.id for p in problem.participants}
    issues = []
    first: dict[str, int] = {}
    for i, team in enumerate(before.teams):
        record = f"allocation.teams[{i}] (id {team.id!r})"
        if team.id in first:  # a change naming the team would reach only one of them
            message = f"duplicate team id (also teams[{first[team.id]}])"
            issues.append(ProblemIssue(record, "id", message))
        first.setdefault(team.id, i)
        if team.host not in hosts:
            issues.append(ProblemIssue(record, "host", f"unknown host {team.host!r}"))
        issues += [
            ProblemIssue(record, "members", f"unknown participant {m!r}")
            for m in team.members
            if m not in people
        ]
    if issues:
        raise ProblemError(issues)
