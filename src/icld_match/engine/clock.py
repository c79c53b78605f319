"""One clock for a whole solve: when it started, how long it may take, and a stop flag.

Why one object: the time limit covers everything from the call to the answer (index,
pre-checks, constructions, search, decoding), and an interrupt (Ctrl-C, SIGTERM) must
reach every CP-SAT solver that is running at that moment, in whatever thread. Every
stage asks the same :class:`Deadline` how much time is left and whether to stop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol


class Stoppable(Protocol):
    """Anything with CP-SAT's thread-safe ``stop_search``."""

    def stop_search(self) -> None: ...


class StopFlag:
    """Set once (by a signal handler or a caller); stops every registered CP-SAT solver.

    ``stop_search`` is thread-safe in CP-SAT, so the handler may call it from the main
    thread while solvers run in worker threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[Stoppable] = set()
        self.reason: str | None = None

    @property
    def is_set(self) -> bool:
        return self.reason is not None

    def set(self, reason: str = "interrupted") -> None:
        with self._lock:
            first = self.reason is None
            if first:
                self.reason = reason
        if first:
            # a solver registered just before its solve() began ignores stop_search (it has
            # nothing running yet), so keep asking until every registered solver has ended
            threading.Thread(target=self._stop_all, daemon=True).start()

    def _stop_all(self) -> None:
        while True:
            with self._lock:
                running = list(self._running)
            if not running:
                return
            for solver in running:
                solver.stop_search()
            time.sleep(0.05)

    @contextmanager
    def watching(self, solver: Stoppable) -> Iterator[None]:
        """Register a solver while it runs; stop it at once if the flag is already set."""
        with self._lock:
            self._running.add(solver)
            stop_now = self.reason is not None
        if stop_now:
            threading.Thread(target=self._stop_all, daemon=True).start()
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(solver)


@dataclass
class Deadline:
    """The time limit of one solve, counted from ``start`` (a ``time.perf_counter()``)."""

    limit: float
    start: float = field(default_factory=time.perf_counter)
    stop: StopFlag = field(default_factory=StopFlag)

    @property
    def at(self) -> float:
        return self.start + self.limit

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def remaining(self) -> float:
        return max(0.0, self.at - time.perf_counter())

    def expired(self, margin: float = 0.0) -> bool:
        """True once the time (less ``margin`` seconds) is up or a stop was requested."""
        return self.stop.is_set or self.remaining() <= margin

    @property
    def interrupted(self) -> bool:
        return self.stop.is_set

    def less(self, seconds: float) -> Deadline:
        """A deadline ending ``seconds`` earlier (not before now), sharing the stop flag."""
        now = time.perf_counter()
        return Deadline(limit=max(0.0, self.remaining() - seconds), start=now, stop=self.stop)

    def share(self, fraction: float) -> Deadline:
        """A deadline ending after ``fraction`` of the time left, sharing the stop flag."""
        now = time.perf_counter()
        return Deadline(limit=self.remaining() * fraction, start=now, stop=self.stop)
