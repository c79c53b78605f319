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
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from .base import Checked, cached_index
from .errors import ProblemError, issues_from_validation_error
from .normalise import canonical_language, normalise_country
from .validation import Records, raise_for_problem_issues, record_issues

Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$"),
    Field(description="A stable identifier: non-empty, no leading or trailing spaces."),
]
#: A language, theme or access tag. Tags are compared ignoring case and are stored without
#: spaces at either end (see :func:`_stripped_tags`), so ' water ' and 'Water' are 'water'.
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
#: Upper bound of every amount of money (SEK): travel costs and budgets.
MAX_SEK = 1e12
Sek = Annotated[float, Field(strict=True, ge=0, le=MAX_SEK)]
Latitude = Annotated[
    float,
    Field(strict=True, ge=-90, le=90, description="Latitude, decimal degrees (WGS 84), -90 to 90."),
]
Longitude = Annotated[
    float,
    Field(strict=True, ge=-180, le=180, description="Longitude, decimal degrees, -180 to 180."),
]

#: Weekday spellings, Monday first (``date.weekday()`` order): three lowercase letters.
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = {
    name: short
    for short, full in zip(
        WEEKDAYS,
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
    for name in (short, full)
}


def _weekday(value: Any) -> Any:
    """'sat', 'Sat' and 'Saturday' are one weekday, stored as 'sat'; anything else is an
    error naming the spellings (a typo must not silently open a closed day). Only spaces
    are stripped: a control character, even one Python counts as space, is refused."""
    if isinstance(value, str) and value.strip(" ").casefold() in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[value.strip(" ").casefold()]
    raise ValueError(f"expected a weekday: one of {', '.join(WEEKDAYS)}")


Weekday = Annotated[
    Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], BeforeValidator(_weekday)
]


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


#: Longest internship a window may ask for (days); keeps day-by-day models small.
MAX_INTERNSHIP_DAYS = 31


class Location(Record):
    """Approximate coordinates of a place (a host municipality's offices)."""

    lat: Latitude
    lon: Longitude


class Base(Record):
    """Where a cohort is housed during its stay, e.g. Stockholm or Visby."""

    name: str = Field(default="", description="Name of the place, for reports, e.g. 'Stockholm'.")
    lat: Latitude
    lon: Longitude


ThemeWeight = Annotated[float, Field(strict=True, ge=0, le=MAX_WEIGHT)]

#: Said in the description of every tag field.
_TAGS_NOTE = "Tags ignore case; spaces at either end are removed."


def _stripped_tags(tags: list[str]) -> list[str]:
    """The tags without spaces at either end, as language tags always were: tags are
    compared ignoring case, so ' step-free' must match 'step-free' rather than silently
    nothing. A tag written twice stays twice (validation reports it); a blank one is an
    error."""
    stripped = [tag.strip() for tag in tags]
    if "" in stripped:
        raise ValueError(f"item [{stripped.index('')}] is blank: a tag needs a letter")
    return stripped


def _stripped_themes(themes: dict[str, float]) -> dict[str, float]:
    """Theme keys without spaces at either end (see :func:`_stripped_tags`). Two keys that
    become one ('water' and ' water') are an error naming the tag: neither weight may be
    dropped silently."""
    stripped: dict[str, float] = {}
    for tag, weight in themes.items():
        key = tag.strip()
        if not key:
            raise ValueError(f"key {tag!r} is blank: a theme needs a letter")
        if key in stripped:
            raise ValueError(
                f"tag {key!r} listed twice (tags ignore case and spaces at either end)"
            )
        stripped[key] = weight
    return stripped


class StudyVisit(Record):
    """A visit the whole cohort makes together to one host (a municipality or operation)."""

    id: Id = Field(description="Visit id, unique within its cohort.")
    themes: dict[Tag, ThemeWeight] = Field(
        default_factory=dict,
        description="What the cohort wants to see, each theme with a weight (>= 0, at most "
        "1e6); the visit's fit with a host is computed like a participant's thematic fit. "
        + _TAGS_NOTE,
    )
    days: list[Day] | None = Field(
        default=None,
        min_length=1,
        description="Days the visit may take place (YYYY-MM-DD); null means any day of the "
        "cohort's visit window (its internship days).",
    )

    @field_validator("themes")
    @classmethod
    def _tags_stripped(cls, themes: dict[str, float]) -> dict[str, float]:
        return _stripped_themes(themes)


