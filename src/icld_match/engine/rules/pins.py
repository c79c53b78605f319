"""Hard: a pinned participant goes to the pinned host.

Normally the index's pin mask already removes every other host, so nothing is added
here; when diagnosing, the mask is lifted and each pin becomes a named assumption.
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    for i, pin in enumerate(index.problem.pins):
        p, h = index.participant_pos[pin.participant], index.host_pos[pin.host]
        elsewhere = [ctx.x[p, s] for s in ctx.of_participant[p] if ctx.slots[s].host != h]
        if elsewhere:
            records = (pin.participant, pin.host)
            ctx.require(sum(elsewhere) == 0, "pin", f"pins[{i}]", records)
