"""Testimonial pages: record one (form, CSRF, bad input at its field), both members' ledgers
and their CSV, voiding, and who may do what (access matrix)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from chapter.extensions import db
from chapter.ledger.models import Testimonial
from chapter.ledger.rules import TestimonialKind
from chapter.platform.notification_models import Notification
from tests.conftest import People, count_queries, login_as
from tests.support.access import (
    ADMIN,
    ANONYMOUS,
    FORBIDDEN,
    LEADER,
    MEMBER,
    NOT_FOUND,
    OTHER_LEADER,
    TO_LOGIN,
    log_in_as,
    matrix,
)
from tests.support.referral_helpers import (
    TestimonialFactory,
    add_home_member,
    csv_rows,
    field_errors,
    home_today,
    text,
)

ROUTES = [
    (
        "GET",
        "/testimonials/new",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: (200, "Record the testimonial"),
            LEADER: (200, "Record the testimonial"),
            OTHER_LEADER: (200, "Record the testimonial"),
            ADMIN: FORBIDDEN,
        },
    ),
    (
        "POST",
        "/testimonials/new",
        {"kind": "spoken"},
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: (422, "Choose a member."),
            LEADER: (422, "Choose a member."),
            OTHER_LEADER: (422, "Choose a member."),
            ADMIN: FORBIDDEN,
        },
    ),
    (
        "POST",
        "/testimonials/{testimonial}/void",
        {"reason": "Wrong member"},
        {  # the leader gave it; the member received it and may not void it
            ANONYMOUS: TO_LOGIN,
            MEMBER: (302, "/ledger?tab=given"),
            LEADER: (302, "/ledger?tab=given"),
            OTHER_LEADER: NOT_FOUND,
            ADMIN: FORBIDDEN,
        },
    ),
]


@pytest.fixture
def given(app: Flask, people: People) -> int:
    """A testimonial the leader gave the member, with text the member may publish."""
    with app.app_context():
        entry = TestimonialFactory(
            chapter_id=people.leader.chapter_id,
            giver_id=people.leader.member_id,
            receiver_id=people.member.member_id,
            text="Milo rewired our office over a weekend.",
            may_publish=True,
        )
        db.session.commit()
        return entry.id


def voided_at(app: Flask, entry_id: int):
    with app.app_context():
        return db.session.get(Testimonial, entry_id).voided_at


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), matrix(ROUTES))
def test_access_matrix_of_testimonial_pages(
    app: Flask,
    client: FlaskClient,
    people: People,
    given: int,
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    status: int,
    seen: str,
) -> None:
    log_in_as(client, people, who)
    response = client.open(path.format(testimonial=given), method=method, data=data)
    assert response.status_code == status, text(response)
    if status == 302:
        assert response.headers["Location"].startswith(seen)
    else:
        assert seen in text(response)
    if path.endswith("/void"):  # only the giver (a leader here) voids it
        assert (voided_at(app, given) is not None) == (who == LEADER)


def form(receiver_id: int, **fields: str) -> dict[str, str]:
    return {
        "receiver_id": str(receiver_id),
        "kind": "written",
        "given_on": home_today().isoformat(),
        "text": "Lena sorted our lease in a week.",
        "may_publish": "y",
        **fields,
    }


def test_recording_a_testimonial_shows_in_both_ledgers_and_their_csv(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    response = client.post("/testimonials/new", data=form(people.leader.member_id))
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/ledger?tab=given"
    with app.app_context():
        entry = db.session.scalars(db.select(Testimonial)).one()
        assert (entry.giver_id, entry.receiver_id, entry.kind, entry.may_publish) == (
            people.member.member_id, people.leader.member_id, TestimonialKind.WRITTEN, True,
        )  # fmt: skip
        told = db.session.scalars(
            db.select(Notification.subject_type).where(
                Notification.member_id == people.leader.member_id
            )
        ).all()
        assert told == ["testimonial"]
    page = text(client.get("/ledger?tab=given"))
    assert "Testimonials I gave" in page
    assert "Lena sorted our lease in a week." in page
    assert re.search(r"Testimonials given</dt><dd>1<", page)
    rows = csv_rows(client.get("/ledger?tab=given&format=csv"))
    assert [
        rows[-1][1], rows[-1][6],
    ] == ["testimonial written", "Lena sorted our lease in a week."]  # fmt: skip
    login_as(client, people.leader)
    page = text(client.get("/ledger?tab=received"))
    assert "Testimonials for me" in page
    assert "Lena sorted our lease in a week." in page
    assert re.search(r"Testimonials received</dt><dd>1<", page)
    assert csv_rows(client.get("/ledger?tab=received&format=csv"))[-1][1] == "testimonial written"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"receiver_id": "{me}"}, "receiver_id", "Not a valid choice"),  # self is not offered
        ({"text": ""}, "text", "A written testimonial needs its text."),
        ({"given_on": "2999-01-01"}, "given_on", "Enter a date between"),
        ({"kind": "sung"}, "kind", "Invalid Choice"),
        ({"text": "x" * 2001}, "text", "Field cannot be longer than 2000 characters."),
    ],
)
def test_a_bad_testimonial_is_refused_at_its_field_and_nothing_is_stored(
    app: Flask, client: FlaskClient, people: People, change, field, message
) -> None:
    login_as(client, people.member)
    data = {**form(people.leader.member_id), **change}
    data["receiver_id"] = data["receiver_id"].format(me=people.member.member_id)
    response = client.post("/testimonials/new", data=data)
    assert response.status_code == 422
    assert any(message in error for error in field_errors(response, field)), text(response)
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Testimonial)) == 0


def test_a_testimonial_post_without_a_csrf_token_is_refused(
    app: Flask, csrf_app: Flask, people: People, given: int
) -> None:
    client = csrf_app.test_client()
    login_as(client, people.leader)
    for path in ("/testimonials/new", f"/testimonials/{given}/void"):
        response = client.post(path, data={**form(people.member.member_id), "reason": "x"})
        assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Testimonial)) == 1
    assert voided_at(app, given) is None


def test_the_giver_voids_a_testimonial_and_it_leaves_the_counts(
    app: Flask, client: FlaskClient, people: People, given: int
) -> None:
    login_as(client, people.leader)
    client.post(f"/testimonials/{given}/void", data={"reason": "Wrong member"})
    page = text(client.get("/ledger?tab=given"))
    assert re.search(r"Testimonials given</dt><dd>0<", page)
    assert "Voided" in page


def test_the_ledger_runs_the_same_queries_with_3_or_30_testimonials(
    app: Flask, client: FlaskClient, people: People
) -> None:
    def add(count: int) -> None:
        with app.app_context():
            for _ in range(count):
                TestimonialFactory(
                    chapter_id=people.leader.chapter_id,
                    giver_id=people.member.member_id,
                    receiver_id=other.member_id,
                )
            db.session.commit()

    other = add_home_member(app, people)
    login_as(client, people.member)
    add(3)
    with count_queries(app) as few:
        assert client.get("/ledger?tab=given").status_code == 200
    add(27)
    with count_queries(app) as many:
        page = text(client.get("/ledger?tab=given"))
    assert re.search(r"Testimonials given</dt><dd>30<", page)
    assert len(many) == len(few)
