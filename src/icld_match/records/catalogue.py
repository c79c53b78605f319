"""The one rule catalogue: every hard rule, policy switch and objective term, once.

The model (:mod:`icld_match.engine.rules`), the pair masks (:mod:`icld_match.index`), the
referee (:mod:`icld_match.analysis.check`), the diagnosis, the pre-checks and the
explanation all read their rule names, levels and texts from here, so a new rule is one
entry below, one model module, one validator clause and two micro-tests
(``tests/records/test_catalogue.py`` checks that every entry has its parts).

Order matters twice: rules with a ``model`` module are added to the CP-SAT model in
catalogue order, and ``check`` reports breaches in catalogue order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["hard", "switch", "soft", "model"]
Kind = Literal["plan", "record", "pair", "team", "group", "term", "visit"]


@dataclass(frozen=True)
class RuleEntry:
    """One rule: its name everywhere, how binding it is, and who implements it.

    ``level``: ``hard`` always holds; ``switch`` is hard, soft or off by a policy field of
    ``Problem.rules`` (then ``term`` names its soft form); ``soft`` is an objective term
    only; ``model`` shapes the CP-SAT model without changing which plans are valid.
    ``kind`` ``pair`` means a participant x host mask in the index: a forbidden pair never
    gets a model variable. ``model`` names the module of :mod:`icld_match.engine.rules`
    that adds the rule (None: enforced by the mask or the slot structure alone).
    ``checked``: the independent referee has a clause for it.
    """

    name: str
    level: Level
    kind: Kind
    text: str
    model: str | None = None
    checked: bool = True
    term: str | None = None
    switch: str | None = None
    #: For pair rules: how a host closed by this rule is described ("12 hosts ...").
    closes: str | None = None
    #: For terms: whether the term's raw value is added to (reward) or taken from
    #: (penalty) the objective, times its weight in ``Problem.weights``.
    sense: Literal["reward", "penalty"] | None = None


CATALOGUE: tuple[RuleEntry, ...] = (
    RuleEntry(
        "placement",
        "hard",
        "plan",
        "every participant travels in exactly one team",
        model="assignment",
    ),
    RuleEntry("team_ids", "hard", "record", "team ids are unique"),
    RuleEntry("team_cohort", "hard", "team", "a team's members all belong to its cohort"),
    RuleEntry(
        "team_size",
        "hard",
        "team",
        "a team has its cohort's minimum to maximum members",
        model="team_size",
    ),
    RuleEntry("host_known", "hard", "team", "a team goes to a host of the problem"),
    RuleEntry(
        "team_dates",
        "hard",
        "team",
        "a team's dates are its cohort's internship, or internship_days consecutive days "
        "within its window (the same for the whole cohort under per_cohort)",
    ),
    RuleEntry(
        "host_dates",
        "hard",
        "pair",
        "a host receives teams only on days it is open: inside its available ranges, not a "
        "closed weekday, not a blackout day",
        closes="closed on an internship day (availability, closed weekday or blackout)",
    ),
    RuleEntry(
        "host_capacity",
        "hard",
        "team",
        "a host receives at most its teams and people at once, over every cohort present",
        model="host_capacity",
    ),
    RuleEntry(
        "season_cap",
        "hard",
        "team",
        "a host receives at most its season cap of teams over all cohorts",
        model="season_cap",
    ),
    RuleEntry(
        "travel_budget",
        "hard",
        "plan",
        "the travel of a cohort's teams, and of all teams of the season, stays within its budget",
        model="travel_budget",
    ),
    RuleEntry(
        "language",
        "hard",
        "pair",
        "a participant shares a working language with the host",
        closes="share no working language",
    ),
    RuleEntry(
        "access",
        "hard",
        "pair",
        "a host offers every access need of the participant",
        closes="lack a needed access feature",
    ),
    RuleEntry(
        "blocked",
        "hard",
        "pair",
        "a participant never goes to a host they block",
        closes="are blocked",
    ),
    RuleEntry(
        "keep_together",
        "hard",
        "group",
        "a keep-together group travels in one team",
        model="keep_together",
    ),
    RuleEntry(
        "keep_apart",
        "hard",
        "group",
        "no two members of a keep-apart group share a team",
        model="keep_apart",
    ),
    RuleEntry(
        "pin",
        "hard",
        "pair",
        "a pinned participant goes to the host they are pinned to",
        model="pins",
        closes="are excluded by a pin",
    ),
    RuleEntry(
        "visit_placement",
        "hard",
        "visit",
        "each study visit a cohort needs gets exactly one host and day",
        model="visit_placement",
    ),
    RuleEntry(
        "visit_capacity",
        "hard",
        "visit",
        "a host receives a cohort's whole group only if its group capacity holds the cohort",
        model="visit_capacity",
    ),
    RuleEntry(
        "visit_days",
        "hard",
        "visit",
        "a study visit falls on one of its allowed days, at a host that offers group visits "
        "and is available that day",
        model="visit_days",
    ),
    RuleEntry(
        "visit_per_day",
        "hard",
        "visit",
        "a host receives at most its max_per_day groups a day, over all cohorts",
        model="visit_per_day",
    ),
    RuleEntry(
        "visit_clash",
        "hard",
        "visit",
        "a host does not receive a cohort's whole group and one of its teams on the same day "
        "unless it allows both (with_teams)",
        model="visit_clash",
    ),
    RuleEntry(
        "symmetry",
        "model",
        "team",
        "identical team slots are filled in order",
        model="symmetry",
        checked=False,
    ),
    RuleEntry(
        "thematic_fit",
        "soft",
        "term",
        "reward: each participant's fit with their host's themes",
        model="thematic_fit",
        checked=False,
        term="thematic_fit",
        sense="reward",
    ),
    RuleEntry(
        "fit_floor",
        "switch",
        "pair",
        "a participant's thematic fit with their host is at least rules.fit_floor (hard: "
        "pairs below it are closed; soft: each unit below costs the fit_floor weight)",
        model="fit_floor",
        closes="fit below the floor",
        term="fit_floor",
        sense="penalty",
        switch="fit_floor_strictness",
    ),
    RuleEntry(
        "mixed_countries",
        "switch",
        "team",
        "teams mix partner countries (hard: at least two where the cohort has two; "
        "soft: each extra country in a team earns the country_mix weight)",
        model="country_mix",
        term="country_mix",
        sense="reward",
        switch="mixed_countries",
    ),
    RuleEntry(
        "organisation",
        "switch",
        "team",
        "colleagues of one organisation are spread over teams or kept together",
        model="organisation",
        term="organisation",
        sense="penalty",
        switch="organisation_strictness",
    ),
    RuleEntry(
        "wishes",
        "soft",
        "term",
        "reward: 1/rank for a participant sent to a wished host",
        model="wishes",
        checked=False,
        term="wishes",
        sense="reward",
    ),
    RuleEntry(
        "host_spread",
        "soft",
        "term",
        "reward: each distinct host a cohort visits",
        model="host_spread",
        checked=False,
        term="host_spread",
        sense="reward",
    ),
    RuleEntry(
        "travel",
        "soft",
        "term",
        "penalty: the travel cost of every team's trip, in thousands of SEK",
        model="travel",
        checked=False,
        term="travel",
        sense="penalty",
    ),
    RuleEntry(
        "worst_fit",
        "soft",
        "term",
        "reward: the lowest thematic fit of any placed participant (fairness)",
        model="worst_fit",
        checked=False,
        term="worst_fit",
        sense="reward",
    ),
    RuleEntry(
        "partnership",
        "switch",
        "pair",
        "participants go to partner hosts of their municipality or country (hard: a "
        "participant with a partner host goes to one of them; soft: each participant at a "
        "partner host earns the partnership weight)",
        model="partnership",
        term="partnership",
        sense="reward",
        switch="partnership",
        closes="not a partner of their municipality or country",
    ),
    RuleEntry(
        "revisit",
        "switch",
        "pair",
        "an organisation is not sent back to a host it visited in an earlier season (hard: "
        "never; soft: each such participant costs the revisit weight)",
        model="revisit",
        term="revisit",
        sense="penalty",
        switch="revisit",
        closes="already visited by their organisation in an earlier season",
    ),
    RuleEntry(
        "season_spread",
        "soft",
        "term",
        "reward: each distinct host used over the whole problem (all cohorts)",
        model="season_spread",
        checked=False,
        term="season_spread",
        sense="reward",
    ),
    RuleEntry(
        "host_relief",
        "soft",
        "term",
        "penalty: each team at a host times the teams it received in the latest season",
        model="host_relief",
        checked=False,
        term="host_relief",
        sense="penalty",
    ),
    RuleEntry(
        "visit_fit",
        "soft",
        "term",
        "reward: each study visit's fit with its host's group-visit themes",
        model="visit_fit",
        checked=False,
        term="visit_fit",
        sense="reward",
    ),
)

#: The rules about whole-group study visits (the visits-only model applies just these).
VISIT_RULES: tuple[str, ...] = tuple(
    e.name for e in CATALOGUE if e.kind == "visit" or e.name == "visit_fit"
)


def entry(name: str) -> RuleEntry:
    """The catalogue entry of a rule or term name; ``KeyError`` naming it if unknown."""
    for item in CATALOGUE:
        if name in (item.name, item.term):
            return item
    raise KeyError(f"no rule or term named {name!r} in the catalogue")


#: Hard-rule names (always-hard and switchable), in the order ``check`` reports them.
CHECKED_RULES: tuple[str, ...] = tuple(e.name for e in CATALOGUE if e.checked)
#: Objective term names, in the order ``score`` returns them.
TERMS: tuple[str, ...] = tuple(e.term for e in CATALOGUE if e.term is not None)
#: Pair rules: each is a participants x hosts mask in the index, in explanation order.
PAIR_RULES: tuple[str, ...] = tuple(e.name for e in CATALOGUE if e.kind == "pair")
#: Pair rules that also have a model module: diagnosis lifts their masks and lets the
#: module add them as named assumptions, so a core can name them.
MODELLED_PAIR_RULES: tuple[str, ...] = tuple(
    e.name for e in CATALOGUE if e.kind == "pair" and e.model is not None
)
#: Rules that can never be part of an infeasibility (objective terms, model shaping).
SOFT_ONLY: frozenset[str] = frozenset(e.name for e in CATALOGUE if e.level in ("soft", "model"))


def binding(name: str, rules: object) -> bool:
    """Whether a checked rule binds under a problem's policy switches (``Problem.rules``).

    Always-hard rules always bind; a switch binds only when its policy makes it hard.
    """
    item = entry(name)
    if item.level != "switch":
        return True
    if name == "organisation" and getattr(rules, "organisation", None) == "neutral":
        return False
    if name == "fit_floor" and getattr(rules, "fit_floor", None) is None:
        return False
    return getattr(rules, item.switch or name, None) == "hard"