class Cohort(Record):
    """One intake of an international training programme (about 25 participants)."""

    id: Id
    name: str = Field(description="Human-readable name, e.g. 'ITP Local Democracy 2026'.")
    programme: str = Field(default="", description="The training programme this cohort belongs to.")
    internship: DateRange | None = Field(
        default=None,
        description="The fixed internship days in Sweden. Give either this or 'window'.",
    )
    window: DateRange | None = Field(
        default=None,
        description="Days within which the plan chooses the internship (e.g. the cohort's "
        "Swedish phase), instead of fixed 'internship' dates: 'internship_days' consecutive "
        "days, the same for the whole cohort or per team (rules.internship_dates).",
    )
    internship_days: Annotated[int, Field(strict=True, ge=1, le=MAX_INTERNSHIP_DAYS)] = Field(
        default=2,
        description="How many consecutive days an internship chosen within 'window' lasts "
        f"(1 to {MAX_INTERNSHIP_DAYS}); ignored with fixed 'internship' dates.",
    )
    team_size: TeamSize = Field(default_factory=TeamSize, description="Team size bounds.")
    base: Base | None = Field(
        default=None,
        description="Where the cohort is housed; teams travel from here to their host and "
        "back. null: no distance-based travel cost for this cohort.",
    )
    travel_budget: Sek | None = Field(
        default=None,
        description="Most the travel of this cohort's teams and study visits may cost in "
        "total (SEK); null: no limit.",
    )
    study_visits: list[StudyVisit] = Field(
        default_factory=list,
        description="Study visits the whole cohort makes together; each gets exactly one "
        "host and day.",
    )

    @model_validator(mode="after")
    def _internship_or_window(self) -> Self:
        if (self.internship is None) == (self.window is None):
            raise ValueError(
                "give either 'internship' (fixed dates) or 'window' (the plan chooses the "
                "days), not both or neither"
            )
        if self.window is not None and len(self.window.days()) < self.internship_days:
            raise ValueError(
                f"window {self.window} is shorter than internship_days {self.internship_days}"
            )
        return self

    @property
    def span(self) -> DateRange:
        """Every day the cohort may be in the field: its internship or its whole window."""
        span = self.internship or self.window
        assert span is not None  # the validator demands one of them
        return span

    def starts(self) -> list[date]:
        """First days the plan may choose: the fixed start, or every start in the window."""
        if self.window is None:
            return [self.span.start]
        last = self.window.end - timedelta(self.internship_days - 1)
        first = self.window.start
        return [first + timedelta(d) for d in range((last - first).days + 1)]

    def dates_from(self, start: date) -> DateRange:
        """The internship that begins on ``start``."""
        if self.window is None:
            return self.span
        return DateRange(start=start, end=start + timedelta(self.internship_days - 1))


def visit_window(cohort: Cohort) -> list[date]:
    """The days a cohort can make a study visit whose own days are not given.

    The one place that says where visit days come from: the fixed internship days, or
    every day of the cohort's window (e.g. its whole Swedish phase).
    """
    return cohort.span.days()


def study_visit_days(cohort: Cohort, visit: StudyVisit) -> list[date]:
    """The days a study visit may take place: its own ``days``, else the cohort's window."""
    return sorted(set(visit.days)) if visit.days is not None else visit_window(cohort)


def _language_codes(languages: list[str]) -> list[str]:
    """ISO 639-1 codes ('English' -> 'en'), so that a participant writing 'English' and a
    host writing 'en' share a language; unknown tags are kept as written (without spaces
    at either end)."""
    codes = [canonical_language(tag) or tag for tag in _stripped_tags(languages)]
    return codes  # a tag written twice stays twice: validation reports it


