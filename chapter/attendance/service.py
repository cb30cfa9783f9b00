"""Attendance rosters (PALMS): announcing absences ahead, saving, completing, reopening.

A roster lists the members active on the meeting date; it is a draft until a leader
completes it, and read-only until a leader reopens it. Every leader change is audited, and
a save from a stale page is refused instead of overwriting a colleague's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, update
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from chapter.attendance import guests
from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.attendance.rules import (
    AbsenceStanding,
    Palms,
    absence_standing,
    belongs_on_roster,
    months_before,
)
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.errors import Conflict, RuleViolation
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform import audit, page_cache
from chapter.webhooks import payloads
from chapter.webhooks import service as webhooks
from chapter.webhooks.rules import EventKind

ANNOUNCEABLE = (Palms.SUBSTITUTE, Palms.MEDICAL, Palms.ABSENT)
SUBSTITUTE_NAME_NEEDED = "Enter the substitute's name (or choose another letter)."
VISITOR_NAME_NEEDED = "Enter the visitor's name."


@dataclass(frozen=True)
class RosterEntry:
    """What the leader chose for one member (``status`` None: left as it was)."""

    member_id: int
    status: Palms | None
    note: str = ""
    substitute: guests.GuestDetails | None = None


@dataclass(frozen=True)
class VisitorEntry:
    details: guests.GuestDetails
    invited_by_id: int | None = None
    row: int = 0  # the form row it came from, to show an error where it belongs


@dataclass
class RosterLine:
    member: Member
    attendance: Attendance | None
    standing: AbsenceStanding


@dataclass
class Roster:
    meeting: Meeting
    lines: list[RosterLine]
    on_leave: list[Member] = field(default_factory=list)
    visits: list[tuple[Visit, Guest]] = field(default_factory=list)

    @property
    def unmarked(self) -> list[Member]:
        return [line.member for line in self.lines if line.attendance is None]


def standings(chapter: Chapter, today: date) -> dict[int, AbsenceStanding]:
    """Each member's absences and lates over the rolling six months, from completed rosters.

    Members without any absence or late in the window are absent from the mapping: use
    ``standing_of``.
    """
    rows = db.session.execute(
        db.select(Attendance.member_id, Meeting.meets_on, Attendance.status)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(
            Meeting.chapter_id == chapter.id,
            Meeting.is_cancelled.is_(False),
            Meeting.roster_completed_at.is_not(None),
            Meeting.meets_on > months_before(today, 6),
            Meeting.meets_on <= today,
            Attendance.status.in_([Palms.ABSENT, Palms.LATE]),
        )
    ).all()
    by_member: dict[int, list[tuple[date, Palms]]] = {}
    for member_id, meets_on, status in rows:
        by_member.setdefault(member_id, []).append((meets_on, status))
    return {
        member_id: absence_standing(records, today, chapter.absence_limit)
        for member_id, records in by_member.items()
    }


def standing_of(table: dict[int, AbsenceStanding], member_id: int, limit: int) -> AbsenceStanding:
    return table.get(member_id) or AbsenceStanding((), (), limit)


def members_at_limit(chapter: Chapter, today: date) -> list[tuple[Member, AbsenceStanding]]:
    """Active members at or over the chapter's absence limit, with the dates that count."""
    table = {k: v for k, v in standings(chapter, today).items() if v.at_limit}
    if not table:
        return []
    found = db.session.scalars(
        db.select(Member)
        .join(Member.user)
        .options(contains_eager(Member.user))
        .where(Member.id.in_(table), Member.status != MemberStatus.LEFT)
        .order_by(User.last_name, User.first_name)
    )
    return [(member, table[member.id]) for member in found]


