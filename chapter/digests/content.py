"""What the digests and reminders say, built for a whole chapter at once.

Everything comes from the other features' services (ledger, leaderboard, attendance,
rotation, meetings, members), read once per chapter and then split per member, so a
chapter's digests cost a fixed number of queries however many members it has. Thank-yous
show their thanker only as ``chapter.ledger.rules.thanker_label`` allows the recipient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from chapter.attendance import guests, reports
from chapter.attendance import service as attendance
from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.rules import AbsenceStanding, Palms
from chapter.chapters.models import Chapter
from chapter.digests.rules import (
    PRESENTATION_HORIZON,
    near_absence_limit,
    presents_soon,
    slip_needs_follow_up,
    slip_unacted,
    suggest_substitute,
)
from chapter.extensions import db
from chapter.leaderboard import service as leaderboard
from chapter.ledger import service as ledger
from chapter.ledger.models import OneToOne, ReferralSlip, ThankYou
from chapter.ledger.rules import EntryType, SlipStatus, thanker_label
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.models import Member
from chapter.rotation import service as rotation
from chapter.rotation import swap_requests

GUESTS_LISTED = 10


@dataclass(frozen=True)
class SlipLine:
    slip_id: int
    other: str  # the other member (giver or receiver)
    status: str
    week_on: date


@dataclass(frozen=True)
class ThanksLine:
    amount_cents: int
    business: str
    thanker: str  # as thanker_label words it for the recipient


@dataclass(frozen=True)
class NextMeeting:
    meeting_id: int
    meets_on: date
    starts_at: datetime
    presenters: tuple[str, ...]


@dataclass(frozen=True)
class ChapterWeek:
    """What every digest of one chapter and meeting week shares."""

    chapter: Chapter
    week_on: date
    today: date
    next_meeting: NextMeeting | None
    members_ranked: int


@dataclass
class MemberDigest:
    member_id: int
    first_name: str
    received: list[SlipLine] = field(default_factory=list)
    given: list[SlipLine] = field(default_factory=list)
    thanks: list[ThanksLine] = field(default_factory=list)
    one_to_ones: list[str] = field(default_factory=list)
    follow_ups: list[SlipLine] = field(default_factory=list)
    rank: int | None = None
    given_count: int = 0
    received_count: int = 0
    standing: AbsenceStanding | None = None
    presents_on: date | None = None

    @property
    def thanks_cents(self) -> int:
        return sum(line.amount_cents for line in self.thanks)


@dataclass(frozen=True)
class Person:
    name: str
    detail: str = ""


@dataclass(frozen=True)
class Slot:
    meets_on: date
    presenters: tuple[str, ...]


@dataclass
class LeaderDigest:
    counts: dict[Palms, int]
    visitors: int
    at_limit: list[Person]
    near_limit: list[Person]
    guests: list[Person]
    renewals: list[Person]
    unconfirmed: list[Slot]


@dataclass
class Reminder:
    member_id: int
    first_name: str
    meeting: NextMeeting
    presenting: bool = False
    suggest_substitute: bool = False
    swaps_waiting: list[str] = field(default_factory=list)
    unacted: list[SlipLine] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        return bool(
            self.presenting or self.suggest_substitute or self.swaps_waiting or self.unacted
        )


def _entries(chapter_id: int, chosen: ledger.ChapterFilter) -> list:
    return [
        e for e in db.session.scalars(ledger.chapter_entries(chapter_id, chosen)) if not e.is_voided
    ]


def _upcoming(chapter_id: int, today: date) -> tuple[list[Meeting], dict[int, list[int]]]:
    """Meetings of the next four weeks and their presenters' member ids."""
    ahead = [
        m
        for m in rotation.upcoming_meetings(chapter_id, today)
        if m.meets_on <= today + PRESENTATION_HORIZON
    ]
    by_meeting = rotation.presentations_for([m.id for m in ahead])
    return ahead, {mid: [p.member_id for p in rows] for mid, rows in by_meeting.items()}


