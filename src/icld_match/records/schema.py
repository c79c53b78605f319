"""The problem as coordinators state it: cohorts, participants, hosts, pair rules and weights.

Every record is a frozen pydantic model, so a problem is never changed behind the user's
back. Numbers are strict (``true`` is not 1, ``"2"`` is not 2, ``0`` is not a date) and
bounded where the solver's 64-bit arithmetic needs it. Field-level errors come from
pydantic, cross-record errors (unknown or duplicate ids, contradictory rules) from
:mod:`icld_match.records.validation`; both reach the caller as one
:class:`~icld_match.records.errors.ProblemError` (see :mod:`icld_match.records.base`).
Reading and writing files lives in :mod:`icld_match.io`, which imports this module and
never the other way round.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .base import Checked, cached_index
from .normalise import canonical_language, normalise_country
from .validation import raise_for_problem_issues

Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$"),
    Field(description="A stable identifier: non-empty, no leading or trailing spaces."),
]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Strictness = Literal["off", "soft", "hard"]

#: Upper bound of every size and capacity count, so that CP-SAT's 64-bit arithmetic
#: never overflows (a larger value would otherwise escape as a solver traceback).
MAX_COUNT = 1_000_000
#: Upper bound of every objective weight and theme weight: objective coefficients are
#: weight x value x 1000 rounded to 64-bit integers, which must leave room for sums over
#: every participant.
MAX_WEIGHT = 1_000_000.0

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    """Only a date or a YYYY-MM-DD string is a date: no numbers, no timestamps."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("expected a date in the form YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day)]
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
Size = Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)]
Weight = Annotated[float, Field(strict=True, ge=0, le=MAX_WEIGHT)]


class Record(Checked):
    """Base of every input record: unknown fields and NaN/inf numbers are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class DateRange(Record):
    """An inclusive range of calendar days."""

    start: Day = Field(description="First day (inclusive), ISO format YYYY-MM-DD.")
    end: Day = Field(description="Last day (inclusive), ISO format YYYY-MM-DD.")

    @model_validator(mode="after")
    def _start_not_after_end(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def covers(self, other: DateRange) -> bool:
        """True when every day of ``other`` lies inside this range."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def days(self) -> list[date]:
        return [self.start + timedelta(d) for d in range((self.end - self.start).days + 1)]

    def __str__(self) -> str:
        return f"{self.start}..{self.end}" if self.end != self.start else str(self.start)


class TeamSize(Record):
    """How many participants travel together to one host."""

    min: Size = Field(default=2, description="Smallest team allowed.")
    max: Size = Field(default=4, description="Largest team allowed.")

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is larger than max {self.max}")
        return self


ThemeWeight = Annotated[float, Field(strict=True, ge=0, le=MAX_WEIGHT)]


class StudyVisit(Record):
    """A visit the whole cohort makes together to one host (a municipality or operation)."""

    id: Id = Field(description="Visit id, unique within its cohort.")
    themes: dict[Tag, ThemeWeight] = Field(
        default_factory=dict,
        description="What the cohort wants to see, each theme with a weight (>= 0, at most "
        "1e6); the visit's fit with a host is computed like a participant's thematic fit.",
    )
    days: list[Day] | None = Field(
        default=None,
        min_length=1,
        description="Days the visit may take place (YYYY-MM-DD); null means any day of the "
        "cohort's visit window (its internship days).",
    )


class Cohort(Record):
    """One intake of an international training programme (about 25 participants)."""

    id: Id
    name: str = Field(description="Human-readable name, e.g. 'ITP Local Democracy 2026'.")
    programme: str = Field(default="", description="The training programme this cohort belongs to.")
    internship: DateRange = Field(description="The two internship days in Sweden.")
    team_size: TeamSize = Field(default_factory=TeamSize, description="Team size bounds.")
    study_visits: list[StudyVisit] = Field(
        default_factory=list,
        description="Study visits the whole cohort makes together; each gets exactly one "
        "host and day.",
    )


def visit_window(cohort: Cohort) -> list[date]:
    """The days a cohort can make a study visit whose own days are not given.

    The one place that says where visit days come from: today the internship days; a
    cohort-level window (e.g. the whole Swedish phase) extends it here.
    """
    return cohort.internship.days()


def study_visit_days(cohort: Cohort, visit: StudyVisit) -> list[date]:
    """The days a study visit may take place: its own ``days``, else the cohort's window."""
    return sorted(set(visit.days)) if visit.days is not None else visit_window(cohort)


def _language_codes(languages: list[str]) -> list[str]:
    """ISO 639-1 codes ('English' -> 'en'), so that a participant writing 'English' and a
    host writing 'en' share a language; unknown tags are kept as written."""
    codes = [canonical_language(tag) or tag for tag in languages]
    return codes  # a tag written twice stays twice: validation reports it


