"""Hypothesis strategies for small, valid problems that exercise every rule.

Problems are kept tiny (<= 8 participants, <= 4 hosts) so the exhaustive optimum in
``exhaustive.py`` stays cheap; rules are drawn so that many, but not all, are feasible.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from icld_match import Problem

THEMES = ["dialogue", "waste", "gender", "climate"]
COUNTRIES = ["Kenya", "Serbia", "Indonesia"]
ORGANISATIONS = [None, None, "City A", "City B"]
STARTS = [date(2026, 5, 4), date(2026, 5, 5), date(2026, 9, 7)]


@st.composite
def problems(
    draw: st.DrawFn, max_participants: int = 8, max_hosts: int = 4, max_cohorts: int = 2
) -> Problem:
    # In plain problems every pair is allowed (one language, no dates, needs, blocks or
    # pins), so most are feasible and the team rules get exercised; the rest draw all rules.
    plain = draw(st.integers(0, 3)) > 0
    n_cohorts = draw(st.integers(1, max_cohorts))

    def pick(plain_value: Any, strategy: st.SearchStrategy[Any]) -> Any:
        return plain_value if plain else draw(strategy)

    cohorts = []
    for c in range(n_cohorts):
        start = draw(st.sampled_from(STARTS))
        low = draw(st.sampled_from([1, 2, 2, 3]))
        high = draw(st.integers(low, 4))
        cohorts.append(
            {
                "id": f"C{c}",
                "name": f"Cohort {c}",
                "internship": {"start": start, "end": start + timedelta(days=1)},
                "team_size": {"min": low, "max": high},
            }
        )

    n_hosts = draw(st.integers(1 if not plain else min(2, max_hosts), max_hosts))
    host_ids = [f"H{h}" for h in range(n_hosts)]
    hosts = []
    for hid in host_ids:
        hosts.append(
            {
                "id": hid,
                "name": f"Host {hid}",
                "municipality": hid,
                "themes": draw(
                    st.dictionaries(
                        st.sampled_from(THEMES), st.sampled_from([0.2, 0.5, 1.0]), max_size=3
                    )
                ),
                "languages": pick(
                    ["en"], st.sampled_from([["en"], ["en"], ["en", "fr"], ["sw", "en"], ["fr"]])
                ),
                "accessibility": pick([], st.sampled_from([[], ["step-free"], ["step-free"]])),
                "capacity": {
                    "max_teams": draw(st.integers(1, 2)),
                    "max_participants": draw(st.integers(2, 6)),
                },
                "available": pick(
                    None,
                    st.sampled_from(
                        [
                            None,
                            None,
                            [{"start": date(2026, 5, 1), "end": date(2026, 5, 31)}],
                            [{"start": date(2026, 9, 1), "end": date(2026, 9, 30)}],
                        ]
                    ),
                ),
                "season_max_teams": pick(None, st.sampled_from([None, None, 1, 2])),
            }
        )

    n_participants = draw(st.integers(min(2 * n_cohorts, max_participants), max_participants))
    # every cohort gets at least one member
    cohort_of = [f"C{i % n_cohorts}" for i in range(n_participants)]
    participants = []
    for i in range(n_participants):
        wishes = draw(st.lists(st.sampled_from(host_ids), max_size=2, unique=True))
        free = [h for h in host_ids if h not in wishes]
        blocked = [draw(st.sampled_from(free))] if free and pick(1, st.integers(0, 2)) == 0 else []
        participants.append(
            {
                "id": f"P{i}",
                "name": f"Person {i}",
                "cohort": cohort_of[i],
                "country": draw(st.sampled_from(COUNTRIES)),
                "organisation": draw(st.sampled_from(ORGANISATIONS)),
                "languages": pick(["en"], st.sampled_from([["en"]] * 6 + [["en", "fr"], ["sw"]])),
                "themes": draw(
                    st.dictionaries(
                        st.sampled_from(THEMES), st.sampled_from([0.5, 1.0]), max_size=2
                    )
                ),
                "access_needs": pick([], st.sampled_from([[], [], ["step-free"]])),
                "wishes": wishes,
                "blocked_hosts": blocked,
            }
        )

    ids = [p["id"] for p in participants]
    data: dict[str, Any] = {"cohorts": cohorts, "participants": participants, "hosts": hosts}
    if not plain and draw(st.booleans()):
        pid = draw(st.sampled_from(ids))
        data["pins"] = [{"participant": pid, "host": draw(st.sampled_from(host_ids))}]
    if n_participants >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        if cohort_of[ids.index(a)] == cohort_of[ids.index(b)]:
            data["keep_together"] = [{"members": [a, b]}]
    if n_participants >= 2 and draw(st.booleans()):
        pair = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        data["keep_apart"] = [{"members": pair}]
    data["rules"] = {
        "mixed_countries": draw(st.sampled_from(["off", "soft", "soft", "hard"])),
        "organisation": draw(st.sampled_from(["apart", "together", "neutral"])),
        "organisation_strictness": draw(st.sampled_from(["soft", "soft", "soft", "hard"])),
    }
    data["weights"] = {
        name: draw(st.sampled_from([0.0, 0.3, 1.0]))
        for name in ("thematic_fit", "country_mix", "organisation", "wishes", "host_spread")
    }
    return Problem.model_validate(data)
