"""What every strategy receives: the options, the one deadline, and a progress reporter.

A strategy is anything with ``name`` and ``run(index, incumbent, ctx)``: it starts from
the best plan so far (``incumbent``, None before the first), returns a plan at least as
good or None, and stops when ``ctx.deadline`` expires or is interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..engine.clock import Deadline
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation

StrategyName = Literal["auto", "exact", "decompose", "shortlist"]
STRATEGIES: tuple[str, ...] = ("auto", "exact", "decompose", "shortlist")


@dataclass(frozen=True)
class SolveOptions:
    """Everything about a solve except the problem and the clock."""

    seed: int = 0
    workers: int = 1
    log: bool = False
    allow_unplaced: bool = False
    strategy: StrategyName = "auto"


@dataclass(frozen=True)
class Progress:
    """Reported to ``on_progress`` each time a better plan is found.

    ``source`` says which strategy found it: "greedy", "decompose", "lns", "exact", or
    "parts:<source>" inside one of several independent parts (the objective then counts
    the parts solved so far).
    """

    objective: float
    best_bound: float | None  # a proven bound when the source has one
    wall_time: float  # seconds since solve() was called
    solutions: int
    source: str = "exact"
    time_limit: float | None = None


@dataclass
class Context:
    """Options, the deadline, and the progress channel shared by a solve's strategies."""

    options: SolveOptions
    deadline: Deadline
    on_progress: Callable[[Progress], None] | None = None
    #: The whole solve's clock (progress times count from its start); default ``deadline``.
    clock: Deadline | None = None
    solutions: int = 0
    best: float | None = None
    bound: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, objective: float, source: str, bound: float | None = None) -> None:
        """Tell the caller of a better plan; only strictly better objectives get through."""
        with self._lock:
            if bound is not None:
                self.bound = bound if self.bound is None else min(self.bound, bound)
            if self.best is not None and objective <= self.best + 1e-9:
                return
            self.best = objective
            self.solutions += 1
            clock = self.clock or self.deadline
            progress = Progress(
                objective, self.bound, clock.elapsed(), self.solutions, source, clock.limit
            )
        if self.on_progress is not None:
            self.on_progress(progress)


class Strategy(Protocol):
    """One way to find or improve a plan."""

    name: str

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        """A plan at least as good as ``incumbent`` (None: nothing found or no gain)."""
        ...