WishTie = Annotated[
    list[Id],
    Field(min_length=1, description="Hosts that share one rank of the wishes (host ids)."),
]


def wish_ranks(wishes: list[str | list[str]]) -> dict[str, int]:
    """Host id -> rank (1 = first entry); hosts in one tied entry share its rank. A host
    listed twice keeps its first rank (validation reports the repeat)."""
    ranks: dict[str, int] = {}
    for position, entry in enumerate(wishes, start=1):
        for host_id in [entry] if isinstance(entry, str) else entry:
            ranks.setdefault(host_id, position)
    return ranks


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
        min_length=1,
        description="Working languages, ISO 639-1 codes such as 'en', 'fr', 'sw' (language "
        "names such as 'English' are stored as their code). " + _TAGS_NOTE,
    )
    themes: dict[Tag, Annotated[float, Field(strict=True, le=MAX_WEIGHT)]] = Field(
        default_factory=dict,
        description="Fields of work and how much each matters to the participant (>= 0, "
        "at most 1e6). " + _TAGS_NOTE,
    )
    access_needs: list[Tag] = Field(
        default_factory=list,
        description="Accessibility needs; a host must offer every one, e.g. 'step-free'. "
        + _TAGS_NOTE,
    )
    wishes: list[Id | WishTie] = Field(
        default_factory=list,
        description="Ranked host wishes, most wanted first (host ids). An entry may be a list "
        "of hosts that share its rank: ['umea', ['lund', 'malmo'], 'visby'] ranks umea 1, "
        "lund and malmo 2, visby 3 (a wish of rank r is worth 1/r).",
    )
    blocked_hosts: list[Id] = Field(
        default_factory=list, description="Hosts this participant must not be sent to."
    )
    home_municipality: str | None = Field(
        default=None,
        max_length=200,
        description="The participant's home municipality or region (e.g. 'Kisumu'), matched "
        "against hosts' partners (ignoring case) for the partnership rule.",
    )

    def wish_ranks(self) -> dict[str, int]:
        """Host id -> rank of the wish (ties share a rank); unwished hosts are absent."""
        return wish_ranks(self.wishes)

    def wished_hosts(self) -> list[str]:
        """Every wished host id, most wanted first, ties in the order written."""
        return list(self.wish_ranks())

    @field_validator("wishes")
    @classmethod
    def _tie_of_one_is_a_host(cls, wishes: list[str | list[str]]) -> list[str | list[str]]:
        """['lund'] and 'lund' are one rank either way: keep one spelling, so that a
        problem reads back from a workbook cell unchanged."""
        return [w[0] if isinstance(w, list) and len(w) == 1 else w for w in wishes]

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
        return _stripped_themes(themes)

    @field_validator("access_needs")
    @classmethod
    def _tags_stripped(cls, tags: list[str]) -> list[str]:
        return _stripped_tags(tags)


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
        "in [0, 1]. " + _TAGS_NOTE,
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
        return _stripped_themes(themes)

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
        description="Operations and themes offered, each with a strength in [0, 1]. " + _TAGS_NOTE,
    )
    languages: list[Tag] = Field(
        min_length=1,
        description="Languages the host's officials can work in (ISO 639-1). " + _TAGS_NOTE,
    )
    accessibility: list[Tag] = Field(
        default_factory=list,
        description="Accessibility features the host offers. " + _TAGS_NOTE,
    )
    capacity: Capacity = Field(default_factory=Capacity, description="Simultaneous capacity.")
    available: list[DateRange] | None = Field(
        default=None,
        description="Date ranges the host can receive teams; null means any date. The "
        "ranges are merged into a set of days: a team can come when every internship day "
        "lies in some range (two ranges that together cover the internship count).",
    )
    closed_weekdays: list[Weekday] = Field(
        default_factory=list,
        description="Weekdays the host never receives teams, as 'mon', 'tue', 'wed', 'thu', "
        "'fri', 'sat', 'sun' (full English names and any case are accepted and stored so), "
        "e.g. ['sat', 'sun'].",
    )
    blackout: list[DateRange] = Field(
        default_factory=list,
        description="Date ranges the host cannot receive teams even inside 'available' "
        "(holidays, elections); a team can come only if no internship day is a blackout day.",
    )
    season_max_teams: Count | None = Field(
        default=None,
        description="Cap on teams over all cohorts of the problem (season cap).",
    )
    partners: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        description="Partner municipalities and countries of this host (municipal "
        "partnerships), e.g. ['Kisumu', 'Kenya']: a participant whose home municipality or "
        "country is listed (ignoring case; countries in any spelling of Participant.country) "
        "is partnered with the host.",
    )
    location: Location | None = Field(
        default=None,
        description="Approximate coordinates, for the distance-based travel cost; null: no "
        "distance-based travel cost to this host.",
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
        return _stripped_themes(themes)

    @field_validator("accessibility")
    @classmethod
    def _tags_stripped(cls, tags: list[str]) -> list[str]:
        return _stripped_tags(tags)

    def open_on(self, day: date) -> bool:
        """Whether the host can receive a team on this day: inside an available range
        (or no ranges given), not a closed weekday, not in a blackout range."""
        if self.available is not None and not any(r.start <= day <= r.end for r in self.available):
            return False
        if self.closed_weekdays and WEEKDAYS[day.weekday()] in self.closed_weekdays:
            return False
        return not any(r.start <= day <= r.end for r in self.blackout)

    def is_available(self, window: DateRange) -> bool:
        """Every day of ``window`` is open: the ranges act as one merged set of days."""
        if self.available is None and not self.closed_weekdays and not self.blackout:
            return True
        return all(self.open_on(day) for day in window.days())

    def receives_group(self, day: date) -> bool:
        """Whether the host receives a group visit on this day: it offers group visits that
        day and its calendar is open then (available, not a closed weekday or blackout)."""
        if self.group_visits is None or not self.group_visits.offers(day):
            return False
        return self.open_on(day)


class Pin(Record):
    """A participant who must go to a given host (decided by hand)."""

    participant: Id = Field(description="Id of the pinned participant.")
    host: Id = Field(description="Id of the host they must go to.")


class KeepTogether(Record):
    """Participants who must travel in the same team, e.g. colleagues on one change project."""

    multiline_fields = frozenset({"reason"})

    members: list[Id] = Field(min_length=2, description="Participant ids.")
    reason: str | None = Field(
        default=None,
        description="Why, for reports; may run over several lines (tabs and line breaks "
        "are the only control characters a reason may hold).",
    )


class KeepApart(Record):
    """Participants of whom no two may be in the same team."""

    multiline_fields = frozenset({"reason"})

    members: list[Id] = Field(min_length=2, description="Participant ids.")
    reason: str | None = Field(
        default=None,
        description="Why, for reports; may run over several lines (tabs and line breaks "
        "are the only control characters a reason may hold).",
    )


class Affinity(Record):
    """A caller-supplied fit value that replaces the computed thematic fit for one pair."""

    participant: Id = Field(description="Participant id.")
    host: Id = Field(description="Host id.")
    value: float = Field(strict=True, ge=0, le=1, description="Fit in [0, 1].")


class PastVisit(Record):
    """Teams a host received in an earlier season (history, for rotation over the years)."""

    season: Annotated[str, StringConstraints(min_length=1, max_length=50)] = Field(
        description="Which season, e.g. '2025'. Seasons compare as text, so the latest is "
        "the one that sorts last: write years ('2025') or 'YYYY-MM'."
    )
    host: Id = Field(description="Id of the host (one of the problem's hosts).")
    teams: Count = Field(default=1, description="Teams the host received in that season.")
    organisations: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        description="Home organisations of the participants it received (matched "
        "against Participant.organisation ignoring case and spacing, for the revisit rule).",
    )