def _next_meeting(
    ahead: list[Meeting], presenters: dict[int, list[int]], names: dict[int, str]
) -> NextMeeting | None:
    coming = next((m for m in ahead if not m.is_cancelled), None)
    if coming is None:
        return None
    who = tuple(names.get(i, "") for i in presenters.get(coming.id, []))
    return NextMeeting(coming.id, coming.meets_on, coming.starts_at, who)


def member_digests(
    chapter: Chapter, week_on: date, recipients: Sequence[Member], *, now: datetime, today: date
) -> tuple[ChapterWeek, list[MemberDigest]]:
    """The week of ``week_on`` for each recipient: slips received and given, thank-yous
    credited, one-to-ones, their rank, absences left, slips to follow up, the next meeting
    and their own presentation. A fixed number of queries for the whole chapter."""
    names = members.names_by_member(chapter.id)
    ahead, presenters = _upcoming(chapter.id, today)
    digests = {m.id: MemberDigest(m.id, m.user.first_name) for m in recipients}
    on_week = ledger.ChapterFilter
    slips: list[ReferralSlip] = _entries(chapter.id, on_week(EntryType.SLIP, week_on=week_on))
    for slip in slips:
        if slip.receiver_id in digests:
            digests[slip.receiver_id].received.append(_slip_line(slip, names, slip.giver_id))
        if slip.giver_id in digests:
            digests[slip.giver_id].given.append(_slip_line(slip, names, slip.receiver_id))
    thank_yous: list[ThankYou] = _entries(chapter.id, on_week(EntryType.THANK_YOU, week_on=week_on))
    for thank_you in thank_yous:
        if thank_you.giver_id in digests:
            digests[thank_you.giver_id].thanks.append(
                ThanksLine(
                    thank_you.amount_cents,
                    thank_you.business_type.label,
                    thanker_label(thank_you.giver_id, thank_you, names),
                )
            )
    one_to_ones: list[OneToOne] = _entries(
        chapter.id, on_week(EntryType.ONE_TO_ONE, week_on=week_on)
    )
    for entry in one_to_ones:
        for mine, other in (
            (entry.logged_by_id, entry.other_id),
            (entry.other_id, entry.logged_by_id),
        ):
            if mine in digests:
                digests[mine].one_to_ones.append(entry.name_of(names, other))
    contacted = _entries(chapter.id, on_week(EntryType.SLIP, status=SlipStatus.CONTACTED))
    for slip in contacted:
        if slip.receiver_id in digests and slip_needs_follow_up(
            slip.status, slip.status_changed_at, now
        ):
            digests[slip.receiver_id].follow_ups.append(_slip_line(slip, names, slip.giver_id))
    board = leaderboard.board(chapter.id, week_on, week_on, "given")
    for row in board:
        if row.member_id in digests:
            digest = digests[row.member_id]
            digest.rank, digest.given_count, digest.received_count = (
                row.rank,
                row.given,
                row.received,
            )
    standings = attendance.standings(chapter, today)
    own_dates = {
        member_id: m.meets_on
        for m in reversed(ahead)
        if not m.is_cancelled
        for member_id in presenters.get(m.id, [])
    }
    for digest in digests.values():
        digest.standing = attendance.standing_of(standings, digest.member_id, chapter.absence_limit)
        presents_on = own_dates.get(digest.member_id)
        digest.presents_on = (
            presents_on if presents_on and presents_soon(presents_on, today) else None
        )
    week = ChapterWeek(chapter, week_on, today, _next_meeting(ahead, presenters, names), len(board))
    return week, list(digests.values())


def _slip_line(slip: ReferralSlip, names: dict[int, str], other_id: int | None) -> SlipLine:
    return SlipLine(slip.id, slip.name_of(names, other_id), slip.status.label, slip.week_on)


