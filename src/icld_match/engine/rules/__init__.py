"""One module per rule. Each exposes ``apply(ctx)``, adding constraints or a named term.

Pair rules (host dates, language, access, blocked hosts, pins) live in the index masks:
a forbidden pair never gets a variable (pins also have a module, used when diagnosing).
Everything else is listed here in model order.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import ModelContext
from . import (
    assignment,
    country_mix,
    host_capacity,
    host_spread,
    keep_apart,
    keep_together,
    organisation,
    pins,
    season_cap,
    symmetry,
    team_size,
    thematic_fit,
    wishes,
)

Rule = Callable[[ModelContext], None]

#: (name, level, apply) in the order they are added to the model.
RULES: tuple[tuple[str, str, Rule], ...] = (
    ("placement", "hard", assignment.apply),
    ("team_size", "hard", team_size.apply),
    ("host_capacity", "hard", host_capacity.apply),
    ("season_cap", "hard", season_cap.apply),
    ("keep_together", "hard", keep_together.apply),
    ("keep_apart", "hard", keep_apart.apply),
    ("pin", "hard", pins.apply),
    ("symmetry", "model", symmetry.apply),
    ("thematic_fit", "soft", thematic_fit.apply),
    ("country_mix", "hard/soft", country_mix.apply),
    ("organisation", "hard/soft", organisation.apply),
    ("wishes", "soft", wishes.apply),
    ("host_spread", "soft", host_spread.apply),
)


def apply_all(ctx: ModelContext, skip: frozenset[str] = frozenset()) -> None:
    """Add every rule except those named in ``skip`` (used by tests to prove each rule bites)."""
    for name, _level, apply in RULES:
        if name not in skip:
            apply(ctx)
