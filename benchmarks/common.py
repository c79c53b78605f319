"""Plain-numpy views of a problem shared by the generator and the peers.

Written from the README's rules, not from ``icld_match``'s model code, so the peers are a
second implementation of the rules (their answers are checked by ``icld_match.analysis.check``).
Only :func:`icld_match.fit_matrix`, the README's definition of thematic fit, is reused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from icld_match import Cohort, Host, Problem, Team, fit_matrix

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _incidence(rows: list[Iterable[str]], vocabulary: dict[str, int]) -> BoolMatrix:
    out = np.zeros((len(rows), len(vocabulary)), dtype=np.bool_)
    for r, tags in enumerate(rows):
        for tag in tags:
            out[r, vocabulary[tag.casefold()]] = True
    return out


def _vocabulary(*groups: list[Iterable[str]]) -> dict[str, int]:
    vocabulary: dict[str, int] = {}
    for rows in groups:
        for tags in rows:
            for tag in tags:
                vocabulary.setdefault(tag.casefold(), len(vocabulary))
    return vocabulary


def _open_for(host: Host, cohort: Cohort) -> bool:
    """Open on the cohort's fixed dates, or (a window) on some start within it."""
    if cohort.internship is not None:
        return host.is_available(cohort.internship)
    return any(host.is_available(cohort.dates_from(s)) for s in cohort.starts())


def open_hosts(problem: Problem, *, pins: bool = True, blocked: bool = True) -> BoolMatrix:
    """participants x hosts: True where dates, language, access, blocked hosts and pins allow."""
    participants, hosts, cohorts = problem.participants, problem.hosts, problem.cohorts
    cohort_pos = {c.id: i for i, c in enumerate(cohorts)}
    host_pos = {h.id: i for i, h in enumerate(hosts)}
    cohort_of = np.asarray([cohort_pos[p.cohort] for p in participants], dtype=np.int64)
    dates = np.asarray([[_open_for(h, c) for h in hosts] for c in cohorts])
    allowed: BoolMatrix = dates[cohort_of]
    langs = _vocabulary([p.languages for p in participants], [h.languages for h in hosts])
    speaks = _incidence([p.languages for p in participants], langs).astype(np.int32)
    works = _incidence([h.languages for h in hosts], langs).astype(np.int32)
    allowed &= (speaks @ works.T) > 0
    access = _vocabulary([p.access_needs for p in participants], [h.accessibility for h in hosts])
    if access:
        needs = _incidence([p.access_needs for p in participants], access).astype(np.int32)
        offers = _incidence([h.accessibility for h in hosts], access)
        allowed &= (needs @ (~offers).T.astype(np.int32)) == 0
    if blocked:
        for r, p in enumerate(participants):
            for h in p.blocked_hosts:
                allowed[r, host_pos[h]] = False
    if pins:
        row_of = {p.id: r for r, p in enumerate(participants)}
        for pin in problem.pins:
            r = row_of[pin.participant]
            keep = allowed[r, host_pos[pin.host]]
            allowed[r, :] = False
            allowed[r, host_pos[pin.host]] = keep
    return allowed


def concurrent_groups(problem: Problem) -> list[list[int]]:
    """Maximal sets of cohorts whose internships share a day (cliques of an interval graph).

    The cohorts present on any day are those present on the latest start day before it,
    so checking every cohort's start day and keeping the maximal sets finds them all.
    """
    windows = [c.internship for c in problem.cohorts]
    sets = {
        frozenset(j for j, w in enumerate(windows) if w.start <= day.start <= w.end)
        for day in windows
    }
    return sorted((sorted(s) for s in sets if not any(s < o for o in sets)), key=lambda g: g)


def internship_days(problem: Problem) -> tuple[list[date], list[list[int]]]:
    """Every day some internship runs, and per cohort the positions of its days."""
    days = sorted({d for c in problem.cohorts for d in c.internship.days()})
    pos = {d: i for i, d in enumerate(days)}
    return days, [[pos[d] for d in c.internship.days()] for c in problem.cohorts]


@dataclass(frozen=True)
class Pairs:
    """Integer view of a problem for the peers: positions, masks and per-pair values."""

    problem: Problem
    cohort_of: IntArray
    country_of: IntArray
    organisation_of: IntArray  # -1 for no organisation
    members: list[list[int]]  # per cohort, participant rows in input order
    allowed: BoolMatrix
    fit: FloatMatrix
    wish: FloatMatrix
    row_of: dict[str, int]
    host_of: dict[str, int]

    @classmethod
    def build(cls, problem: Problem) -> Pairs:
        participants, hosts = problem.participants, problem.hosts
        cohort_pos = {c.id: i for i, c in enumerate(problem.cohorts)}
        host_of = {h.id: i for i, h in enumerate(hosts)}
        row_of = {p.id: r for r, p in enumerate(participants)}
        countries: dict[str, int] = {}
        orgs: dict[str, int] = {}
        country_of = np.asarray(
            [countries.setdefault(p.country, len(countries)) for p in participants], np.int64
        )
        organisation_of = np.asarray(
            [
                -1 if p.organisation is None else orgs.setdefault(p.organisation, len(orgs))
                for p in participants
            ],
            np.int64,
        )
        cohort_of = np.asarray([cohort_pos[p.cohort] for p in participants], np.int64)
        members: list[list[int]] = [[] for _ in problem.cohorts]
        for r, c in enumerate(cohort_of):
            members[int(c)].append(r)
        wish = np.zeros((len(participants), len(hosts)))
        for r, p in enumerate(participants):
            for h, rank in p.wish_ranks().items():  # tied hosts share a rank
                wish[r, host_of[h]] = 1.0 / rank
        return cls(
            problem=problem,
            cohort_of=cohort_of,
            country_of=country_of,
            organisation_of=organisation_of,
            members=members,
            allowed=open_hosts(problem),
            fit=fit_matrix(problem),
            wish=wish,
            row_of=row_of,
            host_of=host_of,
        )

    def pair_value(self) -> FloatMatrix:
        """Objective value of putting a participant at a host: weighted fit plus wish."""
        w = self.problem.weights
        value: FloatMatrix = w.thematic_fit * self.fit + w.wishes * self.wish
        return value


def team_limit(problem: Problem, cohort: int, host: int) -> int:
    """Teams of a cohort a host can hold at once: capacity, people / smallest team, season cap."""
    h = problem.hosts[host]
    smallest = problem.cohorts[cohort].team_size.min
    limits = [h.capacity.max_teams, h.capacity.max_participants // smallest]
    if h.season_max_teams is not None:
        limits.append(h.season_max_teams)
    return max(0, min(limits))


def build_teams(
    problem: Problem, fit: npt.NDArray[np.float64], groups: Iterable[tuple[int, int, list[int]]]
) -> list[Team]:
    """Teams from (cohort, host, participant rows): sorted, numbered T01.., mean fit filled in."""
    ordered = sorted(
        (
            problem.cohorts[c].id,
            problem.hosts[h].id,
            sorted(problem.participants[r].id for r in rows),
            c,
            float(fit[rows, h].mean()),
        )
        for c, h, rows in groups
    )
    width = max(2, len(str(len(ordered))))
    return [
        Team(
            id=f"T{i:0{width}d}",
            cohort=cohort_id,
            host=host_id,
            members=members,
            start=problem.cohorts[c].internship.start,
            end=problem.cohorts[c].internship.end,
            fit=round(fit_value, 6),
        )
        for i, (cohort_id, host_id, members, c, fit_value) in enumerate(ordered, start=1)
    ]
