"""`flask chapter send-due-mail` against a real SMTP server (aiosmtpd, in process): what
arrives, that it arrives once, that a failing server is retried, and that unsubscribing
through the link stops the next run's mail of that kind."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime

import time_machine
from flask import Flask

from chapter.attendance import service as attendance
from chapter.attendance.rules import Palms
from chapter.chapters.models import Chapter
from chapter.demo import service as demo
from chapter.digests import sending
from chapter.digests.models import MailDelivery
from chapter.extensions import db
from chapter.ledger.models import ReferralSlip, ThankYou
from chapter.meetings import service as meetings
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.rotation import service as rotation
from tests.conftest import Person, login_as
from tests.digests.conftest import PUBLIC_URL, Inbox

DEMO_TODAY = date(2026, 11, 23)  # a Monday; the demo chapter meets on Wednesdays
LOADED_AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
RUN_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY_BEFORE_NEXT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday: reminders for the 25th
DAY_AFTER_NEXT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # the 25th's digest, roster open
LINK = re.compile(r"https?://[^\s<>\")]+")


def load_demo_with_last_roster_completed(app: Flask) -> None:
    """Through the app without a mail server: loading sends the demo's own notifications."""
    with time_machine.travel(LOADED_AT, tick=False), app.app_context():
        demo.load_demo(today=DEMO_TODAY)
        chapter = db.session.scalar(db.select(Chapter))
        leader = db.session.scalar(db.select(Member).where(Member.position.is_not(None)))
        meeting = meetings.last_meeting_before(chapter.id, DEMO_TODAY)
        roster = attendance.load_roster(meeting, chapter, DEMO_TODAY)
        entries = [
            attendance.RosterEntry(
                line.member.id, line.attendance.status if line.attendance else Palms.PRESENT
            )
            for line in roster.lines
        ]
        attendance.save_roster(
            meeting,
            chapter,
            entries,
            [],
            version=meeting.roster_version,
            actor=leader.user,
            today=DEMO_TODAY,
        )
        attendance.complete_roster(meeting, chapter, actor=leader.user, today=DEMO_TODAY)
        db.session.commit()


def run(app: Flask, at: datetime) -> str:
    with time_machine.travel(at, tick=False):
        result = app.test_cli_runner().invoke(args=["chapter", "send-due-mail"])
    return result.output + (f" exit={result.exit_code}" if result.exit_code else "")


def recipients(app: Flask) -> tuple[set[str], set[str]]:
    """E-mails of the active members with a password, and of the leaders among them."""
    with app.app_context():
        active = [
            m
            for m in db.session.scalars(
                db.select(Member).where(Member.status == MemberStatus.ACTIVE)
            )
            if m.user.has_password
        ]
        return {m.email for m in active}, {m.email for m in active if m.is_leader}


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def person(app: Flask, email: str) -> Person:
    with app.app_context():
        member = db.session.scalar(
            db.select(Member).join(Member.user).where(db.text("users.email = :e")).params(e=email)
        )
        return Person(member.user_id, email, member.id, member.chapter_id)


