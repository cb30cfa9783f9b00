"""Export pages (/moving/export): leaders download the PALMS summary and the slips listing in
BNI Connect's columns (CSV, XLSX) and the whole chapter as JSON; nobody else does."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.extensions import db
from chapter.members.models import Member
from tests.conftest import People, login_as
from tests.support.access import (
    ADMIN,
    ANONYMOUS,
    FORBIDDEN,
    LEADER,
    MEMBER,
    OTHER_LEADER,
    TO_LOGIN,
    log_in_as,
    matrix,
)
from tests.support.referral_helpers import SlipFactory, ThankYouFactory, csv_rows, home_today, text

SLIPS_HEADER = "From,To,Slip Type,Inside/Outside,TYFCB Amount,CEU Credits,Detail"
PALMS_HEADER = "First Name,Last Name,P,A,L,M,S,RGI,RGO,RRI,RRO,V,1-2-1,TYFCB,CEU,T"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEADERS_ONLY = {ANONYMOUS: TO_LOGIN, MEMBER: FORBIDDEN, ADMIN: FORBIDDEN}

ROUTES = [
    (
        "GET",
        "/moving/export",
        None,
        {
            **LEADERS_ONLY,
            LEADER: (200, "Download the whole chapter (JSON)"),
            OTHER_LEADER: (200, "Download the whole chapter (JSON)"),
        },
    ),
    (
        "GET",
        "/moving/export/slips?format=csv",
        None,
        {**LEADERS_ONLY, LEADER: (200, SLIPS_HEADER), OTHER_LEADER: (200, SLIPS_HEADER)},
    ),
    (
        "GET",
        "/moving/export/slips?format=xlsx",
        None,
        {**LEADERS_ONLY, LEADER: (200, XLSX), OTHER_LEADER: (200, XLSX)},
    ),
    (
        "GET",
        "/moving/export/chapter.json",
        None,
        {
            **LEADERS_ONLY,
            LEADER: (200, '"chapter-platform/chapter"'),
            OTHER_LEADER: (200, '"chapter-platform/chapter"'),
        },
    ),
]


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), matrix(ROUTES))
def test_access_matrix_of_export_pages(
    client: FlaskClient,
    people: People,
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    status: int,
    seen: str,
) -> None:
    log_in_as(client, people, who)
    response = client.open(path, method=method, data=data)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status == 302:
        assert response.headers["Location"].startswith(seen)
    elif seen == XLSX:
        assert response.mimetype == XLSX
    else:
        assert seen in text(response)


@pytest.fixture
def ledger(app: Flask, people: People) -> date:
    """A slip from the leader to the member and a thank-you the member gave the leader,
    counted this week in the home chapter; and a slip in the other chapter."""
    week = home_today()
    with app.app_context():
        home = {"chapter_id": people.leader.chapter_id, "week_on": week}
        SlipFactory(**home, giver_id=people.leader.member_id, receiver_id=people.member.member_id)
        ThankYouFactory(
            **home,
            giver_id=people.leader.member_id,
            thanker_id=people.member.member_id,
            amount_cents=1234_50,
        )
        SlipFactory(
            chapter_id=people.other_leader.chapter_id,
            week_on=week,
            giver_id=people.other_leader.member_id,
            receiver_id=people.other_member.member_id,
        )
        db.session.commit()
    return week


def names(app: Flask, people: People) -> tuple[str, str]:
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.get(Member, p.member_id).full_name for p in (people.leader, people.member)
        )


def test_the_page_links_every_download_for_the_chosen_weeks(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.get("/moving/export?start=2026-01-07&end=2026-03-25")
    page = text(response)
    assert response.status_code == 200
    span = "start=2026-01-07&end=2026-03-25"
    for href in (
        f"/reports/palms?format=csv&{span}",
        f"/reports/palms?format=xlsx&{span}",
        f"/moving/export/slips?format=csv&{span}",
        f"/moving/export/slips?format=xlsx&{span}",
        "/moving/export/chapter.json",
    ):
        assert f'href="{href}"' in page, href


def test_the_slips_csv_has_bni_columns_and_this_chapters_rows(
    app: Flask, client: FlaskClient, people: People, ledger: date
) -> None:
    leader, member = names(app, people)
    login_as(client, people.leader)
    span = f"start={ledger.isoformat()}&end={ledger.isoformat()}"
    response = client.get(f"/moving/export/slips?{span}&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="slips-audit-{ledger.isoformat()}-{ledger.isoformat()}.csv"'
    )
    assert response.get_data(as_text=True).splitlines()[0] == SLIPS_HEADER
    assert csv_rows(response)[1:] == [
        [leader, member, "Referral", "Inside", "", "", ""],
        ["", leader, "TYFCB", "", "1234.50", "", ""],
    ]


def test_the_slips_workbook_opens_with_the_header(
    client: FlaskClient, people: People, ledger: date
) -> None:
    login_as(client, people.leader)
    span = f"start={ledger.isoformat()}&end={ledger.isoformat()}"
    response = client.get(f"/moving/export/slips?{span}&format=xlsx")
    assert response.mimetype == XLSX
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Home Chapter" in rows[0][0]
    assert ",".join(rows[1]) == SLIPS_HEADER
    assert len(rows) == 4


def test_the_palms_link_gives_the_bni_columns(client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    response = client.get("/reports/palms?format=csv&start=2026-01-07&end=2026-03-25")
    assert response.get_data(as_text=True).splitlines()[0] == PALMS_HEADER


def test_the_whole_chapter_downloads_as_a_json_attachment(
    client: FlaskClient, people: People, ledger: date
) -> None:
    login_as(client, people.leader)
    response = client.get("/moving/export/chapter.json")
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="home-chapter-')
    assert disposition.endswith('.json"')
    document = json.loads(response.data)
    assert document["chapter"]["name"] == "Home Chapter"
    assert sorted(m["email"] for m in document["members"]) == [
        "leader@home.example",
        "member@home.example",
    ]
    assert len(document["ledger"]["referral_slips"]) == 1  # not the other chapter's
    thanks = document["ledger"]["thank_yous"][0]
    assert not {"thanker", "slip", "note", "reveal_thanker"} & set(thanks)  # private
    assert "member@home.example" not in json.dumps(thanks)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/moving/export?start=2026-11-18&end=2026-11-11", "The end must not be before the start."),
        ("/moving/export?start=2026-02-30&end=2026-11-11", "Not a valid date value."),
        (
            "/moving/export/slips?start=2026-11-18&end=2026-11-11&format=csv",
            "The end must not be before the start.",
        ),
        ("/moving/export/slips?start=&end=2026-11-11&format=xlsx", "This field is required."),
    ],
)
def test_a_bad_date_range_shows_the_form_with_422(
    client: FlaskClient, people: People, path: str, message: str
) -> None:
    login_as(client, people.leader)
    response = client.get(path)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = text(response)
    assert message in page
    assert "Slips listing (CSV)" not in page
    assert "Download the whole chapter (JSON)" in page


def test_an_unknown_format_is_a_bad_request(client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    response = client.get("/moving/export/slips?format=pdf")
    assert response.status_code == 400
    assert "Choose format=csv or format=xlsx." in text(response)