class Participant(Record):
    """A politician, official or civil-society member taking part in a cohort."""

    id: Id
    name: str = Field(description="Full name, for reports.")
    cohort: Id = Field(description="Id of the participant's cohort.")
    country: str = Field(min_length=1, description="Partner country, e.g. 'Kenya'.")
    organisation: str | None = Field(
        default=None,
        description="Home organisation (municipality, ministry, NGO); drives the "
        "same-organisation policy.",
    )
    gender: str | None = Field(default=None, description="Optional; used only in reports.")
    languages: list[Tag] = Field(
        min_length=1, description="Working languages, ISO 639-1 codes such as 'en', 'fr', 'sw'."
    )
    themes: dict[Tag, Annotated[float, Field(strict=True, le=MAX_WEIGHT)]] = Field(
        default_factory=dict,
        description="Fields of work and how much each matters to the participant (>= 0, "
        "at most 1e6).",
    )
    access_needs: list[Tag] = Field(
        default_factory=list,
        description="Accessibility needs; a host must offer every one, e.g. 'step-free'.",
    )
    wishes: list[Id] = Field(
        default_factory=list, description="Ranked host wishes, most wanted first (host ids)."
    )
    blocked_hosts: list[Id] = Field(
        default_factory=list, description="Hosts this participant must not be sent to."
    )

    @field_validator("country")
    @classmethod
    def _one_spelling_per_country(cls, country: str) -> str:
        """'Kenya', 'kenya ' and 'KE' must count as one country in a team."""
        return normalise_country(country) or country

    @field_validator("languages")
    @classmethod
    def _iso_languages(cls, languages: list[str]) -> list[str]:
        return _language_codes(languages)

    @field_validator("themes")
    @classmethod
    def _non_negative_themes(cls, themes: dict[str, float]) -> dict[str, float]:
        bad = [tag for tag, weight in themes.items() if weight < 0]
        if bad:
            raise ValueError(f"theme weights must be >= 0 (negative: {', '.join(bad)})")
        return themes


class Capacity(Record):
    """What a host can receive at any one time (one cohort's internship, or overlapping ones)."""

    max_teams: Count = Field(default=1, description="Teams received at the same time.")
    max_participants: Count = Field(
        default=4, description="Participants received at the same time."
    )


class GroupVisits(Record):
    """A host's offer to receive a whole cohort (about 25 people) on a study visit."""

    capacity: Count = Field(
        description="People the host can receive at once on a group visit; a cohort "
        "larger than this cannot come."
    )
    themes: dict[Tag, Annotated[float, Field(strict=True)]] = Field(
        default_factory=dict,
        description="Operations and themes shown to visiting groups, each with a strength "
        "in [0, 1].",
    )
    days: list[DateRange] | None = Field(
        default=None,
        description="Date ranges the host receives group visits; null means any day it is "
        "available (its 'available' ranges still apply).",
    )
    max_per_day: Count = Field(
        default=1, description="Groups (over all cohorts) the host receives on one day."
    )
    with_teams: bool = Field(
        default=False,
        strict=True,
        description="Whether the host can receive a cohort's whole group on a day one of "
        "that cohort's internship teams is with it.",
    )

    @field_validator("themes")
    @classmethod
    def _strengths_in_unit_interval(cls, themes: dict[str, float]) -> dict[str, float]:
        bad = [tag for tag, s in themes.items() if not 0 <= s <= 1]
        if bad:
            raise ValueError(f"theme strengths must lie in [0, 1] (out of range: {', '.join(bad)})")
        return themes

    def offers(self, day: date) -> bool:
        """Whether group visits are offered on this day (its own ranges only)."""
        return self.days is None or any(r.start <= day <= r.end for r in self.days)


class Host(Record):
    """A Swedish municipality or region that receives internship teams."""

    id: Id
    name: str = Field(description="Display name, e.g. 'Umeå kommun'.")
    municipality: str = Field(description="Municipality or region the host belongs to.")
    region: str | None = Field(default=None, description="County/region, for reports.")
    themes: dict[Tag, Annotated[float, Field(strict=True)]] = Field(
        default_factory=dict,
        description="Operations and themes offered, each with a strength in [0, 1].",
    )
    languages: list[Tag] = Field(
        min_length=1, description="Languages the host's officials can work in (ISO 639-1)."
    )
    accessibility: list[Tag] = Field(
        default_factory=list, description="Accessibility features the host offers."
    )
    capacity: Capacity = Field(default_factory=Capacity, description="Simultaneous capacity.")
    available: list[DateRange] | None = Field(
        default=None,
        description="Date ranges the host can receive teams; null means any date. A cohort "
        "can come only if one range covers its whole internship.",
    )
    season_max_teams: Count | None = Field(
        default=None,
        description="Cap on teams over all cohorts of the problem (season cap).",
    )
    group_visits: GroupVisits | None = Field(
        default=None,
        description="Whether and how the host receives whole cohorts on study visits; null "
        "means it does not.",
    )

    @field_validator("languages")
    @classmethod
    def _iso_languages(cls, languages: list[str]) -> list[str]:
        return _language_codes(languages)

    @field_validator("themes")
    @classmethod
    def _strengths_in_unit_interval(cls, themes: dict[str, float]) -> dict[str, float]:
        bad = [tag for tag, s in themes.items() if not 0 <= s <= 1]
        if bad:
            raise ValueError(f"theme strengths must lie in [0, 1] (out of range: {', '.join(bad)})")
        return themes

    def is_available(self, window: DateRange) -> bool:
        return self.available is None or any(r.covers(window) for r in self.available)

    def receives_group(self, day: date) -> bool:
        """Whether the host receives a group visit on this day: it offers group visits that
        day and is available then."""
        if self.group_visits is None or not self.group_visits.offers(day):
            return False
        return self.available is None or any(r.start <= day <= r.end for r in self.available)


