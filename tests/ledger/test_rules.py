"""The ledger's small rules: nobody refers to or thanks themselves; who may void, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chapter.ledger.rules import GIVER_VOID_WINDOW, may_refer, may_void

NOW = datetime(2028, 2, 29, 7, 0, tzinfo=UTC)


@given(st.integers(1, 50), st.integers(1, 50))
def test_nobody_refers_to_or_thanks_themselves(giver: int, receiver: int) -> None:
    assert may_refer(giver, receiver) == (giver != receiver)


def test_the_author_may_void_within_seven_days_a_leader_at_any_time() -> None:
    week_ago = NOW - GIVER_VOID_WINDOW
    assert may_void(is_leader=False, is_author=True, created_at=week_ago, now=NOW)
    late = week_ago - timedelta(seconds=1)
    assert not may_void(is_leader=False, is_author=True, created_at=late, now=NOW)
    assert not may_void(is_leader=False, is_author=False, created_at=NOW, now=NOW)
    assert may_void(is_leader=True, is_author=False, created_at=NOW - timedelta(days=900), now=NOW)
