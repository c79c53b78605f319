"""The answer: teams, status, objective terms and solver facts, round-tripping through JSON."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from ..analysis.explain import Explanation
    from .schema import Problem


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    INVALID = "invalid"


class Team(BaseModel):
    """Two to four participants of one cohort who spend the internship at one host."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Team label, unique within the allocation, e.g. 'T03'.")
    cohort: str = Field(description="Cohort id.")
    host: str = Field(description="Host id.")
    members: list[str] = Field(description="Participant ids, sorted.")
    start: date = Field(description="First internship day.")
    end: date = Field(description="Last internship day.")
    fit: float = Field(description="Mean thematic fit of the members with the host, in [0, 1].")


class TermValue(BaseModel):
    """One named objective term: its raw value, weight and signed contribution."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Stable term name, e.g. 'thematic_fit'.")
    level: Literal["soft"] = Field("soft", description="Hard rules never enter the objective.")
    sense: Literal["reward", "penalty"] = Field(description="Rewards add, penalties subtract.")
    value: float = Field(description="Raw value of the term (e.g. summed fit, breach count).")
    weight: float = Field(description="Weight from the problem's weights.")
    contribution: float = Field(description="Signed weight * value added to the objective.")


class Unplaced(BaseModel):
    """A participant left out in relaxed mode, and why."""

    model_config = ConfigDict(frozen=True)

    participant: str = Field(description="Participant id.")
    open_hosts: list[str] = Field(description="Hosts every pair rule allows for them.")
    why: str = Field(description="Plain-language reason.")


class Allocation(BaseModel):
    """A solver answer; check it with :func:`icld_match.analysis.check` against its problem."""

    model_config = ConfigDict(frozen=True)

    status: Status = Field(description="optimal, feasible, infeasible, unknown or invalid.")
    teams: list[Team] = Field(default_factory=list, description="Teams in id order.")
    objective: float | None = Field(None, description="Sum of term contributions (maximised).")
    best_bound: float | None = Field(None, description="Proven upper bound on the objective.")
    gap: float | None = Field(
        None, description="Relative gap |bound - objective| / max(1, |objective|)."
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
    wall_time: float = Field(0.0, description="Seconds spent, model building included.")
    solve_time: float = Field(0.0, description="Seconds spent inside CP-SAT.")
    seed: int = Field(0, description="Random seed given to CP-SAT.")
    workers: int = Field(1, description="CP-SAT search workers.")
    time_limit: float | None = Field(None, description="Wall-clock limit in seconds.")
    ortools_version: str = Field("", description="OR-Tools version that produced the answer.")
    strategy: str = Field("team-slots", description="Model formulation used.")

    def is_feasible(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def team_of(self, participant_id: str) -> Team | None:
        return next((t for t in self.teams if participant_id in t.members), None)

    def term(self, name: str) -> TermValue:
        return next(t for t in self.terms if t.name == name)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def explain(self, problem: Problem) -> Explanation:
        """Every choice explained; see :func:`icld_match.analysis.explain.explain`."""
        from ..analysis.explain import (
            explain,  # lazy: explain imports check, which imports this module
        )

        return explain(problem, self)

    @classmethod
    def from_json(cls, text: str | bytes) -> Allocation:
        return cls.model_validate_json(text)

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
        if self.teams:
            lines.append("")
            lines.append(f"{'team':<6}{'cohort':<14}{'host':<22}{'dates':<24}{'fit':>5}  members")
            for team in self.teams:
                host = team.host
                members = ", ".join(team.members)
                if problem is not None:
                    host = problem.host(team.host).name
                    people = {p.id: p for p in problem.participants}
                    members = ", ".join(
                        f"{people[m].name} ({people[m].country})" if m in people else m
                        for m in team.members
                    )
                dates = f"{team.start}..{team.end}"
                lines.append(
                    f"{team.id:<6}{team.cohort:<14}{host:<22}{dates:<24}{team.fit:>5.2f}  {members}"
                )
        return "\n".join(lines)
