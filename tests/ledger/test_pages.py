"""Referrals blueprint: slips, thank-yous (TYFCB), one-to-ones, education, ledgers, notices."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_mail import email_dispatched
from sqlalchemy import func

from chapter.chapters.models import Chapter
from chapter.extensions import db, mail
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.ledger.rules import SlipKind, SlipStatus
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members.roles import MemberStatus
from chapter.platform.audit_models import AuditEvent
from chapter.platform.notification_models import Notification
from tests.conftest import People, Person, count_queries, login_as
from tests.support import clock
from tests.support.access import (
    FORBIDDEN,
    LEADER,
    MEMBER,
    NOT_FOUND,
    TO_LOGIN,
    log_in_as,
    matrix,
    members_too,
)
from tests.support.referral_helpers import (
    EducationFactory,
    OneToOneFactory,
    SlipFactory,
    ThankYouFactory,
    add_home_member,
    body_rows,
    counts,
    csv_rows,
    danger_alerts,
    field_errors,
    full_name,
    home_today,
    move_back,
    next_open_meeting_day,
    notices_of,
    only_slip,
    plain,
    section,
    slip_form,
    stored,
    text,
    thank_form,
    total,
)

ON_SLIP_PAGE = "Referral: Pat Prospect"


def everyone(seen: tuple[int, str], **overrides: tuple[int, str]) -> dict[str, tuple[int, str]]:
    """A members-only page: anonymous to log-in, the platform admin (no chapter) 403, and
    ``seen`` for the member, the leader and the leader of the other chapter unless overridden."""
    expected = members_too(seen, seen)
    expected.update(overrides)
    return expected


# method, path, form data, {person: (status, what they see: page text, or where a 302 goes)}.
# The home chapter holds one slip (leader -> member, "Pat Prospect"), one thank-you (the member
# thanks the leader for it) and one one-to-one (logged by the leader with the member).
ROUTES = [
    ("GET", "/referrals/new", None, everyone((200, "Pass the referral"))),
    ("POST", "/referrals/new", {"prospect_name": ""}, everyone((422, "Choose a member."))),
    (
        "GET",
        "/referrals/inbox",
        None,
        everyone((200, "Nobody has passed you a referral yet."), **{MEMBER: (200, "Pat Prospect")}),
    ),
    (
        "GET",
        "/referrals/given",
        None,
        everyone((200, "You have not passed a referral yet."), **{LEADER: (200, "Pat Prospect")}),
    ),
    (
        "GET",
        "/referrals/{slip}",
        None,
        everyone(NOT_FOUND, **{MEMBER: (200, "How is it going?"), LEADER: (200, "Void this slip")}),
    ),
    (
        "POST",
        "/referrals/{slip}/status",
        {"status": "contacted", "note": "Called her"},
        everyone(NOT_FOUND, **{MEMBER: (302, "/referrals/{slip}"), LEADER: (422, ON_SLIP_PAGE)}),
    ),
    (
        "POST",
        "/referrals/{slip}/void",
        {"reason": "Passed twice"},
        everyone(NOT_FOUND, **{MEMBER: (422, ON_SLIP_PAGE), LEADER: (302, "/referrals/{slip}")}),
    ),
    ("GET", "/thanks/new", None, everyone((200, "Say thank you"))),
    (
        "GET",
        "/thanks/new?slip_id={slip}",
        None,
        everyone(
            NOT_FOUND,
            **{MEMBER: (200, "Pat Prospect (week of"), LEADER: (200, "Say thank you")},
        ),
    ),
    ("POST", "/thanks/new", {"amount": ""}, everyone((422, "Choose a member."))),
    (
        "POST",
        "/thanks/{thank_you}/void",
        {"reason": "Wrong amount"},
        everyone(NOT_FOUND, **{MEMBER: (302, "/ledger?tab=received")}),
    ),
    ("GET", "/one-to-ones/new", None, everyone((200, "Log the one-to-one"))),
    ("POST", "/one-to-ones/new", {"place": ""}, everyone((422, "Choose a member."))),
    (
        "POST",
        "/one-to-ones/{one_to_one}/dispute",
        {"reason": "We never met"},
        everyone(
            NOT_FOUND,
            **{MEMBER: (302, "/ledger?tab=activity"), LEADER: (302, "/ledger?tab=activity")},
        ),
    ),
    (
        "POST",
        "/one-to-ones/{one_to_one}/void",
        {"reason": "Logged twice"},
        everyone(
            NOT_FOUND,
            **{MEMBER: (302, "/ledger?tab=activity"), LEADER: (302, "/ledger?tab=activity")},
        ),
    ),
    ("GET", "/education/new", None, everyone((200, "Log education credits"))),
    ("POST", "/education/new", {"topic": ""}, everyone((422, "This field is required."))),
    ("POST", "/notifications/read", None, everyone((302, "/"))),
    (
        "GET",
        "/ledger",
        None,
        everyone(
            (200, "No referral slips given in this period."), **{LEADER: (200, "Pat Prospect")}
        ),
    ),
    (
        "GET",
        "/ledger/chapter",
        None,
        everyone((200, "No entries match."), **{MEMBER: FORBIDDEN, LEADER: (200, "Pat Prospect")}),
    ),
]
MATRIX = matrix(ROUTES)


@dataclass(frozen=True)
class Entries:
    slip: int
    thank_you: int
    one_to_one: int


@pytest.fixture
def entries(app: Flask, people: People) -> Entries:
    with app.app_context():
        chapter_id = people.leader.chapter_id
        slip = SlipFactory(
            chapter_id=chapter_id,
            giver_id=people.leader.member_id,
            receiver_id=people.member.member_id,
            prospect_name="Pat Prospect",
        )
        thank_you = ThankYouFactory(
            chapter_id=chapter_id,
            giver_id=people.leader.member_id,
            thanker_id=people.member.member_id,
            slip_id=slip.id,
        )
        one_to_one = OneToOneFactory(
            chapter_id=chapter_id,
            logged_by_id=people.leader.member_id,
            other_id=people.member.member_id,
        )
        db.session.commit()
        return Entries(slip.id, thank_you.id, one_to_one.id)


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), MATRIX)
def test_access_matrix_of_referral_pages(
    client: FlaskClient,
    people: People,
    entries: Entries,
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    status: int,
    seen: str,
) -> None:
    log_in_as(client, people, who)
    ids = {"slip": entries.slip, "thank_you": entries.thank_you, "one_to_one": entries.one_to_one}
    response = client.open(path.format(**ids), method=method, data=data)
    assert response.status_code == status, text(response)
    if (status, seen) == TO_LOGIN:
        assert response.headers["Location"].startswith(seen)
    elif status == 302:
        assert response.headers["Location"] == seen.format(**ids)
    else:
        assert seen in text(response)


def test_leader_of_another_chapter_sees_none_of_the_home_ledger(
    client: FlaskClient, people: People, entries: Entries
) -> None:
    login_as(client, people.other_leader)
    for path in ("/ledger/chapter", "/ledger/chapter?type=thank_you", "/ledger?period=all"):
        page = text(client.get(path))
        assert "Pat Prospect" not in page
        assert "No entries match." in page or "No referral slips given" in page
    assert client.get(f"/ledger/chapter?member={people.member.member_id}").status_code == 400


def test_an_unknown_slip_is_404(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    response = client.get("/referrals/999999")
    assert response.status_code == 404
    assert "There is no such referral slip." in text(response)


# --- CSRF ------------------------------------------------------------------------------------


def ledger_state(app: Flask) -> dict[str, object]:
    """Everything a referral POST could change."""
    with app.app_context():
        return {
            **counts(app),
            "slips": [
                (slip.status, slip.voided_at)
                for slip in db.session.scalars(db.select(ReferralSlip).order_by(ReferralSlip.id))
            ],
            "thank_yous": db.session.scalars(db.select(ThankYou.voided_at)).all(),
            "one_to_ones": [
                (entry.disputed_at, entry.voided_at)
                for entry in db.session.scalars(db.select(OneToOne))
            ],
            "unread": db.session.scalar(
                db.select(func.count())
                .select_from(Notification)
                .where(Notification.read_at.is_(None))
            ),
        }


@pytest.mark.parametrize(
    ("who", "path", "form"),
    [
        (LEADER, "/referrals/new", "slip"),
        (MEMBER, "/referrals/{slip}/status", "status"),
        (LEADER, "/referrals/{slip}/void", "reason"),
        (MEMBER, "/thanks/new", "thank_you"),
        (MEMBER, "/thanks/{thank_you}/void", "reason"),
        (MEMBER, "/one-to-ones/new", "one_to_one"),
        (MEMBER, "/one-to-ones/{one_to_one}/dispute", "reason"),
        (LEADER, "/one-to-ones/{one_to_one}/void", "reason"),
        (MEMBER, "/education/new", "education"),
        (MEMBER, "/notifications/read", "nothing"),
    ],
)
def test_a_referral_post_without_a_csrf_token_is_refused_and_changes_nothing(
    app: Flask,
    csrf_app: Flask,
    people: People,
    entries: Entries,
    who: str,
    path: str,
    form: str,
) -> None:
    with app.app_context():
        db.session.add(Notification(member_id=people.member.member_id, text="Unread news"))
        db.session.commit()
    today = home_today().isoformat()
    data = {  # complete, valid forms: only the missing token is wrong
        "slip": slip_form(people.member.member_id),
        "status": {"status": "closed_won", "note": "Signed"},
        "reason": {"reason": "Entered by mistake"},
        "thank_you": thank_form(people.leader.member_id),
        "one_to_one": {"other_id": str(people.leader.member_id), "met_on": today},
        "education": {"earned_on": today, "topic": "Networking", "credits": "1"},
        "nothing": {},
    }[form]
    ids = {"slip": entries.slip, "thank_you": entries.thank_you, "one_to_one": entries.one_to_one}
    before = ledger_state(app)
    client = csrf_app.test_client()
    login_as(client, getattr(people, who))
    response = client.post(path.format(**ids), data=data)
    assert response.status_code == 400
    assert "The form expired or was not sent by this site." in text(response)
    assert ledger_state(app) == before


def test_a_slip_with_the_token_from_the_form_is_passed(
    app: Flask, csrf_app: Flask, people: People
) -> None:
    client = csrf_app.test_client()
    login_as(client, people.member)
    page = client.get("/referrals/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/referrals/new", data={**slip_form(people.leader.member_id), "csrf_token": token}
    )
    assert response.status_code == 302, text(response)
    assert only_slip(app).prospect_name == "Pat Prospect"


# --- passing a slip --------------------------------------------------------------------------


def test_passing_a_slip_stores_it_toward_the_next_open_meeting(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Meeting)) == 0
    login_as(client, people.member)
    before = clock.now()
    response = client.post("/referrals/new", data=slip_form(people.leader.member_id))
    after = clock.now()
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/referrals/given"
    slip = only_slip(app)
    assert slip.chapter_id == people.member.chapter_id
    assert slip.giver_id == people.member.member_id
    assert slip.receiver_id == people.leader.member_id
    assert slip.kind is SlipKind.OUTSIDE
    assert slip.prospect_name == "Pat Prospect"
    assert slip.prospect_phone == "+44 20 7946 0300"
    assert slip.prospect_email == "pat@prospect.example"
    assert slip.need == "A new roof before winter."
    assert slip.warmth == 4
    assert slip.may_contact is True
    assert slip.status is SlipStatus.NEW
    assert slip.voided_at is None
    assert before - timedelta(seconds=1) <= slip.passed_at <= after + timedelta(seconds=1)
    # The chapter's meetings were generated by this first slip; it counts toward the next one.
    assert slip.week_on in {next_open_meeting_day(before), next_open_meeting_day(after)}
    with app.app_context():
        meeting = db.session.get(Meeting, slip.meeting_id)
        assert meeting.chapter_id == people.member.chapter_id
        assert meeting.meets_on == slip.week_on
        assert db.session.scalar(db.select(func.count()).select_from(Meeting)) > 1
    page = text(client.get("/referrals/given"))
    assert "Referral passed. Thank you!" in page
    assert "Pat Prospect" in page


@pytest.mark.parametrize("closed_how", ["roster completed", "cancelled"])
def test_a_slip_skips_a_next_meeting_that_is_completed_or_cancelled(
    app: Flask, client: FlaskClient, people: People, closed_how: str
) -> None:
    now = clock.now()
    with app.app_context():
        chapter = db.session.get(Chapter, people.member.chapter_id)
        meetings.ensure_schedule(chapter, home_today())
        next_one = db.session.scalar(
            db.select(Meeting).where(
                Meeting.chapter_id == chapter.id,
                Meeting.meets_on == next_open_meeting_day(now),
            )
        )
        if closed_how == "cancelled":
            next_one.is_cancelled = True
        else:
            next_one.roster_completed_at = now
        skipped = next_one.meets_on
        db.session.commit()
    login_as(client, people.member)
    response = client.post("/referrals/new", data=slip_form(people.leader.member_id))
    assert response.status_code == 302, text(response)
    slip = only_slip(app)
    assert slip.week_on == next_open_meeting_day(clock.now(), frozenset({skipped}))
    assert slip.week_on == skipped + timedelta(weeks=1)


def test_the_receiver_is_told_on_the_dashboard_and_by_mail(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    giver = full_name(app, people.member.member_id)
    login_as(client, people.member)
    client.post("/referrals/new", data=slip_form(people.leader.member_id))
    slip = only_slip(app)
    notice = f"{giver} passed you a referral: Pat Prospect."
    assert notices_of(app, people.leader.member_id) == [notice]
    assert [message.recipients for message in outbox] == [["leader@home.example"]]
    assert notice in outbox[0].subject
    assert notice in outbox[0].body
    login_as(client, people.leader)
    page = text(client.get("/"))
    assert "1 new referral waiting for you" in plain(page)
    assert f'<a href="/referrals/{slip.id}">{notice}</a>' in page


def test_the_receivers_mail_goes_out_only_after_the_slip_is_committed(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    committed_when_mailed: list[int] = []

    def count_committed_slips(sender: Flask, message: object) -> None:
        with db.engine.connect() as connection:  # another connection sees only committed rows
            committed_when_mailed.append(
                connection.scalar(db.select(func.count()).select_from(ReferralSlip))
            )

    login_as(client, people.member)
    with email_dispatched.connected_to(count_committed_slips, app):
        response = client.post("/referrals/new", data=slip_form(people.leader.member_id))
    assert response.status_code == 302
    assert committed_when_mailed == [1]
    assert len(outbox) == 1


def test_a_failing_mail_server_never_loses_the_slip(
    app: Flask, client: FlaskClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(message: object) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.invalid")
    monkeypatch.setattr(mail, "send", refuse)
    login_as(client, people.member)
    response = client.post("/referrals/new", data=slip_form(people.leader.member_id))
    assert response.status_code == 302, text(response)
    assert only_slip(app).prospect_name == "Pat Prospect"
    assert len(notices_of(app, people.leader.member_id)) == 1


def test_the_slip_form_offers_only_active_colleagues(
    app: Flask, client: FlaskClient, people: People
) -> None:
    add_home_member(app, people, status=MemberStatus.LEFT)
    add_home_member(app, people, status=MemberStatus.ON_LEAVE)
    active = add_home_member(app, people)
    login_as(client, people.member)
    page = text(client.get(f"/referrals/new?to={active.member_id}"))
    options = re.findall(r'<option[^>]*value="(\d+)"', page)
    assert sorted(int(option) for option in options) == sorted(
        [people.leader.member_id, active.member_id]
    )
    assert re.search(rf'<option selected value="{active.member_id}"', page)


CONTACT_REQUIRED = (
    "Give the prospect's phone or the prospect's e-mail: at least one of the two is required."
)


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("receiver_id", {"receiver_id": "{self}"}, "Not a valid choice."),
        ("receiver_id", {"receiver_id": "{other_chapter}"}, "Not a valid choice."),
        ("receiver_id", {"receiver_id": "{left}"}, "Not a valid choice."),
        ("receiver_id", {"receiver_id": "{on_leave}"}, "Not a valid choice."),
        ("receiver_id", {"receiver_id": ""}, "Choose a member."),
        (
            "may_contact",
            {"may_contact": None},
            "An outside referral needs the prospect's agreement to be contacted.",
        ),
        (
            "prospect_phone",
            {"prospect_phone": "", "prospect_email": ""},
            CONTACT_REQUIRED,
        ),
        (
            "prospect_phone",
            {"prospect_phone": "   ", "prospect_email": ""},
            CONTACT_REQUIRED,
        ),
        ("warmth", {"warmth": "0"}, "Not a valid choice."),
        ("warmth", {"warmth": "6"}, "Not a valid choice."),
        ("warmth", {"warmth": "x"}, "Invalid Choice: could not coerce."),
        ("warmth", {"warmth": None}, "Choose how warm the referral is."),
        ("kind", {"kind": None}, "Choose inside or outside."),
        ("kind", {"kind": "sideways"}, "Invalid Choice: could not coerce."),
        (
            "prospect_name",
            {"prospect_name": "P" * 121},
            "Field cannot be longer than 120 characters.",
        ),
        ("prospect_name", {"prospect_name": "  "}, "This field is required."),
        (
            "prospect_phone",
            {"prospect_phone": "9" * 41},
            "Field cannot be longer than 40 characters.",
        ),
        ("prospect_email", {"prospect_email": "pat at example"}, "Invalid email address."),
        ("need", {"need": ""}, "This field is required."),
    ],
)
def test_a_bad_slip_is_refused_at_its_field_and_nothing_is_stored_or_mailed(
    app: Flask,
    client: FlaskClient,
    people: People,
    outbox,
    field: str,
    overrides: dict[str, str | None],
    message: str,
) -> None:
    ids = {
        "self": people.member.member_id,
        "other_chapter": people.other_member.member_id,
        "left": add_home_member(app, people, status=MemberStatus.LEFT).member_id,
        "on_leave": add_home_member(app, people, status=MemberStatus.ON_LEAVE).member_id,
    }
    data = slip_form(
        people.leader.member_id,
        **{k: v.format(**ids) if v else v for k, v in overrides.items()},
    )
    before = counts(app)
    login_as(client, people.member)
    response = client.post("/referrals/new", data=data)
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert counts(app) == before
    assert outbox == []


def test_an_inside_slip_needs_no_consent_tick(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    response = client.post(
        "/referrals/new",
        data=slip_form(people.leader.member_id, kind="inside", may_contact=None, prospect_phone=""),
    )
    assert response.status_code == 302, text(response)
    slip = only_slip(app)
    assert slip.kind is SlipKind.INSIDE
    assert slip.prospect_phone == ""
    assert slip.prospect_email == "pat@prospect.example"


# --- inbox, given, status --------------------------------------------------------------------


def pass_slips(client: FlaskClient, giver: Person, receiver: Person, *names: str) -> None:
    login_as(client, giver)
    for name in names:
        response = client.post(
            "/referrals/new", data=slip_form(receiver.member_id, prospect_name=name)
        )
        assert response.status_code == 302, text(response)


def test_inbox_and_given_list_only_own_slips_newest_first(
    app: Flask, client: FlaskClient, people: People
) -> None:
    third = add_home_member(app, people)
    pass_slips(client, people.member, people.leader, "First Friend", "Second Sister")
    pass_slips(client, third, people.leader, "Third Thing")
    pass_slips(client, people.leader, third, "Not Mine")
    pass_slips(client, people.leader, people.member, "Back To Member")
    with app.app_context():  # passed_at decides the order, not the id
        first = db.session.scalar(
            db.select(ReferralSlip).where(ReferralSlip.prospect_name == "First Friend")
        )
        first.passed_at = clock.now() + timedelta(minutes=5)
        db.session.commit()
    member_name = full_name(app, people.member.member_id)
    third_name = full_name(app, third.member_id)
    login_as(client, people.leader)
    inbox = body_rows(text(client.get("/referrals/inbox")))
    assert [row.split(" ", 3)[3] for row in inbox] == [
        f"{member_name} First Friend Outside 4/5 New",
        f"{third_name} Third Thing Outside 4/5 New",
        f"{member_name} Second Sister Outside 4/5 New",
    ]
    given = body_rows(text(client.get("/referrals/given")))
    assert [row.split(" ", 3)[3] for row in given] == [
        f"{member_name} Back To Member Outside 4/5 New",
        f"{third_name} Not Mine Outside 4/5 New",
    ]
    login_as(client, people.member)
    assert "Back To Member" in text(client.get("/referrals/inbox"))
    assert "Third Thing" not in text(client.get("/referrals/inbox"))
    given_by_member = text(client.get("/referrals/given"))
    assert "First Friend" in given_by_member
    assert "Not Mine" not in given_by_member


def test_the_dashboard_counts_new_slips_not_yet_acted_on(
    app: Flask, client: FlaskClient, people: People
) -> None:
    pass_slips(client, people.member, people.leader, "One", "Two", "Three")
    login_as(client, people.leader)
    assert "3 new referrals waiting for you" in plain(client.get("/"))
    with app.app_context():
        one, two = db.session.scalars(
            db.select(ReferralSlip.id).order_by(ReferralSlip.id).limit(2)
        ).all()
    client.post(f"/referrals/{one}/status", data={"status": "contacted"})
    client.post(f"/referrals/{two}/void", data={"reason": "Passed by mistake"})
    assert "1 new referral waiting for you" in plain(client.get("/"))


@pytest.mark.parametrize(
    ("status", "label"),
    [("contacted", "contacted"), ("closed_won", "closed won"), ("closed_lost", "closed lost")],
)
def test_the_receiver_moves_a_slip_on_and_the_giver_is_told(
    app: Flask, client: FlaskClient, people: People, outbox, status: str, label: str
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    outbox.clear()
    login_as(client, people.leader)
    response = client.post(
        f"/referrals/{slip_id}/status", data={"status": status, "note": "  Spoke on Monday "}
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == f"/referrals/{slip_id}"
    slip = only_slip(app)
    assert slip.status is SlipStatus(status)
    assert slip.status_note == "Spoke on Monday"
    assert slip.status_changed_at is not None
    notice = (
        f"{full_name(app, people.leader.member_id)} marked your referral Pat Prospect as {label}."
    )
    assert notices_of(app, people.member.member_id) == [notice]
    assert [message.recipients for message in outbox] == [["member@home.example"]]
    assert notice in outbox[0].body
    assert "Status updated; the giver is told." in text(client.get(f"/referrals/{slip_id}"))
    login_as(client, people.member)
    shown = SlipStatus(status).label
    assert f"{shown}: Spoke on Monday" in text(client.get(f"/referrals/{slip_id}"))
    assert shown in body_rows(text(client.get("/referrals/given")))[0]
    assert notice in text(client.get("/"))


def test_closed_won_offers_to_thank_the_giver(
    app: Flask, client: FlaskClient, people: People
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    login_as(client, people.leader)
    client.post(f"/referrals/{slip_id}/status", data={"status": "closed_won"})
    page = text(client.get(f"/referrals/{slip_id}"))
    assert f'href="/thanks/new?slip_id={slip_id}"' in page
    form = text(client.get(f"/thanks/new?slip_id={slip_id}"))
    assert re.search(rf'<option selected value="{slip_id}">Pat Prospect \(week of', form)
    assert re.search(rf'<option selected value="{people.member.member_id}">', form)


@pytest.mark.parametrize("status", ["new", "won", ""])
def test_a_bad_status_is_refused_at_the_field(
    app: Flask, client: FlaskClient, people: People, status: str
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    login_as(client, people.leader)
    response = client.post(f"/referrals/{slip_id}/status", data={"status": status})
    assert response.status_code == 422
    assert field_errors(response, "status")
    assert only_slip(app).status is SlipStatus.NEW


def test_the_giver_cannot_change_the_status(
    app: Flask, client: FlaskClient, people: People
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    response = client.post(f"/referrals/{slip_id}/status", data={"status": "closed_won"})
    assert response.status_code == 422
    assert only_slip(app).status is SlipStatus.NEW
    assert notices_of(app, people.member.member_id) == []


def test_a_member_who_is_neither_giver_nor_receiver_gets_404(
    app: Flask, client: FlaskClient, people: People
) -> None:
    third = add_home_member(app, people)
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    login_as(client, third)
    assert client.get(f"/referrals/{slip_id}").status_code == 404
    assert (
        client.post(f"/referrals/{slip_id}/status", data={"status": "contacted"}).status_code == 404
    )
    assert client.post(f"/referrals/{slip_id}/void", data={"reason": "x"}).status_code == 404
    assert client.get(f"/thanks/new?slip_id={slip_id}").status_code == 404
    assert only_slip(app).status is SlipStatus.NEW
    assert only_slip(app).voided_at is None


def test_a_leader_reads_any_slip_of_the_chapter_but_cannot_move_it_on(
    app: Flask, client: FlaskClient, people: People
) -> None:
    third = add_home_member(app, people)
    pass_slips(client, people.member, third, "Pat Prospect")
    slip_id = only_slip(app).id
    login_as(client, people.leader)
    page = text(client.get(f"/referrals/{slip_id}"))
    assert ON_SLIP_PAGE in page
    assert "pat@prospect.example" in page
    assert "How is it going?" not in page
    response = client.post(f"/referrals/{slip_id}/status", data={"status": "closed_won"})
    assert response.status_code == 422
    assert only_slip(app).status is SlipStatus.NEW


@pytest.mark.parametrize(
    ("actor", "action", "data", "message"),
    [
        (
            "giver",
            "status",
            {"status": "closed_won"},
            "Only the member who received the slip changes its status.",
        ),
        (
            "receiver",
            "void",
            {"reason": "Not for me"},
            "Only its author (within 7 days) or a leader can void this slip.",
        ),
        ("receiver_of_voided", "status", {"status": "contacted"}, "This slip was voided."),
    ],
)
def test_a_refusal_on_the_slip_page_says_why(
    app: Flask,
    client: FlaskClient,
    people: People,
    actor: str,
    action: str,
    data: dict[str, str],
    message: str,
) -> None:
    third = add_home_member(app, people)
    pass_slips(client, third, people.member, "Pat Prospect")
    slip_id = only_slip(app).id
    if actor == "receiver_of_voided":
        login_as(client, third)
        client.post(f"/referrals/{slip_id}/void", data={"reason": "Duplicate"})
    login_as(client, third if actor == "giver" else people.member)
    response = client.post(f"/referrals/{slip_id}/{action}", data=data)
    assert response.status_code == 422
    assert message in text(response)


# --- voiding a slip --------------------------------------------------------------------------


def test_the_giver_voids_a_slip_within_7_days_and_it_leaves_the_totals(
    app: Flask, client: FlaskClient, people: People
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect", "Kept Prospect")
    with app.app_context():
        slip_id = db.session.scalar(
            db.select(ReferralSlip.id).where(ReferralSlip.prospect_name == "Pat Prospect")
        )
    move_back(app, ReferralSlip, slip_id, "passed_at", 6)
    response = client.post(f"/referrals/{slip_id}/void", data={"reason": "  Passed twice "})
    assert response.status_code == 302, text(response)
    voided = stored(app, ReferralSlip, slip_id)
    assert voided.voided_at is not None
    assert voided.voided_by_id == people.member.user_id
    assert voided.void_reason == "Passed twice"
    page = text(client.get(f"/referrals/{slip_id}"))
    assert "<del>Referral: Pat Prospect</del>" in page
    assert "Voided" in page
    assert "Passed twice" in page
    assert "Void this slip" not in page
    given = {row.split(" ")[-1]: row for row in body_rows(text(client.get("/referrals/given")))}
    assert "Pat Prospect" in given["Voided"]
    ledger = text(client.get("/ledger?period=all"))
    assert total(ledger, "Referrals given") == "1 (0 inside, 1 outside)"
    assert any("Pat Prospect" in row and "Voided" in row for row in body_rows(ledger))
    login_as(client, people.leader)
    assert total(text(client.get("/ledger?tab=received&period=all")), "Referrals received") == "1"
    assert "1 new referral waiting" in plain(client.get("/"))


def test_the_giver_cannot_void_a_slip_after_7_days(
    app: Flask, client: FlaskClient, people: People
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    move_back(app, ReferralSlip, slip_id, "passed_at", 8)
    response = client.post(f"/referrals/{slip_id}/void", data={"reason": "Too late"})
    assert response.status_code == 422
    assert "Only its author (within 7 days) or a leader can void this slip." in danger_alerts(
        response
    )
    assert only_slip(app).voided_at is None


def test_a_leader_voids_an_old_slip_and_it_is_audited(
    app: Flask, client: FlaskClient, people: People
) -> None:
    third = add_home_member(app, people)
    pass_slips(client, people.member, third, "Pat Prospect")
    slip_id = only_slip(app).id
    move_back(app, ReferralSlip, slip_id, "passed_at", 60)
    login_as(client, people.leader)
    response = client.post(f"/referrals/{slip_id}/void", data={"reason": "Made-up prospect"})
    assert response.status_code == 302, text(response)
    assert only_slip(app).voided_by_id == people.leader.user_id
    with app.app_context():
        event = db.session.scalar(
            db.select(AuditEvent).where(
                AuditEvent.subject_type == "ReferralSlip", AuditEvent.subject_id == slip_id
            )
        )
        assert event.action == "referralslip.voided"
        assert event.actor_id == people.leader.user_id
        assert event.chapter_id == people.leader.chapter_id
        assert event.before == {"voided": False}
        assert event.after == {"voided": True, "reason": "Made-up prospect"}
    assert "Voided" in text(client.get(f"/referrals/{slip_id}"))


@pytest.mark.parametrize("reason", ["", "   ", "R" * 201])
def test_a_void_needs_a_reason(
    app: Flask, client: FlaskClient, people: People, reason: str
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    for person in (people.member, people.leader):
        login_as(client, person)
        response = client.post(f"/referrals/{slip_id}/void", data={"reason": reason})
        assert response.status_code == 422
        assert field_errors(response, "reason")
    assert only_slip(app).voided_at is None
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(AuditEvent)) == 0


def test_a_voided_slip_cannot_be_voided_again(
    app: Flask, client: FlaskClient, people: People
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    client.post(f"/referrals/{slip_id}/void", data={"reason": "Duplicate"})
    login_as(client, people.leader)
    response = client.post(f"/referrals/{slip_id}/void", data={"reason": "Again"})
    assert response.status_code == 422
    assert only_slip(app).void_reason == "Duplicate"


# --- thank-yous (TYFCB) ----------------------------------------------------------------------


def home_slip(app: Flask, giver: Person, receiver: Person, **fields: object) -> int:
    with app.app_context():
        slip = SlipFactory(
            chapter_id=giver.chapter_id,
            giver_id=giver.member_id,
            receiver_id=receiver.member_id,
            **fields,
        )
        db.session.commit()
        return slip.id


def only_thank_you(app: Flask) -> ThankYou:
    with app.app_context():
        rows = db.session.scalars(db.select(ThankYou)).all()
        assert len(rows) == 1, rows
        db.session.expunge(rows[0])
        return rows[0]


def test_thanking_a_giver_stores_the_amount_in_cents_and_tells_them(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    slip_id = home_slip(app, people.member, people.leader, prospect_name="Pat Prospect")
    login_as(client, people.leader)
    response = client.post(
        "/thanks/new",
        data=thank_form(
            people.member.member_id,
            amount="1234.50",
            business_type="repeat",
            slip_id=str(slip_id),
            note=" Roof done ",
        ),
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/ledger?tab=received"
    thank_you = only_thank_you(app)
    assert thank_you.amount_cents == 123450
    assert thank_you.giver_id == people.member.member_id
    assert thank_you.thanker_id == people.leader.member_id
    assert thank_you.chapter_id == people.leader.chapter_id
    assert thank_you.slip_id == slip_id
    assert thank_you.business_type.value == "repeat"
    assert thank_you.thanked_on == home_today()
    assert thank_you.reveal_thanker is True
    assert thank_you.note == "Roof done"
    assert thank_you.voided_at is None
    with app.app_context():
        assert db.session.get(Meeting, thank_you.meeting_id).meets_on == thank_you.week_on
    notice = (
        f"{full_name(app, people.leader.member_id)} thanked you for closed business: USD 1,234.50."
    )
    assert notices_of(app, people.member.member_id) == [notice]
    assert [message.recipients for message in outbox] == [["member@home.example"]]
    assert notice in outbox[0].body
    page = text(client.get(response.headers["Location"]))
    assert "Thank-you recorded and credited; the giver is told." in page
    assert total(page, "Closed business I thanked for") == "USD 1,234.50"
    login_as(client, people.member)
    ledger = text(client.get("/ledger"))
    assert total(ledger, "Thank-yous credited to me") == "USD 1,234.50"
    assert notice in text(client.get("/"))


@pytest.mark.parametrize("amount", ["0", "-3", "1.2345", "abc", "1e12", "", "100000000.01"])
def test_a_bad_amount_is_refused_at_the_amount_field(
    app: Flask, client: FlaskClient, people: People, outbox, amount: str
) -> None:
    before = counts(app)
    login_as(client, people.leader)
    response = client.post("/thanks/new", data=thank_form(people.member.member_id, amount=amount))
    assert response.status_code == 422
    assert field_errors(response, "amount")
    assert counts(app) == before
    assert outbox == []


def test_the_largest_amount_is_accepted(app: Flask, client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/thanks/new", data=thank_form(people.member.member_id, amount="100000000.00")
    )
    assert response.status_code == 302, text(response)
    assert only_thank_you(app).amount_cents == 100_000_000_00


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("self", "giver_id", "Not a valid choice."),
        ("other_chapter", "giver_id", "Not a valid choice."),
        ("left", "giver_id", "Not a valid choice."),
        ("future", "thanked_on", "The date cannot be in the future."),
        ("slip_from_someone_else", "slip_id", "Choose a slip that this member passed to you."),
        ("slip_i_gave", "slip_id", "Not a valid choice."),
        ("voided_slip", "slip_id", "Not a valid choice."),
        ("unknown_type", "business_type", "Invalid Choice: could not coerce."),
    ],
)
def test_a_thank_you_breaking_a_rule_is_refused_at_its_field(
    app: Flask,
    client: FlaskClient,
    people: People,
    outbox,
    case: str,
    field: str,
    message: str,
) -> None:
    third = add_home_member(app, people)
    from_third = home_slip(app, third, people.leader)
    mine = home_slip(app, people.leader, people.member)
    voided = home_slip(app, people.member, people.leader, voided_at=clock.now(), void_reason="x")
    overrides = {
        "self": {"giver_id": str(people.leader.member_id)},
        "other_chapter": {"giver_id": str(people.other_member.member_id)},
        "left": {"giver_id": str(add_home_member(app, people, status=MemberStatus.LEFT).member_id)},
        "future": {"thanked_on": (home_today() + timedelta(days=2)).isoformat()},
        "slip_from_someone_else": {"slip_id": str(from_third)},
        "slip_i_gave": {"slip_id": str(mine)},
        "voided_slip": {"slip_id": str(voided)},
        "unknown_type": {"business_type": "gift"},
    }[case]
    before = counts(app)
    login_as(client, people.leader)
    response = client.post("/thanks/new", data=thank_form(people.member.member_id, **overrides))
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert counts(app) == before
    assert outbox == []


def make_thanker(app: Flask, people: People) -> Person:
    return add_home_member(app, people, user__first_name="Theodora", user__last_name="Thankful")


def test_an_unrevealed_thanker_stays_a_member_to_the_giver(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    thanker = make_thanker(app, people)
    login_as(client, thanker)
    response = client.post(
        "/thanks/new",
        data=thank_form(people.member.member_id, amount="250", reveal_thanker=None),
    )
    assert response.status_code == 302, text(response)
    assert only_thank_you(app).reveal_thanker is False
    # The same words on the notice, the page and the CSV (chapter.ledger.rules.thanker_label).
    notice = "A member (private) thanked you for closed business: USD 250.00."
    assert notices_of(app, people.member.member_id) == [notice]
    assert outbox[0].recipients == ["member@home.example"]
    for message in (outbox[0].subject, outbox[0].body):
        assert "A member (private) thanked you" in message
        assert "Theodora" not in message
        assert "Thankful" not in message
    login_as(client, people.member)
    dashboard = text(client.get("/"))
    ledger = text(client.get("/ledger?tab=given"))
    csv_text = client.get("/ledger?tab=given&format=csv").get_data(as_text=True)
    assert notice in dashboard
    assert "A member (private)" in section(ledger, "Thank-yous credited to me</h2>")
    assert total(ledger, "Thank-yous credited to me") == "USD 250.00"
    assert "250.00" in csv_text
    assert "A member (private)" in csv_text
    for page in (dashboard, ledger, csv_text):
        assert "Theodora" not in page
        assert "Thankful" not in page


def test_a_revealed_thanker_is_named_to_the_giver(
    app: Flask, client: FlaskClient, people: People
) -> None:
    thanker = make_thanker(app, people)
    login_as(client, thanker)
    client.post("/thanks/new", data=thank_form(people.member.member_id, amount="250"))
    login_as(client, people.member)
    ledger = text(client.get("/ledger?tab=given"))
    assert "Theodora Thankful" in body_rows(section(ledger, "Thank-yous credited to me</h2>"))[0]
    rows = csv_rows(client.get("/ledger?tab=given&format=csv"))
    assert rows[1][:6] == [rows[1][0], "TYFCB new", "Theodora Thankful", rows[1][3], "", "250.00"]


@pytest.mark.parametrize("reveal", [None, "y"])
def test_the_chapter_ledger_never_shows_who_thanked_whom(
    app: Flask, client: FlaskClient, people: People, reveal: str | None
) -> None:
    thanker = make_thanker(app, people)
    login_as(client, thanker)
    client.post(
        "/thanks/new",
        data=thank_form(people.member.member_id, amount="1234.50", reveal_thanker=reveal),
    )
    credited = full_name(app, people.member.member_id)
    login_as(client, people.leader)
    page = text(client.get("/ledger/chapter?type=thank_you"))
    # The thanker's name is on the page once: as one option of the member filter, which lists
    # every member of the chapter alike. The ledger itself never names them.
    assert page.count("Theodora") == 1
    assert f'<option value="{thanker.member_id}">Theodora Thankful</option>' in page
    ledger = page[page.index("</form>", page.index('<form method="get"')) :]
    assert credited in ledger
    assert "USD 1,234.50" in ledger
    assert "Theodora" not in ledger
    assert "Thankful" not in ledger
    response = client.get("/ledger/chapter?type=thank_you&format=csv")
    csv_text = response.get_data(as_text=True)
    assert "Theodora" not in csv_text
    assert "Thankful" not in csv_text
    rows = csv_rows(response)
    assert [row[2:7] for row in rows[1:]] == [[credited, "", "", "1234.50", ""]]
    by_thanker = text(client.get(f"/ledger/chapter?type=thank_you&member={thanker.member_id}"))
    assert "No entries match." in by_thanker
    assert "USD 0.00" in by_thanker
    by_thanker_csv = csv_rows(
        client.get(f"/ledger/chapter?type=thank_you&member={thanker.member_id}&format=csv")
    )
    assert len(by_thanker_csv) == 1


def test_the_thanker_voids_their_thank_you_within_7_days(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    client.post("/thanks/new", data=thank_form(people.member.member_id, amount="80"))
    thank_you_id = only_thank_you(app).id
    move_back(app, ThankYou, thank_you_id, "created_at", 6)
    response = client.post(f"/thanks/{thank_you_id}/void", data={"reason": "Wrong member"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/ledger?tab=received"
    voided = only_thank_you(app)
    assert voided.voided_at is not None
    assert voided.void_reason == "Wrong member"
    page = text(client.get("/ledger?tab=received"))
    assert "The thank-you is voided." in page
    assert total(page, "Closed business I thanked for") == "USD 0.00"
    assert "Voided" in body_rows(section(page, "Thank-yous I gave</h2>"))[0]
    login_as(client, people.member)
    assert total(text(client.get("/ledger")), "Thank-yous credited to me") == "USD 0.00"


def test_a_thank_you_cannot_be_voided_after_7_days_nor_without_a_reason(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    client.post("/thanks/new", data=thank_form(people.member.member_id, amount="80"))
    thank_you_id = only_thank_you(app).id
    response = client.post(
        f"/thanks/{thank_you_id}/void", data={"reason": " "}, follow_redirects=True
    )
    assert "Say why the thank-you is voided." in danger_alerts(response)
    move_back(app, ThankYou, thank_you_id, "created_at", 8)
    response = client.post(
        f"/thanks/{thank_you_id}/void", data={"reason": "Late"}, follow_redirects=True
    )
    assert "Only its author, within 7 days, can void this thank-you." in danger_alerts(response)
    assert only_thank_you(app).voided_at is None
    login_as(client, people.member)  # the credited member is not its author
    assert client.post(f"/thanks/{thank_you_id}/void", data={"reason": "No"}).status_code == 404
    assert only_thank_you(app).voided_at is None


# --- one-to-ones and education ---------------------------------------------------------------


def log_one_to_one(client: FlaskClient, other: Person, **overrides: str):
    data = {
        "other_id": str(other.member_id),
        "met_on": home_today().isoformat(),
        "place": "Corner café",
        "notes": "Learned about roofing.",
    }
    data.update(overrides)
    return client.post("/one-to-ones/new", data=data)


def only_one_to_one(app: Flask) -> OneToOne:
    with app.app_context():
        rows = db.session.scalars(db.select(OneToOne)).all()
        assert len(rows) == 1, rows
        db.session.expunge(rows[0])
        return rows[0]


def test_a_one_to_one_shows_for_both_and_the_other_is_told(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    login_as(client, people.member)
    response = log_one_to_one(client, people.leader)
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/ledger?tab=activity"
    entry = only_one_to_one(app)
    assert (entry.logged_by_id, entry.other_id) == (
        people.member.member_id,
        people.leader.member_id,
    )
    assert entry.met_on == home_today()
    assert entry.place == "Corner café"
    member_name = full_name(app, people.member.member_id)
    leader_name = full_name(app, people.leader.member_id)
    notice = f"{member_name} logged a one-to-one with you on {home_today():%d %b %Y}."
    assert notices_of(app, people.leader.member_id) == [notice]
    assert [message.recipients for message in outbox] == [["leader@home.example"]]
    mine = text(client.get("/ledger?tab=activity"))
    assert "One-to-one logged; it shows for both of you." in mine
    assert leader_name in body_rows(section(mine, "One-to-ones</h2>"))[0]
    assert total(mine, "One-to-ones") == "1"
    login_as(client, people.leader)
    theirs = text(client.get("/ledger?tab=activity"))
    assert member_name in body_rows(section(theirs, "One-to-ones</h2>"))[0]
    assert total(theirs, "One-to-ones") == "1"


def test_the_other_member_disputes_a_one_to_one_with_a_reason(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    log_one_to_one(client, people.leader)
    entry_id = only_one_to_one(app).id
    login_as(client, people.leader)
    refused = client.post(
        f"/one-to-ones/{entry_id}/dispute", data={"reason": "  "}, follow_redirects=True
    )
    assert "Say what is wrong." in danger_alerts(refused)
    assert only_one_to_one(app).disputed_at is None
    response = client.post(f"/one-to-ones/{entry_id}/dispute", data={"reason": "We never met"})
    assert response.status_code == 302
    entry = only_one_to_one(app)
    assert entry.disputed_at is not None
    assert entry.dispute_reason == "We never met"
    assert "Marked as disputed; a leader will look." in text(client.get("/ledger?tab=activity"))
    login_as(client, people.member)
    row = body_rows(section(text(client.get("/ledger?tab=activity")), "One-to-ones</h2>"))[0]
    assert "Disputed" in row


def test_the_member_who_logged_a_one_to_one_cannot_dispute_it(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    log_one_to_one(client, people.leader)
    entry_id = only_one_to_one(app).id
    response = client.post(
        f"/one-to-ones/{entry_id}/dispute", data={"reason": "Mine is wrong"}, follow_redirects=True
    )
    assert "Only the other member of a one-to-one can dispute it." in danger_alerts(response)
    assert only_one_to_one(app).disputed_at is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"met_on": "{future}"}, "met_on", "The date cannot be in the future."),
        ({"other_id": "{self}"}, "other_id", "Not a valid choice."),
        ({"other_id": "{other_chapter}"}, "other_id", "Not a valid choice."),
        ({"met_on": "yesterday"}, "met_on", "Not a valid date value."),
        ({"place": "P" * 201}, "place", "Field cannot be longer than 200 characters."),
    ],
)
def test_a_bad_one_to_one_is_refused_at_its_field(
    app: Flask,
    client: FlaskClient,
    people: People,
    outbox,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    values = {
        "future": (home_today() + timedelta(days=2)).isoformat(),
        "self": people.member.member_id,
        "other_chapter": people.other_member.member_id,
    }
    before = counts(app)
    login_as(client, people.member)
    response = log_one_to_one(
        client, people.leader, **{k: v.format(**values) for k, v in overrides.items()}
    )
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert counts(app) == before
    assert outbox == []


def test_education_credits_are_logged_to_the_activity_tab(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    response = client.post(
        "/education/new",
        data={"earned_on": home_today().isoformat(), "topic": " Referral skills ", "credits": "3"},
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/ledger?tab=activity"
    with app.app_context():
        entry = db.session.scalars(db.select(EducationCredit)).one()
        assert (entry.member_id, entry.credits, entry.topic, entry.earned_on) == (
            people.member.member_id,
            3,
            "Referral skills",
            home_today(),
        )
    page = text(client.get("/ledger?tab=activity"))
    assert "Education credits logged." in page
    assert total(page, "Education credits") == "3"
    assert "Referral skills" in body_rows(section(page, "Education credits</h2>"))[0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credits": "0"}, "credits", "Number must be between 1 and 20."),
        ({"credits": "21"}, "credits", "Number must be between 1 and 20."),
        ({"credits": "two"}, "credits", "Not a valid integer value."),
        ({"topic": ""}, "topic", "This field is required."),
        ({"earned_on": "{future}"}, "earned_on", "The date cannot be in the future."),
    ],
)
def test_bad_education_credits_are_refused_at_their_field(
    app: Flask,
    client: FlaskClient,
    people: People,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    data = {"earned_on": home_today().isoformat(), "topic": "Networking", "credits": "2"}
    future = (home_today() + timedelta(days=2)).isoformat()
    data.update({k: v.format(future=future) for k, v in overrides.items()})
    login_as(client, people.member)
    response = client.post("/education/new", data=data)
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert counts(app)["education_credits"] == 0


# --- my ledger -------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["given", "received", "activity"])
@pytest.mark.parametrize("period", ["week", "six_months", "year", "all"])
def test_every_tab_and_period_of_my_ledger_opens(
    client: FlaskClient, people: People, tab: str, period: str
) -> None:
    labels = {
        "week": "This week",
        "six_months": "Rolling 6 months",
        "year": "This year",
        "all": "All time",
    }
    login_as(client, people.member)
    page = text(client.get(f"/ledger?tab={tab}&period={period}"))
    assert re.search(
        rf'active" aria-current="page" href="/ledger\?tab={tab}&period={period}"', page
    )
    assert f"{labels[period]}" in page


@pytest.mark.parametrize(
    "query", ["tab=mine", "period=decade", "tab=", "period=", "tab=given&period=Week"]
)
def test_an_unknown_tab_or_period_is_400(client: FlaskClient, people: People, query: str) -> None:
    login_as(client, people.member)
    assert client.get(f"/ledger?{query}").status_code == 400


def test_periods_select_slips_by_their_week(
    app: Flask, client: FlaskClient, people: People
) -> None:
    today = home_today()
    weeks = {
        "Now Prospect": today,
        "Spring Prospect": today - timedelta(days=100),
        "Ancient Prospect": today - timedelta(days=800),
    }
    for name, week_on in weeks.items():
        home_slip(app, people.member, people.leader, prospect_name=name, week_on=week_on)
    in_year = {name for name, week_on in weeks.items() if week_on.year == today.year}
    expected = {
        "week": {"Now Prospect"},
        "six_months": {"Now Prospect", "Spring Prospect"},
        "year": in_year,
        "all": set(weeks),
    }
    login_as(client, people.member)
    for period, names in expected.items():
        page = text(client.get(f"/ledger?period={period}"))
        assert {name for name in weeks if name in page} == names, period
        assert total(page, "Referrals given").startswith(f"{len(names)} ("), period


def test_my_ledger_totals_are_the_sums_of_the_rows_not_voided(
    app: Flask, client: FlaskClient, people: People
) -> None:
    third = make_thanker(app, people)
    login_as(client, people.member)
    for name, kind in (("Inside One", "inside"), ("Inside Two", "inside"), ("Out", "outside")):
        client.post(
            "/referrals/new", data=slip_form(people.leader.member_id, prospect_name=name, kind=kind)
        )
    with app.app_context():
        inside_two = db.session.scalar(
            db.select(ReferralSlip.id).where(ReferralSlip.prospect_name == "Inside Two")
        )
    client.post(f"/referrals/{inside_two}/void", data={"reason": "Duplicate"})
    login_as(client, people.leader)
    for amount in ("100.00", "23.45"):
        client.post("/thanks/new", data=thank_form(people.member.member_id, amount=amount))
    login_as(client, third)
    client.post("/thanks/new", data=thank_form(people.member.member_id, amount="1000"))
    client.post(f"/thanks/{only_thank_you_of(app, third).id}/void", data={"reason": "Oops"})

    with app.app_context():
        slips = db.session.scalars(db.select(ReferralSlip)).all()
        thank_yous = db.session.scalars(db.select(ThankYou)).all()
        live = [slip for slip in slips if slip.voided_at is None]
        inside = sum(1 for slip in live if slip.kind is SlipKind.INSIDE)
        outside = sum(1 for slip in live if slip.kind is SlipKind.OUTSIDE)
        credited = sum(t.amount_cents for t in thank_yous if t.voided_at is None)
        by_leader = sum(
            t.amount_cents
            for t in thank_yous
            if t.voided_at is None and t.thanker_id == people.leader.member_id
        )
    assert (inside, outside, credited, by_leader) == (1, 1, 123_45, 123_45)
    login_as(client, people.member)
    given = text(client.get("/ledger?period=all"))
    assert (
        total(given, "Referrals given")
        == f"{inside + outside} ({inside} inside, {outside} outside)"
    )
    assert total(given, "Thank-yous credited to me") == f"USD {Decimal(credited) / 100:,.2f}"
    assert len(body_rows(section(given, "Referral slips</h2>"))) == 3  # the voided one is shown
    assert len(body_rows(section(given, "Thank-yous credited to me</h2>"))) == 3
    login_as(client, people.leader)
    received = text(client.get("/ledger?tab=received&period=all"))
    assert total(received, "Referrals received") == str(inside + outside)
    assert (
        total(received, "Closed business I thanked for") == f"USD {Decimal(by_leader) / 100:,.2f}"
    )


def only_thank_you_of(app: Flask, thanker: Person) -> ThankYou:
    with app.app_context():
        thank_you = db.session.scalars(
            db.select(ThankYou).where(ThankYou.thanker_id == thanker.member_id)
        ).one()
        db.session.expunge(thank_you)
        return thank_you


def test_my_ledger_csv_has_a_header_and_one_row_per_entry(
    app: Flask, client: FlaskClient, people: People
) -> None:
    home_slip(app, people.member, people.leader, prospect_name="Kept Prospect")
    home_slip(
        app,
        people.member,
        people.leader,
        prospect_name="Void Prospect",
        kind=SlipKind.OUTSIDE,
        voided_at=clock.now(),
        void_reason="Duplicate",
    )
    with app.app_context():
        ThankYouFactory(
            chapter_id=people.member.chapter_id,
            giver_id=people.member.member_id,
            thanker_id=people.leader.member_id,
            amount_cents=123450,
        )
        db.session.commit()
    member_name = full_name(app, people.member.member_id)
    leader_name = full_name(app, people.leader.member_id)
    login_as(client, people.member)
    response = client.get("/ledger?tab=given&period=all&format=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="ledger-given-all.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["Week", "Type", "From", "To", "Status", "Amount (USD)", "Detail", "Voided"]
    today = home_today().isoformat()
    assert sorted(rows[1:]) == sorted(
        [
            [today, "referral inside", member_name, leader_name, "New", "", "Kept Prospect", ""],
            [
                today,
                "referral outside",
                member_name,
                leader_name,
                "New",
                "",
                "Void Prospect",
                "voided",
            ],
            [today, "TYFCB new", leader_name, member_name, "", "1234.50", "", ""],
        ]
    )
    login_as(client, people.leader)
    received = csv_rows(client.get("/ledger?tab=received&period=all&format=csv"))
    assert len(received) == 1 + 3  # two slips received, one thank-you written
    activity = csv_rows(client.get("/ledger?tab=activity&period=all&format=csv"))
    assert activity == [["Week", "Type", "Member", "With", "Credits", "Date", "Detail", "Voided"]]


def test_my_ledger_pages_slips_by_25(app: Flask, client: FlaskClient, people: People) -> None:
    with app.app_context():
        SlipFactory.create_batch(
            30,
            chapter_id=people.member.chapter_id,
            giver_id=people.member.member_id,
            receiver_id=people.leader.member_id,
        )
        db.session.commit()
    login_as(client, people.member)
    first = text(client.get("/ledger"))
    assert total(first, "Referrals given") == "30 (30 inside, 0 outside)"
    assert len(body_rows(section(first, "Referral slips</h2>"))) == 25
    assert 'href="/ledger?page=2&tab=given&period=six_months' in first  # (&tpage kept)
    second = text(client.get("/ledger?page=2&tab=given&period=six_months"))
    assert len(body_rows(section(second, "Referral slips</h2>"))) == 5
    assert client.get("/ledger?page=3").status_code == 404
    shown = {
        name
        for page in (first, second)
        for name in re.findall(r"Prospect \d+", section(page, "Referral slips</h2>"))
    }
    assert len(shown) == 30


def test_thank_yous_beyond_25_are_reached_through_their_own_pager(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        SlipFactory(
            chapter_id=people.member.chapter_id,
            giver_id=people.member.member_id,
            receiver_id=people.leader.member_id,
        )
        for cents in range(1, 31):
            ThankYouFactory(
                chapter_id=people.member.chapter_id,
                giver_id=people.member.member_id,
                thanker_id=people.leader.member_id,
                amount_cents=cents * 100,
            )
        db.session.commit()
    login_as(client, people.member)
    first = text(client.get("/ledger"))
    thanks_part = section(first, "Thank-yous credited to me</h2>")
    assert len(body_rows(thanks_part)) == 25
    next_link = re.search(r'<a class="page-link" href="([^"#]+)">Next</a>', thanks_part)
    assert next_link, "no pager under the thank-yous"
    second = client.get(next_link.group(1))
    assert second.status_code == 200, next_link.group(1)
    assert len(body_rows(section(text(second), "Thank-yous credited to me</h2>"))) == 5


# --- chapter ledger --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterBook:
    third: Person
    old_week: str
    new_week: str


@pytest.fixture
def book(app: Flask, people: People) -> ChapterBook:
    """Slips in two weeks (one closed won, one voided), thank-yous, a one-to-one, education."""
    third = add_home_member(app, people)
    new_week = home_today()
    old_week = new_week - timedelta(weeks=2)
    home_slip(
        app,
        people.member,
        people.leader,
        prospect_name="Won Prospect",
        week_on=old_week,
        status=SlipStatus.CLOSED_WON,
    )
    home_slip(app, people.leader, people.member, prospect_name="Fresh Prospect", week_on=new_week)
    home_slip(
        app,
        third,
        people.leader,
        prospect_name="Void Prospect",
        week_on=old_week,
        voided_at=clock.now(),
        void_reason="Duplicate",
    )
    with app.app_context():
        chapter_id = people.leader.chapter_id
        ThankYouFactory(
            chapter_id=chapter_id,
            giver_id=people.member.member_id,
            thanker_id=people.leader.member_id,
            amount_cents=1000_00,
        )
        ThankYouFactory(
            chapter_id=chapter_id,
            giver_id=third.member_id,
            thanker_id=people.member.member_id,
            amount_cents=234_50,
        )
        ThankYouFactory(
            chapter_id=chapter_id,
            giver_id=third.member_id,
            thanker_id=people.leader.member_id,
            amount_cents=99_00,
            voided_at=clock.now(),
        )
        OneToOneFactory(
            chapter_id=chapter_id,
            logged_by_id=people.member.member_id,
            other_id=third.member_id,
            place="Harbour pub",
        )
        EducationFactory(chapter_id=chapter_id, member_id=third.member_id, credits=4)
        EducationFactory(chapter_id=chapter_id, member_id=people.member.member_id, credits=2)
        db.session.commit()
    return ChapterBook(third, old_week.isoformat(), new_week.isoformat())


@pytest.mark.parametrize(
    ("query", "shown", "totals"),
    [
        ("", {"Won Prospect", "Fresh Prospect", "Void Prospect"}, "2 referral slips (not voided)."),
        ("type=slip&status=closed_won", {"Won Prospect"}, "1 referral slip (not voided)."),
        ("type=slip&status=new", {"Fresh Prospect", "Void Prospect"}, "1 referral slip"),
        ("member={third}", {"Void Prospect"}, "0 referral slips (not voided)."),
        ("member={member}", {"Won Prospect", "Fresh Prospect"}, "2 referral slips"),
        ("week={old_week}", {"Won Prospect", "Void Prospect"}, "1 referral slip (not voided)."),
        ("week={new_week}&member={leader}", {"Fresh Prospect"}, "1 referral slip"),
        (
            "type=slip&member=&week=&status=",
            {"Won Prospect", "Fresh Prospect", "Void Prospect"},
            "",
        ),
    ],
)
def test_the_chapter_ledger_filters_slips(
    client: FlaskClient, people: People, book: ChapterBook, query: str, shown: set, totals: str
) -> None:
    login_as(client, people.leader)
    ids = {
        "third": book.third.member_id,
        "member": people.member.member_id,
        "leader": people.leader.member_id,
        "old_week": book.old_week,
        "new_week": book.new_week,
    }
    page = text(client.get(f"/ledger/chapter?{query.format(**ids)}"))
    rows = body_rows(page)
    names = {"Won Prospect", "Fresh Prospect", "Void Prospect"}
    assert {name for name in names if any(name in row for row in rows)} == shown
    assert totals in plain(page)
    assert any("Voided: Duplicate" in row for row in rows) == ("Void Prospect" in shown)


def test_the_chapter_ledger_shows_thank_you_one_to_one_and_education_totals(
    app: Flask, client: FlaskClient, people: People, book: ChapterBook
) -> None:
    third_name = full_name(app, book.third.member_id)
    member_name = full_name(app, people.member.member_id)
    login_as(client, people.leader)
    thank_yous = text(client.get("/ledger/chapter?type=thank_you"))
    assert len(body_rows(thank_yous)) == 3
    assert "<strong>2</strong>" in thank_yous
    assert "<strong>USD 1,234.50</strong> credited" in thank_yous
    third_only = text(client.get(f"/ledger/chapter?type=thank_you&member={book.third.member_id}"))
    assert "<strong>USD 234.50</strong> credited" in third_only
    assert all(third_name in row for row in body_rows(third_only))
    one_to_ones = text(client.get("/ledger/chapter?type=one_to_one"))
    assert "Harbour pub" in body_rows(one_to_ones)[0]
    assert member_name in body_rows(one_to_ones)[0]
    assert third_name in body_rows(one_to_ones)[0]
    education = text(client.get("/ledger/chapter?type=education"))
    assert "<strong>6</strong> credits" in education
    assert len(body_rows(education)) == 2


@pytest.mark.parametrize(
    "query",
    [
        "type=invoice",
        "type=",
        "status=won",
        "week=2001-01-03",
        "week=last-week",
        "member=999999",
        "member={other_chapter}",
    ],
)
def test_unknown_chapter_ledger_filters_are_400(
    client: FlaskClient, people: People, book: ChapterBook, query: str
) -> None:
    login_as(client, people.leader)
    path = "/ledger/chapter?" + query.format(other_chapter=people.other_member.member_id)
    response = client.get(path)
    assert response.status_code == 400
    assert "Bad request" in text(response)


def test_the_chapter_ledger_csv_follows_the_filters(
    app: Flask, client: FlaskClient, people: People, book: ChapterBook
) -> None:
    member_name = full_name(app, people.member.member_id)
    leader_name = full_name(app, people.leader.member_id)
    login_as(client, people.leader)
    response = client.get("/ledger/chapter?format=csv")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="chapter-ledger-slip.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "Week",
        "Type",
        "Member",
        "Other member",
        "Status",
        "Amount (USD)",
        "Credits",
        "Detail",
        "Voided",
    ]
    assert len(rows) == 1 + 3
    won = csv_rows(client.get("/ledger/chapter?type=slip&status=closed_won&format=csv"))
    assert won[1:] == [
        [
            book.old_week,
            "referral inside",
            member_name,
            leader_name,
            "Closed won",
            "",
            "",
            "Won Prospect",
            "",
        ]
    ]
    education = csv_rows(client.get("/ledger/chapter?type=education&format=csv"))
    assert sorted(row[6] for row in education[1:]) == ["2", "4"]
    page = text(client.get("/ledger/chapter?type=slip&status=closed_won"))
    assert 'href="/ledger/chapter?type=slip&status=closed_won&format=csv"' in page


def test_the_chapter_ledger_filters_one_to_ones_by_their_week(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """A week with one-to-ones (or thank-yous, or education) but no slip can be chosen too."""
    with app.app_context():
        OneToOneFactory(
            chapter_id=people.leader.chapter_id,
            logged_by_id=people.member.member_id,
            other_id=people.leader.member_id,
            place="Harbour pub",
        )
        db.session.commit()
    login_as(client, people.leader)
    response = client.get(f"/ledger/chapter?type=one_to_one&week={home_today().isoformat()}")
    assert response.status_code == 200
    assert "Harbour pub" in text(response)


# --- bounded queries -------------------------------------------------------------------------


def add_ledger_rows(app: Flask, people: People, count: int) -> None:
    """``count`` slips and thank-yous each way between the home member and leader."""
    with app.app_context():
        chapter_id = people.leader.chapter_id
        for giver, receiver in ((people.leader, people.member), (people.member, people.leader)):
            SlipFactory.create_batch(
                count,
                chapter_id=chapter_id,
                giver_id=giver.member_id,
                receiver_id=receiver.member_id,
            )
            ThankYouFactory.create_batch(
                count,
                chapter_id=chapter_id,
                giver_id=giver.member_id,
                thanker_id=receiver.member_id,
            )
        db.session.commit()


def queries_for(app: Flask, client: FlaskClient, path: str) -> int:
    """The queries of building the page (the page cache off: the member ledger is kept)."""
    app.config["PAGE_CACHE"] = False
    try:
        with count_queries(app) as statements:
            response = client.get(path)
    finally:
        app.config["PAGE_CACHE"] = True
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    "path",
    [
        "/ledger",
        "/ledger?tab=received&period=all",
        "/ledger?format=csv",
        "/ledger/chapter",
        "/ledger/chapter?type=thank_you",
        "/ledger/chapter?format=csv",
    ],
)
def test_ledgers_run_the_same_number_of_queries_for_3_and_40_slips(
    app: Flask, client: FlaskClient, people: People, path: str
) -> None:
    add_ledger_rows(app, people, 3)
    login_as(client, people.leader)
    client.get(path)  # warm up: the first request may open a connection
    with_3 = queries_for(app, client, path)
    add_ledger_rows(app, people, 37)
    with_40 = queries_for(app, client, path)
    assert with_40 == with_3


# --- notifications ---------------------------------------------------------------------------


def test_mark_all_as_read_empties_the_dashboard_news(
    app: Flask, client: FlaskClient, people: People
) -> None:
    pass_slips(client, people.member, people.leader, "Pat Prospect")
    slip_id = only_slip(app).id
    login_as(client, people.leader)
    client.post(f"/referrals/{slip_id}/status", data={"status": "closed_won"})
    client.post("/thanks/new", data=thank_form(people.member.member_id, amount="10"))
    login_as(client, people.member)
    before = text(client.get("/"))
    assert "News for you" in before
    assert "marked your referral Pat Prospect as closed won." in before
    assert "thanked you for closed business: USD 10.00." in before
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    after = text(client.get("/"))
    assert "News for you" not in after
    assert "Mark all as read" not in after
    with app.app_context():
        unread = {
            member_id: count
            for member_id, count in db.session.execute(
                db.select(Notification.member_id, func.count())
                .where(Notification.read_at.is_(None))
                .group_by(Notification.member_id)
            )
        }
    assert unread == {people.leader.member_id: 1}  # only the reader's own were marked
