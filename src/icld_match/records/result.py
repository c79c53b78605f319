"""The answer: teams, status, objective terms and solver facts, round-tripping through JSON."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import ConfigDict, Field

from .base import Checked, cached_index

if TYPE_CHECKING:
    from .schema import Problem


_R = TypeVar("_R")


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    INVALID = "invalid"


class Team(Checked):
    """Two to four participants of one cohort who spend the internship at one host."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Team label, unique within the allocation, e.g. 'T03'.")
    cohort: str = Field(description="Cohort id.")
    host: str = Field(description="Host id.")
    members: list[str] = Field(description="Participant ids, sorted.")
    start: date = Field(description="First internship day.")
    end: date = Field(description="Last internship day.")
    fit: float = Field(description="Mean thematic fit of the members with the host, in [0, 1].")


class Visit(Checked):
    """A cohort's whole-group study visit placed at one host on one day."""

    model_config = ConfigDict(frozen=True)

    cohort: str = Field(description="Cohort id.")
    visit: str = Field(description="Study visit id (unique within the cohort).")
    host: str = Field(description="Host id.")
    day: date = Field(description="Day of the visit.")
    fit: float = Field(description="Thematic fit of the visit with the host's group themes.")


class TermValue(Checked):
    """One named objective term: its raw value, weight and signed contribution."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Stable term name, e.g. 'thematic_fit'.")
    level: Literal["soft"] = Field(
        default="soft", description="Hard rules never enter the objective."
    )
    sense: Literal["reward", "penalty"] = Field(description="Rewards add, penalties subtract.")
    value: float = Field(description="Raw value of the term (e.g. summed fit, breach count).")
    weight: float = Field(description="Weight from the problem's weights.")
    contribution: float = Field(description="Signed weight * value added to the objective.")


class Unplaced(Checked):
    """A participant left out in relaxed mode, and why."""

    model_config = ConfigDict(frozen=True)
    multiline_fields = frozenset({"why"})

    participant: str = Field(description="Participant id.")
    open_hosts: list[str] = Field(description="Hosts every pair rule allows for them.")
    why: str = Field(description="Plain-language reason.")


class Allocation(Checked):
    """A solver answer; check it with :func:`icld_match.analysis.check` against its problem."""

    model_config = ConfigDict(frozen=True)
    multiline_fields = frozenset({"reasons"})

    status: Status = Field(description="optimal, feasible, infeasible, unknown or invalid.")
    teams: list[Team] = Field(default_factory=list, description="Teams in id order.")
    visits: list[Visit] = Field(
        default_factory=list,
        description="Whole-group study visits, by cohort and visit id (empty when the "
        "problem asks for none).",
    )
    objective: float | None = Field(
        default=None, description="Sum of term contributions (maximised)."
    )
    best_bound: float | None = Field(
        default=None, description="Proven upper bound on the objective."
    )
    gap: float | None = Field(
        default=None, description="Relative gap |bound - objective| / max(1, |objective|)."
    )
    terms: list[TermValue] = Field(default_factory=list, description="Objective by term.")
    reasons: list[str] = Field(
        default_factory=list,
        description="Plain-language reasons when no allocation (or, in relaxed mode, no "
        "complete one) exists.",
    )
    unplaced: list[Unplaced] = Field(
        default_factory=list, description="Participants left out (relaxed mode only)."
    )
    wall_time: float = Field(default=0.0, description="Seconds spent, model building included.")
    solve_time: float = Field(default=0.0, description="Seconds spent inside CP-SAT.")
    seed: int = Field(default=0, description="Random seed given to CP-SAT.")
    workers: int = Field(default=1, description="CP-SAT search workers.")
    time_limit: float | None = Field(default=None, description="Wall-clock limit in seconds.")
    ortools_version: str = Field(
        default="", description="OR-Tools version that produced the answer."
    )
    strategy: str = Field(default="team-slots", description="Model formulation used.")
    icld_match_version: str = Field(
        default="", description="icld-match version that produced the answer ('' if unknown)."
    )
    problem_sha256: str = Field(
        default="",
        description="SHA-256 of the problem's canonical JSON (keys sorted, no spaces), so a "
        "plan can be matched to the problem it was made for ('' if unknown).",
    )

    def is_feasible(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def team_of(self, participant_id: str) -> Team | None:
        """The participant's team, in O(1) after the first call; None if unplaced."""
        teams = self.teams
        table = cached_index(
            self, "_team_of", teams, lambda: {m: t for t in teams for m in t.members}
        )
        return table.get(participant_id)

    def term(self, name: str) -> TermValue:
        """The objective term with this name; ``KeyError`` naming it if there is none."""
        for term in self.terms:
            if term.name == name:
                return term
        known = ", ".join(t.name for t in self.terms) or "none"
        raise KeyError(f"no objective term named {name!r} (terms: {known})")

    def stamped(self, problem: Problem, digest: str | None = None) -> Allocation:
        """This allocation marked with the icld-match version and the problem's hash, so
        that a file says which program made it and for which problem (``digest``: that
        hash, computed earlier)."""
        from .. import __version__

        digest = digest if digest is not None else problem_sha256(problem)
        return self.model_copy(update={"icld_match_version": __version__, "problem_sha256": digest})

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> Allocation:
        """Parse JSON text (ProblemError on bad input); files: ``icld_match.load_allocation``."""
        if isinstance(text, bytes):
            return cls.model_validate_json(text.removeprefix(b"\xef\xbb\xbf"))
        return cls.model_validate_json(text.removeprefix("\ufeff"))

    def summary(self, problem: Problem | None = None) -> str:
        """A readable report; with the problem, names are shown beside ids."""
        lines = [f"status: {self.status.value}"]
        if self.objective is not None:
            gap = f"  gap {self.gap:.2%}" if self.gap is not None else ""
            bound = f"  bound {self.best_bound:.3f}" if self.best_bound is not None else ""
            lines.append(f"objective: {self.objective:.3f}{bound}{gap}")
        lines.append(
            f"time: {self.wall_time:.2f}s (CP-SAT {self.solve_time:.2f}s)  seed {self.seed}  "
            f"workers {self.workers}  OR-Tools {self.ortools_version}"
        )
        lines += [f"unplaced: {u.participant}: {u.why}" for u in self.unplaced]
        lines += [f"reason: {r}" for r in self.reasons]
        if self.terms:
            lines.append("")
            lines.append(f"{'term':<16}{'sense':<9}{'value':>9}{'weight':>8}{'contrib':>10}")
            for t in self.terms:
                lines.append(
                    f"{t.name:<16}{t.sense:<9}{t.value:>9.3f}{t.weight:>8.2f}{t.contribution:>10.3f}"
                )
        if problem is not None and self.teams:
            lines += self._travel_lines(problem)
        if self.teams:
            rows = [self._team_cells(team, problem) for team in self.teams]
            lines.append("")
            lines += _columns(["team", "cohort", "host", "dates", "fit", "members"], rows)
        if self.visits:
            lines.append("")
            lines += _columns(
                ["visit", "cohort", "day", "fit", "host"],
                [self._visit_cells(v, problem) for v in self.visits],
            )
        return "\n".join(lines)

    def _travel_lines(self, problem: Problem) -> list[str]:
        """Per cohort what its teams' and study visits' trips cost (and its budget), when
        trips cost anything."""
        from .travel import travel_cost, uses_travel, visit_travel_cost

        if not uses_travel(problem):
            return []
        spent = {c.id: 0.0 for c in problem.cohorts}
        for team in self.teams:
            try:
                spent[team.cohort] += travel_cost(problem, team.cohort, team.host)
            except KeyError:
                continue  # an unknown cohort or host: a breach for check, no cost here
        for visit in self.visits:
            try:
                spent[visit.cohort] += visit_travel_cost(problem, visit.cohort, visit.host)
            except KeyError:
                continue
        lines = ["", "travel by cohort (SEK)"]
        for cohort in problem.cohorts:
            budget = cohort.travel_budget
            limit = f" (budget {budget:,.2f})" if budget is not None else ""
            lines.append(f"  {cohort.id}: {spent[cohort.id]:,.2f}{limit}")
        if problem.travel_budget is not None:
            total = sum(spent.values())
            lines.append(f"  season: {total:,.2f} (budget {problem.travel_budget:,.2f})")
        return lines

    @staticmethod
    def _visit_cells(visit: Visit, problem: Problem | None) -> list[str]:
        host = visit.host
        if problem is not None:
            host = _or_id(problem.host, visit.host, lambda h: h.name)
        return [visit.visit, visit.cohort, str(visit.day), f"{visit.fit:.2f}", host]

    def _team_cells(self, team: Team, problem: Problem | None) -> list[str]:
        """One team's cells; names come from the problem's O(1) id lookups when given."""
        host, members = team.host, ", ".join(team.members)
        if problem is not None:
            host = _or_id(problem.host, team.host, lambda h: h.name)
            members = ", ".join(
                _or_id(problem.participant, m, lambda p: f"{p.name} ({p.country})")
                for m in team.members
            )
        return [team.id, team.cohort, host, f"{team.start}..{team.end}", f"{team.fit:.2f}", members]


#: Columns of the team table that are right-aligned (numbers).
_RIGHT = frozenset({"fit"})


def _columns(header: list[str], rows: list[list[str]]) -> list[str]:
    """A plain-text table whose columns are as wide as their longest cell plus two spaces,
    so long cohort ids or host names never run into the next column; the last column is
    not padded (no trailing spaces when piped)."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.rjust(width) if name in _RIGHT else cell.ljust(width)
            for name, cell, width in zip(header[:-1], row[:-1], widths, strict=False)
        ]
        lines.append("  ".join([*cells, row[-1]]))
    return lines


def problem_sha256(problem: Problem) -> str:
    """SHA-256 of the problem's canonical JSON: its data as validated (names normalised),
    values equal to their defaults left out, keys sorted, no whitespace. Equal problems give
    equal hashes whatever the file's layout or key order, and a field added by a later
    version with a default that keeps the old meaning leaves old plans matching."""
    data = problem.model_dump(mode="json", exclude_defaults=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _or_id(find: Callable[[str], _R], key: str, show: Callable[[_R], str]) -> str:
    """A record shown by name, or its bare id when the problem does not know it."""
    try:
        return show(find(key))
    except KeyError:
        return key
