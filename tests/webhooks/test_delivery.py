"""`flask chapter send-due-webhooks` against a real HTTP receiver in the test: every event
kind arrives signed with its payload, once; a failing receiver is retried with backoff and
given up on; two runs at once deliver once; a rolled-back change sends nothing."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from flask import Flask

from chapter.attendance import service as attendance
from chapter.attendance.guests import GuestDetails
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.ledger import activities, referrals, thanks
from chapter.ledger.models import ReferralSlip
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.webhooks import sending
from chapter.webhooks import service as webhooks
from chapter.webhooks.models import WebhookEvent
from chapter.webhooks.rules import MAX_ATTEMPTS, DeliveryState, EventKind
from tests.webhooks.conftest import (
    NOW,
    TODAY,
    Crew,
    Receiver,
    add_endpoint,
    deliveries,
    run,
)


def slip_details(receiver_id: int) -> referrals.SlipDetails:
    return referrals.SlipDetails(
        receiver_id=receiver_id,
        kind=SlipKind.OUTSIDE,
        prospect_name="Priya Prospectsworth",
        prospect_phone="+44 20 7946 0000",
        prospect_email="priya@prospect.example",
        need="A new roof",
        warmth=4,
        may_contact=True,
    )


def pass_a_slip(app: Flask, crew: Crew) -> int:
    with time_machine.travel(NOW, tick=False), app.app_context():
        chapter = db.session.get(Chapter, crew.chapter_id)
        giver = db.session.get(Member, crew.giver_id)
        slip = referrals.pass_slip(giver, chapter, slip_details(crew.thanker_id), now=NOW)
        db.session.commit()
        return slip.id


def test_every_event_kind_arrives_once_signed_with_its_payload(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    endpoint_id, secret = add_endpoint(app, crew, receiver.url)
    receiver.secrets.append(secret)
    slip_id = pass_a_slip(app, crew)
    with time_machine.travel(NOW, tick=False), app.app_context():
        chapter = db.session.get(Chapter, crew.chapter_id)
        leader = db.session.get(Member, crew.leader_id)
        giver = db.session.get(Member, crew.giver_id)
        thanker = db.session.get(Member, crew.thanker_id)
        slip = db.session.get(ReferralSlip, slip_id)
        referrals.update_status(slip, thanker, SlipStatus.CLOSED_WON, "signed", now=NOW)
        thank_you = thanks.thank(
            thanker,
            chapter,
            thanks.ThankYouDetails(
                giver.id, 1_234_50, BusinessType.NEW, TODAY, slip_id=slip.id, note="From Thandiwe"
            ),
            today=TODAY,
            now=NOW,
        )
        one_to_one = activities.log_one_to_one(
            giver, chapter, leader.id, TODAY, "Cafe", "", today=TODAY, now=NOW
        )
        meeting = db.session.get(Meeting, crew.meeting_id)
        visitor = attendance.VisitorEntry(
            GuestDetails("Vera Vanstone", "Vanstone Vans", "vera@vans.example", "+44 1"),
            invited_by_id=giver.id,
        )
        attendance.save_roster(
            meeting,
            chapter,
            [],
            [visitor],
            version=meeting.roster_version,
            actor=leader.user,
            today=TODAY,
            mark_rest_present=True,
        )
        attendance.complete_roster(meeting, chapter, actor=leader.user, today=TODAY, now=NOW)
        newcomer = members.add_member(
            chapter.id,
            members.MemberDetails(
                first_name="Nadia",
                last_name="Newcombe",
                email="nadia@new.example",
                business_name="Newcombe Print",
                classification="Printer",
                sponsor_id=giver.id,
            ),
            actor=leader.user,
            today=TODAY,
        )
        members.change_status(giver, MemberStatus.LEFT, actor=leader.user, today=TODAY)
        db.session.commit()
        ids = {"thank_you": thank_you.id, "one_to_one": one_to_one.id, "newcomer": newcomer.id}

    output = run(app, NOW)

    assert "Delivered 8 webhook(s); 0 to retry later; 0 failed for good." in output
    assert receiver.kinds() == [
        "slip.passed",
        "slip.status_changed",
        "thank_you.recorded",
        "one_to_one.logged",
        "visitor.recorded",
        "roster.completed",
        "member.joined",
        "member.left",
    ]
    assert all(r.verified for r in receiver.requests)
    assert all(r.headers["Chapter-Webhook-Event"] == r.document["type"] for r in receiver.requests)
    assert len({r.headers["Chapter-Webhook-Id"] for r in receiver.requests}) == 8
    assert {r.document["chapter_id"] for r in receiver.requests} == {crew.chapter_id}
    gideon = {
        "id": crew.giver_id,
        "name": "Gideon Farthingale",
        "business_name": "Farthingale Roofing",
        "classification": receiver.of(EventKind.SLIP_PASSED)[0]["data"]["giver"]["classification"],
    }
    [passed] = receiver.of(EventKind.SLIP_PASSED)
    assert passed["data"]["slip"] == {
        "id": slip_id,
        "kind": "outside",
        "warmth": 4,
        "status": "new",
    }
    assert passed["data"]["giver"] == gideon
    assert passed["data"]["receiver"]["name"] == "Thandiwe Quillfeather"
    [changed] = receiver.of(EventKind.SLIP_STATUS_CHANGED)
    assert changed["data"]["slip"] == {"id": slip_id, "status": "closed_won"}
    [thanked] = receiver.of(EventKind.THANK_YOU_RECORDED)
    assert thanked["data"] == {
        "credited_member": gideon,
        "thank_you": {
            "id": ids["thank_you"],
            "amount": {"cents": 123450, "value": "1234.50", "currency": "GBP"},
            "business_type": "new",
            "thanked_on": TODAY.isoformat(),
            "week_on": thanked["data"]["thank_you"]["week_on"],
        },
    }
    [met] = receiver.of(EventKind.ONE_TO_ONE_LOGGED)
    assert met["data"]["one_to_one"]["id"] == ids["one_to_one"]
    assert (met["data"]["logged_by"]["name"], met["data"]["other"]["name"]) == (
        "Gideon Farthingale",
        "Lena Okonkwo",
    )
    [visit] = receiver.of(EventKind.VISITOR_RECORDED)
    assert visit["data"]["visitor"]["name"] == "Vera Vanstone"
    assert visit["data"]["visitor"]["email"] == "vera@vans.example"
    assert visit["data"]["visit"]["meets_on"] == "2026-11-18"
    assert visit["data"]["invited_by"] == gideon
    [roster] = receiver.of(EventKind.ROSTER_COMPLETED)
    assert roster["data"]["attendance"] == {"A": 0, "L": 0, "M": 0, "P": 3, "S": 0}
    assert roster["data"]["visitors"] == 1
    assert roster["data"]["meeting"] == {"id": crew.meeting_id, "meets_on": "2026-11-18"}
    [joined] = receiver.of(EventKind.MEMBER_JOINED)
    assert joined["data"]["member"]["name"] == "Nadia Newcombe"
    assert joined["data"]["sponsor"]["id"] == crew.giver_id
    [left] = receiver.of(EventKind.MEMBER_LEFT)
    assert left["data"] == {"member": gideon, "left_on": TODAY.isoformat()}
    everything = b"".join(r.body for r in receiver.requests).decode()
    assert "Prospectsworth" not in everything  # prospects never leave
    assert "prospect.example" not in everything

    assert "Delivered 0 webhook(s)" in run(app, NOW + timedelta(hours=1))
    assert len(receiver.requests) == 8
    rows = deliveries(app)
    assert {(r.state, r.attempts, r.status_code) for r in rows} == {
        (DeliveryState.DELIVERED, 1, 200)
    }
    assert all(r.endpoint_id == endpoint_id and r.response_excerpt == "ok" for r in rows)


def test_an_endpoint_gets_only_the_events_it_subscribes_to(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    _, secret = add_endpoint(app, crew, receiver.url, (EventKind.MEMBER_LEFT,))
    receiver.secrets.append(secret)
    pass_a_slip(app, crew)
    run(app, NOW)
    assert receiver.requests == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEvent)) == 0


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers_2xx(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    _, secret = add_endpoint(app, crew, receiver.url)
    receiver.secrets.append(secret)
    receiver.answers = [500, 503]
    pass_a_slip(app, crew)

    assert "0 to retry later" not in run(app, NOW)
    [row] = deliveries(app)
    assert (row.state, row.attempts, row.status_code) == (DeliveryState.PENDING, 1, 500)
    assert row.response_excerpt == "receiver says 500"
    assert row.next_attempt_at == NOW + timedelta(minutes=1)

    run(app, NOW + timedelta(seconds=59))  # not due yet
    assert len(receiver.requests) == 1
    run(app, NOW + timedelta(minutes=1))
    [row] = deliveries(app)
    assert (row.attempts, row.status_code) == (2, 503)
    assert row.next_attempt_at == NOW + timedelta(minutes=1) + timedelta(minutes=2)

    run(app, NOW + timedelta(minutes=2, seconds=59))
    assert len(receiver.requests) == 2
    run(app, NOW + timedelta(minutes=3))
    [row] = deliveries(app)
    assert (row.state, row.attempts, row.status_code) == (DeliveryState.DELIVERED, 3, 200)
    assert row.delivered_at == NOW + timedelta(minutes=3)
    assert len(receiver.requests) == 3
    assert all(r.verified for r in receiver.requests)
    # the same event each time: the receiver can tell a retry by its id
    assert len({r.headers["Chapter-Webhook-Id"] for r in receiver.requests}) == 1
    assert len({r.headers["Chapter-Webhook-Timestamp"] for r in receiver.requests}) == 3


def test_a_receiver_that_never_answers_2xx_is_given_up_after_the_last_attempt(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    _, secret = add_endpoint(app, crew, receiver.url)
    receiver.secrets.append(secret)
    receiver.answers = [302] * 20  # a redirect is not followed: it fails
    pass_a_slip(app, crew)
    at = NOW
    for _ in range(MAX_ATTEMPTS):
        output = run(app, at)
        [row] = deliveries(app)
        at = row.next_attempt_at
    assert "1 failed for good" in output
    assert (row.state, row.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    run(app, at + timedelta(days=30))
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_no_connection_and_a_timeout_are_failures_retried_later(
    app: Flask, crew: Crew, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        add_endpoint(app, crew, f"http://127.0.0.1:{port}/slow")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]  # bound, not listening: refused
            add_endpoint(app, crew, f"http://localhost:{closed}/gone")
            pass_a_slip(app, crew)
            monkeypatch.setitem(app.config, "WEBHOOK_READ_TIMEOUT", 0.3)
            output = run(app, NOW)
    assert "Delivered 0 webhook(s); 2 to retry later" in output
    errors = {r.error for r in deliveries(app)}
    assert errors == {"No answer in time (timeout).", "Could not connect to the endpoint."}
    assert all(r.status_code is None and r.state is DeliveryState.PENDING for r in deliveries(app))


def test_two_runs_at_once_deliver_each_event_once(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    _, secret = add_endpoint(app, crew, receiver.url)
    receiver.secrets.append(secret)
    for _ in range(6):
        pass_a_slip(app, crew)
    reports: list[sending.Report] = []

    def one_run() -> None:
        with app.app_context():
            reports.append(
                sending.send_due_webhooks(
                    commit=db.session.commit,
                    settings=sending.Settings(allow_local_http=True),
                    clock=lambda: NOW,
                )
            )
            db.session.remove()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)

    ids = [r.headers["Chapter-Webhook-Id"] for r in receiver.requests]
    assert len(ids) == len(set(ids)) == 6
    assert sum(r.outcomes[DeliveryState.DELIVERED] for r in reports) == 6
    assert all(r.state is DeliveryState.DELIVERED and r.attempts == 1 for r in deliveries(app))


def test_a_rolled_back_change_sends_nothing(app: Flask, crew: Crew, receiver: Receiver) -> None:
    add_endpoint(app, crew, receiver.url)
    with time_machine.travel(NOW, tick=False), app.app_context():
        chapter = db.session.get(Chapter, crew.chapter_id)
        giver = db.session.get(Member, crew.giver_id)
        referrals.pass_slip(giver, chapter, slip_details(crew.thanker_id), now=NOW)
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEvent)) == 1
        db.session.rollback()

    run(app, NOW)
    assert receiver.requests == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEvent)) == 0
    assert deliveries(app) == []


def test_a_disabled_endpoint_gets_nothing_more_and_its_waiting_deliveries_stop(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    endpoint_id, _ = add_endpoint(app, crew, receiver.url)
    pass_a_slip(app, crew)
    with app.app_context():
        endpoint = webhooks.get_endpoint(crew.chapter_id, endpoint_id)
        stopped = webhooks.disable_endpoint(
            endpoint, actor=db.session.get(User, crew.leader_user_id), now=NOW
        )
        db.session.commit()
    assert stopped == 1
    pass_a_slip(app, crew)
    run(app, NOW)
    assert receiver.requests == []
    assert [r.state for r in deliveries(app)] == [DeliveryState.STOPPED]


def test_a_resent_delivery_arrives_again_with_the_same_event_id(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    endpoint_id, secret = add_endpoint(app, crew, receiver.url)
    receiver.secrets.append(secret)
    pass_a_slip(app, crew)
    run(app, NOW)
    with app.app_context():
        endpoint = webhooks.get_endpoint(crew.chapter_id, endpoint_id)
        [first] = db.session.scalars(webhooks.deliveries_query(endpoint.id)).all()
        again = webhooks.resend(first, actor=db.session.get(User, crew.leader_user_id), now=NOW)
        db.session.commit()
        assert again.round == 1
    run(app, NOW + timedelta(minutes=5))
    assert len(receiver.requests) == 2
    assert len({r.headers["Chapter-Webhook-Id"] for r in receiver.requests}) == 1
    assert receiver.requests[0].body == receiver.requests[1].body
    assert all(r.verified for r in receiver.requests)
    assert [r.state for r in deliveries(app)] == [DeliveryState.DELIVERED] * 2


def test_an_unreachable_endpoint_is_tried_once_per_run_and_the_rest_wait(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        add_endpoint(app, crew, f"http://127.0.0.1:{probe.getsockname()[1]}/gone")
        _, secret = add_endpoint(app, crew, receiver.url)
        receiver.secrets.append(secret)
        for _ in range(3):
            pass_a_slip(app, crew)
        output = run(app, NOW)
    assert "Delivered 3 webhook(s); 1 to retry later; 0 failed for good. 2 left" in output
    gone = [r for r in deliveries(app) if r.status_code is None]
    assert sorted(r.attempts for r in gone) == [0, 0, 1]
    assert len(receiver.requests) == 3


def test_an_answer_to_a_delivery_stopped_during_its_request_keeps_it_stopped(
    app: Flask, crew: Crew
) -> None:
    endpoint_id, _ = add_endpoint(app, crew, "https://crm.example.org/h")
    pass_a_slip(app, crew)
    with app.app_context():
        [(delivery_id, _)] = webhooks.due(NOW, 10)
        outgoing = webhooks.claim(delivery_id, now=NOW, lease=timedelta(minutes=5))
        assert outgoing is not None
        assert webhooks.claim(delivery_id, now=NOW, lease=timedelta(minutes=5)) is None
        endpoint = webhooks.get_endpoint(crew.chapter_id, endpoint_id)
        webhooks.disable_endpoint(
            endpoint, actor=db.session.get(User, crew.leader_user_id), now=NOW
        )
        state = webhooks.record_answer(outgoing, webhooks.Answer(200, "ok"), now=NOW)
        db.session.commit()
    assert state is DeliveryState.STOPPED
    [row] = deliveries(app)
    assert (row.state, row.status_code, row.claimed_until) == (DeliveryState.STOPPED, 200, None)


def test_a_public_name_that_leads_to_a_private_address_is_not_sent_to(
    app: Flask, crew: Crew, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URL check sees only the name; the sender checks what it resolves to (SSRF)."""
    add_endpoint(app, crew, "https://crm.example.org/hooks")
    asked: list[str] = []

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(sending.socket, "getaddrinfo", resolve)
    sent: list[str] = []
    monkeypatch.setattr(sending.requests.Session, "post", lambda *a, **k: sent.append("x"))
    pass_a_slip(app, crew)
    output = run(app, NOW)
    assert asked == ["crm.example.org"]
    assert sent == []
    assert "Delivered 0 webhook(s); 1 to retry later" in output
    (delivery,) = deliveries(app)
    assert delivery.error == "Not sent: The endpoint's name leads to a private or reserved address."
    assert delivery.state is DeliveryState.PENDING