def test_after_the_last_roster_one_digest_per_member_and_the_leaders_then_nothing(
    app: Flask, mail_app: Flask, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    load_demo_with_last_roster_completed(app)
    members, leaders = recipients(mail_app)

    output = run(mail_app, RUN_AT)

    digests = [m["To"] for m in inbox.messages if m["X-Chapter-Mail"] == "digest"]
    leader_digests = [m["To"] for m in inbox.messages if m["X-Chapter-Mail"] == "leader_digest"]
    assert sorted(digests) == sorted(members)  # one each, nobody twice
    assert sorted(leader_digests) == sorted(leaders)
    assert len(inbox.messages) == len(members) + len(leaders) == 24 + 3
    assert "Sent 27 mail(s): 24 digest, 3 leader digest, 0 reminder." in output
    [leader_mail] = [m for m in inbox.to("leader@demo.example") if m["X-Chapter-Mail"] != "digest"]
    leader_text = parts(leader_mail)[0]
    assert "- Present: 24" in leader_text
    assert "not completed yet" not in leader_text

    again = run(mail_app, RUN_AT)
    assert len(inbox.messages) == 27
    assert "Sent 0 mail(s)" in again
    with mail_app.app_context():
        rows = db.session.scalars(db.select(MailDelivery)).all()
        assert len(rows) == 27
        assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


def test_a_digest_has_both_parts_unsubscribe_headers_and_links_that_work(
    app: Flask, mail_app: Flask, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    load_demo_with_last_roster_completed(app)
    run(mail_app, RUN_AT)
    [message] = [m for m in inbox.to("member@demo.example") if m["X-Chapter-Mail"] == "digest"]

    assert message["Subject"] == "Demo Chapter (sample data): your week of 18 November"
    assert message.get_content_type() == "multipart/mixed" or message.is_multipart()
    text, html = parts(message)
    assert "Your week in Demo Chapter (sample data)" in text
    assert "<h1>Your week in Demo Chapter (sample data)</h1>" in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(f"{PUBLIC_URL}/mail/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text
    assert unsubscribe in html.replace("&amp;", "&")

    links = set(LINK.findall(text))
    assert {u.split("/")[3] for u in links} >= {"referrals", "leaderboard", "meetings", "mail"}
    client = mail_app.test_client()
    login_as(client, person(mail_app, "member@demo.example"))
    for url in links:
        assert url.startswith(PUBLIC_URL)
        response = client.get(url.removeprefix(PUBLIC_URL))
        assert response.status_code == 200, url


def test_no_mail_shows_a_hidden_thanker_or_a_prospect(
    app: Flask, mail_app: Flask, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    load_demo_with_last_roster_completed(app)
    run(mail_app, RUN_AT)
    with mail_app.app_context():
        week = date(2026, 11, 18)
        hidden = db.session.scalars(
            db.select(ThankYou).where(ThankYou.week_on == week, ThankYou.reveal_thanker.is_(False))
        ).all()
        shown = db.session.scalars(
            db.select(ThankYou).where(ThankYou.week_on == week, ThankYou.reveal_thanker.is_(True))
        ).all()
        prospects = set(db.session.scalars(db.select(ReferralSlip.prospect_name)))
        giver_email = {t.id: db.session.get(Member, t.giver_id).email for t in [*hidden, *shown]}
    assert hidden
    assert shown
    everything = "".join("".join(parts(m)) for m in inbox.messages)
    assert not any(name in everything for name in prospects)
    for thank_you in hidden:
        [digest] = [
            m for m in inbox.to(giver_email[thank_you.id]) if m["X-Chapter-Mail"] == "digest"
        ]
        assert "from A member (private)" in parts(digest)[0]


def test_a_failing_smtp_server_sends_nothing_and_the_next_run_retries(
    app: Flask, mail_app: Flask, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    load_demo_with_last_roster_completed(app)
    inbox.refuse = True

    output = run(mail_app, RUN_AT)

    assert "exit=1" in output
    assert "451" in output
    assert inbox.messages == []
    with mail_app.app_context():
        [row] = db.session.scalars(db.select(MailDelivery)).all()
        assert row.sent_at is None
        assert row.claimed_at is None
        assert "451" in row.last_error

    inbox.refuse = False
    run(mail_app, RUN_AT)
    assert len(inbox.messages) == 27
    assert len({m["To"] + m["X-Chapter-Mail"] for m in inbox.messages}) == 27
    with mail_app.app_context():
        assert db.session.get(MailDelivery, row.id).attempts == 2


def test_unsubscribing_through_the_link_stops_the_next_runs_mail_of_that_kind(
    app: Flask, mail_app: Flask, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    load_demo_with_last_roster_completed(app)
    run(mail_app, RUN_AT)
    [digest] = [m for m in inbox.to("member@demo.example") if m["X-Chapter-Mail"] == "digest"]
    link = digest["List-Unsubscribe"].strip("<>").removeprefix(PUBLIC_URL)

    # What a mail client does for RFC 8058: a POST, no log-in, no CSRF token (CSRF is on).
    response = mail_app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)

    inbox.messages.clear()
    run(mail_app, DAY_AFTER_NEXT)  # the next meeting's digest (its roster still open)
    got = {m["To"] for m in inbox.messages if m["X-Chapter-Mail"] == "digest"}
    members, _ = recipients(mail_app)
    assert got == members - {"member@demo.example"}


def test_reminders_go_out_the_day_before_and_their_own_unsubscribe_stops_only_them(
    app: Flask, mail_app: Flask, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    load_demo_with_last_roster_completed(app)
    run(mail_app, RUN_AT)
    with mail_app.app_context():
        chapter = db.session.scalar(db.select(Chapter))
        coming = meetings.next_meeting(chapter.id, date(2026, 11, 24))
        [presenter_id] = [p.member_id for p in rotation.presentations_for([coming.id])[coming.id]][
            :1
        ]
        presenter = db.session.get(Member, presenter_id).email
    inbox.messages.clear()

    run(mail_app, DAY_BEFORE_NEXT)

    assert set(inbox.kinds()) == {"reminder"}
    [reminder] = inbox.to(presenter)
    text, html = parts(reminder)
    assert "You present tomorrow" in text
    assert "You present tomorrow" in html
    assert "/mail/unsubscribe/" in reminder["List-Unsubscribe"]

    link = reminder["List-Unsubscribe"].strip("<>").removeprefix(PUBLIC_URL)
    mail_app.test_client().post(link)
    inbox.messages.clear()
    run(mail_app, DAY_AFTER_NEXT)
    assert presenter in {m["To"] for m in inbox.messages if m["X-Chapter-Mail"] == "digest"}


def test_two_runs_at_once_never_send_a_mail_twice(
    app: Flask, mail_app: Flask, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    load_demo_with_last_roster_completed(app)
    reports = []

    def one_run() -> None:
        with mail_app.app_context():
            reports.append(sending.send_due_mail(RUN_AT, commit=db.session.commit))
            db.session.remove()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=120)

    sent = [(m["To"], m["X-Chapter-Mail"]) for m in inbox.messages]
    assert len(sent) == len(set(sent)) == 27
    assert sum(report.total for report in reports) == 27
