"""Changes to a problem after planning: dropouts, late additions, hosts cancelling, what-ifs.

Each change is a small record with a ``kind``; :func:`apply_changes` returns a new,
validated problem and never touches the original.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from ..records.errors import ProblemError, ProblemIssue, field_path, issues_from_validation_error
from ..records.result import Allocation
from ..records.schema import Count, Id, Participant, Problem, Record


class Dropout(Record):
    """A participant no longer comes."""

    kind: Literal["dropout"] = Field(default="dropout", description="Which change this is.")
    participant: Id = Field(description="Id of the participant who drops out.")


class AddParticipant(Record):
    """A late addition to a cohort."""

    kind: Literal["add_participant"] = Field(
        default="add_participant", description="Which change this is."
    )
    participant: Participant = Field(description="The new participant, as in a problem.")


class HostCancels(Record):
    """A host can no longer receive anyone (it becomes unavailable on every date)."""

    kind: Literal["host_cancels"] = Field(
        default="host_cancels", description="Which change this is."
    )
    host: Id = Field(description="Id of the host that cancels.")


class SetCapacity(Record):
    """A host's capacity changes; fields left out keep their value."""

    kind: Literal["set_capacity"] = Field(
        default="set_capacity", description="Which change this is."
    )
    host: Id = Field(description="Id of the host whose capacity changes.")
    max_teams: Count | None = Field(default=None, description="New max_teams; null keeps it.")
    max_participants: Count | None = Field(
        default=None, description="New max_participants; null keeps it."
    )

    @model_validator(mode="after")
    def _changes_something(self) -> SetCapacity:
        if self.max_teams is None and self.max_participants is None:
            raise ValueError("give max_teams and/or max_participants: this change changes nothing")
        return self


class Force(Record):
    """Send a participant, or every member of a team of the base allocation, to a host."""

    kind: Literal["force"] = Field(default="force", description="Which change this is.")
    host: Id
    participant: Id | None = Field(default=None, description="A participant id, or")
    team: str | None = Field(default=None, description="a team id of the base allocation.")


class Forbid(Record):
    """Keep a participant, or every member of a team of the base allocation, from a host."""

    kind: Literal["forbid"] = Field(default="forbid", description="Which change this is.")
    host: Id
    participant: Id | None = Field(default=None, description="A participant id, or")
    team: str | None = Field(default=None, description="a team id of the base allocation.")


Change = Annotated[
    Dropout | AddParticipant | HostCancels | SetCapacity | Force | Forbid,
    Field(discriminator="kind"),
]
#: Validates and describes (``json_schema()``) a changes file: a JSON list of changes.
CHANGES_ADAPTER: TypeAdapter[list[Change]] = TypeAdapter(list[Change])


def parse_changes(data: Any) -> list[Change]:
    """Validate decoded JSON (a list of changes); errors name the change and field."""
    try:
        return CHANGES_ADAPTER.validate_python(data)
    except ValidationError as error:
        issues = []
        for issue, e in zip(issues_from_validation_error(error, None), error.errors(), strict=True):
            loc = e["loc"]  # (index, kind tag, field, ...) or (index,) or ()
            if loc and isinstance(loc[0], int):
                record, field = f"changes[{loc[0]}]", field_path(loc[2:])
            else:
                record, field = "changes", ""
            issues.append(ProblemIssue(record, field, issue.message))
        raise ProblemError(issues) from None


def _force_or_forbid(
    data: dict[str, Any], change: Force | Forbid, base: Allocation | None, label: str
) -> list[ProblemIssue]:
    """Pin (force) or block (forbid) the host for the change's participant or team."""
    try:
        members = _who(change, base, label)
    except ProblemError as error:
        return list(error.issues)
    issues = []
    for pid in members:
        record = next((p for p in data["participants"] if p["id"] == pid), None)
        if record is None:
            if change.team is None:  # a team's member who left is skipped
                issues.append(ProblemIssue(label, "participant", f"unknown {pid!r}"))
            continue
        # a force replaces the participant's pin; a forbid drops a pin to that host
        data["pins"] = [
            x
            for x in data["pins"]
            if x["participant"] != pid or (isinstance(change, Forbid) and x["host"] != change.host)
        ]
        if isinstance(change, Force):
            data["pins"].append({"participant": pid, "host": change.host})
            record["blocked_hosts"] = [h for h in record["blocked_hosts"] if h != change.host]
        elif change.host not in record["blocked_hosts"]:
            record["blocked_hosts"].append(change.host)
            record["wishes"] = _without_wish(record["wishes"], change.host)
    return issues


def _who(change: Force | Forbid, base: Allocation | None, label: str) -> list[str]:
    if (change.participant is None) == (change.team is None):
        raise ProblemError.single(label, "participant", "give exactly one of participant, team")
    if change.participant is not None:
        return [change.participant]
    team = next((t for t in base.teams if t.id == change.team), None) if base else None
    if team is None:
        raise ProblemError.single(label, "team", f"no team {change.team!r} in the base allocation")
    return list(team.members)


def apply_changes(
    problem: Problem, changes: list[Change], base: Allocation | None = None
) -> Problem:
    """The problem after the changes, validated again (a ProblemError lists what is wrong)."""
    data = problem.model_dump(mode="json")
    participants: list[dict[str, Any]] = data["participants"]
    hosts = {h["id"]: h for h in data["hosts"]}
    issues: list[ProblemIssue] = []
    for i, change in enumerate(changes):
        label = f"changes[{i}]"
        host_id = getattr(change, "host", None)
        if host_id is not None and host_id not in hosts:
            issues.append(ProblemIssue(label, "host", f"unknown host {host_id!r}"))
            continue
        match change:
            case Dropout(participant=pid):
                if not any(p["id"] == pid for p in participants):
                    issues.append(ProblemIssue(label, "participant", f"unknown {pid!r}"))
                participants[:] = [p for p in participants if p["id"] != pid]
                _forget(data, pid)
            case AddParticipant(participant=new):
                participants.append(new.model_dump(mode="json"))
            case HostCancels(host=hid):
                hosts[hid]["available"] = []
            case SetCapacity():
                for name in ("max_teams", "max_participants"):
                    if getattr(change, name) is not None:
                        hosts[change.host]["capacity"][name] = getattr(change, name)
            case Force() | Forbid():
                issues += _force_or_forbid(data, change, base, label)
    if not participants and changes:
        issues.append(ProblemIssue("changes", "", "they leave no participant in the problem"))
    if issues:
        raise ProblemError(issues)
    # A participant added by a change is reported as participants[N] of the new problem.
    return Problem.model_validate(data)


def _without_wish(wishes: list[Any], host_id: str) -> list[Any]:
    """The wishes without one host: taken out of a tie too; a tie left empty is dropped."""
    kept: list[Any] = []
    for entry in wishes:
        if isinstance(entry, str):
            if entry != host_id:
                kept.append(entry)
        elif rest := [h for h in entry if h != host_id]:
            kept.append(rest)
    return kept


def _forget(data: dict[str, Any], pid: str) -> None:
    """Remove a participant from pins, groups and affinities; drop groups left too small."""
    data["pins"] = [x for x in data["pins"] if x["participant"] != pid]
    data["affinities"] = [x for x in data["affinities"] if x["participant"] != pid]
    for name in ("keep_together", "keep_apart"):
        groups = [{**g, "members": [m for m in g["members"] if m != pid]} for g in data[name]]
        data[name] = [g for g in groups if len(g["members"]) >= 2]
