"""Soft penalty: each team at a host costs the teams that host received in the latest
season of the history (``team_terms["host_relief"]``), so last year's busiest hosts are
relieved this year."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    ctx.team_term("host_relief")