def load_roster(
    meeting: Meeting, chapter: Chapter, today: date, *, with_standings: bool = True
) -> Roster:
    """The roster of a meeting: its members with their letter (if any) and standing, the
    members on leave listed apart, and the visitors. A fixed number of queries.

    ``with_standings=False``: for a save, which shows no standing: the six months of
    absences are not read, and every line's standing is left empty."""
    rows = {
        row.member_id: row
        for row in db.session.scalars(
            db.select(Attendance)
            .where(Attendance.meeting_id == meeting.id)
            .options(selectinload(Attendance.substitute))
        )
    }
    candidates = db.session.scalars(
        db.select(Member)
        .join(Member.user)
        .options(contains_eager(Member.user))
        .where(
            Member.chapter_id == meeting.chapter_id,
            or_(Member.id.in_(rows), Member.joined_on <= meeting.meets_on),
        )
        .order_by(User.last_name, User.first_name, Member.id)
    ).all()
    table = standings(chapter, today) if with_standings else {}
    lines: list[RosterLine] = []
    on_leave: list[Member] = []
    for member in candidates:
        if member.id in rows or (
            not meeting.roster_is_completed
            and belongs_on_roster(
                member.joined_on,
                member.left_on,
                member.status is MemberStatus.ON_LEAVE,
                meeting.meets_on,
            )
        ):
            standing = standing_of(table, member.id, chapter.absence_limit)
            lines.append(RosterLine(member, rows.get(member.id), standing))
        elif member.status is MemberStatus.ON_LEAVE and not meeting.roster_is_completed:
            on_leave.append(member)
    return Roster(meeting, lines, on_leave, _visits(meeting))


def _visits(meeting: Meeting) -> list[tuple[Visit, Guest]]:
    visits = db.session.execute(
        db.select(Visit, Guest)
        .join(Guest, Guest.id == Visit.guest_id)
        .where(Visit.meeting_id == meeting.id)
        .order_by(Visit.id)
    ).all()
    return [(visit, guest) for visit, guest in visits]


def _snapshot(rows: dict[int, Attendance]) -> dict[str, object]:
    return {
        str(member_id): {
            "status": row.status.value,
            "note": row.note,
            "substitute_id": row.substitute_id,
        }
        for member_id, row in sorted(rows.items())
    }


def _claim_version(meeting: Meeting, version: int, form_key: str | None) -> None:
    """Atomically move the roster to the next version (and keep the form's one-time key on
    it), or refuse a stale save. The meeting in memory takes the values written, without
    reading the row again."""
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.roster_version == version)
        .values(roster_version=version + 1, roster_form_key=form_key)
        .returning(Meeting.updated_at)
        .execution_options(synchronize_session=False)
    )
    updated_at = result.scalar_one_or_none()
    if updated_at is None:
        db.session.refresh(meeting)
        raise Conflict(
            "The roster changed since you opened it (another leader saved it). Your changes "
            "were not saved: here is the current roster."
        )
    page_cache.touch(db.session(), meeting.chapter_id)  # a row the flush hooks do not see
    for name, value in (
        ("roster_version", version + 1),
        ("roster_form_key", form_key),
        ("updated_at", updated_at),
    ):
        set_committed_value(meeting, name, value)


def _validate(
    entries: Sequence[RosterEntry], visitors: Sequence[VisitorEntry], roster: Roster
) -> None:
    on_roster = {line.member.id for line in roster.lines}
    for index, entry in enumerate(entries):
        if entry.member_id not in on_roster:
            raise RuleViolation("That member is not on this meeting's roster.")
        if entry.status is Palms.SUBSTITUTE and not (
            entry.substitute and entry.substitute.name.strip()
        ):
            raise RuleViolation(SUBSTITUTE_NAME_NEEDED, field=f"rows-{index}-substitute_name")
    member_ids = {line.member.id for line in roster.lines} | {m.id for m in roster.on_leave}
    for visitor in visitors:
        if not visitor.details.name.strip():
            raise RuleViolation(VISITOR_NAME_NEEDED, field=f"visitors-{visitor.row}-name")
        if visitor.invited_by_id is not None and visitor.invited_by_id not in member_ids:
            raise RuleViolation(
                "Choose a member of this chapter.", field=f"visitors-{visitor.row}-invited_by_id"
            )


def _check_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise RuleViolation("This meeting is cancelled: it has no roster.")
    if meeting.roster_is_completed:
        raise RuleViolation("This roster is completed. Reopen it to make changes.")


