"""Seeded benchmark instances for icld-match: ``cohort``, ``season``, ``scarce``, ``stress``,
``season-full``.

Every instance is a plain :class:`icld_match.Problem` and depends only on its family,
size and seed (``random.Random(f"{family}:{size}:{seed}")``), so the same call gives the
same problem on every machine and Python version.

Families
========

``cohort``
    One cohort of 25 participants on 13-14 May 2026 and 15-30 hosts. Some hosts are
    closed on the internship dates, a few speak French, Portuguese, Russian, Swahili or
    Albanian, most are step-free. One pin, sometimes a keep-together pair of colleagues and
    a keep-apart pair, a few wishes and blocked hosts.

``season``
    6-12 cohorts of 20-30 over 2026, each with its own two-day internship; about a third
    start on (or one day after) an earlier cohort's dates, so host capacity is shared.
    40-80 hosts with capacity 1-3 teams / 4-12 people, half of them with a season cap of
    1-4 teams, availability windows (none, spring, autumn, or two six-week windows),
    languages, access features and 2-5 of 20 municipal/SDG themes. Participants come from
    ICLD partner countries (6-10 per cohort), all work in English except about 3 % who
    only speak their country's second language ('fr', 'pt', 'ru', 'sw', 'sq'); colleagues
    from one organisation appear in the same cohort; some cohorts have team size 3-4.

``scarce``
    Hosts are the bottleneck. ``size`` participants (500 / 1,000) in 20 / 40 cohorts of 25
    over 2026 (about 45 % start on, or a day after, another cohort's first day, so dates
    overlap), and 125 / 250 hosts that each take one (60 %) or two teams for the whole
    season (``season_max_teams``), with at most that many at a time; 40 % are open only in
    one window of three to six months. Season caps sum to about 1.2-1.3 x the fewest teams
    the cohorts need (7 per cohort of 25), so team sizes and hosts compete. Themes are
    drawn uniformly (random fits); 10-30 % (a fifth on average) of each participant's hosts
    are closed by languages (about 10 % work only in their second language), access needs
    and blocked hosts; 30 % wish hosts; 30 % of cohorts have a keep-together and 30 % a
    keep-apart pair. No pins. *Feasible by proof*: the generator first plants a hidden plan
    (7-8 teams per cohort, each booked on a random host with room on its dates and under
    its cap; a new host is added if none has room) and never closes a planted pair; the
    instance's ``witness`` is that plan, and ``generate`` raises unless it passes
    :func:`icld_match.check` (and :func:`counting_check` with margin 1).

``stress``
    ``size`` participants (1,000 / 2,500 / 10,000) with 200 / 500 / 2,000 hosts, in
    cohorts of about 25 (22-28) whose internships all fall in one week of October 2026,
    starting Monday, Tuesday or Wednesday: on the busiest day two thirds of everybody is
    in the field, so hosts are shared between many cohorts. Otherwise like ``season``
    (lighter on pins and pair rules).

``season-full``
    The ``season`` instance of the same seed (unchanged records otherwise) with the
    season-planning features: each fixed internship becomes a window from two days before
    to two days after (``internship_days`` 2, per_cohort), every host is closed Saturdays
    and Sundays and has a location (uniform in lat 55.5-63.5, lon 12-19.5), about 30 %
    offer group visits (capacity 30, three themes, one group a day, ``with_teams`` at
    random), each cohort is based in Stockholm or Visby, makes 1-2 study visits (themes from
    its participants', any day) and has a travel budget of 1.5 x the most teams it can
    form at the average host's trip cost. Drawn from ``random.Random(f"season-full:{seed}")``.
    The peers model none of this: the harness reports them as n/a on this family.

    Best known (icld, every plan accepted by ``check``; 120 s, 2 workers, on the quiet
    2-core machine, ``benchmarks/results/reference/``, 2026-11-29 23:48-23:52 UTC): s0
    206.319 (bound 206.405), s1 136.308 (proven optimal in 49 s), s2 183.090 (proven
    optimal in 89 s). A lower bound on the optimum for s0's % figures. (Earlier: 120 s at
    18:10 UTC 206.147 / 136.309 / 183.090; 60 s before the visits kept every window day
    203.608 / 136.309 / 180.250.)

Feasible by construction
========================

Capacities are drawn so that supply is well above need, and the generator then verifies
:func:`counting_check` (necessary conditions with a safety margin ``MARGIN`` = 1.5):

* every participant has at least ``MIN_OPEN`` = 3 open hosts (dates, language, access,
  blocked hosts; a pinned participant needs only their pin host). A participant who
  draws fewer is "repaired": given English and no access needs (counted in the
  instance's ``repaired`` statistic, usually zero);
* on every internship day, the hosts open that day offer at least MARGIN x the people
  and MARGIN x the teams (ceil(n / max team size) per cohort) of all cohorts in the field;
* over the season, the hosts' season caps leave MARGIN x the teams all cohorts need;
* on every day, each non-English language and each access need is offered by hosts
  with at least MARGIN x the places of the participants who depend on it;
* each keep-together group fits in one team and has a common open host;
* pins promise team places: the cohorts pinned to a host fit its capacity on every day
  and its season cap (the generator only picks pin hosts that keep this true).

These are necessary conditions, not a proof; with the margin they make infeasibility very
unlikely, and every instance in the suite is confirmed by the benchmark run itself (a
valid allocation from icld-match or one of its peers). ``generate`` raises
``ValueError`` if the check fails, so an infeasible instance is never benchmarked silently.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from icld_match import Allocation, Cohort, Host, Problem, Status, check, fit_matrix

from .common import BoolMatrix, IntArray, build_teams, open_hosts

FAMILIES: tuple[str, ...] = ("cohort", "season", "scarce", "stress", "season-full")
#: Stress sizes (participants) and their host counts.
STRESS_HOSTS: dict[int, int] = {1000: 200, 2500: 500, 10000: 2000}
#: Scarce sizes (participants) and their host counts (before any host the plan adds).
SCARCE_HOSTS: dict[int, int] = {500: 125, 1000: 250}
#: Families whose instances are named and sized by participants.
SIZED: dict[str, dict[int, int]] = {"stress": STRESS_HOSTS, "scarce": SCARCE_HOSTS}
MARGIN = 1.5
MIN_OPEN = 3

THEMES: tuple[str, ...] = (
    "citizen-dialogue",
    "gender-mainstreaming",
    "waste-management",
    "climate-adaptation",
    "public-procurement",
    "social-services",
    "urban-planning",
    "schools",
    "water-sanitation",
    "integration",
    "anti-corruption",
    "youth-participation",
    "digital-services",
    "local-economic-development",
    "public-health",
    "elderly-care",
    "public-transport",
    "renewable-energy",
    "human-rights",
    "disaster-risk-reduction",
)
#: Popularity of each theme among participants (the first ones are the classic ICLD topics).
THEME_POPULARITY: tuple[float, ...] = tuple(1.0 / (1 + 0.15 * i) for i in range(len(THEMES)))

#: ICLD partner countries: second working language (or None), first names, surnames, cities.
COUNTRIES: dict[str, tuple[str | None, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Kenya": (
        "sw",
        ("Wanjiru", "Otieno", "Achieng", "Mwangi"),
        ("Kamau", "Ochieng", "Kariuki", "Odhiambo"),
        ("Kisumu", "Nakuru"),
    ),
    "Tanzania": (
        "sw",
        ("Neema", "Baraka", "Rehema", "Juma"),
        ("Mushi", "Mwakyusa", "Said", "Hassan"),
        ("Arusha", "Mwanza"),
    ),
    "Uganda": (
        "sw",
        ("Moses", "Sarah", "Grace", "Isaac"),
        ("Okello", "Namusoke", "Nakato", "Ssempa"),
        ("Jinja", "Gulu"),
    ),
    "Rwanda": (
        "fr",
        ("Aline", "Jean", "Claudine", "Eric"),
        ("Uwase", "Habimana", "Mukamana", "Niyonzima"),
        ("Huye", "Musanze"),
    ),
    "Mozambique": (
        "pt",
        ("Ana", "João", "Fátima", "Carlos"),
        ("Macuácua", "Nhantumbo", "Cossa", "Sitoe"),
        ("Maputo", "Beira"),
    ),
    "Zambia": (
        None,
        ("Chilufya", "Mulenga", "Bwalya", "Mwila"),
        ("Mwansa", "Banda", "Phiri", "Tembo"),
        ("Kitwe", "Ndola"),
    ),
    "Botswana": (
        None,
        ("Kagiso", "Neo", "Lesego", "Tumelo"),
        ("Molefe", "Mokgosi", "Seretse", "Kgosi"),
        ("Francistown", "Maun"),
    ),
    "South Africa": (
        None,
        ("Thabo", "Nomvula", "Sipho", "Lindiwe"),
        ("Nkosi", "Dlamini", "Mokoena", "Khumalo"),
        ("eThekwini", "Buffalo City"),
    ),
    "Indonesia": (
        None,
        ("Siti", "Agus", "Dewi", "Budi"),
        ("Rahmawati", "Setiawan", "Anggraini", "Santoso"),
        ("Surabaya", "Semarang"),
    ),
    "Ukraine": (
        "ru",
        ("Olena", "Andrii", "Iryna", "Taras"),
        ("Kovalenko", "Bondarenko", "Shevchenko", "Melnyk"),
        ("Lviv", "Vinnytsia"),
    ),
    "Moldova": (
        "ru",
        ("Ion", "Natalia", "Vasile", "Elena"),
        ("Ciobanu", "Rusu", "Popa", "Munteanu"),
        ("Bălți", "Cahul"),
    ),
    "Georgia": (
        "ru",
        ("Nino", "Giorgi", "Tamar", "Levan"),
        ("Beridze", "Kapanadze", "Gelashvili", "Lomidze"),
        ("Kutaisi", "Rustavi"),
    ),
    "Armenia": (
        "ru",
        ("Anahit", "Aram", "Lilit", "Gor"),
        ("Hakobyan", "Petrosyan", "Sargsyan", "Grigoryan"),
        ("Gyumri", "Vanadzor"),
    ),
    "Serbia": (
        None,
        ("Jelena", "Marko", "Milica", "Nikola"),
        ("Marković", "Jovanović", "Petrović", "Nikolić"),
        ("Niš", "Kragujevac"),
    ),
    "Kosovo": (
        "sq",
        ("Arta", "Besnik", "Drita", "Agron"),
        ("Krasniqi", "Gashi", "Berisha", "Hoxha"),
        ("Prizren", "Gjakova"),
    ),
    "Albania": (
        "sq",
        ("Elira", "Ardit", "Blerina", "Gentian"),
        ("Hoxha", "Shehu", "Dervishi", "Leka"),
        ("Shkodër", "Korçë"),
    ),
    "North Macedonia": (
        "sq",
        ("Elena", "Bojan", "Ardita", "Zoran"),
        ("Stojanovska", "Trajkovski", "Ismaili", "Petrovski"),
        ("Bitola", "Tetovo"),
    ),
    "Bosnia and Herzegovina": (
        None,
        ("Emir", "Amra", "Dino", "Selma"),
        ("Hodžić", "Delić", "Kovačević", "Begić"),
        ("Tuzla", "Mostar"),
    ),
}
ORG_KINDS: tuple[str, ...] = ("Municipal Council", "Municipal Administration", "Planning Office")
#: Second working languages a host may offer, with the share of hosts offering each.
HOST_LANGUAGES: dict[str, float] = {"fr": 0.12, "pt": 0.08, "ru": 0.15, "sw": 0.12, "sq": 0.12}
ACCESS: dict[str, tuple[float, float]] = {  # feature: (share of hosts, share of participants)
    "step-free": (0.75, 0.03),
    "hearing-loop": (0.35, 0.01),
}
MUNICIPALITIES: tuple[tuple[str, str], ...] = (
    ("Umeå", "Västerbottens län"),
    ("Lund", "Skåne län"),
    ("Malmö", "Skåne län"),
    ("Göteborg", "Västra Götalands län"),
    ("Uppsala", "Uppsala län"),
    ("Västerås", "Västmanlands län"),
    ("Örebro", "Örebro län"),
    ("Linköping", "Östergötlands län"),
    ("Helsingborg", "Skåne län"),
    ("Jönköping", "Jönköpings län"),
    ("Norrköping", "Östergötlands län"),
    ("Gävle", "Gävleborgs län"),
    ("Borås", "Västra Götalands län"),
    ("Södertälje", "Stockholms län"),
    ("Eskilstuna", "Södermanlands län"),
    ("Halmstad", "Hallands län"),
    ("Växjö", "Kronobergs län"),
    ("Karlstad", "Värmlands län"),
    ("Sundsvall", "Västernorrlands län"),
    ("Luleå", "Norrbottens län"),
    ("Östersund", "Jämtlands län"),
    ("Trollhättan", "Västra Götalands län"),
    ("Botkyrka", "Stockholms län"),
    ("Kalmar", "Kalmar län"),
    ("Falun", "Dalarnas län"),
    ("Skellefteå", "Västerbottens län"),
    ("Kristianstad", "Skåne län"),
    ("Karlskrona", "Blekinge län"),
    ("Skövde", "Västra Götalands län"),
    ("Uddevalla", "Västra Götalands län"),
    ("Varberg", "Hallands län"),
    ("Nyköping", "Södermanlands län"),
    ("Borlänge", "Dalarnas län"),
    ("Motala", "Östergötlands län"),
    ("Piteå", "Norrbottens län"),
    ("Kiruna", "Norrbottens län"),
    ("Visby", "Gotlands län"),
    ("Örnsköldsvik", "Västernorrlands län"),
    ("Huddinge", "Stockholms län"),
    ("Nacka", "Stockholms län"),
    ("Solna", "Stockholms län"),
    ("Sigtuna", "Stockholms län"),
    ("Haninge", "Stockholms län"),
    ("Järfälla", "Stockholms län"),
    ("Mölndal", "Västra Götalands län"),
    ("Kungsbacka", "Hallands län"),
    ("Landskrona", "Skåne län"),
    ("Trelleborg", "Skåne län"),
    ("Ystad", "Skåne län"),
    ("Hässleholm", "Skåne län"),
    ("Alingsås", "Västra Götalands län"),
    ("Lidköping", "Västra Götalands län"),
    ("Enköping", "Uppsala län"),
    ("Katrineholm", "Södermanlands län"),
    ("Ludvika", "Dalarnas län"),
    ("Hudiksvall", "Gävleborgs län"),
    ("Sandviken", "Gävleborgs län"),
    ("Värnamo", "Jönköpings län"),
    ("Ljungby", "Kronobergs län"),
    ("Arvika", "Värmlands län"),
)

YEAR = 2026
COHORT_DATES = (date(2026, 5, 13), date(2026, 5, 14))
STRESS_MONDAY = date(2026, 10, 5)


@dataclass(frozen=True)
class Instance:
    """One benchmark instance: how it was made, and the problem."""

    family: str
    size: int
    seed: int
    problem: Problem
    repaired: int  # participants given English / no access needs to keep 3 open hosts
    witness: Allocation | None = None  # a valid plan planted by the generator (scarce)

    @property
    def name(self) -> str:
        return instance_name(self.family, self.size, self.seed)


def instance_name(family: str, size: int, seed: int) -> str:
    return f"{family}-{size}-s{seed}" if family in SIZED else f"{family}-s{seed}"


def generate(family: str, seed: int = 0, size: int | None = None) -> Problem:
    """The problem of one family, seed and (stress, scarce) size; see the module docstring."""
    return generate_instance(family, seed, size).problem


def generate_instance(family: str, seed: int = 0, size: int | None = None) -> Instance:
    if family == "cohort":
        return _cohort(seed, participants=size or 25)
    if family == "season":
        return _season(seed)
    if family == "stress":
        return _stress(seed, size or 1000)
    if family == "season-full":
        return _season_full(seed)
    if family == "scarce":
        return _scarce(seed, size or 500)
    raise ValueError(f"unknown family {family!r}; expected one of {', '.join(FAMILIES)}")


# --------------------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------------------


def _cohort(seed: int, participants: int = 25, hosts: int | None = None) -> Instance:
    """One cohort (25 by default); ``participants``/``hosts`` shrink it for tests."""
    rng = random.Random(f"cohort:{participants}:{seed}")
    n_hosts = hosts if hosts is not None else rng.randint(15, 30)
    start, end = COHORT_DATES
    cohorts = [_cohort_record("ITP-LD-2026", "ITP Local Democracy 2026", start, end, (2, 4))]
    may = [{"start": date(YEAR, 5, 4), "end": date(YEAR, 5, 29)}]
    autumn = [{"start": date(YEAR, 9, 1), "end": date(YEAR, 10, 30)}]
    windows: list[tuple[float, list[dict[str, date]] | None]] = [
        (0.70, None),
        (0.15, may),
        (0.15, autumn),
    ]
    host_records = _hosts(rng, n_hosts, windows, season_cap=(0.2, 1, 1))
    builder = _Builder(rng, cohorts, host_records)
    builder.add_participants(0, participants, n_countries=rng.randint(8, 12))
    return builder.finish("cohort", participants, seed, pin_share=1.0, group_share=0.5)


def _season(seed: int) -> Instance:
    rng = random.Random(f"season:0:{seed}")
    n_cohorts = rng.randint(6, 12)
    starts: list[date] = []
    for i in range(n_cohorts):
        # never more than two cohorts in the field on one day; cohorts 1 and 2 always share
        alone = [
            s
            for i_s, s in enumerate(starts)
            if all(abs((s - t).days) > 2 for i_t, t in enumerate(starts) if i_t != i_s)
        ]
        if alone and (i == 1 or rng.random() < 0.35):
            starts.append(rng.choice(alone) + timedelta(days=rng.choice((0, 1))))
            continue
        for _ in range(100):
            day = date(YEAR, 2, 2) + timedelta(days=rng.randrange(0, 42 * 7))
            day -= timedelta(days=max(0, day.weekday() - 3))  # Monday to Thursday start
            if all(abs((day - t).days) > 2 for t in starts):
                break
        starts.append(day)
    starts.sort()
    cohorts = [
        _cohort_record(
            f"ITP-{i + 1:02d}-{YEAR}",
            f"ITP cohort {i + 1} {YEAR}",
            s,
            s + timedelta(days=1),
            (3, 4) if rng.random() < 0.2 else (2, 4),
        )
        for i, s in enumerate(starts)
    ]
    spring = [{"start": date(YEAR, 2, 1), "end": date(YEAR, 6, 15)}]
    autumn = [{"start": date(YEAR, 8, 15), "end": date(YEAR, 11, 30)}]
    windows: list[tuple[float, list[dict[str, date]] | None]] = [
        (0.50, None),
        (0.125, spring),
        (0.125, autumn),
        (0.25, []),  # two random six-week windows, drawn per host
    ]
    host_records = _hosts(rng, rng.randint(40, 80), windows, season_cap=(0.5, 1, 4))
    builder = _Builder(rng, cohorts, host_records)
    total = 0
    for c in range(n_cohorts):
        n = rng.randint(20, 30)
        total += n
        builder.add_participants(c, n, n_countries=rng.randint(6, 10))
    return builder.finish("season", total, seed, pin_share=0.5, group_share=0.5)


def _stress(seed: int, size: int) -> Instance:
    if size not in STRESS_HOSTS:
        raise ValueError(f"stress size must be one of {sorted(STRESS_HOSTS)}, got {size}")
    rng = random.Random(f"stress:{size}:{seed}")
    n_cohorts = size // 25
    sizes = [25] * n_cohorts
    for _ in range(n_cohorts // 2):
        a, b, d = rng.randrange(n_cohorts), rng.randrange(n_cohorts), rng.randint(0, 3)
        sizes[a] += d
        sizes[b] -= d
    cohorts = []
    for i in range(n_cohorts):
        start = STRESS_MONDAY + timedelta(days=i % 3)
        team = (3, 4) if rng.random() < 0.1 else (2, 4)
        cohorts.append(
            _cohort_record(
                f"C{i + 1:04d}", f"Stress cohort {i + 1}", start, start + timedelta(days=1), team
            )
        )
    week = [STRESS_MONDAY + timedelta(days=d) for d in range(5)]
    windows: list[tuple[float, list[dict[str, date]] | None]] = [(0.8, None)]
    for first in range(3):
        windows.append((0.2 / 3, [{"start": week[first], "end": week[first + 2]}]))
    host_records = _hosts(rng, STRESS_HOSTS[size], windows, season_cap=(0.3, 2, 8))
    builder = _Builder(rng, cohorts, host_records)
    for c, n in enumerate(sizes):
        builder.add_participants(c, n, n_countries=rng.randint(6, 10))
    return builder.finish("stress", size, seed, pin_share=0.25, group_share=0.25)


# --------------------------------------------------------------------------------------
# The scarce family: few hosts, each taking one or two teams a season, a planted plan
# --------------------------------------------------------------------------------------


def _scarce_dates(rng: random.Random, n_cohorts: int) -> list[date]:
    """Start days over a year; about 45 % of cohorts start on or a day after another's."""
    starts: list[date] = []
    for i in range(n_cohorts):
        if i and rng.random() < 0.45:
            starts.append(rng.choice(starts) + timedelta(days=rng.choice((0, 1))))
            continue
        day = date(YEAR, 2, 2) + timedelta(days=rng.randrange(0, 41 * 7))
        starts.append(day - timedelta(days=max(0, day.weekday() - 3)))  # Monday to Thursday
    return sorted(starts)


