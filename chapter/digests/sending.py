"""`flask chapter send-due-mail`: find the mail that is due, claim it, send it, record it.

Each mail is claimed in the sent-mail ledger (a unique insert, committed) before it goes to
the SMTP server and marked sent (committed) after the server accepted it, so two runs, on
one host or several, never send it twice; a failure releases the claim and stops the run,
and the next run retries. The caller passes its ``commit``: the claims must be visible to
other processes while this one is still sending.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from chapter.chapters.models import Chapter
from chapter.digests import content, service
from chapter.digests.letters import Letter, compose
from chapter.digests.models import ChapterMailSettings
from chapter.digests.rules import (
    HeldMeeting,
    MailKind,
    Topic,
    digest_due,
    period_key,
    reminder_due,
)
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.platform.mail import MailFailure, Outgoing


@dataclass
class Report:
    sent: dict[MailKind, int] = field(default_factory=lambda: dict.fromkeys(MailKind, 0))
    skipped: int = 0  # claimed by another run meanwhile
    failed: str = ""  # the SMTP error that stopped the run

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def summary(self) -> str:
        counts = ", ".join(f"{n} {kind.value.replace('_', ' ')}" for kind, n in self.sent.items())
        text = f"Sent {self.total} mail(s): {counts}."
        if self.failed:
            text += f" Stopped: {self.failed} (the rest is retried by the next run)."
        return text


def send_due_mail(now: datetime, *, commit: Callable[[], None]) -> Report:
    """Send every chapter's due digests and reminders once; returns what was sent."""
    report = Report()
    chapters = list(db.session.scalars(db.select(Chapter).order_by(Chapter.id)))
    settings = service.all_settings(c.id for c in chapters)
    with Outgoing() as outgoing:
        for chapter in chapters:
            for letter in list(due_letters(chapter, settings[chapter.id], now)):
                delivery_id = service.claim(
                    letter.member_id, letter.kind, letter.period_key, now=now
                )
                commit()
                if delivery_id is None:
                    report.skipped += 1
                    continue
                try:
                    outgoing.send(compose(letter))
                except MailFailure as error:
                    service.release(delivery_id, str(error))
                    commit()
                    report.failed = str(error)
                    return report
                service.mark_sent(delivery_id, now=now)
                commit()
                report.sent[letter.kind] += 1
    return report


def due_letters(chapter: Chapter, settings: ChapterMailSettings, now: datetime) -> Iterator[Letter]:
    """The chapter's mail due at ``now`` and not yet sent: the digests of its last meeting,
    its leaders' digest, and the reminders for tomorrow's meeting."""
    today = now.astimezone(ZoneInfo(chapter.timezone)).date()
    held = meetings.last_meeting_before(chapter.id, today)
    if held is not None and held.starts_at > now:  # today's meeting has not started yet
        held = meetings.last_meeting_before(chapter.id, today - timedelta(days=1))
    if held is not None and _digest_is_due(chapter, settings, held, now):
        yield from _digests(chapter, settings, held, now, today)
    tomorrow = meetings.next_meeting(chapter.id, today + timedelta(days=1))
    if (
        tomorrow is not None
        and tomorrow.meets_on == today + timedelta(days=1)
        and reminder_due(
            tomorrow.meets_on, now, zone=chapter.timezone, send_hour=settings.send_hour
        )
    ):
        yield from _reminders(chapter, settings, tomorrow, now, today)


def _digest_is_due(
    chapter: Chapter, settings: ChapterMailSettings, held: Meeting, now: datetime
) -> bool:
    following = meetings.next_meeting(chapter.id, held.meets_on + timedelta(days=1))
    return digest_due(
        HeldMeeting(held.meets_on, held.starts_at, held.roster_completed_at),
        following.starts_at if following else None,
        now,
        zone=chapter.timezone,
        send_hour=settings.send_hour,
    )


def _digests(
    chapter: Chapter, settings: ChapterMailSettings, held: Meeting, now: datetime, today
) -> Iterator[Letter]:
    key = period_key(held.meets_on)
    wanted = service.recipients(chapter.id, Topic.DIGEST, settings.digest_default)
    done = service.sent_to(MailKind.DIGEST, key, [m.id for m in wanted], now=now)
    pending = [m for m in wanted if m.id not in done]
    if pending:
        week, digests = content.member_digests(
            chapter, held.meets_on, pending, now=now, today=today
        )
        emails = {m.id: m.email for m in pending}
        for digest in digests:
            yield Letter(
                MailKind.DIGEST,
                digest.member_id,
                emails[digest.member_id],
                key,
                f"{chapter.name}: your week of {held.meets_on.day} {held.meets_on:%B}",
                {"week": week, "digest": digest},
            )
    leaders = [m for m in wanted if m.is_leader]
    done = service.sent_to(MailKind.LEADER_DIGEST, key, [m.id for m in leaders], now=now)
    leaders = [m for m in leaders if m.id not in done]
    if leaders:
        chapter_week = content.leader_digest(
            chapter,
            held.meets_on,
            today=today,
            renewal_days=current_app.config["RENEWAL_WARNING_DAYS"],
        )
        for leader in leaders:
            yield Letter(
                MailKind.LEADER_DIGEST,
                leader.id,
                leader.email,
                key,
                f"{chapter.name}: the chapter's week of {held.meets_on.day} {held.meets_on:%B}",
                {
                    "chapter": chapter,
                    "week_on": held.meets_on,
                    "roster_completed": held.roster_is_completed,
                    "leader": chapter_week,
                    "first_name": leader.user.first_name,
                },
            )


def _reminders(
    chapter: Chapter, settings: ChapterMailSettings, meeting: Meeting, now: datetime, today
) -> Iterator[Letter]:
    key = period_key(meeting.meets_on)
    wanted = service.recipients(chapter.id, Topic.REMINDERS, settings.reminders_default)
    done = service.sent_to(MailKind.REMINDER, key, [m.id for m in wanted], now=now)
    pending = [m for m in wanted if m.id not in done]
    if not pending:
        return
    emails = {m.id: m.email for m in pending}
    for reminder in content.reminders(chapter, meeting, pending, now=now, today=today):
        yield Letter(
            MailKind.REMINDER,
            reminder.member_id,
            emails[reminder.member_id],
            key,
            f"{chapter.name}: tomorrow's meeting",
            {"chapter": chapter, "reminder": reminder},
        )
