"""Build the example problem ``examples/data/itp-local-democracy-2026.json``.

The data describe one realistic ICLD cohort, "ITP Local Democracy and Citizen Participation
2026": 25 local politicians, officials and civil-society members from 13 partner countries
(East and Southern Africa, Indonesia, Ukraine, Moldova and the Western Balkans) who spend a
two-day internship on 13-14 May 2026 in teams of two to four at Swedish host municipalities.

All participants, and the details attached to them, are fictional: the names are invented
but typical of their countries, and the organisations are ordinary municipal councils,
ministries and associations chosen only to make the example plausible. The 20 hosts are real
Swedish municipalities, but their themes, strengths, languages, accessibility, capacities
and availability are made up for the example and say nothing about the real municipalities.

What the instance exercises:

* themes from a vocabulary of 15 municipal/SDG themes, weighted by participants (0.5-1) and
  offered by hosts with strengths (0.4-1);
* languages: everyone works in English except a Ukrainian official (Ukrainian and Russian
  only) and a Bosnian official (Bosnian and Serbian only), who can go only to the three
  hosts with Russian/Ukrainian-speaking or Bosnian-speaking staff respectively;
* access needs: two participants need step-free access, one of them also a hearing loop;
* dates: four hosts cannot receive teams on 13-14 May (Uppsala, Helsingborg and Luleå only
  in autumn; Halmstad's window opens on 14 May, one day too late);
* three pairs of colleagues from the same organisation, one of which must travel together
  (keep_together), one keep_apart pair, one pin, a few ranked wishes and one blocked host.

The instance is feasible by construction: the hosts available in May can receive 76
participants in 20 teams, and every participant has at least three available hosts that
share a working language and meet their access needs. Rules and weights are the defaults.

The script is deterministic (no randomness); run it from anywhere::

    PYTHONPATH=src python examples/make_example.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from icld_match.records.schema import (
    Capacity,
    Cohort,
    DateRange,
    Host,
    KeepApart,
    KeepTogether,
    Participant,
    Pin,
    Problem,
    TeamSize,
)

OUTPUT = Path(__file__).resolve().parent / "data" / "itp-local-democracy-2026.json"

COHORT_ID = "ITP-LD-2026"
INTERNSHIP = DateRange(start=date(2026, 5, 13), end=date(2026, 5, 14))

THEMES = (
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
)

STEP_FREE = ["step-free"]
STEP_FREE_LOOP = ["step-free", "hearing-loop"]
AUTUMN = [DateRange(start=date(2026, 9, 1), end=date(2026, 10, 30))]


def _range(start: str, end: str) -> DateRange:
    return DateRange(start=date.fromisoformat(start), end=date.fromisoformat(end))


# (id, name, municipality, county, themes, languages, accessibility,
#  (max_teams, max_participants), availability or None for "any date")
HOST_ROWS: list[
    tuple[
        str,
        str,
        str,
        str,
        dict[str, float],
        list[str],
        list[str],
        tuple[int, int],
        list[DateRange] | None,
    ]
] = [
    (
        "umea",
        "Umeå kommun",
        "Umeå",
        "Västerbottens län",
        {
            "gender-mainstreaming": 1.0,
            "citizen-dialogue": 0.6,
            "youth-participation": 0.6,
            "climate-adaptation": 0.5,
        },
        ["en", "sv"],
        STEP_FREE_LOOP,
        (2, 8),
        None,
    ),
    (
        "lund",
        "Lunds kommun",
        "Lund",
        "Skåne län",
        {
            "urban-planning": 0.8,
            "climate-adaptation": 0.6,
            "schools": 0.5,
            "digital-services": 0.4,
        },
        ["en", "sv", "fr"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "malmo",
        "Malmö stad",
        "Malmö",
        "Skåne län",
        {
            "integration": 0.9,
            "climate-adaptation": 0.9,
            "urban-planning": 0.8,
            "social-services": 0.7,
            "youth-participation": 0.5,
        },
        ["en", "sv", "bs", "sq"],
        STEP_FREE_LOOP,
        (2, 8),
        None,
    ),
    (
        "goteborg",
        "Göteborgs stad",
        "Göteborg",
        "Västra Götalands län",
        {
            "anti-corruption": 0.8,
            "citizen-dialogue": 0.7,
            "urban-planning": 0.7,
            "water-sanitation": 0.6,
        },
        ["en", "sv"],
        STEP_FREE_LOOP,
        (2, 6),
        None,
    ),
    (
        "uppsala",
        "Uppsala kommun",
        "Uppsala",
        "Uppsala län",
        {"public-health": 0.7, "schools": 0.6, "digital-services": 0.6},
        ["en", "sv", "fr"],
        STEP_FREE,
        (1, 4),
        AUTUMN,
    ),
    (
        "vasteras",
        "Västerås stad",
        "Västerås",
        "Västmanlands län",
        {"water-sanitation": 0.8, "waste-management": 0.7, "local-economic-development": 0.5},
        ["en", "sv"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "orebro",
        "Örebro kommun",
        "Örebro",
        "Örebro län",
        {"public-procurement": 0.8, "citizen-dialogue": 0.6, "social-services": 0.5},
        ["en", "sv"],
        [],
        (1, 4),
        [_range("2026-05-11", "2026-05-15")],
    ),
    (
        "linkoping",
        "Linköpings kommun",
        "Linköping",
        "Östergötlands län",
        {"digital-services": 0.8, "local-economic-development": 0.7, "urban-planning": 0.5},
        ["en", "sv"],
        STEP_FREE_LOOP,
        (1, 4),
        [_range("2026-04-01", "2026-06-15")],
    ),
    (
        "helsingborg",
        "Helsingborgs stad",
        "Helsingborg",
        "Skåne län",
        {"digital-services": 1.0, "waste-management": 0.6, "citizen-dialogue": 0.5},
        ["en", "sv"],
        STEP_FREE,
        (1, 4),
        [_range("2026-09-14", "2026-09-25")],
    ),
    (
        "jonkoping",
        "Jönköpings kommun",
        "Jönköping",
        "Jönköpings län",
        {"public-procurement": 0.6, "schools": 0.6, "integration": 0.5},
        ["en", "sv", "bs"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "norrkoping",
        "Norrköpings kommun",
        "Norrköping",
        "Östergötlands län",
        {"integration": 0.7, "social-services": 0.7, "youth-participation": 0.6},
        ["en", "sv", "ru"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "boras",
        "Borås stad",
        "Borås",
        "Västra Götalands län",
        {"waste-management": 1.0, "local-economic-development": 0.6, "climate-adaptation": 0.4},
        ["en", "sv", "sq"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "gavle",
        "Gävle kommun",
        "Gävle",
        "Gävleborgs län",
        {"social-services": 0.7, "public-health": 0.6, "water-sanitation": 0.5},
        ["en", "sv", "uk", "ru"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "sundsvall",
        "Sundsvalls kommun",
        "Sundsvall",
        "Västernorrlands län",
        {"digital-services": 0.6, "local-economic-development": 0.6, "public-procurement": 0.5},
        ["en", "sv", "ru"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "karlstad",
        "Karlstads kommun",
        "Karlstad",
        "Värmlands län",
        {"youth-participation": 0.7, "citizen-dialogue": 0.7, "climate-adaptation": 0.6},
        ["en", "sv"],
        [],
        (1, 4),
        [_range("2026-03-02", "2026-03-27"), _range("2026-05-04", "2026-05-29")],
    ),
    (
        "vaxjo",
        "Växjö kommun",
        "Växjö",
        "Kronobergs län",
        {
            "climate-adaptation": 0.9,
            "waste-management": 0.6,
            "public-procurement": 0.5,
            "integration": 0.4,
        },
        ["en", "sv", "bs"],
        STEP_FREE,
        (1, 4),
        None,
    ),
    (
        "halmstad",
        "Halmstads kommun",
        "Halmstad",
        "Hallands län",
        {"public-health": 0.6, "schools": 0.5, "local-economic-development": 0.5},
        ["en", "sv"],
        STEP_FREE,
        (1, 4),
        [_range("2026-05-14", "2026-06-30")],
    ),
    (
        "ostersund",
        "Östersunds kommun",
        "Östersund",
        "Jämtlands län",
        {"local-economic-development": 0.7, "public-health": 0.6, "gender-mainstreaming": 0.5},
        ["en", "sv"],
        [],
        (1, 4),
        None,
    ),
    (
        "botkyrka",
        "Botkyrka kommun",
        "Botkyrka",
        "Stockholms län",
        {
            "integration": 1.0,
            "youth-participation": 0.8,
            "citizen-dialogue": 0.7,
            "anti-corruption": 0.4,
        },
        ["en", "sv", "tr", "sq"],
        STEP_FREE_LOOP,
        (2, 6),
        None,
    ),
    (
        "lulea",
        "Luleå kommun",
        "Luleå",
        "Norrbottens län",
        {
            "local-economic-development": 0.8,
            "climate-adaptation": 0.6,
            "gender-mainstreaming": 0.6,
        },
        ["en", "sv"],
        STEP_FREE,
        (1, 4),
        AUTUMN,
    ),
]


def make_hosts() -> list[Host]:
    return [
        Host(
            id=hid,
            name=name,
            municipality=municipality,
            region=county,
            themes=themes,
            languages=languages,
            accessibility=list(access),
            capacity=Capacity(max_teams=teams, max_participants=people),
            available=available,
        )
        for (
            hid,
            name,
            municipality,
            county,
            themes,
            languages,
            access,
            (teams, people),
            available,
        ) in HOST_ROWS
    ]


# (name, gender, country, organisation, languages, themes)
PARTICIPANT_ROWS: list[tuple[str, str, str, str, list[str], dict[str, float]]] = [
    (
        "Wanjiru Kamau",
        "female",
        "Kenya",
        "Kisumu County Assembly",
        ["en", "sw"],
        {"citizen-dialogue": 1.0, "gender-mainstreaming": 0.7},
    ),
    (
        "Otieno Ochieng",
        "male",
        "Kenya",
        "Kisumu County Government",
        ["en", "sw"],
        {"waste-management": 1.0, "climate-adaptation": 0.6},
    ),
    (
        "Achieng Odhiambo",
        "female",
        "Kenya",
        "Kisumu County Government",
        ["en", "sw"],
        {"waste-management": 0.9, "public-health": 0.5},
    ),
    (
        "Mwangi Kariuki",
        "male",
        "Kenya",
        "Makueni County Government",
        ["en", "sw"],
        {"local-economic-development": 0.8, "public-procurement": 0.7},
    ),
    (
        "Neema Mushi",
        "female",
        "Tanzania",
        "Arusha City Council",
        ["en", "sw"],
        {"citizen-dialogue": 0.8, "youth-participation": 0.6},
    ),
    (
        "Baraka Mwakyusa",
        "male",
        "Tanzania",
        "Mbeya City Council",
        ["en", "sw"],
        {"urban-planning": 1.0, "water-sanitation": 0.5},
    ),
    (
        "Rehema Said",
        "female",
        "Tanzania",
        "Zanzibar Municipal Council",
        ["en", "sw"],
        {"climate-adaptation": 0.9, "waste-management": 0.8},
    ),
    (
        "Sarah Namusoke",
        "female",
        "Uganda",
        "Jinja City Council",
        ["en", "sw"],
        {"gender-mainstreaming": 1.0, "social-services": 0.6},
    ),
    (
        "Moses Okello",
        "male",
        "Uganda",
        "Gulu City Council",
        ["en"],
        {"youth-participation": 0.9, "schools": 0.5, "anti-corruption": 0.5},
    ),
    (
        "Chilufya Mwansa",
        "female",
        "Zambia",
        "Lusaka City Council",
        ["en"],
        {"public-health": 0.8, "water-sanitation": 0.7},
    ),
    (
        "Mulenga Banda",
        "male",
        "Zambia",
        "Lusaka City Council",
        ["en"],
        {"public-procurement": 1.0, "anti-corruption": 0.8},
    ),
    (
        "Kagiso Molefe",
        "male",
        "Botswana",
        "Gaborone City Council",
        ["en"],
        {"digital-services": 0.8, "local-economic-development": 0.6},
    ),
    (
        "Nomvula Dlamini",
        "female",
        "South Africa",
        "eThekwini Municipality",
        ["en", "zu"],
        {"climate-adaptation": 1.0, "urban-planning": 0.7},
    ),
    (
        "Thabo Nkosi",
        "male",
        "South Africa",
        "South African Local Government Association",
        ["en", "zu"],
        {"anti-corruption": 0.9, "citizen-dialogue": 0.6},
    ),
    (
        "Siti Rahmawati",
        "female",
        "Indonesia",
        "City Government of Surabaya",
        ["en", "id"],
        {"waste-management": 0.9, "citizen-dialogue": 0.5},
    ),
    (
        "Agus Setiawan",
        "male",
        "Indonesia",
        "City Government of Surabaya",
        ["en", "id"],
        {"digital-services": 0.9, "public-procurement": 0.5},
    ),
    (
        "Dewi Anggraini",
        "female",
        "Indonesia",
        "Ministry of Home Affairs of Indonesia",
        ["en", "id"],
        {"anti-corruption": 0.7, "public-procurement": 0.6, "gender-mainstreaming": 0.5},
    ),
    (
        "Olena Kovalenko",
        "female",
        "Ukraine",
        "Kharkiv City Council",
        ["uk", "ru"],
        {"integration": 1.0, "social-services": 0.8},
    ),
    (
        "Andrii Bondarenko",
        "male",
        "Ukraine",
        "Association of Ukrainian Cities",
        ["en", "uk", "ru"],
        {"digital-services": 0.8, "anti-corruption": 0.7},
    ),
    (
        "Ion Ciobanu",
        "male",
        "Moldova",
        "Cahul City Hall",
        ["en", "ro", "ru"],
        {"local-economic-development": 0.8, "public-procurement": 0.7},
    ),
    (
        "Jelena Marković",
        "female",
        "Serbia",
        "City of Kragujevac",
        ["en", "sr"],
        {"youth-participation": 0.8, "citizen-dialogue": 0.7},
    ),
    (
        "Arta Krasniqi",
        "female",
        "Kosovo",
        "Municipality of Prishtina",
        ["en", "sq"],
        {"gender-mainstreaming": 0.9, "urban-planning": 0.6},
    ),
    (
        "Besnik Gashi",
        "male",
        "Kosovo",
        "Municipality of Prizren",
        ["en", "sq", "tr"],
        {"waste-management": 0.7, "local-economic-development": 0.6},
    ),
    (
        "Elena Stojanovska",
        "female",
        "North Macedonia",
        "Municipality of Strumica",
        ["en", "mk"],
        {"social-services": 0.9, "public-health": 0.6},
    ),
    (
        "Emir Hodžić",
        "male",
        "Bosnia and Herzegovina",
        "City of Tuzla",
        ["bs", "sr"],
        {"schools": 0.9, "youth-participation": 0.6},
    ),
]


def make_participants() -> list[Participant]:
    access_needs = {"p07": STEP_FREE_LOOP, "p23": STEP_FREE}
    wishes = {
        "p04": ["jonkoping", "orebro"],
        "p12": ["helsingborg", "linkoping"],  # first wish is not available in May
        "p13": ["malmo", "vaxjo"],
        "p15": ["boras", "vasteras", "helsingborg"],
        "p22": ["umea"],
    }
    blocked = {"p20": ["vasteras"]}  # visited Västerås on an earlier ICLD programme
    participants = []
    for number, (name, gender, country, organisation, languages, themes) in enumerate(
        PARTICIPANT_ROWS, 1
    ):
        pid = f"p{number:02d}"
        for theme in themes:
            assert theme in THEMES, theme
        participants.append(
            Participant(
                id=pid,
                name=name,
                cohort=COHORT_ID,
                country=country,
                organisation=organisation,
                gender=gender,
                languages=languages,
                themes=themes,
                access_needs=list(access_needs.get(pid, [])),
                wishes=wishes.get(pid, []),
                blocked_hosts=blocked.get(pid, []),
            )
        )
    return participants


def make_problem() -> Problem:
    cohort = Cohort(
        id=COHORT_ID,
        name="ITP Local Democracy and Citizen Participation 2026",
        programme="International Training Programme: Local Democracy",
        internship=INTERNSHIP,
        team_size=TeamSize(min=2, max=4),
    )
    return Problem(
        cohorts=[cohort],
        participants=make_participants(),
        hosts=make_hosts(),
        pins=[Pin(participant="p13", host="malmo")],  # study visit to Augustenborg arranged
        keep_together=[
            KeepTogether(
                members=["p02", "p03"],
                reason="Kisumu colleagues on a joint change project on solid-waste collection",
            )
        ],
        keep_apart=[
            KeepApart(
                members=["p05", "p06"],
                reason="Co-authors of a joint report who want to compare two host models",
            )
        ],
    )


def main() -> None:
    problem = make_problem()
    text = problem.model_dump_json(indent=2)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    assert Problem.model_validate_json(OUTPUT.read_text(encoding="utf-8")) == problem
    print(f"wrote {OUTPUT}: {len(problem.participants)} participants, {len(problem.hosts)} hosts")


if __name__ == "__main__":
    main()