def _scarce_hosts(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Hosts with a season cap of 1 (60 %) or 2 teams; capacity at a time never above it."""
    year = [{"start": date(YEAR, 1, 1), "end": date(YEAR, 12, 31)}]
    windows: list[tuple[float, list[dict[str, date]] | None]] = [(0.6, None), (0.4, year)]
    records = _hosts(rng, n, windows, season_cap=(1.0, 1, 1))
    for host in records:
        cap = 1 if rng.random() < 0.6 else 2
        teams = min(cap, host["capacity"]["max_teams"])
        host["season_max_teams"] = cap
        host["capacity"] = {"max_teams": teams, "max_participants": 4 * teams}
        if host["available"] is not None:  # one window of three to six months
            first = date(YEAR, 1, 5) + timedelta(weeks=rng.randrange(0, 40))
            last = min(first + timedelta(weeks=rng.randint(13, 26)), date(YEAR, 12, 31))
            host["available"] = [{"start": first, "end": last}]
    return records


class _Planter:
    """Books a hidden plan: teams on hosts within dates, daily capacity and season caps."""

    def __init__(self, rng: random.Random, cohorts: list[dict[str, Any]], hosts: list[Any]):
        self.rng, self.cohorts, self.hosts = rng, cohorts, hosts
        self.season: dict[int, int] = defaultdict(int)  # host -> teams booked
        self.daily: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])

    def _open(self, h: int, days: list[date], size: int) -> bool:
        host = self.hosts[h]
        if self.season[h] >= host["season_max_teams"]:
            return False
        if host["available"] is not None and not any(
            w["start"] <= days[0] and days[-1] <= w["end"] for w in host["available"]
        ):
            return False
        cap = host["capacity"]
        return all(
            self.daily[h, d][0] < cap["max_teams"]
            and self.daily[h, d][1] + size <= cap["max_participants"]
            for d in days
        )

    def book(self, c: int, size: int) -> int:
        """A random host for one team of cohort ``c`` (a new host if none is left)."""
        window = self.cohorts[c]["internship"]
        days = [window["start"], window["end"]]
        options = [h for h in range(len(self.hosts)) if self._open(h, days, size)]
        if not options:  # supply ran out on these dates: add one more host, cap 1
            extra = _scarce_hosts(self.rng, len(self.hosts) + 1)[-1]
            extra.update(available=None, season_max_teams=1)
            extra["capacity"] = {"max_teams": 1, "max_participants": 4}
            self.hosts.append(extra)
            options = [len(self.hosts) - 1]
        h = self.rng.choice(options)
        self.season[h] += 1
        for d in days:
            self.daily[h, d][0] += 1
            self.daily[h, d][1] += size
        return h


def _scarce(seed: int, size: int) -> Instance:
    """See the module docstring: a planted plan proves the instance feasible."""
    if size not in SCARCE_HOSTS:
        raise ValueError(f"scarce size must be one of {sorted(SCARCE_HOSTS)}, got {size}")
    rng = random.Random(f"scarce:{size}:{seed}")
    starts = _scarce_dates(rng, size // 25)
    cohorts = [
        _cohort_record(f"S{i + 1:03d}", f"Scarce cohort {i + 1}", s, s + timedelta(days=1), (2, 4))
        for i, s in enumerate(starts)
    ]
    hosts = _scarce_hosts(rng, SCARCE_HOSTS[size])
    builder = _Builder(rng, cohorts, hosts)
    planter = _Planter(rng, cohorts, hosts)
    plan: list[tuple[int, int, list[int]]] = []  # (cohort, host, participant rows)
    for c in range(len(cohorts)):
        first = len(builder.participants)
        builder.add_participants(c, 25, n_countries=rng.randint(6, 10))
        rows = list(range(first, first + 25))
        rng.shuffle(rows)
        n_teams = 7 if rng.random() < 0.8 else 8  # as few teams as team size 4 allows, or one more
        for t in range(n_teams):
            team = rows[t::n_teams]
            plan.append((c, planter.book(c, len(team)), team))
    planted = {r: h for _, h, rows in plan for r in rows}
    _scarce_people(rng, builder.participants, builder.hosts, planted)
    together, apart = _scarce_pairs(rng, builder.participants, plan)
    problem = builder._problem(keep_together=together, keep_apart=apart)
    witness = Allocation(
        status=Status.FEASIBLE, teams=build_teams(problem, fit_matrix(problem), plan)
    )
    broken = check(problem, witness) + [f"counting: {f}" for f in counting_check(problem, 1.0)]
    if broken:
        raise ValueError(f"scarce size {size} seed {seed}: planted plan fails: {broken[:3]}")
    return Instance("scarce", size, seed, problem, repaired=0, witness=witness)


def _scarce_people(
    rng: random.Random,
    people: list[dict[str, Any]],
    hosts: list[dict[str, Any]],
    planted: dict[int, int],
) -> None:
    """Random fits, then close a fifth of each person's hosts, never their planted one.

    Themes are drawn uniformly (no popular topics), so fits are random. About 10 % work
    only in their second language and 4 % need an access feature, when their planted host
    offers it; blocked hosts then close the rest, up to 10-30 % of all hosts per person.
    """
    host_ids = [h["id"] for h in hosts]
    for r, p in enumerate(people):
        mine = hosts[planted[r]]
        p["themes"] = {
            t: round(rng.uniform(0.3, 1.0), 1) for t in rng.sample(THEMES, rng.randint(1, 3))
        }
        second = COUNTRIES[p["country"]][0]
        p["languages"] = ["en"] + ([second] if second and rng.random() < 0.5 else [])
        if second in mine["languages"] and rng.random() < 0.2:
            p["languages"] = [second]
        p["access_needs"] = [a for a in mine["accessibility"] if rng.random() < 0.04]
        speaks, needs = set(p["languages"]), set(p["access_needs"])
        open_ = [
            h
            for h, host in enumerate(hosts)
            if speaks & set(host["languages"]) and needs <= set(host["accessibility"])
        ]
        closed = len(hosts) - len(open_)
        want = round(rng.uniform(0.1, 0.3) * len(hosts)) - closed
        choices = [h for h in open_ if h != planted[r]]
        blocked = rng.sample(choices, max(0, min(want, len(choices) - MIN_OPEN)))
        p["blocked_hosts"] = [host_ids[h] for h in sorted(blocked)]
        if rng.random() < 0.3:
            still = sorted(set(open_) - set(blocked))
            p["wishes"] = [
                host_ids[h] for h in rng.sample(still, min(len(still), rng.randint(1, 3)))
            ]


def _scarce_pairs(
    rng: random.Random, people: list[dict[str, Any]], plan: list[tuple[int, int, list[int]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Keep-together pairs inside a planted team, keep-apart pairs across two (30 % each)."""
    together: list[dict[str, Any]] = []
    apart: list[dict[str, Any]] = []
    by_cohort: dict[int, list[list[int]]] = defaultdict(list)
    for c, _, rows in plan:
        by_cohort[c].append(rows)
    for teams in by_cohort.values():
        if rng.random() < 0.3:
            a, b = rng.sample(rng.choice(teams), 2)
            together.append(
                {"members": [people[a]["id"], people[b]["id"]], "reason": "joint project"}
            )
        if rng.random() < 0.3:
            one, other = rng.sample(teams, 2)
            pair = [people[rng.choice(one)]["id"], people[rng.choice(other)]["id"]]
            apart.append({"members": pair, "reason": "coordinator's choice"})
    return together, apart


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------


def _cohort_record(
    cid: str, name: str, start: date, end: date, team_size: tuple[int, int]
) -> dict[str, Any]:
    return {
        "id": cid,
        "name": name,
        "programme": "International Training Programme",
        "internship": {"start": start, "end": end},
        "team_size": {"min": team_size[0], "max": team_size[1]},
    }


def _weighted(rng: random.Random, options: Sequence[tuple[float, Any]]) -> Any:
    return rng.choices([o for _, o in options], weights=[w for w, _ in options])[0]


def _six_weeks(rng: random.Random) -> list[dict[str, date]]:
    firsts = sorted(rng.sample(range(1, 47), 2))
    if firsts[1] - firsts[0] < 6:
        firsts[1] = firsts[0] + 6
    out = []
    for week in firsts:
        start = date(YEAR, 1, 5) + timedelta(weeks=week)
        out.append({"start": start, "end": min(start + timedelta(weeks=6), date(YEAR, 12, 31))})
    return out


def _hosts(
    rng: random.Random,
    n: int,
    windows: Sequence[tuple[float, list[dict[str, date]] | None]],
    season_cap: tuple[float, int, int],
) -> list[dict[str, Any]]:
    """Host records; ``season_cap`` = (share of hosts with a cap, lowest, highest cap)."""
    order = list(range(n))
    rng.shuffle(order)
    extra: dict[int, list[str]] = defaultdict(list)
    cursor = 0
    for lang, share in HOST_LANGUAGES.items():  # each language on a fixed share of hosts
        for h in (order * 2)[cursor : cursor + max(4, round(share * n))]:
            extra[h].append(lang)
        cursor = (cursor + max(4, round(share * n))) % n
    records = []
    for h in range(n):
        town, county = MUNICIPALITIES[h % len(MUNICIPALITIES)]
        unit = h // len(MUNICIPALITIES)
        suffix = "" if unit == 0 else f" {unit + 1}"
        k = rng.randint(2, 5)
        themes = rng.sample(THEMES, k)
        teams = _weighted(rng, [(0.4, 1), (0.4, 2), (0.2, 3)])
        people = {1: 4, 2: rng.randint(6, 8), 3: rng.randint(9, 12)}[teams]
        available = _weighted(rng, windows)
        if available == []:
            available = _six_weeks(rng)
        cap_share, cap_low, cap_high = season_cap
        records.append(
            {
                "id": f"h{h + 1:04d}",
                "name": f"{town} kommun{suffix}",
                "municipality": f"{town}{suffix}",
                "region": county,
                "themes": {t: round(rng.uniform(0.3, 1.0), 1) for t in themes},
                "languages": ["sv", "en", *extra[h]],
                "accessibility": [a for a, (share, _) in ACCESS.items() if rng.random() < share],
                "capacity": {"max_teams": teams, "max_participants": people},
                "available": available,
                "season_max_teams": rng.randint(cap_low, cap_high)
                if rng.random() < cap_share
                else None,
            }
        )
    return records


class _Builder:
    """Adds participants cohort by cohort, then pair rules, then validates and checks."""

    def __init__(
        self, rng: random.Random, cohorts: list[dict[str, Any]], hosts: list[dict[str, Any]]
    ) -> None:
        self.rng, self.cohorts, self.hosts = rng, cohorts, hosts
        self.participants: list[dict[str, Any]] = []

    def add_participants(self, cohort: int, n: int, n_countries: int) -> None:
        rng = self.rng
        countries = rng.sample(sorted(COUNTRIES), min(n_countries, len(COUNTRIES), n))
        shares = [rng.uniform(0.5, 1.5) for _ in countries]
        drawn = list(countries) + rng.choices(countries, weights=shares, k=n - len(countries))
        rng.shuffle(drawn)
        cid = self.cohorts[cohort]["id"]
        for country in drawn:
            second, firsts, lasts, cities = COUNTRIES[country]
            if second is not None and rng.random() < 0.05:
                languages = [second]  # about 3 % of everybody: no English
            elif second is not None and rng.random() < 0.6:
                languages = ["en", second]
            else:
                languages = ["en"]
            themes = rng.choices(THEMES, weights=THEME_POPULARITY, k=rng.randint(1, 3))
            pid = f"p{len(self.participants) + 1:05d}"
            self.participants.append(
                {
                    "id": pid,
                    "name": f"{rng.choice(firsts)} {rng.choice(lasts)}",
                    "cohort": cid,
                    "country": country,
                    "organisation": f"{rng.choice(cities)} {rng.choice(ORG_KINDS)}",
                    "gender": rng.choice(("female", "male")),
                    "languages": languages,
                    "themes": {t: round(rng.uniform(0.5, 1.0), 1) for t in dict.fromkeys(themes)},
                    "access_needs": [a for a, (_, share) in ACCESS.items() if rng.random() < share],
                    "wishes": [],
                    "blocked_hosts": [],
                }
            )

    def _problem(self, **rules: Any) -> Problem:
        return Problem.model_validate(
            {
                "cohorts": self.cohorts,
                "participants": self.participants,
                "hosts": self.hosts,
                **rules,
            }
        )

    def finish(
        self, family: str, size: int, seed: int, pin_share: float, group_share: float
    ) -> Instance:
        allowed, repaired = self._repair()
        self._wishes_and_blocks(allowed)
        pins, together, apart = self._pairs_and_pins(allowed, pin_share, group_share)
        problem = self._problem(pins=pins, keep_together=together, keep_apart=apart)
        failed = counting_check(problem)
        if failed:
            raise ValueError(
                f"{family} size {size} seed {seed} fails the counting check: " + "; ".join(failed)
            )
        return Instance(family, size, seed, problem, repaired)

    def _repair(self) -> tuple[BoolMatrix, int]:
        """Give English and no access needs to anyone with too few open hosts; count them."""
        problem = self._problem()
        allowed = open_hosts(problem)
        repaired = 0
        for r, p in enumerate(self.participants):
            if allowed[r].sum() < MIN_OPEN:
                p["languages"] = sorted({"en", *p["languages"]})
                p["access_needs"] = []
                repaired += 1
        if repaired:
            problem = self._problem()
            allowed = open_hosts(problem)
        return allowed, repaired

    def _wishes_and_blocks(self, allowed: BoolMatrix) -> None:
        """Wishes (30 %) among open hosts, blocked hosts (3 %) only where many stay open."""
        rng = self.rng
        host_ids = [h["id"] for h in self.hosts]
        for r, p in enumerate(self.participants):
            opened = [host_ids[h] for h in np.flatnonzero(allowed[r])]
            if rng.random() < 0.3:
                p["wishes"] = rng.sample(opened, min(len(opened), rng.randint(1, 3)))
            if rng.random() < 0.03 and len(opened) > MIN_OPEN + 2:
                choices = [h for h in opened if h not in p["wishes"]]
                p["blocked_hosts"] = [rng.choice(choices)]
                allowed[r, host_ids.index(p["blocked_hosts"][0])] = False

    def _pairs_and_pins(
        self, allowed: BoolMatrix, pin_share: float, group_share: float
    ) -> tuple[list[dict[str, str]], list[dict[str, Any]], list[dict[str, Any]]]:
        """Per cohort: maybe a keep-together and a keep-apart pair, maybe a pin."""
        pins: list[dict[str, str]] = []
        together: list[dict[str, Any]] = []
        apart: list[dict[str, Any]] = []
        by_cohort: dict[str, list[int]] = defaultdict(list)
        for r, p in enumerate(self.participants):
            by_cohort[p["cohort"]].append(r)
        book = _PinBook(self.cohorts, self.hosts)
        for rows in by_cohort.values():
            taken = self._pair_rules(rows, allowed, group_share, together, apart)
            if self.rng.random() < pin_share:
                pin = self._pin(rows, taken, allowed, book)
                if pin is not None:
                    pins.append(pin)
        return pins, together, apart

    def _pair_rules(
        self,
        rows: list[int],
        allowed: BoolMatrix,
        group_share: float,
        together: list[dict[str, Any]],
        apart: list[dict[str, Any]],
    ) -> set[int]:
        """Maybe a keep-together pair of colleagues and a keep-apart pair; who they took."""
        rng, people = self.rng, self.participants
        taken: set[int] = set()
        if rng.random() < group_share:
            by_org: dict[str, list[int]] = defaultdict(list)
            for r in rows:
                by_org[people[r]["organisation"]].append(r)
            pairs = [g[:2] for g in by_org.values() if len(g) >= 2]
            pairs = [g for g in pairs if (allowed[g[0]] & allowed[g[1]]).sum() >= MIN_OPEN]
            if pairs:
                a, b = rng.choice(pairs)
                together.append(
                    {
                        "members": [people[a]["id"], people[b]["id"]],
                        "reason": "joint change project",
                    }
                )
                taken |= {a, b}
        if rng.random() < group_share * 0.6:
            free = [r for r in rows if r not in taken]
            a, b = rng.sample(free, 2)
            apart.append(
                {"members": [people[a]["id"], people[b]["id"]], "reason": "coordinator's choice"}
            )
            taken |= {a, b}
        return taken

    def _pin(
        self, rows: list[int], taken: set[int], allowed: BoolMatrix, book: _PinBook
    ) -> dict[str, str] | None:
        """A pin for one of ``rows`` (not taken, no wishes) to a host that can keep it."""
        rng, people = self.rng, self.participants
        free = [r for r in rows if r not in taken and not people[r]["wishes"]]
        who = rng.choice(free) if free else None
        c = book.index[people[rows[0]]["cohort"]]
        # a pin promises a team place: never more than the host can keep
        hosts = [] if who is None else np.flatnonzero(allowed[who]).tolist()
        hosts = [h for h in hosts if book.fits(c, h)]
        if who is None or not hosts:
            return None
        h = rng.choice(hosts)
        book.pinned[h].add(c)
        return {"participant": people[who]["id"], "host": self.hosts[h]["id"]}


class _PinBook:
    """The pins promised so far: per host, the cohorts holding a team place there."""

    def __init__(self, cohorts: list[dict[str, Any]], hosts: list[dict[str, Any]]) -> None:
        self.cohorts, self.hosts = cohorts, hosts
        self.index = {c["id"]: i for i, c in enumerate(cohorts)}
        self.windows = [(c["internship"]["start"], c["internship"]["end"]) for c in cohorts]
        self.pinned: dict[int, set[int]] = defaultdict(set)

    def fits(self, c: int, h: int) -> bool:
        """Whether host ``h`` can keep a team place for cohort ``c`` besides its other pins."""
        windows = self.windows
        host, cohorts = self.hosts[h], self.pinned[h] | {c}
        cap, low = host["season_max_teams"], self.cohorts[c]["team_size"]["min"]
        if cap is not None and len(cohorts) > cap:
            return False
        start, end = windows[c]
        for day in (start, end):
            there = [o for o in cohorts if windows[o][0] <= day <= windows[o][1]]
            if len(there) > host["capacity"]["max_teams"]:
                return False
            if len(there) * low > host["capacity"]["max_participants"]:
                return False
        return True


# --------------------------------------------------------------------------------------
# Counting check
# --------------------------------------------------------------------------------------


def counting_check(problem: Problem, margin: float = MARGIN) -> list[str]:
    """Necessary conditions for feasibility, with a safety margin; empty means all hold.

    See the module docstring. Cheap (vectorised), so it runs on every generated instance.
    """
    allowed = open_hosts(problem)
    failed = _open_host_failures(problem, allowed)
    cohorts, hosts = problem.cohorts, problem.hosts
    size: dict[str, int] = defaultdict(int)
    for p in problem.participants:
        size[p.cohort] += 1
    teams_needed = {c.id: math.ceil(size[c.id] / c.team_size.max) for c in cohorts}
    open_for: BoolMatrix = np.asarray(
        [[h.is_available(c.internship) for h in hosts] for c in cohorts], dtype=np.bool_
    )
    failed += _daily_failures(problem, margin, size, teams_needed, open_for)
    failed += _season_failures(problem, margin, teams_needed, open_for)
    failed += _pin_failures(problem)
    failed += _together_failures(problem, allowed)
    return failed


def _open_host_failures(problem: Problem, allowed: BoolMatrix) -> list[str]:
    """Everyone has MIN_OPEN open hosts (a pinned participant: one)."""
    failed: list[str] = []
    pinned = {pin.participant for pin in problem.pins}
    for r, p in enumerate(problem.participants):
        needed = 1 if p.id in pinned else MIN_OPEN
        if allowed[r].sum() < needed:
            failed.append(f"participant {p.id} has {int(allowed[r].sum())} open hosts")
    return failed


def _daily_failures(
    problem: Problem,
    margin: float,
    size: dict[str, int],
    teams_needed: dict[str, int],
    open_for: BoolMatrix,
) -> list[str]:
    """On every day: places, team places, and places for language and access dependants."""
    failed: list[str] = []
    cohorts, hosts = problem.cohorts, problem.hosts
    people_cap = np.asarray([h.capacity.max_participants for h in hosts])
    team_cap = np.asarray([h.capacity.max_teams for h in hosts])
    day_cohorts: dict[date, list[int]] = defaultdict(list)
    for c, cohort in enumerate(cohorts):
        for day in cohort.internship.days():
            day_cohorts[day].append(c)
    for day, present in sorted(day_cohorts.items()):
        usable: BoolMatrix = np.any(open_for[present], axis=0)
        people = sum(size[cohorts[c].id] for c in present)
        teams = sum(teams_needed[cohorts[c].id] for c in present)
        if people_cap[usable].sum() < margin * people:
            failed.append(f"{day}: {people_cap[usable].sum()} places for {people} people")
        if team_cap[usable].sum() < margin * teams:
            failed.append(f"{day}: {team_cap[usable].sum()} team places for {teams} teams")
        failed += _dependant_failures(problem, margin, day, present, people_cap, usable)
    return failed


def _dependant_failures(
    problem: Problem,
    margin: float,
    day: date,
    present: list[int],
    people_cap: IntArray,
    usable: BoolMatrix,
) -> list[str]:
    """Places on ``day`` for participants who depend on a non-English language or access."""
    failed: list[str] = []
    cohort_pos = {c.id: i for i, c in enumerate(problem.cohorts)}
    dependants: dict[str, int] = defaultdict(int)
    for p in problem.participants:
        if cohort_pos[p.cohort] not in present:
            continue
        if "en" not in {lang.casefold() for lang in p.languages}:
            for lang in p.languages:
                dependants[f"language {lang.casefold()}"] += 1
        for need in p.access_needs:
            dependants[f"access {need.casefold()}"] += 1
    for key, count in dependants.items():
        kind, feature = key.split(" ", 1)
        tags = [h.languages if kind == "language" else h.accessibility for h in problem.hosts]
        offers = np.asarray([feature in {t.casefold() for t in ts} for ts in tags])
        places = people_cap[usable & offers].sum()
        if places < margin * count:
            failed.append(f"{day}: {places} places with {key} for {count} who need it")
    return failed


def _season_failures(
    problem: Problem, margin: float, teams_needed: dict[str, int], open_for: BoolMatrix
) -> list[str]:
    """Over the season, the reachable hosts' caps leave room for every team needed."""
    season_total = sum(teams_needed.values())
    cap = 0
    reachable_hosts: BoolMatrix = np.any(open_for, axis=0)
    for h, reachable in zip(problem.hosts, reachable_hosts, strict=True):
        if reachable:
            limit = h.season_max_teams
            cap += h.capacity.max_teams * len(problem.cohorts) if limit is None else limit
    if cap < margin * season_total:
        return [f"season caps leave {cap} teams for {season_total} needed"]
    return []


def _pin_failures(problem: Problem) -> list[str]:
    """Pins promise team places: per host, the pinned cohorts fit its capacity and cap."""
    failed: list[str] = []
    cohort_of = {p.id: p.cohort for p in problem.participants}
    pinned_at: dict[str, set[str]] = defaultdict(set)
    for pin in problem.pins:
        pinned_at[pin.host].add(cohort_of[pin.participant])
    for host_id, cohort_ids in pinned_at.items():
        host = problem.host(host_id)
        if host.season_max_teams is not None and len(cohort_ids) > host.season_max_teams:
            failed.append(f"host {host_id} is pinned by {len(cohort_ids)} cohorts over its cap")
        for day in sorted({d for cid in cohort_ids for d in problem.cohort(cid).internship.days()}):
            there = [cid for cid in cohort_ids if day in problem.cohort(cid).internship.days()]
            low = min(problem.cohort(cid).team_size.min for cid in there)
            if len(there) > host.capacity.max_teams or (
                len(there) * low > host.capacity.max_participants
            ):
                failed.append(f"host {host_id} is pinned by {len(there)} cohorts on {day}")
    return failed


def _together_failures(problem: Problem, allowed: BoolMatrix) -> list[str]:
    """Each keep-together group fits in one team and has a common open host."""
    failed: list[str] = []
    row_of = {p.id: r for r, p in enumerate(problem.participants)}
    for i, group in enumerate(problem.keep_together):
        rows = [row_of[m] for m in group.members]
        largest = problem.cohort(problem.participants[rows[0]].cohort).team_size.max
        if len(rows) > largest or not np.logical_and.reduce(allowed[rows], axis=0).any():
            failed.append(f"keep_together[{i}] cannot travel as one team")
    return failed


# --------------------------------------------------------------------------------------
# season-full: the season instance with windows, calendars, study visits and travel
# --------------------------------------------------------------------------------------

#: Where season-full cohorts are housed: (name, latitude, longitude).
FULL_BASES: tuple[tuple[str, float, float], ...] = (
    ("Stockholm", 59.33, 18.07),
    ("Visby", 57.64, 18.30),
)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine), for the travel budget estimate."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _season_full(seed: int) -> Instance:
    """The ``season`` instance of the same seed with every season-planning feature added.

    Uses its own ``random.Random(f"season-full:{seed}")`` so the ``season`` instance (and
    its proven optima) stay unchanged. Every host is closed on Saturdays and Sundays: with
    only most hosts closed, the library's window day-pick (``strategies/calendar.py``
    ``fixed_days``, capped place count, earliest start on ties) chose weekend starts that
    the few open hosts could not hold, and seeds 0 and 2 found no plan in 20 s.
    Travel budgets are 1.5 x the cost of the most teams the cohort can form
    (ceil(n / min team size)) at the average host, so they stay loose.
    """
    base = _season(seed)
    rng = random.Random(f"season-full:{seed}")
    hosts = [_full_host(rng, h) for h in base.problem.hosts]
    cohorts = [_full_cohort(rng, base.problem, c, hosts) for c in base.problem.cohorts]
    data = base.problem.model_dump(mode="json", exclude_none=True)
    data |= {"cohorts": cohorts, "hosts": hosts}
    data["rules"] = dict(data.get("rules", {})) | {"internship_dates": "per_cohort"}
    problem = Problem.model_validate(data)
    return Instance("season-full", 0, seed, problem, base.repaired)