def leader_digest(
    chapter: Chapter, week_on: date, *, today: date, renewal_days: int
) -> LeaderDigest:
    """The chapter's week for its leaders: attendance, members at or near the absence limit,
    visitors and substitutes to contact, renewals due, unconfirmed rotation slots."""
    names = members.names_by_member(chapter.id)
    rows = reports.summary(chapter.id, week_on, week_on)
    counts = {letter: sum(row.counts[letter] for row in rows) for letter in Palms}
    active = list(db.session.scalars(members.directory_query(chapter.id)))
    active_ids = {m.id for m in active}
    standings = attendance.standings(chapter, today)
    at_limit, near = [], []
    for member_id, standing in sorted(standings.items(), key=lambda kv: names.get(kv[0], "")):
        if member_id not in active_ids:
            continue
        person = Person(names.get(member_id, ""), f"{standing.absences} absences")
        if standing.at_limit:
            at_limit.append(person)
        elif near_absence_limit(standing.absences, standing.limit):
            near.append(person)
    to_contact = list(
        db.session.scalars(
            guests.follow_up_query(chapter.id, FollowUp.TO_CONTACT).limit(GUESTS_LISTED)
        )
    )
    due = members.renewals_due(active, today, renewal_days)
    ahead, presenters = _upcoming(chapter.id, today)
    confirmed = rotation.confirmed_ids(ahead)
    return LeaderDigest(
        counts=counts,
        visitors=sum(row.visitors for row in rows),
        at_limit=at_limit,
        near_limit=near,
        guests=[Person(g.name, g.business_name) for g in to_contact],
        renewals=[
            Person(m.full_name, f"{m.renewal_on.day} {m.renewal_on:%b %Y}")
            for m in active
            if m.id in due
        ],
        unconfirmed=[
            Slot(m.meets_on, tuple(names.get(i, "") for i in presenters.get(m.id, [])))
            for m in ahead
            if not m.is_cancelled and m.id not in confirmed
        ],
    )


def reminders(
    chapter: Chapter, meeting: Meeting, recipients: Sequence[Member], *, now: datetime, today: date
) -> list[Reminder]:
    """The day-before reminders for ``meeting``: "you present tomorrow", "send a substitute?"
    (nothing announced, absent last time), swap requests waiting for an answer, and slips
    not acted on for a week. Only members with something to be reminded of get one."""
    names = members.names_by_member(chapter.id)
    presenters = {p.member_id for p in rotation.presentations_for([meeting.id])[meeting.id]}
    coming = NextMeeting(
        meeting.id,
        meeting.meets_on,
        meeting.starts_at,
        tuple(names.get(i, "") for i in sorted(presenters)),
    )
    announced = {
        line.member.id
        for line in attendance.load_roster(meeting, chapter, today).lines
        if line.attendance is not None
    }
    last = meetings.last_meeting_before(chapter.id, meeting.meets_on - timedelta(days=1))
    last_letters: dict[int, Palms] = {}
    if last is not None and last.roster_is_completed:
        last_letters = {
            line.member.id: line.attendance.status
            for line in attendance.load_roster(last, chapter, today).lines
            if line.attendance is not None
        }
    result = {m.id: Reminder(m.id, m.user.first_name, coming) for m in recipients}
    for request in swap_requests.open_requests(chapter.id):
        if request.target_id in result:
            result[request.target_id].swaps_waiting.append(names.get(request.requester_id, ""))
    for slip in _entries(chapter.id, ledger.ChapterFilter(EntryType.SLIP, status=SlipStatus.NEW)):
        if slip.receiver_id in result and slip_unacted(slip.status, slip.passed_at, now):
            result[slip.receiver_id].unacted.append(_slip_line(slip, names, slip.giver_id))
    for reminder in result.values():
        reminder.presenting = reminder.member_id in presenters
        reminder.suggest_substitute = suggest_substitute(
            reminder.member_id in announced, last_letters.get(reminder.member_id)
        )
    return [r for r in result.values() if r.has_news]
