"""Cross-record validation: gathers every inconsistency between records into one error.

Imported by :mod:`icld_match.records.schema`, which runs it after the field checks, and,
when some records fail those, over the records that passed them (:class:`Records`), so
that one run reports every problem. It refers to the schema for types only, so the
import goes one way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from .errors import ProblemError, ProblemIssue, label
from .travel import UNITS_PER_SEK, travel_cost_matrix, uses_travel

if TYPE_CHECKING:
    from .schema import (
        Affinity,
        Cohort,
        Host,
        KeepApart,
        KeepTogether,
        Participant,
        PastVisit,
        Pin,
        Problem,
        Rules,
        TravelCost,
    )

#: Objective coefficients are weight x value x SCALE rounded to integers; CP-SAT sums
#: them in 64 bits. A problem whose largest possible objective exceeds this is refused
#: before the solver sees it (2**53: every integer up to it is exact as a float).
MAX_OBJECTIVE_UNITS = 2.0**53
OBJECTIVE_SCALE = 1000  # mirrors icld_match.engine.model.SCALE (asserted in the tests)

_label = label


_R = TypeVar("_R")


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


@dataclass(frozen=True)
class Records:
    """What the cross-record checks read: the records of a problem, by their place in the
    input (messages name ``participants[4]`` as the user numbers it).

    A record that failed its own field checks is ``None`` in its list, and every check
    that needs it is skipped; its id (and a participant's cohort) as written, when that is
    text, stays in ``ids`` (``participant_cohorts``), so that references to it are not
    reported as unknown and duplicate ids are still found. A ``None`` there (an id that
    is not text, or a list that is not a list) means no reference to that kind of record
    can be called unknown, and no cohort empty. ``rules`` is ``None`` when the rules
    failed their checks. :meth:`of` gives the records of a valid problem.
    """

    cohorts: Sequence[Cohort | None]
    participants: Sequence[Participant | None]
    hosts: Sequence[Host | None]
    pins: Sequence[Pin | None]
    keep_together: Sequence[KeepTogether | None]
    keep_apart: Sequence[KeepApart | None]
    affinities: Sequence[Affinity | None]
    history: Sequence[PastVisit | None]
    hosts_in_use: Sequence[str | None]
    travel_costs: Sequence[TravelCost | None]
    rules: Rules | None
    #: "cohorts", "participants", "hosts" -> the id of each record (None: not text).
    ids: Mapping[str, Sequence[str | None]]
    #: The cohort of each participant (None: not text).
    participant_cohorts: Sequence[str | None]

    @classmethod
    def of(cls, problem: Problem) -> Records:
        return cls(
            cohorts=problem.cohorts,
            participants=problem.participants,
            hosts=problem.hosts,
            pins=problem.pins,
            keep_together=problem.keep_together,
            keep_apart=problem.keep_apart,
            affinities=problem.affinities,
            history=problem.history,
            hosts_in_use=problem.hosts_in_use,
            travel_costs=problem.travel_costs,
            rules=problem.rules,
            ids={
                "cohorts": [c.id for c in problem.cohorts],
                "participants": [p.id for p in problem.participants],
                "hosts": [h.id for h in problem.hosts],
            },
            participant_cohorts=[p.cohort for p in problem.participants],
        )


def _valid(records: Sequence[_R | None]) -> Iterable[tuple[int, _R]]:
    """(index in the input, record) for each record that passed its field checks."""
    return ((i, r) for i, r in enumerate(records) if r is not None)


class _Issues:
    """The issues found so far, and the id look-ups every check shares."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.found: list[ProblemIssue] = []
        #: "cohorts", "hosts", "participants" -> the ids of those records (broken ones too).
        self.ids = {kind: {i for i in ids if i is not None} for kind, ids in records.ids.items()}
        self.participant_cohort = {p.id: p.cohort for _, p in _valid(records.participants)}
        #: Kinds of record of which some id cannot be read: no reference to them is unknown.
        self.unreadable = {kind for kind, ids in records.ids.items() if None in ids}

    def unknown(self, kind: str, record_id: str) -> bool:
        """Whether ``record_id`` names no record of ``kind`` ("cohorts", "hosts" or
        "participants"); False when that cannot be told."""
        return kind not in self.unreadable and record_id not in self.ids[kind]

    def add(self, record: str, field: str, message: str) -> None:
        self.found.append(ProblemIssue(record, field, message))

    def unknown_hosts(self, record: str, field: str, ids: Sequence[str]) -> None:
        for h in ids:
            if self.unknown("hosts", h):
                self.add(record, field, f"unknown host {h!r}")
        for h in _duplicates(ids):
            self.add(record, field, f"host {h!r} listed twice")

    def unknown_participants(self, record: str, field: str, ids: Sequence[str]) -> None:
        for p in ids:
            if self.unknown("participants", p):
                self.add(record, field, f"unknown participant {p!r}")
        for p in _duplicates(ids):
            self.add(record, field, f"participant {p!r} listed twice")


def problem_issues(problem: Problem) -> list[ProblemIssue]:
    """Every cross-record problem: unknown or duplicate ids, empty cohorts, double pins."""
    return record_issues(Records.of(problem))


def record_issues(records: Records) -> list[ProblemIssue]:
    """Every cross-record problem among ``records``, skipping the checks that need a
    record which failed its field checks."""
    issues = _Issues(records)
    _duplicate_ids(issues)
    _participant_issues(issues)
    _host_tag_issues(issues)
    _cohort_issues(issues)
    issues.found += study_visit_issues(records)
    _pin_issues(issues)
    _group_issues(issues)
    _rule_issues(issues)
    _affinity_issues(issues)
    for i, visit in _valid(records.history):
        issues.unknown_hosts(_label("history", i), "host", [visit.host])
    in_use = [h for h in records.hosts_in_use if h is not None]
    issues.unknown_hosts("problem", "hosts_in_use", in_use)
    _travel_cost_issues(issues)
    return issues.found


def _duplicate_ids(issues: _Issues) -> None:
    for name, ids in issues.records.ids.items():
        dup = _duplicates(i for i in ids if i is not None)
        for i, record_id in enumerate(ids):
            if record_id in dup:
                issues.add(_label(name, i, record_id), "id", f"duplicate id {record_id!r}")


def _participant_issues(issues: _Issues) -> None:
    for i, p in _valid(issues.records.participants):
        label = _label("participants", i, p.id)
        if issues.unknown("cohorts", p.cohort):
            issues.add(label, "cohort", f"unknown cohort {p.cohort!r}")
        wished = [h for entry in p.wishes for h in ([entry] if isinstance(entry, str) else entry)]
        issues.unknown_hosts(label, "wishes", wished)
        issues.unknown_hosts(label, "blocked_hosts", p.blocked_hosts)
        for h in sorted(set(wished) & set(p.blocked_hosts)):
            issues.add(label, "wishes", f"host {h!r} is both wished for and blocked")
        for field in ("languages", "themes", "access_needs"):
            for tag in _duplicates(t.casefold() for t in getattr(p, field)):
                issues.add(label, field, f"tag {tag!r} listed twice (tags ignore case)")


def _host_tag_issues(issues: _Issues) -> None:
    for i, host in _valid(issues.records.hosts):
        for field in ("languages", "themes", "accessibility"):
            for tag in _duplicates(t.casefold() for t in getattr(host, field)):
                message = f"tag {tag!r} listed twice (tags ignore case)"
                issues.add(_label("hosts", i, host.id), field, message)


def _cohort_issues(issues: _Issues) -> None:
    cohorts = issues.records.participant_cohorts
    if None in cohorts:  # a participant of unknown cohort might belong to any of them
        return
    head_count = Counter(cohorts)
    for i, c in _valid(issues.records.cohorts):
        if head_count[c.id] == 0:
            issues.add(_label("cohorts", i, c.id), "id", "cohort has no participants")


def _pin_issues(issues: _Issues) -> None:
    pinned: dict[str, str] = {}
    for i, pin in _valid(issues.records.pins):
        label = _label("pins", i)
        issues.unknown_participants(label, "participant", [pin.participant])
        issues.unknown_hosts(label, "host", [pin.host])
        earlier = pinned.setdefault(pin.participant, pin.host)
        if earlier != pin.host:
            message = f"{pin.participant!r} is pinned to both {earlier!r} and {pin.host!r}"
            issues.add(label, "participant", message)


def _group_issues(issues: _Issues) -> None:
    records = issues.records
    for name, member_lists in (
        ("keep_together", [g.members if g else None for g in records.keep_together]),
        ("keep_apart", [g.members if g else None for g in records.keep_apart]),
    ):
        for i, members in _valid(member_lists):
            label = _label(name, i)
            issues.unknown_participants(label, "members", members)
            known = issues.participant_cohort
            cohorts = {known[m] for m in members if m in known}
            if name == "keep_together" and len(cohorts) > 1:
                issues.add(
                    label,
                    "members",
                    "members come from different cohorts "
                    f"({', '.join(sorted(cohorts))}); a team holds one cohort only",
                )


def _rule_issues(issues: _Issues) -> None:
    rules = issues.records.rules
    if rules is None:
        return
    soft_floor = rules.fit_floor is not None and rules.fit_floor_strictness == "soft"
    if rules.objective == "lexicographic" and soft_floor:
        issues.add(
            "rules",
            "objective",
            "'lexicographic' holds the best lowest fit as a hard floor, which replaces a "
            "soft fit_floor; make the floor hard or use objective 'sum'",
        )


def _affinity_issues(issues: _Issues) -> None:
    seen_pairs: set[tuple[str, str]] = set()
    for i, a in _valid(issues.records.affinities):
        label = _label("affinities", i)
        issues.unknown_participants(label, "participant", [a.participant])
        issues.unknown_hosts(label, "host", [a.host])
        if (a.participant, a.host) in seen_pairs:
            issues.add(label, "host", f"second affinity for ({a.participant!r}, {a.host!r})")
        seen_pairs.add((a.participant, a.host))


def _travel_cost_issues(issues: _Issues) -> None:
    """Supplied trip costs name known cohorts and hosts, at most once per pair."""
    seen: set[tuple[str, str]] = set()
    for i, given in _valid(issues.records.travel_costs):
        label = _label("travel_costs", i)
        if issues.unknown("cohorts", given.cohort):
            issues.add(label, "cohort", f"unknown cohort {given.cohort!r}")
        if issues.unknown("hosts", given.host):
            issues.add(label, "host", f"unknown host {given.host!r}")
        if (given.cohort, given.host) in seen:
            message = f"second travel cost for ({given.cohort!r}, {given.host!r})"
            issues.add(label, "host", message)
        seen.add((given.cohort, given.host))


def latest_season_teams(problem: Problem) -> dict[str, int]:
    """Host id -> teams it received in the latest season of the history (seasons sort as
    text); empty without history."""
    if not problem.history:
        return {}
    latest = max(v.season for v in problem.history)
    teams: Counter[str] = Counter()
    for visit in problem.history:
        if visit.season == latest:
            teams[visit.host] += visit.teams
    return dict(teams)


def study_visit_issues(records: Records) -> list[ProblemIssue]:
    """Study visits: ids unique within a cohort, no day or theme given twice; a host's
    group-visit themes listed once each (tags ignore case)."""
    issues: list[ProblemIssue] = []
    for i, cohort in _valid(records.cohorts):
        label = _label("cohorts", i, cohort.id)
        ids = [v.id for v in cohort.study_visits]
        for k, visit in enumerate(cohort.study_visits):
            field = f"study_visits[{k}]"
            if visit.id in _duplicates(ids):
                message = f"duplicate visit id {visit.id!r}"
                issues.append(ProblemIssue(label, f"{field}.id", message))
            for day in _duplicates(str(d) for d in visit.days or []):
                issues.append(ProblemIssue(label, f"{field}.days", f"day {day} listed twice"))
            for tag in _duplicates(t.casefold() for t in visit.themes):
                issues.append(
                    ProblemIssue(
                        label, f"{field}.themes", f"tag {tag!r} listed twice (tags ignore case)"
                    )
                )
    for i, host in _valid(records.hosts):
        offer = host.group_visits
        for tag in _duplicates(t.casefold() for t in (offer.themes if offer else {})):
            issues.append(
                ProblemIssue(
                    _label("hosts", i, host.id),
                    "group_visits.themes",
                    f"tag {tag!r} listed twice (tags ignore case)",
                )
            )
    return issues


def objective_range_issues(problem: Problem) -> list[ProblemIssue]:
    """A weight so large that the scaled objective would overflow CP-SAT's integers.

    Each term's raw value is bounded by a count of the problem (participants, or cohorts
    x hosts for host spread); the bound times the weight times the scale must stay below
    :data:`MAX_OBJECTIVE_UNITS`. The field bounds make this hold for any realistic size,
    so it names the weight to lower only for absurd combinations.
    """
    people = len(problem.participants)
    largest = max((c.team_size.max for c in problem.cohorts), default=1)
    dearest = _dearest_trip(problem)
    if people * dearest * UNITS_PER_SEK > MAX_OBJECTIVE_UNITS:
        return [
            ProblemIssue(
                "travel",
                "cost_per_km",
                f"travel costs up to {dearest:.3g} SEK a trip are too large for this problem: "
                f"with {people} participants the summed cost could exceed the solver's "
                "integer range",
            )
        ]
    bounds = {
        "thematic_fit": people,
        "country_mix": people * largest,
        "organisation": people * largest,
        "wishes": people,
        "host_spread": len(problem.cohorts) * len(problem.hosts),
        "partnership": people,
        "season_spread": len(problem.hosts),
        "host_relief": people * max(latest_season_teams(problem).values(), default=0),
        "revisit": people,
        "fit_floor": people,
        "worst_fit": 1,
        "travel": people * dearest / 1000,
        "visit_fit": sum(len(c.study_visits) for c in problem.cohorts),
    }
    weights = problem.weights.model_dump()
    total = sum(weights[name] * bound for name, bound in bounds.items()) * OBJECTIVE_SCALE
    if total <= MAX_OBJECTIVE_UNITS:
        return []
    name = max(bounds, key=lambda n: weights[n] * bounds[n])
    return [
        ProblemIssue(
            "weights",
            name,
            f"too large for this problem (got {weights[name]:g}): with "
            f"{people} participants the objective could exceed the solver's integer "
            "range; scale all weights down",
        )
    ]


def _dearest_trip(problem: Problem) -> float:
    """The most one trip of the problem costs (SEK); 0 without travel data."""
    if not uses_travel(problem):
        return 0.0
    return float(travel_cost_matrix(problem).max(initial=0.0))


def raise_for_problem_issues(problem: Problem) -> None:
    issues = problem_issues(problem) or objective_range_issues(problem)
    if issues:
        raise ProblemError(issues)


def raise_for_objective_range(problem: Problem) -> None:
    """Called by ``solve`` too: a problem built without validation (``model_construct``)
    must still fail with a ProblemError naming the weight, never inside CP-SAT."""
    issues = objective_range_issues(problem)
    if issues:
        raise ProblemError(issues)