def _full_host(rng: random.Random, host: Host) -> dict[str, Any]:
    """The host with a location, closed at weekends, and a group offer three times in ten."""
    update: dict[str, Any] = {
        "location": {
            "lat": round(rng.uniform(55.5, 63.5), 3),
            "lon": round(rng.uniform(12.0, 19.5), 3),
        },
        "closed_weekdays": ["sat", "sun"],  # all: see _season_full docstring
    }
    if rng.random() < 0.3:
        update["group_visits"] = {
            "capacity": 30,
            "themes": dict.fromkeys(rng.sample(THEMES, 3), 1.0),
            "max_per_day": 1,
            "with_teams": rng.random() < 0.5,
        }
    return host.model_dump(mode="json", exclude_none=True) | update


def _full_cohort(
    rng: random.Random, problem: Problem, c: Cohort, hosts: list[dict[str, Any]]
) -> dict[str, Any]:
    """The cohort with a window around its internship, a base, a budget and study visits."""
    assert c.internship is not None
    settings = problem.travel
    name, lat, lon = rng.choice(FULL_BASES)
    members = [p for p in problem.participants if p.cohort == c.id]
    km = [_km(lat, lon, h["location"]["lat"], h["location"]["lon"]) for h in hosts]
    trip = settings.cost_per_trip + settings.cost_per_km * settings.road_factor * 2 * (
        sum(km) / len(km)
    )
    teams = math.ceil(len(members) / c.team_size.min)
    themes = sorted({t for p in members for t in p.themes})
    visits = [
        {
            "id": f"visit-{k + 1}",
            "themes": dict.fromkeys(rng.sample(themes, min(3, len(themes))), 1.0),
        }
        for k in range(rng.randint(1, 2))
    ]
    record = c.model_dump(mode="json", exclude_none=True)
    del record["internship"]
    record |= {
        "window": {
            "start": (c.internship.start - timedelta(days=2)).isoformat(),
            "end": (c.internship.end + timedelta(days=2)).isoformat(),
        },
        "internship_days": 2,
        "base": {"name": name, "lat": lat, "lon": lon},
        "travel_budget": round(1.5 * teams * trip),
        "study_visits": visits,
    }
    return record
