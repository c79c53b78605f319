"""The rule catalogue is the one list: every entry has its parts, every reader agrees."""

from __future__ import annotations

import importlib
import inspect

import pytest
from conftest import tiny_problem

from icld_match.analysis import check as check_module
from icld_match.engine.rules import RULES as MODEL_RULES
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.catalogue import (
    CATALOGUE,
    CHECKED_RULES,
    PAIR_RULES,
    SOFT_ONLY,
    TERMS,
    binding,
    entry,
)
from icld_match.records.schema import Rules


def test_names_and_terms_are_unique() -> None:
    names = [e.name for e in CATALOGUE]
    assert len(names) == len(set(names))
    assert len(TERMS) == len(set(TERMS))
    assert all(e.text for e in CATALOGUE)


@pytest.mark.parametrize("item", [e for e in CATALOGUE if e.model], ids=lambda e: e.name)
def test_every_model_module_exists_and_applies(item: object) -> None:
    module = importlib.import_module(f"icld_match.engine.rules.{item.model}")  # type: ignore[attr-defined]
    assert callable(module.apply)


def test_model_applies_exactly_the_catalogue_rules_in_order() -> None:
    assert [name for name, _, _ in MODEL_RULES] == [e.name for e in CATALOGUE if e.model]


@pytest.mark.parametrize("name", CHECKED_RULES)
def test_every_checked_rule_has_a_validator_clause(name: str) -> None:
    """The referee's source names every checked rule in a Violation it can raise."""
    source = inspect.getsource(check_module)
    assert f'"{name}"' in source


def test_every_term_is_scored_by_the_referee() -> None:
    source = inspect.getsource(check_module.score)
    source += inspect.getsource(check_module._season_terms)
    assert all(f'"{term}"' in source for term in TERMS)


def test_pair_rules_are_the_index_masks() -> None:
    index = ProblemIndex.build(tiny_problem())
    assert tuple(index.pair_masks) == PAIR_RULES
    assert all(entry(rule).closes for rule in PAIR_RULES)


def test_soft_rules_are_never_in_a_core() -> None:
    assert {"thematic_fit", "wishes", "host_spread", "symmetry"} <= SOFT_ONLY
    assert not SOFT_ONLY & set(CHECKED_RULES)


def test_entry_finds_a_rule_by_its_term_name() -> None:
    assert entry("country_mix").name == "mixed_countries"
    with pytest.raises(KeyError, match="nope"):
        entry("nope")


def test_binding_follows_the_policy_switches() -> None:
    assert binding("placement", Rules())
    assert not binding("mixed_countries", Rules())
    assert binding("mixed_countries", Rules(mixed_countries="hard"))
    assert binding("organisation", Rules(organisation_strictness="hard"))
    assert not binding(
        "organisation", Rules(organisation="neutral", organisation_strictness="hard")
    )
