"""The presentation rotation rule, stated as properties over random chapters."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import assume, given
from hypothesis import strategies as st

from chapter.rotation.rules import (
    Candidate,
    Slot,
    confirmed_meeting_ids,
    plan,
    presenters_at,
    queue_order,
)

START = date(2026, 1, 7)


def weekly_slots(count: int, capacity: int = 1, cancelled: frozenset[int] = frozenset()):
    return [
        Slot(index + 1, START + timedelta(weeks=index), capacity)
        for index in range(count)
        if index not in cancelled
    ]


def veterans(count: int, presented: dict[int, date] | None = None) -> list[Candidate]:
    presented = presented or {}
    return [
        Candidate(member_id, date(2020, 1, 1) + timedelta(days=member_id), presented.get(member_id))
        for member_id in range(1, count + 1)
    ]


def test_longest_ago_goes_first_never_counts_as_longest_ties_by_join_date() -> None:
    candidates = [
        Candidate(1, date(2020, 1, 1), date(2025, 12, 1)),
        Candidate(2, date(2021, 1, 1), None),
        Candidate(3, date(2019, 1, 1), None),
        Candidate(4, date(2018, 1, 1), date(2025, 6, 1)),
        Candidate(5, date(2022, 1, 1), date(2025, 12, 20), owes=True),
    ]
    assert [c.member_id for c in queue_order(candidates)] == [5, 3, 2, 4, 1]


def test_new_members_wait_four_weeks() -> None:
    newcomer = Candidate(9, START + timedelta(days=1))
    result = plan(weekly_slots(8), [*veterans(6), newcomer])
    first_turn = min(meeting_id for meeting_id, presenters in result.items() if 9 in presenters)
    assert START + timedelta(weeks=first_turn - 1) >= newcomer.joined_on + timedelta(weeks=4)


def test_fixed_slots_are_kept_and_count_for_the_queue() -> None:
    result = plan(weekly_slots(4), veterans(4), fixed={1: [4]})
    assert result[1] == [4]
    assert 4 not in result[2] + result[3] + result[4]


def test_the_next_two_meetings_are_confirmed() -> None:
    everyone = {meeting_id: [meeting_id] for meeting_id in range(1, 6)}
    assert confirmed_meeting_ids(weekly_slots(5, cancelled=frozenset({0})), everyone) == {2, 3}


def test_a_meeting_without_a_presenter_is_never_confirmed() -> None:
    """A new chapter: meetings scheduled, nobody in the rotation yet."""
    assert confirmed_meeting_ids(weekly_slots(5), {}) == set()
    assert confirmed_meeting_ids(weekly_slots(5), {1: [], 2: [7]}) == {2}


@given(
    st.integers(0, 12),
    st.frozensets(st.integers(0, 11), max_size=6),
    st.dictionaries(st.integers(1, 12), st.lists(st.integers(1, 30), max_size=2)),
    st.integers(0, 4),
)
def test_confirmed_meetings_are_among_the_next_held_ones_and_have_a_presenter(
    weeks: int, cancelled: frozenset[int], presenters: dict[int, list[int]], count: int
) -> None:
    slots = weekly_slots(weeks, cancelled=cancelled)
    confirmed = confirmed_meeting_ids(slots, presenters, count)
    next_held = {slot.meeting_id for slot in slots[:count]}
    assert confirmed <= next_held  # cancelled meetings are not slots: never confirmed
    assert all(presenters.get(meeting_id) for meeting_id in confirmed)
    assert confirmed == {m for m in next_held if presenters.get(m)}


@given(st.booleans(), st.lists(st.integers(1, 30), max_size=3))
def test_a_cancelled_meeting_has_no_presenters_whatever_was_planned(
    is_cancelled: bool, planned: list[int]
) -> None:
    assert presenters_at(is_cancelled, planned) == ([] if is_cancelled else planned)


chapters = st.fixed_dictionaries(
    {
        "members": st.integers(2, 30),
        "capacity": st.integers(1, 2),
        "weeks": st.integers(1, 60),
        "cancelled": st.frozensets(st.integers(0, 59), max_size=10),
        "history": st.dictionaries(
            st.integers(1, 30),
            st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31)),
            max_size=30,
        ),
    }
)


@given(chapters)
def test_everyone_presents_once_before_anyone_presents_twice(chapter) -> None:
    members, capacity = chapter["members"], chapter["capacity"]
    assume(members >= 2 * capacity)
    slots = weekly_slots(chapter["weeks"], capacity, chapter["cancelled"])
    result = plan(slots, veterans(members, chapter["history"]))
    sequence = [m for slot in slots for m in result[slot.meeting_id]]
    counts: Counter[int] = Counter()
    for member_id in sequence:
        counts[member_id] += 1
        # when someone reaches n+1 turns, everyone has had n
        assert min(counts[m] for m in range(1, members + 1)) >= counts[member_id] - 1


@given(chapters)
def test_nobody_presents_at_two_meetings_in_a_row(chapter) -> None:
    members, capacity = chapter["members"], chapter["capacity"]
    assume(members >= 2 * capacity)
    slots = weekly_slots(chapter["weeks"], capacity, chapter["cancelled"])
    result = plan(slots, veterans(members, chapter["history"]))
    for earlier, later in pairwise(slots):
        assert not set(result[earlier.meeting_id]) & set(result[later.meeting_id])


@given(chapters)
def test_slots_are_full_cancelled_meetings_are_not_slots_and_only_candidates_present(
    chapter,
) -> None:
    members, capacity = chapter["members"], chapter["capacity"]
    slots = weekly_slots(chapter["weeks"], capacity, chapter["cancelled"])
    result = plan(slots, veterans(members))
    assert set(result) == {slot.meeting_id for slot in slots}
    for slot in slots:
        presenters = result[slot.meeting_id]
        assert len(presenters) == min(capacity, members)
        assert len(set(presenters)) == len(presenters)
        assert set(presenters) <= set(range(1, members + 1))


@given(st.permutations(veterans(8)))
def test_the_plan_does_not_depend_on_input_order(shuffled) -> None:
    assert plan(weekly_slots(10), shuffled) == plan(weekly_slots(10), veterans(8))