class Pin(Record):
    """A participant who must go to a given host (decided by hand)."""

    participant: Id = Field(description="Id of the pinned participant.")
    host: Id = Field(description="Id of the host they must go to.")


class KeepTogether(Record):
    """Participants who must travel in the same team, e.g. colleagues on one change project."""

    members: list[Id] = Field(min_length=2, description="Participant ids.")
    reason: str | None = Field(default=None, description="Why, for reports.")


class KeepApart(Record):
    """Participants of whom no two may be in the same team."""

    members: list[Id] = Field(min_length=2, description="Participant ids.")
    reason: str | None = Field(default=None, description="Why, for reports.")


class Affinity(Record):
    """A caller-supplied fit value that replaces the computed thematic fit for one pair."""

    participant: Id = Field(description="Participant id.")
    host: Id = Field(description="Host id.")
    value: float = Field(strict=True, ge=0, le=1, description="Fit in [0, 1].")


class Rules(Record):
    """Policy switches for the rules that can be hard, soft or off."""

    mixed_countries: Strictness = Field(
        default="soft",
        description="Teams should mix partner countries. 'hard': every team of a cohort with "
        "two or more countries has at least two; 'soft': each extra country in a team earns "
        "the country_mix weight.",
    )
    organisation: Literal["apart", "together", "neutral"] = Field(
        default="apart",
        description="Same-organisation policy: spread colleagues over teams ('apart'), keep "
        "them in one team ('together') or ignore organisations ('neutral').",
    )
    organisation_strictness: Literal["soft", "hard"] = Field(
        default="soft", description="Whether the organisation policy is a hard rule or a penalty."
    )


class Weights(Record):
    """Weights of the soft objective terms; all finite, >= 0 and at most 1e6 (MAX_WEIGHT)."""

    thematic_fit: Weight = Field(default=1.0, description="Per unit of participant-host fit.")
    country_mix: Weight = Field(default=0.5, description="Per extra country in a team.")
    organisation: Weight = Field(
        default=0.5, description="Per breach of the same-organisation policy."
    )
    wishes: Weight = Field(default=0.5, description="Per honoured first wish (1/rank for others).")
    host_spread: Weight = Field(default=0.1, description="Per distinct host a cohort visits.")
    visit_fit: Weight = Field(
        default=1.0, description="Per unit of study-visit fit (visit themes x host group themes)."
    )


class Problem(Record):
    """Everything the planner needs: cohorts, participants, hosts, rules and weights."""

    schema_version: Literal[1] = Field(default=1, description="Version of this input format.")
    cohorts: list[Cohort] = Field(min_length=1, description="The cohorts to plan (at least one).")
    participants: list[Participant] = Field(
        min_length=1, description="Everyone to place, each in one of the cohorts."
    )
    hosts: list[Host] = Field(min_length=1, description="The hosts that may receive teams.")
    pins: list[Pin] = Field(
        default_factory=list, description="Participants who must go to a given host."
    )
    keep_together: list[KeepTogether] = Field(
        default_factory=list, description="Groups who must travel in the same team."
    )
    keep_apart: list[KeepApart] = Field(
        default_factory=list, description="Groups of whom no two may share a team."
    )
    affinities: list[Affinity] = Field(
        default_factory=list, description="Fit values that override the computed thematic fit."
    )
    rules: Rules = Field(default_factory=Rules, description="Hard/soft/off policy switches.")
    weights: Weights = Field(
        default_factory=Weights, description="Weights of the soft objective terms."
    )

    @model_validator(mode="after")
    def _cross_record_checks(self) -> Self:
        raise_for_problem_issues(self)
        return self

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_defaults=False)

    def _lookup(self, name: str, key: str, kind: str) -> Any:
        """O(1) lookup by id in one of the record lists (table built on first use)."""
        records: list[Any] = getattr(self, name)
        table = cached_index(self, f"_by_id_{name}", records, lambda: {r.id: r for r in records})
        try:
            return table[key]
        except KeyError:
            raise KeyError(f"no {kind} with id {key!r}") from None

    def cohort(self, cohort_id: str) -> Cohort:
        """The cohort with this id, in O(1); ``KeyError`` naming the id if there is none."""
        result: Cohort = self._lookup("cohorts", cohort_id, "cohort")
        return result

    def host(self, host_id: str) -> Host:
        """The host with this id, in O(1); ``KeyError`` naming the id if there is none."""
        result: Host = self._lookup("hosts", host_id, "host")
        return result

    def participant(self, participant_id: str) -> Participant:
        """The participant with this id, in O(1); ``KeyError`` naming the id if none."""
        result: Participant = self._lookup("participants", participant_id, "participant")
        return result
