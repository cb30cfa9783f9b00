"""The wording of a meeting's audit trail (chapter.attendance.audit_wording): pure, so
tested without an app."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from chapter.attendance.audit_wording import (
    Mentioned,
    Names,
    action_title,
    describe_change,
    mentioned,
)

LONDON = ZoneInfo("Europe/London")
NAMES = Names(members={14: "Leila Haddad", 15: "Omar Faruk"}, guests={9: "Tom Ray"})


def row(status: str, note: str = "", substitute_id: int | None = None) -> dict[str, object]:
    return {"status": status, "note": note, "substitute_id": substitute_id}


def test_a_letter_change_reads_as_name_old_arrow_new_with_the_substitute() -> None:
    lines = describe_change(
        "roster.saved",
        {"14": row("A")},
        {"14": row("S", substitute_id=9), "visitors": 0},
        NAMES,
        LONDON,
    )
    assert lines == ["Leila Haddad: Absent → Substitute (Tom Ray)"]


def test_first_letters_notes_and_visitors_each_say_what_happened() -> None:
    lines = describe_change(
        "roster.saved",
        {"15": row("L", note="Traffic")},
        {"14": row("P"), "15": row("L", note=""), "visitors": 2},
        NAMES,
        LONDON,
    )
    assert lines == ["Leila Haddad: Present", "Omar Faruk: note removed", "2 visitors added"]


def test_a_member_or_substitute_no_longer_known_still_reads() -> None:
    lines = describe_change("roster.saved", {}, {"99": row("S", substitute_id=77)}, NAMES, LONDON)
    assert lines == ["a former member: Substitute (a substitute)"]


def test_action_codes_read_as_words() -> None:
    assert action_title("roster.saved") == "Roster saved as a draft"
    assert action_title("roster.completed") == "Roster completed"
    assert action_title("meeting.moved") == "Meeting moved"
    assert action_title("something.new_here") == "Something new here"


def test_meeting_changes_read_in_the_chapters_words_and_time_zone() -> None:
    assert describe_change(
        "meeting.moved", {"meets_on": "2026-12-02"}, {"meets_on": "2026-12-03"}, NAMES, LONDON
    ) == ["Wednesday 2 Dec 2026 → Thursday 3 Dec 2026"]
    assert describe_change(
        "meeting.cancelled", {}, {"cancel_reason": "Bank holiday"}, NAMES, LONDON
    ) == ["Reason: Bank holiday"]
    # Completed at 06:42 UTC in July is 07:42 in London.
    assert describe_change(
        "roster.reopened",
        {"completed_at": "2026-07-01T06:42:00+00:00"},
        {"completed_at": None},
        NAMES,
        LONDON,
    ) == ["It had been completed on Wednesday 1 Jul 2026 at 07:42"]
    assert describe_change(
        "roster.completed", None, {"members": 1, "visitors": 0}, NAMES, LONDON
    ) == ["1 member marked, 0 visitors"]


def test_rotation_changes_on_a_meeting_name_the_members() -> None:
    assert describe_change(
        "rotation.assigned", {"member_id": 14}, {"member_id": 15}, NAMES, LONDON
    ) == ["Presenter: Leila Haddad → Omar Faruk"]
    assert describe_change(
        "rotation.outcome",
        {"outcome": "scheduled"},
        {"outcome": "no_show", "member_id": 15},
        NAMES,
        LONDON,
    ) == ["Omar Faruk did not show up"]
    swapped = {"first": [1, 14], "second": [2, 15]}
    assert describe_change("rotation.swapped", swapped, {}, NAMES, LONDON) == [
        "Leila Haddad and Omar Faruk swapped their slots"
    ]


def test_mentioned_collects_the_ids_whose_names_the_lines_need() -> None:
    assert mentioned(
        "roster.saved", {"14": row("A")}, {"15": row("S", substitute_id=9), "visitors": 1}
    ) == Mentioned(frozenset({14, 15}), frozenset({9}))
    assert mentioned("rotation.swapped", {"first": [1, 14], "second": [2, 15]}, None) == (
        Mentioned(frozenset({14, 15}), frozenset())
    )
    assert mentioned("meeting.cancelled", {"meets_on": "2026-12-02"}, None) == Mentioned(
        frozenset(), frozenset()
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=10,
)
records = st.none() | st.dictionaries(
    st.sampled_from(["14", "15", "99", "visitors", "member_id", "first", "meets_on", "x"]),
    json_values,
    max_size=4,
)
actions = st.sampled_from(
    [
        "roster.saved",
        "roster.completed",
        "roster.reopened",
        "meeting.cancelled",
        "meeting.moved",
        "meeting.added",
        "rotation.swapped",
        "rotation.assigned",
        "rotation.outcome",
        "other.thing",
    ]
)


@settings(deadline=None)  # a shared 2-core machine: no flaky timing failures
@given(actions, records, records)
def test_any_stored_record_reads_without_an_error(action, before, after) -> None:
    """Old or odd records (other shapes, missing keys) never break the page."""
    lines = describe_change(action, before, after, NAMES, LONDON)
    assert all(isinstance(line, str) and line for line in lines)
    found = mentioned(action, before, after)
    assert found.member_ids <= {14, 15, 99} | found.member_ids


@settings(deadline=None)
@given(
    st.dictionaries(st.sampled_from(["14", "15"]), st.sampled_from("PALMS"), min_size=1),
    st.dictionaries(st.sampled_from(["14", "15"]), st.sampled_from("PALMS"), min_size=1),
)
def test_every_member_whose_letter_changed_gets_one_line(before, after) -> None:
    lines = describe_change(
        "roster.saved",
        {key: row(letter) for key, letter in before.items()},
        {key: row(letter) for key, letter in after.items()},
        NAMES,
        LONDON,
    )
    changed = {key for key in {*before, *after} if before.get(key) != after.get(key)}
    assert len(lines) == len(changed)
    assert {line.split(":")[0] for line in lines} == {NAMES.member(key) for key in changed}