def save_roster(
    meeting: Meeting,
    chapter: Chapter,
    entries: Sequence[RosterEntry],
    visitors: Sequence[VisitorEntry],
    *,
    version: int,
    actor: User,
    today: date,
    mark_rest_present: bool = False,
    form_key: str | None = None,
) -> Roster:
    """Save the leader's choices as a draft; optionally mark everyone not yet marked Present.

    All input is checked before anything is written; a save from a stale page (another
    leader saved since) raises Conflict. ``form_key``: the one-time key of the roster form
    (``chapter.forms.OnceForm``), kept on the meeting until the next save, so the same save
    sent twice is recognised as the first (``chapter.forms.saved_once``).
    """
    _check_open(meeting)
    roster = load_roster(meeting, chapter, today, with_standings=False)
    _validate(entries, visitors, roster)
    _claim_version(meeting, version, form_key)
    rows = {line.member.id: line.attendance for line in roster.lines if line.attendance}
    before = _snapshot(rows)
    for entry in entries:
        if entry.status is None:
            continue
        _apply(meeting, rows, entry)
    if mark_rest_present:
        for line in roster.lines:
            if line.member.id not in rows:
                _apply(meeting, rows, RosterEntry(line.member.id, Palms.PRESENT))
    for visitor in visitors:
        guest = guests.find_or_add(meeting.chapter_id, visitor.details)
        visit = guests.add_visit(meeting.id, guest, visitor.invited_by_id)
        if visit is not None:
            _visitor_recorded(meeting, guest, visit)
    db.session.flush()
    after = _snapshot(rows)
    audit.record(
        actor,
        "roster.saved",
        meeting,
        chapter_id=meeting.chapter_id,
        before=_changed(before, after),
        after={**_changed(after, before), "visitors": len(visitors)},
    )
    # The roster as saved, without loading it again: the same lines with their new rows
    # (who is on the roster does not change). Its lines carry no standing: no caller shows
    # a saved roster without loading it again.
    return Roster(
        meeting,
        [RosterLine(line.member, rows.get(line.member.id), line.standing) for line in roster.lines],
        roster.on_leave,
        _visits(meeting) if visitors else roster.visits,
    )


def _visitor_recorded(meeting: Meeting, guest: Guest, visit: Visit) -> None:
    invited_by = db.session.get(Member, visit.invited_by_id) if visit.invited_by_id else None
    webhooks.record_event(
        meeting.chapter_id,
        EventKind.VISITOR_RECORDED,
        payloads.visitor_recorded(
            visit_id=visit.id,
            visitor_id=guest.id,
            name=guest.name,
            business_name=guest.business_name,
            email=guest.email,
            phone=guest.phone,
            meeting_id=meeting.id,
            meets_on=meeting.meets_on,
            invited_by=webhooks.member_ref(invited_by) if invited_by else None,
        ),
    )


def _changed(side: dict[str, object], other: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in side.items() if other.get(key) != value}


def _apply(meeting: Meeting, rows: dict[int, Attendance], entry: RosterEntry) -> None:
    row = rows.get(entry.member_id)
    if row is None:
        row = Attendance(meeting_id=meeting.id, member_id=entry.member_id)
        db.session.add(row)
        rows[entry.member_id] = row
    elif row.status is not entry.status:
        row.announced = False  # the leader's letter replaces the member's announcement
    assert entry.status is not None  # noqa: S101 - callers skip entries without a letter
    row.status = entry.status
    row.note = entry.note.strip()
    if entry.status is Palms.SUBSTITUTE and entry.substitute is not None:
        row.substitute_id = guests.find_or_add(meeting.chapter_id, entry.substitute).id
    elif entry.status is not Palms.SUBSTITUTE:
        row.substitute_id = None


