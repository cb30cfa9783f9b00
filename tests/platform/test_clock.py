"""The suite's clock: CHAPTER_TEST_NOW moves the whole process, the app's utcnow included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chapter.db import utcnow
from tests.support import clock


def test_app_and_tests_read_the_same_clock() -> None:
    assert abs(utcnow() - clock.now()) < timedelta(seconds=5)


def test_the_suite_runs_at_chapter_test_now_when_it_is_set() -> None:
    target = clock.travel_target()
    if target is None:
        assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
        return
    assert timedelta(0) <= utcnow() - target < timedelta(hours=1)  # ticking from the target
    assert (
        clock.today_in("Europe/London") == target.astimezone(clock.ZoneInfo("Europe/London")).date()
    )


def test_a_naive_chapter_test_now_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TEST_NOW_VARIABLE, "2028-02-29T07:00")
    with pytest.raises(ValueError, match="UTC offset"):
        clock.travel_target()
