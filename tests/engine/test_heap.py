"""The freeze of long-lived objects during a solve, and that it is always undone."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from conftest import tiny_problem

import icld_match
from icld_match.engine.heap import long_lived_frozen


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_objects_alive_at_the_start_are_frozen_inside_and_handed_back_after() -> None:
    alive = [object() for _ in range(10)]
    with long_lived_frozen():
        assert gc.get_freeze_count() > len(alive)
    assert gc.get_freeze_count() == 0


def test_the_freeze_is_undone_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), long_lived_frozen():
        raise RuntimeError("boom")
    assert gc.get_freeze_count() == 0


def test_nested_and_concurrent_solves_share_one_freeze_undone_by_the_last() -> None:
    inner_done, outer_may_end = threading.Event(), threading.Event()
    seen: list[int] = []

    def other() -> None:
        with long_lived_frozen():
            inner_done.set()
            outer_may_end.wait(5)
        seen.append(gc.get_freeze_count())

    with long_lived_frozen():
        thread = threading.Thread(target=other)
        thread.start()
        assert inner_done.wait(5)
        with long_lived_frozen():
            pass
        assert gc.get_freeze_count() > 0  # the nested exit did not unfreeze
    assert gc.get_freeze_count() > 0  # the other thread's solve still runs
    outer_may_end.set()
    thread.join(5)
    assert seen == [0]
    assert gc.get_freeze_count() == 0


def test_a_callers_own_freeze_is_left_as_it_is() -> None:
    gc.freeze()
    theirs = gc.get_freeze_count()
    with long_lived_frozen():
        pass
    assert gc.get_freeze_count() == theirs


def test_solve_leaves_the_collector_as_it_found_it() -> None:
    seen: list[int] = []
    answer = icld_match.solve(
        tiny_problem(),
        time_limit=2,
        workers=1,
        on_progress=lambda _: seen.append(gc.get_freeze_count()),
    )
    assert answer.is_feasible()
    assert seen and all(count > 0 for count in seen)  # frozen while it searched
    assert gc.get_freeze_count() == 0
