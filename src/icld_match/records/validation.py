"""Cross-record validation: gathers every inconsistency between records into one error."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .errors import ProblemError, ProblemIssue

if TYPE_CHECKING:
    from .schema import Problem


def _label(collection: str, index: int, record_id: object | None = None) -> str:
    return f"{collection}[{index}]" + (f" (id {record_id!r})" if record_id is not None else "")


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def problem_issues(problem: Problem) -> list[ProblemIssue]:
    """Every cross-record problem: unknown or duplicate ids, empty cohorts, double pins."""
    issues: list[ProblemIssue] = []

    def add(record: str, field: str, message: str) -> None:
        issues.append(ProblemIssue(record, field, message))

    id_lists: dict[str, list[str]] = {
        "cohorts": [c.id for c in problem.cohorts],
        "participants": [p.id for p in problem.participants],
        "hosts": [h.id for h in problem.hosts],
    }
    for name, ids in id_lists.items():
        dup = _duplicates(ids)
        for i, record_id in enumerate(ids):
            if record_id in dup:
                add(_label(name, i, record_id), "id", f"duplicate id {record_id!r}")

    cohort_ids = {c.id for c in problem.cohorts}
    host_ids = {h.id for h in problem.hosts}
    participant_cohort = {p.id: p.cohort for p in problem.participants}

    def unknown_hosts(record: str, field: str, ids: Sequence[str]) -> None:
        for h in ids:
            if h not in host_ids:
                add(record, field, f"unknown host {h!r}")
        for h in _duplicates(ids):
            add(record, field, f"host {h!r} listed twice")

    def unknown_participants(record: str, field: str, ids: Sequence[str]) -> None:
        for p in ids:
            if p not in participant_cohort:
                add(record, field, f"unknown participant {p!r}")
        for p in _duplicates(ids):
            add(record, field, f"participant {p!r} listed twice")

    for i, p in enumerate(problem.participants):
        label = _label("participants", i, p.id)
        if p.cohort not in cohort_ids:
            add(label, "cohort", f"unknown cohort {p.cohort!r}")
        unknown_hosts(label, "wishes", p.wishes)
        unknown_hosts(label, "blocked_hosts", p.blocked_hosts)
        for h in set(p.wishes) & set(p.blocked_hosts):
            add(label, "wishes", f"host {h!r} is both wished for and blocked")
        for field in ("languages", "themes", "access_needs"):
            for tag in _duplicates(t.casefold() for t in getattr(p, field)):
                add(label, field, f"tag {tag!r} listed twice (tags ignore case)")

    for i, host in enumerate(problem.hosts):
        for field in ("languages", "themes", "accessibility"):
            for tag in _duplicates(t.casefold() for t in getattr(host, field)):
                add(
                    _label("hosts", i, host.id),
                    field,
                    f"tag {tag!r} listed twice (tags ignore case)",
                )

    head_count = Counter(p.cohort for p in problem.participants)
    for i, c in enumerate(problem.cohorts):
        if head_count[c.id] == 0:
            add(_label("cohorts", i, c.id), "id", "cohort has no participants")

    pinned: dict[str, str] = {}
    for i, pin in enumerate(problem.pins):
        label = _label("pins", i)
        unknown_participants(label, "participant", [pin.participant])
        unknown_hosts(label, "host", [pin.host])
        earlier = pinned.setdefault(pin.participant, pin.host)
        if earlier != pin.host:
            add(
                label,
                "participant",
                f"{pin.participant!r} is pinned to both {earlier!r} and {pin.host!r}",
            )

    for name, member_lists in (
        ("keep_together", [g.members for g in problem.keep_together]),
        ("keep_apart", [g.members for g in problem.keep_apart]),
    ):
        for i, members in enumerate(member_lists):
            label = _label(name, i)
            unknown_participants(label, "members", members)
            cohorts = {participant_cohort[m] for m in members if m in participant_cohort}
            if name == "keep_together" and len(cohorts) > 1:
                add(
                    label,
                    "members",
                    "members come from different cohorts "
                    f"({', '.join(sorted(cohorts))}); a team holds one cohort only",
                )

    seen_pairs: set[tuple[str, str]] = set()
    for i, a in enumerate(problem.affinities):
        label = _label("affinities", i)
        unknown_participants(label, "participant", [a.participant])
        unknown_hosts(label, "host", [a.host])
        if (a.participant, a.host) in seen_pairs:
            add(label, "host", f"second affinity for ({a.participant!r}, {a.host!r})")
        seen_pairs.add((a.participant, a.host))
    return issues


def raise_for_problem_issues(problem: Problem) -> None:
    issues = problem_issues(problem)
    if issues:
        raise ProblemError(issues)


def issues_from_validation_error(error: ValidationError, data: Any) -> list[ProblemIssue]:
    """Turn pydantic's field errors into issues that name the record (with its id) and field."""
    issues = []
    for e in error.errors():
        loc = list(e["loc"])
        record, field = "problem", ""
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            collection, index = loc[0], loc[1]
            record_id = None
            with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
                record_id = data[collection][index].get("id")
            record = _label(collection, index, record_id)
            field = ".".join(str(part) for part in loc[2:])
        elif loc:
            record, field = str(loc[0]), ".".join(str(part) for part in loc[1:])
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] not in ("missing", "extra_forbidden") and "input" in e:
            shown = repr(e["input"])
            if len(shown) <= 60:
                message += f" (got {shown})"
        issues.append(ProblemIssue(record, field, message))
    return issues


def parse_problem(data: Any) -> Problem:
    """Validate already-decoded JSON data; raise ProblemError with every issue found."""
    from .schema import Problem

    try:
        return Problem.model_validate(data)
    except ValidationError as error:
        raise ProblemError(issues_from_validation_error(error, data)) from None


def parse_problem_json(text: str | bytes, source: str = "input") -> Problem:
    """Parse JSON text; ``source`` (e.g. the file name) labels syntax errors."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ProblemError.single(source, "", f"not valid JSON at {where}: {error.msg}") from None
    except RecursionError:
        raise ProblemError.single(source, "", "not valid JSON: nested too deeply") from None
    return parse_problem(data)
