"""Deadlines: shares and earlier ends keep the stop flag and never end before now."""

from __future__ import annotations

from icld_match.engine.clock import Deadline, StopFlag


def test_less_ends_earlier_but_not_before_now() -> None:
    stop = StopFlag()
    whole = Deadline(10.0, stop=stop)
    earlier = whole.less(2.0)
    assert 7.5 < earlier.remaining() <= whole.remaining() - 2.0 + 1e-6
    assert whole.less(60.0).remaining() == 0.0 and whole.less(60.0).expired()
    stop.set()
    assert earlier.expired() and earlier.interrupted


def test_share_is_a_fraction_of_the_time_left() -> None:
    whole = Deadline(10.0)
    half = whole.share(0.5)
    assert 4.5 < half.remaining() <= 5.0 and half.stop is whole.stop