def complete_roster(
    meeting: Meeting,
    chapter: Chapter,
    *,
    actor: User,
    today: date,
    now: datetime | None = None,
    from_file: str | None = None,
    roster: Roster | None = None,
) -> None:
    """Complete the roster: every member on it must have a letter; it becomes read-only.

    ``roster``: the roster as ``save_roster`` just returned it in the same transaction
    (saves loading it again); loaded here otherwise.

    ``from_file``: the roster is an imported file's (BNI Connect recorded the meeting), so
    members it does not list are not asked for: they were not on that meeting's roster.
    """
    _check_open(meeting)
    if meeting.meets_on > today:
        raise RuleViolation("A roster can be completed on or after the meeting day.")
    if roster is None or roster.meeting is not meeting:
        roster = load_roster(meeting, chapter, today, with_standings=False)
    if roster.unmarked and from_file is None:
        names = ", ".join(member.full_name for member in roster.unmarked)
        raise RuleViolation(f"Mark every member first. Not marked yet: {names}.")
    meeting.roster_completed_at = now or utcnow()
    meeting.roster_completed_by_id = actor.id
    meeting.roster_version += 1  # written with the audit events, in the next flush
    marked = sum(1 for line in roster.lines if line.attendance is not None)
    after: dict[str, object] = {"members": marked, "visitors": len(roster.visits)}
    if from_file is not None:
        after["file"] = from_file
    audit.record(actor, "roster.completed", meeting, chapter_id=meeting.chapter_id, after=after)
    counts = dict.fromkeys((letter.value for letter in Palms), 0)
    for line in roster.lines:
        if line.attendance is not None:
            counts[line.attendance.status.value] += 1
    webhooks.record_event(
        meeting.chapter_id,
        EventKind.ROSTER_COMPLETED,
        payloads.roster_completed(
            meeting_id=meeting.id,
            meets_on=meeting.meets_on,
            completed_at=meeting.roster_completed_at,
            counts=counts,
            visitors=len(roster.visits),
        ),
        now=meeting.roster_completed_at,
    )


def reopen_roster(meeting: Meeting, *, actor: User) -> None:
    """Reopen a completed roster for corrections (audited)."""
    if not meeting.roster_is_completed:
        raise RuleViolation("This roster is not completed.")
    before = {"completed_at": meeting.roster_completed_at.isoformat()}  # type: ignore[union-attr]
    meeting.roster_completed_at = None
    meeting.roster_completed_by_id = None
    meeting.roster_version += 1
    db.session.flush()
    audit.record(
        actor,
        "roster.reopened",
        meeting,
        chapter_id=meeting.chapter_id,
        before=before,
        after={"completed_at": None},
    )


def announcement_of(meeting: Meeting, member: Member) -> Attendance | None:
    """The member's own row for a meeting (an announcement, or the leader's letter)."""
    return db.session.scalar(
        db.select(Attendance)
        .where(Attendance.meeting_id == meeting.id, Attendance.member_id == member.id)
        .options(selectinload(Attendance.substitute))
    )


def announce(
    meeting: Meeting,
    member: Member,
    status: Palms,
    *,
    substitute: guests.GuestDetails | None,
    note: str,
    today: date,
) -> Attendance:
    """A member says ahead of a meeting: I will send a substitute / medical / I will be absent.

    This pre-fills the roster; the member can change it until the roster is completed.
    """
    _check_open(meeting)
    if meeting.meets_on < today:
        raise RuleViolation("This meeting is in the past.")
    if status not in ANNOUNCEABLE:
        raise RuleViolation("Choose substitute, medical or absent.", field="status")
    if not belongs_on_roster(
        member.joined_on, member.left_on, member.status is MemberStatus.ON_LEAVE, meeting.meets_on
    ):
        raise RuleViolation("You are not on this meeting's roster.")
    if status is Palms.SUBSTITUTE and not (substitute and substitute.name.strip()):
        raise RuleViolation("Enter your substitute's name.", field="substitute_name")
    row = announcement_of(meeting, member)
    if row is None:
        row = Attendance(meeting_id=meeting.id, member_id=member.id)
        db.session.add(row)
    row.status = status
    row.note = note.strip()
    row.announced = True
    row.substitute_id = (
        guests.find_or_add(meeting.chapter_id, substitute).id
        if status is Palms.SUBSTITUTE and substitute
        else None
    )
    db.session.flush()
    return row


def withdraw_announcement(meeting: Meeting, member: Member) -> None:
    """ "I will come after all": remove the member's own announcement from the draft roster."""
    _check_open(meeting)
    row = announcement_of(meeting, member)
    if row is None or not row.announced:
        raise RuleViolation("You have no announcement for this meeting.")
    db.session.delete(row)
    db.session.flush()


def rows_of(member_id: int, meeting_ids: Sequence[int]) -> dict[int, Attendance]:
    """The member's own rows for these meetings, by meeting id (one query)."""
    return {
        row.meeting_id: row
        for row in db.session.scalars(
            db.select(Attendance).where(
                Attendance.member_id == member_id, Attendance.meeting_id.in_(meeting_ids)
            )
        )
    }
