"""One module per rule. Each exposes ``apply(ctx)``, adding constraints or a named term.

Which rules exist, and in which order they enter the model, is read from the rule
catalogue (:mod:`icld_match.records.catalogue`): every entry with a ``model`` module is
applied here. Pair rules without a module (host dates, language, access, blocked hosts)
live in the index masks: a forbidden pair never gets a variable.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from ...records.catalogue import CATALOGUE
from ..model import ModelContext

Rule = Callable[[ModelContext], None]

#: (name, level, apply) in the order they are added to the model.
RULES: tuple[tuple[str, str, Rule], ...] = tuple(
    (item.name, item.level, import_module(f"{__name__}.{item.model}").apply)
    for item in CATALOGUE
    if item.model is not None
)


def apply_all(ctx: ModelContext, skip: frozenset[str] = frozenset()) -> None:
    """Add every rule except those named in ``skip`` (a rule or its term's name)."""
    for name, _level, apply in RULES:
        if not skip & {name, *_aliases(name)}:
            apply(ctx)


def _aliases(name: str) -> set[str]:
    term = next(item.term for item in CATALOGUE if item.name == name)
    return {term} if term else set()