class TravelCost(Record):
    """A known cost of one team's trip from a cohort's base to a host and back (SEK)."""

    cohort: Id = Field(description="Cohort id.")
    host: Id = Field(description="Host id.")
    cost: Sek = Field(
        description="SEK for one team's return trip; replaces the distance-based cost."
    )


class TravelSettings(Record):
    """How a trip's cost is computed from distance (when no cost is supplied)."""

    cost_per_km: float = Field(
        default=3.0,
        strict=True,
        ge=0,
        le=100_000,
        description="SEK per km travelled by one team (default 3.0: train fares for a team).",
    )
    cost_per_trip: float = Field(
        default=1000.0,
        strict=True,
        ge=0,
        le=1e9,
        description="Fixed SEK per team trip, e.g. local transport (default 1000).",
    )
    road_factor: float = Field(
        default=1.3,
        strict=True,
        ge=1,
        le=10,
        description="Travelled km per great-circle km (default 1.3).",
    )
    group_factor: float = Field(
        default=6.0,
        strict=True,
        ge=0,
        le=1000,
        description="A whole-group study visit's trip costs this many times one team's "
        "distance-based trip (default 6.0: a coach for about 25 people costs about six team "
        "train fares). Supplied travel_costs apply to teams only.",
    )


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
    partnership: Strictness = Field(
        default="soft",
        description="Municipal partnerships (Host.partners). 'hard': a participant with at "
        "least one partner host goes to one of them; 'soft': each participant at a partner "
        "host earns the partnership weight; 'off': partners are ignored.",
    )
    revisit: Strictness = Field(
        default="soft",
        description="Rotation (Problem.history). 'hard': nobody goes to a host their "
        "organisation visited in an earlier season; 'soft': each such participant costs the "
        "revisit weight; 'off': past visits are ignored.",
    )
    fit_floor: Annotated[float, Field(strict=True, ge=0, le=1)] | None = Field(
        default=None,
        description="Lowest acceptable thematic fit, in [0, 1], for every participant with "
        "their host; null (the default) means no floor. See fit_floor_strictness.",
    )
    objective: Literal["sum", "lexicographic"] = Field(
        default="sum",
        description="'sum' maximises the weighted sum of the terms; 'lexicographic' first "
        "maximises the lowest thematic fit of any participant, then the weighted sum with "
        "that lowest fit held (by a hard floor at it). Not with a soft fit_floor.",
    )
    fit_floor_strictness: Literal["hard", "soft"] = Field(
        default="hard",
        description="'hard': nobody goes to a host whose fit with them is below fit_floor "
        "(such pairs are closed); 'soft': each unit of fit below the floor costs the "
        "fit_floor weight.",
    )
    internship_dates: Literal["per_cohort", "per_team"] = Field(
        default="per_cohort",
        description="For cohorts with a 'window': 'per_cohort' = all teams of the cohort go on "
        "the same days; 'per_team' = each team gets its own days within the window.",
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
    partnership: Weight = Field(
        default=0.5, description="Per participant placed at a partner host (Host.partners)."
    )
    season_spread: Weight = Field(
        default=0.0,
        description="Per distinct host used over the whole problem (all cohorts); 0 = off.",
    )
    host_relief: Weight = Field(
        default=0.1,
        description="Per team at a host times the teams it received in the latest season "
        "of the history (relieves last season's busiest hosts).",
    )
    revisit: Weight = Field(
        default=0.5,
        description="Per participant sent to a host their organisation visited in an "
        "earlier season (with rules.revisit 'soft').",
    )
    fit_floor: Weight = Field(
        default=1.0,
        description="Per unit of fit below rules.fit_floor, summed over participants (only "
        "with a soft floor; nothing is charged without a floor).",
    )
    worst_fit: Weight = Field(
        default=0.0,
        description="Per unit of the lowest fit of any placed participant (fairness: raise "
        "the worst-off participant's fit); 0 leaves it out of the objective.",
    )
    travel: Weight = Field(
        default=0.1,
        description="Per 1,000 SEK of travel cost (the travel term's raw value is in "
        "thousands of SEK).",
    )
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
    history: list[PastVisit] = Field(
        default_factory=list,
        description="Teams hosts received in earlier seasons: drives host_relief (latest "
        "season) and the revisit rule (every season).",
    )
    hosts_in_use: list[Id] = Field(
        default_factory=list,
        description="Hosts that already receive teams this season outside this problem "
        "(e.g. cohorts planned separately): season_spread rewards only other hosts.",
    )
    travel: TravelSettings = Field(
        default_factory=TravelSettings,
        description="How a team's trip cost is computed from distance.",
    )
    travel_costs: list[TravelCost] = Field(
        default_factory=list,
        description="Known trip costs per cohort and host; each replaces the distance-based cost.",
    )
    travel_budget: Sek | None = Field(
        default=None,
        description="Most the travel of all teams of the season may cost in total (SEK); "
        "null: no limit.",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _cross_record_checks(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Field checks, then cross-record checks, all reported in one error: when some
        records fail their field checks, the cross-record checks still run over the
        records that pass theirs (skipping only what needs a failed record), so a
        coordinator sees every problem in one run instead of one layer at a time."""
        try:
            problem = handler(data)
        except ValidationError as error:
            issues = issues_from_validation_error(error, data, "problem")
            if isinstance(data, Mapping):
                issues += record_issues(_records_that_validate(data))
            raise ProblemError(issues) from None
        if problem is not data:  # an existing Problem passes through as it is
            raise_for_problem_issues(problem)
        return problem

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


#: The record lists of a problem and the type of their items, for :func:`_records_that_validate`.
_RECORD_LISTS: dict[str, Any] = {
    "cohorts": Cohort,
    "participants": Participant,
    "hosts": Host,
    "pins": Pin,
    "keep_together": KeepTogether,
    "keep_apart": KeepApart,
    "affinities": Affinity,
    "history": PastVisit,
    "hosts_in_use": Id,
    "travel_costs": TravelCost,
}
_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _each_record(data: Mapping[str, Any], name: str) -> tuple[list[Any], list[Any]] | None:
    """The items of ``data[name]`` as written and as validated (None where an item fails
    its field checks); None when the list is not a list."""
    written = data.get(name, [])
    if not isinstance(written, list):
        return None
    if name not in _ADAPTERS:
        _ADAPTERS[name] = TypeAdapter(_RECORD_LISTS[name])
    adapter = _ADAPTERS[name]
    validated: list[Any] = []
    for item in written:
        try:
            validated.append(adapter.validate_python(item))
        except (ValidationError, ValueError):
            validated.append(None)
    return written, validated


def _written(item: Any, field: str) -> str | None:
    """A field of a record as written, when it is text (the id of a record that failed)."""
    value = item.get(field) if isinstance(item, Mapping) else getattr(item, field, None)
    return value if isinstance(value, str) else None


def _records_that_validate(data: Mapping[str, Any]) -> Records:
    """The records of a problem that failed its field checks, each validated on its own
    (None where it fails), for the cross-record checks that can still run."""
    lists: dict[str, list[Any]] = {}
    ids: dict[str, list[str | None]] = {}
    cohorts_of: list[str | None] = [None]
    for name in _RECORD_LISTS:
        items = _each_record(data, name)
        lists[name] = items[1] if items else []
        if name not in ("cohorts", "participants", "hosts"):
            continue
        # An empty list is an error of its own: calling every reference to it unknown
        # (or every cohort empty) would only repeat it, once per reference.
        written = items[0] if items and items[0] else [None]
        ids[name] = [_written(item, "id") if item else None for item in written]
        if name == "participants":
            cohorts_of = [_written(item, "cohort") if item else None for item in written]
    try:
        rules: Rules | None = Rules.model_validate(data.get("rules", {}))
    except ProblemError:
        rules = None
    return Records(
        cohorts=lists["cohorts"],
        participants=lists["participants"],
        hosts=lists["hosts"],
        pins=lists["pins"],
        keep_together=lists["keep_together"],
        keep_apart=lists["keep_apart"],
        affinities=lists["affinities"],
        history=lists["history"],
        hosts_in_use=lists["hosts_in_use"],
        travel_costs=lists["travel_costs"],
        rules=rules,
        ids=ids,
        participant_cohorts=cohorts_of,
    )
