"""An import changes who is in the chapter; the presentation rotation follows in the same
transaction, as after a leader's own changes (no dropped member keeps a future slot)."""

from __future__ import annotations

from chapter.bni import import_writes
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.rotation import service as rotation
from tests.bni.test_imports import ROSTER
from tests.support.import_helpers import (
    NOW,
    ROSTER_HEADER,
    chapter_with_leader,
    csv_bytes,
    members_by_key,
    preview,
)


def test_a_roster_import_leaves_the_rotation_current_and_the_dropped_without_slots(
    in_app,
) -> None:
    chapter, leader = chapter_with_leader()
    chapter.rotation_grace_weeks = 0  # new members present straight away
    today = NOW.date()
    meetings.ensure_schedule(chapter, today)
    rotation.regenerate(chapter, actor=None, today=today)
    plan = preview(chapter, leader, data=csv_bytes(ROSTER_HEADER, ROSTER), filename="roster.csv")
    import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.flush()

    people = members_by_key(chapter.id)
    upcoming = rotation.upcoming_meetings(chapter.id, today)
    slots = rotation.presentations_for([m.id for m in upcoming])
    presenting = {p.member_id for meeting_slots in slots.values() for p in meeting_slots}
    assert people["old timer"].id not in presenting  # dropped in the file: left
    assert people["rosa plumb"].id in presenting or people["ivan roof"].id in presenting
    assert rotation.regenerate(chapter, actor=None, today=today) == []  # already followed


def test_members_an_import_brings_back_get_their_slots_again(in_app) -> None:
    chapter, leader = chapter_with_leader()
    chapter.rotation_grace_weeks = 0
    today = NOW.date()
    meetings.ensure_schedule(chapter, today)
    rotation.regenerate(chapter, actor=None, today=today)
    data = csv_bytes(ROSTER_HEADER, ROSTER)
    first = import_writes.confirm(
        preview(chapter, leader, data=data, filename="roster.csv"), actor=leader.user, now=NOW
    )
    import_writes.undo(first, actor=leader.user, now=NOW)
    db.session.flush()
    import_writes.confirm(
        preview(chapter, leader, data=data, filename="roster.csv"), actor=leader.user, now=NOW
    )
    db.session.flush()
    assert rotation.regenerate(chapter, actor=None, today=today) == []  # already followed
