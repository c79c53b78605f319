"""Build the season example ``examples/data/season-2026.json``.

A realistic ICLD season: nine international training programmes (ITPs) of 2026, each a
cohort of 22-27 local politicians and officials from ICLD partner countries, with its
own Swedish phase, and one pool of 50 Swedish municipalities that volunteer as hosts.

Everything about the people is fictional (invented names; organisations are generic
municipal councils and ministries). The 50 hosts are real Swedish municipalities with
their real approximate coordinates, but their themes, languages, capacities, calendars,
group-visit offers, partnerships and hosting history are made up for the example and say
nothing about the real municipalities.

The script is deterministic (``random.Random("season-2026")``)::

    PYTHONPATH=src python examples/make_season.py
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from make_example import THEMES  # the same municipal/SDG vocabulary as the cohort example

from icld_match import Problem

OUTPUT = Path(__file__).resolve().parent / "data" / "season-2026.json"

#: Real Swedish municipalities: (id, name, municipality, county, latitude, longitude), approximate.
MUNICIPALITIES = [
    ("stockholm", "Stockholms stad", "Stockholm", "Stockholm", 59.33, 18.07),
    ("goteborg", "Göteborgs stad", "Göteborg", "Västra Götaland", 57.71, 11.97),
    ("malmo", "Malmö stad", "Malmö", "Skåne", 55.60, 13.00),
    ("uppsala", "Uppsala kommun", "Uppsala", "Uppsala", 59.86, 17.64),
    ("linkoping", "Linköpings kommun", "Linköping", "Östergötland", 58.41, 15.62),
    ("orebro", "Örebro kommun", "Örebro", "Örebro", 59.27, 15.21),
    ("vasteras", "Västerås stad", "Västerås", "Västmanland", 59.61, 16.55),
    ("helsingborg", "Helsingborgs stad", "Helsingborg", "Skåne", 56.05, 12.69),
    ("norrkoping", "Norrköpings kommun", "Norrköping", "Östergötland", 58.59, 16.19),
    ("jonkoping", "Jönköpings kommun", "Jönköping", "Jönköping", 57.78, 14.16),
    ("umea", "Umeå kommun", "Umeå", "Västerbotten", 63.83, 20.26),
    ("lund", "Lunds kommun", "Lund", "Skåne", 55.70, 13.19),
    ("boras", "Borås stad", "Borås", "Västra Götaland", 57.72, 12.94),
    ("huddinge", "Huddinge kommun", "Huddinge", "Stockholm", 59.24, 17.98),
    ("eskilstuna", "Eskilstuna kommun", "Eskilstuna", "Södermanland", 59.37, 16.51),
    ("nacka", "Nacka kommun", "Nacka", "Stockholm", 59.31, 18.16),
    ("gavle", "Gävle kommun", "Gävle", "Gävleborg", 60.67, 17.14),
    ("sundsvall", "Sundsvalls kommun", "Sundsvall", "Västernorrland", 62.39, 17.31),
    ("sodertalje", "Södertälje kommun", "Södertälje", "Stockholm", 59.20, 17.63),
    ("halmstad", "Halmstads kommun", "Halmstad", "Halland", 56.67, 12.86),
    ("vaxjo", "Växjö kommun", "Växjö", "Kronoberg", 56.88, 14.81),
    ("karlstad", "Karlstads kommun", "Karlstad", "Värmland", 59.38, 13.50),
    ("botkyrka", "Botkyrka kommun", "Botkyrka", "Stockholm", 59.20, 17.83),
    ("kristianstad", "Kristianstads kommun", "Kristianstad", "Skåne", 56.03, 14.16),
    ("kungsbacka", "Kungsbacka kommun", "Kungsbacka", "Halland", 57.49, 12.08),
    ("lulea", "Luleå kommun", "Luleå", "Norrbotten", 65.58, 22.15),
    ("skelleftea", "Skellefteå kommun", "Skellefteå", "Västerbotten", 64.75, 20.95),
    ("ostersund", "Östersunds kommun", "Östersund", "Jämtland", 63.18, 14.64),
    ("falun", "Falu kommun", "Falun", "Dalarna", 60.61, 15.63),
    ("borlange", "Borlänge kommun", "Borlänge", "Dalarna", 60.48, 15.43),
    ("trollhattan", "Trollhättans stad", "Trollhättan", "Västra Götaland", 58.28, 12.29),
    ("kalmar", "Kalmar kommun", "Kalmar", "Kalmar", 56.66, 16.36),
    ("karlskrona", "Karlskrona kommun", "Karlskrona", "Blekinge", 56.16, 15.59),
    ("gotland", "Region Gotland", "Gotland", "Gotland", 57.64, 18.30),
    ("kiruna", "Kiruna kommun", "Kiruna", "Norrbotten", 67.86, 20.23),
    ("harnosand", "Härnösands kommun", "Härnösand", "Västernorrland", 62.63, 17.94),
    ("ornskoldsvik", "Örnsköldsviks kommun", "Örnsköldsvik", "Västernorrland", 63.29, 18.72),
    ("norrtalje", "Norrtälje kommun", "Norrtälje", "Stockholm", 59.76, 18.70),
    ("nykoping", "Nyköpings kommun", "Nyköping", "Södermanland", 58.75, 17.01),
    ("motala", "Motala kommun", "Motala", "Östergötland", 58.54, 15.04),
    ("uddevalla", "Uddevalla kommun", "Uddevalla", "Västra Götaland", 58.35, 11.94),
    ("varberg", "Varbergs kommun", "Varberg", "Halland", 57.11, 12.25),
    ("lidkoping", "Lidköpings kommun", "Lidköping", "Västra Götaland", 58.51, 13.16),
    ("skovde", "Skövde kommun", "Skövde", "Västra Götaland", 58.39, 13.85),
    ("ystad", "Ystads kommun", "Ystad", "Skåne", 55.43, 13.82),
    ("hassleholm", "Hässleholms kommun", "Hässleholm", "Skåne", 56.16, 13.77),
    ("pitea", "Piteå kommun", "Piteå", "Norrbotten", 65.32, 21.48),
    ("sigtuna", "Sigtuna kommun", "Sigtuna", "Stockholm", 59.62, 17.72),
    ("alingsas", "Alingsås kommun", "Alingsås", "Västra Götaland", 57.93, 12.53),
    ("katrineholm", "Katrineholms kommun", "Katrineholm", "Södermanland", 58.99, 16.21),
]


#: The programmes of the season: (id, name, countries, focus themes, Swedish phase
#: (first and last day), internship days, base).
PROGRAMMES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], str, str, str], ...] = (
    (
        "ITP-LD-EA",
        "ITP Local Democracy and Citizen Participation (East Africa)",
        ("Kenya", "Tanzania", "Uganda", "Zambia"),
        ("citizen-dialogue", "youth-participation", "anti-corruption"),
        "2026-03-09",
        "2026-03-20",
        "stockholm",
    ),
    (
        "ITP-GE-SA",
        "ITP Gender Equality in Local Governance (Southern Africa)",
        ("Botswana", "South Africa", "Zambia", "Kenya"),
        ("gender-mainstreaming", "social-services", "public-health"),
        "2026-04-13",
        "2026-04-24",
        "stockholm",
    ),
    (
        "ITP-SC-ID",
        "ITP Sustainable Cities (Indonesia)",
        ("Indonesia",),
        ("urban-planning", "waste-management", "water-sanitation"),
        "2026-05-04",
        "2026-05-15",
        "visby",
    ),
    (
        "ITP-LD-EP",
        "ITP Local Democracy (Ukraine and Moldova)",
        ("Ukraine", "Moldova"),
        ("citizen-dialogue", "digital-services", "anti-corruption"),
        "2026-05-11",
        "2026-05-22",
        "stockholm",
    ),
    (
        "ITP-MG-WB",
        "ITP Municipal Governance (Western Balkans)",
        ("Serbia", "Kosovo", "North Macedonia", "Bosnia and Herzegovina"),
        ("public-procurement", "anti-corruption", "local-economic-development"),
        "2026-06-01",
        "2026-06-12",
        "visby",
    ),
    (
        "ITP-CA-EA",
        "ITP Climate Adaptation (East Africa and Indonesia)",
        ("Kenya", "Uganda", "Tanzania", "Indonesia"),
        ("climate-adaptation", "water-sanitation", "urban-planning"),
        "2026-09-07",
        "2026-09-18",
        "visby",
    ),
    (
        "ITP-TA-EU",
        "ITP Transparency and Accountability (Eastern Europe and Balkans)",
        ("Ukraine", "Moldova", "Serbia", "Kosovo"),
        ("anti-corruption", "public-procurement", "digital-services"),
        "2026-09-14",
        "2026-09-25",
        "stockholm",
    ),
    (
        "ITP-LG-TR",
        "ITP Local Government and Integration (Türkiye)",
        ("Türkiye",),
        ("integration", "social-services", "social-service", "local-economic-development"),
        "2026-10-05",
        "2026-10-16",
        "stockholm",
    ),
    (
        "ITP-YP-SA",
        "ITP Youth Participation (Southern and East Africa)",
        ("Zambia", "Botswana", "South Africa", "Tanzania"),
        ("youth-participation", "schools", "citizen-dialogue"),
        "2026-10-12",
        "2026-10-23",
        "stockholm",
    ),
)

#: Where the cohorts are housed: (name, latitude, longitude).
BASES = {"stockholm": ("Stockholm", 59.33, 18.07), "visby": ("Visby", 57.64, 18.30)}

#: A country's second working language besides English (ISO 639-1).
SECOND_LANGUAGE = {
    "Kenya": "sw",
    "Tanzania": "sw",
    "Uganda": "sw",
    "Zambia": "en",
    "Botswana": "tn",
    "South Africa": "zu",
    "Indonesia": "id",
    "Ukraine": "uk",
    "Moldova": "ro",
    "Serbia": "sr",
    "Kosovo": "sq",
    "North Macedonia": "mk",
    "Bosnia and Herzegovina": "bs",
    "Türkiye": "tr",
}

FIRST_NAMES = {
    "Kenya": ["Wanjiru", "Otieno", "Achieng", "Kiprono", "Njeri", "Mwangi"],
    "Tanzania": ["Neema", "Baraka", "Rehema", "Juma", "Zawadi", "Hamisi"],
    "Uganda": ["Nakato", "Okello", "Apio", "Mugisha", "Namubiru", "Ssempa"],
    "Zambia": ["Chanda", "Mwansa", "Bwalya", "Mutale", "Lweendo", "Mulenga"],
    "Botswana": ["Kagiso", "Neo", "Tebogo", "Lesego", "Onalenna", "Kabo"],
    "South Africa": ["Thandiwe", "Sipho", "Lerato", "Themba", "Nomvula", "Pieter"],
    "Indonesia": ["Siti", "Budi", "Dewi", "Agus", "Rina", "Wahyu"],
    "Ukraine": ["Olena", "Andrii", "Iryna", "Taras", "Kateryna", "Oleh"],
    "Moldova": ["Ion", "Elena", "Vasile", "Ana", "Sergiu", "Natalia"],
    "Serbia": ["Milica", "Nikola", "Jelena", "Marko", "Ana", "Stefan"],
    "Kosovo": ["Arta", "Besnik", "Drita", "Arben", "Vjosa", "Driton"],
    "North Macedonia": ["Elena", "Goran", "Marija", "Aleksandar", "Ivana", "Dimitar"],
    "Bosnia and Herzegovina": ["Amra", "Emir", "Lejla", "Adnan", "Selma", "Jasmin"],
    "Türkiye": ["Ayşe", "Mehmet", "Elif", "Mustafa", "Zeynep", "Emre"],
}
LAST_NAMES = {
    "Kenya": ["Kamau", "Odhiambo", "Wambui", "Kiptoo", "Mutua", "Chebet"],
    "Tanzania": ["Mushi", "Mollel", "Mwakyusa", "Kimaro", "Massawe", "Lyimo"],
    "Uganda": ["Kato", "Mukasa", "Atim", "Byaruhanga", "Nansubuga", "Ocen"],
    "Zambia": ["Banda", "Phiri", "Mwale", "Tembo", "Zulu", "Lungu"],
    "Botswana": ["Molefe", "Sebego", "Kgosi", "Mogapi", "Seretse", "Tau"],
    "South Africa": ["Dlamini", "Nkosi", "Mokoena", "Naidoo", "van Wyk", "Khumalo"],
    "Indonesia": ["Santoso", "Wijaya", "Lestari", "Hidayat", "Kusuma", "Pratama"],
    "Ukraine": ["Kovalenko", "Shevchenko", "Bondarenko", "Melnyk", "Tkachenko", "Kravets"],
    "Moldova": ["Rusu", "Ceban", "Popa", "Munteanu", "Lungu", "Cojocaru"],
    "Serbia": ["Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Ilić"],
    "Kosovo": ["Krasniqi", "Gashi", "Berisha", "Hoxha", "Shala", "Morina"],
    "North Macedonia": [
        "Stojanovski",
        "Nikolovska",
        "Trajkovski",
        "Petrovska",
        "Ristov",
        "Angelov",
    ],
    "Bosnia and Herzegovina": ["Hodžić", "Begić", "Kovačević", "Delić", "Hadžić", "Mehmedović"],
    "Türkiye": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın"],  # noqa: RUF001
}
#: Home municipalities in the partner countries (for organisations and partnerships).
TOWNS = {
    "Kenya": ["Kisumu", "Nakuru", "Machakos"],
    "Tanzania": ["Arusha", "Mwanza", "Dodoma"],
    "Uganda": ["Jinja", "Gulu", "Mbale"],
    "Zambia": ["Ndola", "Kitwe", "Livingstone"],
    "Botswana": ["Gaborone", "Francistown", "Maun"],
    "South Africa": ["Buffalo City", "Polokwane", "Mbombela"],
    "Indonesia": ["Surabaya", "Makassar", "Semarang"],
    "Ukraine": ["Lviv", "Poltava", "Vinnytsia"],
    "Moldova": ["Cahul", "Bălți", "Ungheni"],
    "Serbia": ["Niš", "Kragujevac", "Novi Pazar"],
    "Kosovo": ["Prizren", "Gjakova", "Peja"],
    "North Macedonia": ["Bitola", "Kumanovo", "Strumica"],
    "Bosnia and Herzegovina": ["Tuzla", "Zenica", "Mostar"],
    "Türkiye": ["Eskişehir", "Gaziantep", "Mersin"],
}

ROLES = (
    "Municipal Council",
    "County Government",
    "City Administration",
    "Ministry of Local Government",
)


def _hosts(rng: random.Random) -> list[dict[str, Any]]:
    hosts = []
    for host_id, name, municipality, county, lat, lon in MUNICIPALITIES:
        themes = rng.sample(THEMES, rng.randint(3, 5))
        languages = [
            "en",
            "sv",
            *rng.sample(["fr", "ru", "uk", "bs", "sq", "sw", "tr", "id"], rng.choice([0, 0, 1, 2])),
        ]
        big = host_id in ("stockholm", "goteborg", "Stockholm", "malmo", "uppsala")
        hosts.append(
            {
                "id": host_id,
                "name": name,
                "municipality": municipality,
                "region": county,
                "themes": {t: round(rng.uniform(0.4, 1.0), 2) for t in themes},
                "languages": languages,
                "accessibility": ["step-free"] if rng.random() < 0.8 else [],
                "capacity": {"max_teams": 2 if big else 1, "max_participants": 8 if big else 4},
                "season_max_teams": rng.choice([2, 3, 3, 4, 5]) if not big else 8,
                "location": {"lat": lat, "lon": lon},
                **_calendar(rng),
            }
        )
    return hosts


def _calendar(rng: random.Random) -> dict[str, Any]:
    """Most hosts receive on weekdays only; some only in spring or autumn (two ranges),
    a few have a blackout week (e.g. a council's budget week)."""
    calendar: dict[str, Any] = {"closed_weekdays": ["sat", "sun"]}
    draw = rng.random()
    if draw < 0.15:
        calendar["available"] = [{"start": "2026-02-01", "end": "2026-06-20"}]
    elif draw < 0.3:
        calendar["available"] = [
            {"start": "2026-03-01", "end": "2026-05-31"},
            {"start": "2026-08-17", "end": "2026-11-30"},
        ]
    if rng.random() < 0.15:
        week = date(2026, 3, 2) + timedelta(weeks=rng.randrange(0, 34))
        calendar["blackout"] = [
            {"start": week.isoformat(), "end": (week + timedelta(4)).isoformat()}
        ]
    return calendar


def _group_visits(rng: random.Random, hosts: list[dict[str, Any]]) -> None:
    """About a third of the hosts receive whole cohorts on study visits."""
    for host in hosts:
        if rng.random() < 0.35:
            shown = rng.sample(sorted(host["themes"]), min(2, len(host["themes"])))
            host["group_visits"] = {
                "capacity": 30,
                "themes": {t: host["themes"][t] for t in shown},
                "max_per_day": 1,
                "with_teams": rng.random() < 0.5,
            }


def _window(first: str) -> tuple[date, date]:
    """The internship window: Monday to Friday of the phase's second week."""
    start = date.fromisoformat(first) + timedelta(days=7)
    return start, start + timedelta(days=4)


def _cohorts() -> list[dict[str, Any]]:
    cohorts = []
    for cohort_id, name, _countries, focus, first, _last, base in PROGRAMMES:
        start, end = _window(first)
        place, lat, lon = BASES[base]
        cohorts.append(
            {
                "id": cohort_id,
                "name": f"{name} 2026",
                "programme": name,
                "window": {"start": start.isoformat(), "end": end.isoformat()},
                "internship_days": 2,
                "team_size": {"min": 2, "max": 4},
                "base": {"name": place, "lat": lat, "lon": lon},
                "travel_budget": 50_000.0,
                "study_visits": [
                    {"id": "V1", "themes": {focus[0]: 1.0, focus[1]: 0.5}},
                    {"id": "V2", "themes": {focus[2]: 1.0}},
                ],
            }
        )
    return cohorts


def _participants(rng: random.Random, host_ids: list[str]) -> list[dict[str, Any]]:
    people = []
    for cohort_id, _name, countries, focus, *_rest in PROGRAMMES:
        size = rng.randint(22, 27)
        for k in range(size):
            country = countries[k % len(countries)]
            first, last = rng.choice(FIRST_NAMES[country]), rng.choice(LAST_NAMES[country])
            second = SECOND_LANGUAGE[country]
            languages = ["en"] if second == "en" else ["en", second]
            themes = {t: 1.0 for t in rng.sample(focus, 2)}
            themes[rng.choice(THEMES)] = 0.5
            town = rng.choice(TOWNS[country])
            role = rng.choice(ROLES)
            people.append(
                {
                    "id": f"{cohort_id}-{k + 1:02d}",
                    "name": f"{first} {last}",
                    "cohort": cohort_id,
                    "country": country,
                    "organisation": f"{town} {role}" if "Ministry" not in role else role,
                    "home_municipality": town,
                    "languages": languages,
                    "themes": themes,
                    "access_needs": ["step-free"] if rng.random() < 0.05 else [],
                    "wishes": rng.sample(host_ids, rng.choice([0, 0, 1, 2])),
                }
            )
    return people


def _partnerships(rng: random.Random, hosts: list[dict[str, Any]]) -> None:
    """About 40 % of the hosts partner one or two towns (illustrative, not the real ones)."""
    towns = [t for names in TOWNS.values() for t in names]
    for host in hosts:
        if rng.random() < 0.4:
            host["partners"] = rng.sample(towns, rng.choice([1, 1, 2]))


def _history(rng: random.Random, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the hosts received in 2024 and 2025: 55-65 teams over 20-30 hosts a season."""
    organisations = sorted({p["organisation"] for p in people})
    visits = []
    for season in ("2024", "2025"):
        for host_id, *_ in rng.sample(MUNICIPALITIES, rng.randint(20, 30)):
            teams = rng.choice([1, 1, 2, 2, 3, 4])
            visits.append(
                {
                    "season": season,
                    "host": host_id,
                    "teams": teams,
                    "organisations": rng.sample(organisations, min(teams, 2)),
                }
            )
    return visits


def make_problem() -> Problem:
    rng = random.Random("season-2026")
    hosts = _hosts(rng)
    _group_visits(rng, hosts)
    _partnerships(rng, hosts)
    people = _participants(rng, [h["id"] for h in hosts])
    data = {
        "cohorts": _cohorts(),
        "participants": people,
        "hosts": hosts,
        "history": _history(rng, people),
    }
    return Problem.model_validate(data)


def main() -> None:
    problem = make_problem()
    text = problem.to_json()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    assert Problem.model_validate_json(OUTPUT.read_text(encoding="utf-8")) == problem
    print(
        f"wrote {OUTPUT}: {len(problem.cohorts)} cohorts, {len(problem.participants)} "
        f"participants, {len(problem.hosts)} hosts"
    )


if __name__ == "__main__":
    main()
