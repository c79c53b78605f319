"""Objects alive when a solve starts are kept out of the garbage collector's full passes.

Why: CPython's full collection walks every tracked object in the process, and a solve
allocates enough (models, plans, block problems) to trigger one or two a second. With a
246-person ``season`` problem and its index in memory one full pass took 70-130 ms, a
tenth of a 1 s run (measured 2026-11-29 with ``gc.callbacks``; a ``gc.collect()`` took
25 ms after the imports alone and 80 ms once the problem was built).

``gc.freeze()`` moves every object that exists at that moment (the problem, its index,
the caller's own data) into a permanent generation that collections skip; objects made
during the solve are collected as before. ``gc.unfreeze()`` at the end hands them back to
the oldest generation, so garbage among them is still collected, only later. Solves
running at once (threads, nested calls) share one freeze: the last to finish unfreezes.
A process that has frozen objects itself (``gc.get_freeze_count() > 0``, e.g. a server
before it forks) is left as it is: no freeze, and above all no unfreeze of its objects.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0  # solves inside ``long_lived_frozen`` now
_ours = False  # whether the freeze in place is ours to undo


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Freeze the objects alive now for the duration of the block (see module docstring)."""
    global _active, _ours
    with _lock:
        if _active == 0:
            _ours = gc.get_freeze_count() == 0
        _active += 1
        if _ours:
            gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _ours:
                gc.unfreeze()
                _ours = False
