"""Import pages (/moving): upload a BNI Connect export, preview it, confirm, see it, undo it.

The files are the real exports in ``tests/fixtures/bni`` (see its README): the small Slips
Audit of 51 slips has no meeting date, so its preview asks for one, and none of its names are
members of the test chapters, so every one of them must be decided before it can be imported.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from chapter.auth.models import User
from chapter.bni import import_writes, imports
from chapter.bni.models import ImportBatch, ImportUpload
from chapter.bni.reports import SlipType, parse_report
from chapter.db import utcnow
from chapter.extensions import db
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from tests.conftest import People, count_queries, login_as
from tests.support.access import (
    NOT_FOUND,
    TO_LOGIN,
    leader_only,
    log_in_as,
    matrix,
)
from tests.support.pages import hidden_in, plain, text, token_in

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bni"
SMALL = "slips-audit_noheaders_uae_small_2025-08.xls"  # 51 slips, no meeting date
BIG = "slips-audit_noheaders_uae_2025-08.xls"  # 513 slips, no meeting date
XLSX = "slips-audit_withheaders_uae_2025-02-13_resaved.xlsx"  # dated 13/02/2025
PALMS = "palms-summary_noheaders_uae_2025-08.xls"  # a month, no dates in the file
PALMS_RANGE = "palms-summary_withheaders_us_2025-10-01_to_2026-02-25.xls"  # 38 members
MEETING_ON = "2025-08-27"
UPLOAD_URL = "/moving/import"
LEDGER_URL = "/ledger/chapter"
REFUSED_CSRF = "The form expired or was not sent by this site."
SLIP_HEADER = ["From", "To", "Slip Type", "Inside/Outside", "TYFCB Amount", "CEU Credits", "Detail"]
MODELS = (ReferralSlip, ThankYou, OneToOne, EducationCredit)


# --- helpers -----------------------------------------------------------------------------------


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def post_multipart(client: FlaskClient, url: str, fields: dict[str, object]):
    """POST a multipart form. The body is encoded here, in memory: the test client spools
    bodies over 500 KB to a temporary file it never closes (a ResourceWarning)."""
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client: FlaskClient, data: bytes, filename: str, **extra: str):
    file = FileStorage(io.BytesIO(data), filename=filename)
    return post_multipart(client, UPLOAD_URL, {"file": file, **extra})


def preview_url(response) -> str:
    assert response.status_code == 302, plain(response)
    location = response.headers["Location"]
    assert re.fullmatch(r"/moving/import/\d+", location), location
    return location


def name_keys(response) -> list[tuple[str, str]]:
    """(field prefix, name key) of every row of the names table, in page order."""
    page = response.get_data(as_text=True)
    return [
        (prefix, html.unescape(value))
        for prefix, value in re.findall(r'name="(names-\d+)-key" value="([^"]*)"', page)
    ]


def names_table(response) -> dict[str, str]:
    """Name shown in the names table -> its field prefix (names-N)."""
    page = response.get_data(as_text=True)
    return {
        " ".join(html.unescape(label).split()): prefix
        for prefix, label in re.findall(r'<label for="(names-\d+)-choice">(.*?)</label>', page)
    }


def counts_table(response) -> dict[str, tuple[int, int]]:
    """The "What it would write" table: label -> (new, already there)."""
    page = response.get_data(as_text=True)
    table = re.search(r'<table class="[^"]*counts-table">(.*?)</table>', page, re.S)
    assert table, "no counts table on the page"
    rows = re.findall(
        r'<th scope="row">(.*?)</th><td class="text-end">(\d+)</td>'
        r'<td class="text-end">(\d+)</td>',
        table.group(1),
    )
    return {html.unescape(label): (int(new), int(old)) for label, new, old in rows}


def choose_all(response, choice: str = "create", **by_name: str) -> dict[str, str]:
    """Form data deciding every name of the names table: ``choice``, or per shown name."""
    shown = {prefix: name for name, prefix in names_table(response).items()}
    data: dict[str, str] = {}
    for prefix, key in name_keys(response):
        data[f"{prefix}-key"] = key
        data[f"{prefix}-choice"] = by_name.get(shown[prefix], choice)
    return data


def stored_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(db.select(func.count()).select_from(model))
            for model in (*MODELS, ImportBatch, ImportUpload, Member, Meeting)
        }


def uploads_staged(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(ImportUpload))


def small_report():
    return parse_report(fixture(SMALL))


def slip_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SLIP_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def leader(client: FlaskClient, people: People) -> FlaskClient:
    login_as(client, people.leader)
    return client


def stage_small(app: Flask, people: People) -> int:
    """The small Slips Audit staged in the home chapter (by the service), not confirmed."""
    with app.app_context():
        actor = db.session.get_one(User, people.leader.user_id)
        upload_id = imports.stage(
            people.leader.chapter_id, SMALL, fixture(SMALL), actor=actor, max_bytes=10**7
        )
        db.session.commit()
        return upload_id


def import_small(app: Flask, people: People) -> int:
    """The small Slips Audit imported into the home chapter, every unknown name created."""
    upload_id = stage_small(app, people)
    with app.app_context():
        actor = db.session.get_one(User, people.leader.user_id)
        staged = imports.get_upload(people.leader.chapter_id, upload_id)
        first = imports.plan(staged, meeting_on=date.fromisoformat(MEETING_ON))
        choices = {name.key: imports.CREATE for name in first.unknown}
        plan = imports.plan(staged, choices=choices, meeting_on=date.fromisoformat(MEETING_ON))
        assert plan.ready
        batch = import_writes.confirm(plan, actor=actor, now=utcnow())
        db.session.commit()
        return batch.id


# --- access ------------------------------------------------------------------------------------


UPLOAD_PAGE = (200, "Import from BNI Connect")
ROUTES = [
    ("GET", UPLOAD_URL, None, leader_only(UPLOAD_PAGE, UPLOAD_PAGE)),
    (
        "POST",
        UPLOAD_URL,
        {},
        leader_only((422, "Choose a file to upload."), (422, "Choose a file to upload.")),
    ),
    ("GET", "/moving/import/{upload}", None, leader_only((200, "Meeting date"), NOT_FOUND)),
    (
        "POST",
        "/moving/import/{upload}",
        {"action": "preview", "meeting_on": MEETING_ON},
        leader_only((200, "meeting of"), NOT_FOUND),
    ),
    (
        "POST",
        "/moving/import/{upload}",
        {"action": "confirm"},  # the same file again: its meeting is known from the first
        leader_only((302, "/moving/import"), NOT_FOUND),  # and it adds nothing
    ),
    (
        "GET",
        "/moving/import/batches/{batch}/undo",
        None,
        leader_only((200, "Referral slips voided 20"), NOT_FOUND),
    ),
    (
        "POST",
        "/moving/import/batches/{batch}/undo",
        {},
        leader_only((302, UPLOAD_URL), NOT_FOUND),
    ),
]


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), matrix(ROUTES))
def test_access_matrix_of_import_pages(
    app: Flask,
    client: FlaskClient,
    people: People,
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    status: int,
    seen: str,
) -> None:
    ids = {"batch": import_small(app, people), "upload": stage_small(app, people)}
    before = stored_counts(app)
    log_in_as(client, people, who)
    response = client.open(path.format(**ids), method=method, data=data)
    assert response.status_code == status, plain(response)
    if (status, seen) == TO_LOGIN:
        assert response.headers["Location"].startswith(seen)
    elif status == 302:
        assert response.headers["Location"] == seen
    else:
        assert seen in plain(response)
    if status != 302:  # only the leader's undo changes anything; nobody else writes
        assert stored_counts(app) == before


def test_leader_of_another_chapter_cannot_undo_or_see_the_batch(
    app: Flask, client: FlaskClient, people: People
) -> None:
    batch_id = import_small(app, people)
    login_as(client, people.other_leader)
    assert client.post(f"/moving/import/batches/{batch_id}/undo").status_code == 404
    history = plain(client.get(UPLOAD_URL))
    assert SMALL not in history
    assert "No imports yet." in history
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).undone_at is None
        voided = db.session.scalar(
            db.select(func.count())
            .select_from(ReferralSlip)
            .where(ReferralSlip.voided_at.is_not(None))
        )
        assert voided == 0


# --- CSRF --------------------------------------------------------------------------------------


@pytest.fixture
def csrf_leader(csrf_app: Flask, people: People) -> FlaskClient:
    client = csrf_app.test_client()
    login_as(client, people.leader)
    return client


def test_upload_without_a_csrf_token_is_refused_and_stages_nothing(
    app: Flask, csrf_leader: FlaskClient
) -> None:
    response = upload(csrf_leader, fixture(SMALL), SMALL)
    assert response.status_code == 400
    assert REFUSED_CSRF in plain(response)
    assert uploads_staged(app) == 0


def test_upload_with_the_token_from_the_page_works(app: Flask, csrf_leader: FlaskClient) -> None:
    token = token_in(csrf_leader.get(UPLOAD_URL))
    preview_url(upload(csrf_leader, fixture(SMALL), SMALL, csrf_token=token))
    assert uploads_staged(app) == 1


def test_undo_asks_first_with_what_it_undoes_then_undoes_with_the_pages_token(
    app: Flask, csrf_leader: FlaskClient, people: People
) -> None:
    batch_id = import_small(app, people)
    history = csrf_leader.get(UPLOAD_URL).get_data(as_text=True)
    assert f'href="/moving/import/batches/{batch_id}/undo"' in history  # a link, not a form
    page = csrf_leader.get(f"/moving/import/batches/{batch_id}/undo")
    shown = plain(page)
    assert f"Undo the import of {SMALL}?" in shown
    for line in (
        "Referral slips voided 20",
        "Thank-yous (TYFCB) voided 4",
        "One-to-ones voided 14",
        "Education credits (CEU) voided 13",
        "Members it added, marked as left 16",
        "The roster of Wednesday 27 August 2025 is reopened.",
        "The meeting of Wednesday 27 August 2025, which this import added, is cancelled.",
    ):
        assert line in shown, line
    body = page.get_data(as_text=True)
    assert "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]  # no inline JS
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).undone_at is None  # a GET writes nothing
    response = csrf_leader.post(
        f"/moving/import/batches/{batch_id}/undo", data={"csrf_token": token_in(page)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).undone_at is not None
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.meets_on == date(2025, 8, 27)))
        assert (meeting.is_cancelled, meeting.cancel_reason) == (True, f"Import {batch_id} undone")


def test_confirm_and_undo_without_a_csrf_token_are_refused(
    app: Flask, csrf_leader: FlaskClient, people: People
) -> None:
    upload_id = stage_small(app, people)
    page = csrf_leader.get(f"/moving/import/{upload_id}")
    data = {"action": "confirm", "meeting_on": MEETING_ON, **choose_all(page)}
    response = csrf_leader.post(f"/moving/import/{upload_id}", data=data)
    assert response.status_code == 400
    assert REFUSED_CSRF in plain(response)
    assert stored_counts(app)["import_batches"] == 0

    batch_id = import_small(app, people)
    response = csrf_leader.post(f"/moving/import/batches/{batch_id}/undo")
    assert response.status_code == 400
    assert REFUSED_CSRF in plain(response)
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).undone_at is None


def test_import_sent_twice_imports_once_and_lands_where_the_first_did(
    app: Flask, csrf_leader: FlaskClient, people: People
) -> None:
    """A double tap on Import: the first imports the file (and drops the upload); the second
    finds the batch by the form's one-time key, instead of a 404 or a second batch."""
    upload_id = stage_small(app, people)
    url = f"/moving/import/{upload_id}"
    page = csrf_leader.get(url)
    data = {
        "action": "confirm",
        "meeting_on": MEETING_ON,
        **choose_all(page),
        "csrf_token": token_in(page),
        "form_key": hidden_in(page, "form_key"),
    }

    first = csrf_leader.post(url, data=data)
    second = csrf_leader.post(url, data=data)

    assert first.status_code == second.status_code == 302, plain(second)
    assert first.headers["Location"] == second.headers["Location"] == UPLOAD_URL
    stored = stored_counts(app)
    assert (stored["import_batches"], stored["referral_slips"]) == (1, 20)
    assert plain(csrf_leader.get(UPLOAD_URL)).count(f"Imported {SMALL}:") == 2


# --- upload ------------------------------------------------------------------------------------


def test_the_upload_page_offers_a_file_field_and_an_empty_history(leader: FlaskClient) -> None:
    response = leader.get(UPLOAD_URL)
    assert response.status_code == 200
    page = text(response)
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<input[^>]*type="file"[^>]*name="file"|name="file"[^>]*type="file"', page)
    assert "up to 10 MB" in plain(response)
    assert "No imports yet." in plain(response)


def test_uploading_the_small_slips_audit_redirects_to_its_preview(
    app: Flask, leader: FlaskClient
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    assert uploads_staged(app) == 1
    response = leader.get(location)
    assert response.status_code == 200
    page = plain(response)
    assert f"Preview: {SMALL}" in page
    assert "Slips Audit" in page  # the report kind
    assert "Nothing is written until you press Import." in page
    assert 'name="meeting_on"' in response.get_data(as_text=True)  # the file has no date
    assert "Meeting date" in page
    # The names table: every non-bold person of the file, none of them known yet.
    report = small_report()
    unknown = {
        party.name
        for line in report.lines
        for party in (line.giver, line.receiver)
        if party is not None and not party.other_chapter
    }
    shown = names_table(response)
    assert set(shown) == {" ".join(name.split()) for name in unknown}
    assert f"Names this chapter does not know ({len(unknown)} to decide)" in page
    assert "Add as a new member" in page
    assert "From another chapter" in page
    # The counts table: no slip can be counted until its people are decided.
    assert "What it would write" in page
    assert counts_table(response) == {}
    counts = re.search(r'counts-table">(.*?)</table>', response.get_data(as_text=True), re.S)
    assert counts
    assert "Nothing." in counts.group(1)
    # Bold people (other chapters) are recognised without asking.
    bold = {
        p.name
        for line in report.lines
        for p in (line.giver, line.receiver)
        if p and p.other_chapter
    }
    assert f"{len(bold)} people shown in bold in the file are members of other chapters" in page
    assert "Does it add up?" in page


def test_the_preview_counts_every_slip_once_the_names_are_decided(
    app: Flask, leader: FlaskClient
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    first = leader.get(location)
    response = leader.post(
        location, data={"action": "preview", "meeting_on": MEETING_ON, **choose_all(first)}
    )
    assert response.status_code == 200, plain(response)
    report = small_report()
    by_type = {t: sum(1 for line in report.lines if line.type is t) for t in SlipType}
    table = counts_table(response)
    assert table["Referral slips"] == (by_type[SlipType.REFERRAL], 0)
    assert table["One-to-ones"] == (by_type[SlipType.ONE_TO_ONE], 0)
    assert table["Education credits (CEU)"] == (by_type[SlipType.CEU], 0)
    assert table["Thank-yous (TYFCB)"] == (by_type[SlipType.TYFCB], 0)
    created = len(name_keys(first))
    assert table["Members"] == (created, 0)
    assert "meeting of" in plain(response)
    assert stored_counts(app)["import_batches"] == 0  # a preview writes nothing


def test_an_xlsx_upload_is_previewed_with_the_date_from_its_title(leader: FlaskClient) -> None:
    response = leader.get(preview_url(upload(leader, fixture(XLSX), XLSX)))
    assert response.status_code == 200
    page = plain(response)
    assert f"Preview: {XLSX}" in page
    assert "Slips Audit" in page
    assert "meeting of Thursday 13 February 2025" in page
    assert 'name="meeting_on"' not in response.get_data(as_text=True)  # the file says it
    assert names_table(response)
    counts_table(response)


def test_a_csv_upload_is_previewed(leader: FlaskClient) -> None:
    data = slip_csv(
        [
            ["Ada  Lovelace", "Charles Babbage", "Referral", "Inside", "", "", ""],
            ["Ada Lovelace", "Charles Babbage", "One to One", "", "", "", ""],
            ["", "Charles Babbage", "TYFCB", "", "1500.00", "", ""],
        ]
    )
    response = leader.get(preview_url(upload(leader, data, "slips.csv")))
    assert response.status_code == 200
    page = plain(response)
    assert "Slips Audit" in page
    assert set(names_table(response)) == {"Ada Lovelace", "Charles Babbage"}  # spaces normalised
    assert "Meeting date" in page


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Report">'
    b'<Table><Row><Cell><Data ss:Type="String">From</Data></Cell>'
    b'<Cell><Data ss:Type="String">To</Data></Cell>'
    b'<Cell><Data ss:Type="String">Slip Type</Data></Cell></Row>'
    b'<Row><Cell><Data ss:Type="String">&xxe;</Data></Cell></Row></Table></Worksheet></Workbook>'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
    b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">&lol2;</Workbook>'
)
UNRELATED_CSV = b"Product,Price,Colour\r\nTeapot,12.50,blue\r\nMug,4.00,red\r\n"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(PNG, "chart.png", id="png"),
        pytest.param(PDF, "report.pdf", id="pdf"),
        pytest.param(bytes(range(256)) * 8, "junk.xls", id="junk-bytes"),
        pytest.param(b"", "empty.xls", id="empty"),
        pytest.param(XXE, "entity.xls", id="xml-doctype-external-entity"),
        pytest.param(BILLION_LAUGHS, "laughs.xls", id="xml-entity-expansion"),
        pytest.param(UNRELATED_CSV, "products.csv", id="csv-of-unrelated-columns"),
        pytest.param(fixture(PALMS)[:2000], "cut.xls", id="truncated-xml"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_with_a_message(
    app: Flask, leader: FlaskClient, data: bytes, filename: str
) -> None:
    response = upload(leader, data, filename)
    assert response.status_code == 422, plain(response)
    page = plain(response)
    assert "Import from BNI Connect" in page  # the upload page again, with the error
    error = re.search(
        r'<div class="invalid-feedback[^"]*">(.*?)</div>', response.get_data(as_text=True), re.S
    )
    assert error, f"no message next to the file field: {page}"
    message = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", error.group(1))).split())
    assert len(message) > 10, message
    assert "Traceback" not in page
    assert "root:" not in page
    assert uploads_staged(app) == 0


def test_a_file_over_the_import_limit_is_refused_with_a_message(
    app: Flask, leader: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 50_000)
    big = slip_csv([["Ada Lovelace", "Charles Babbage", "Referral", "Inside", "", "", ""]] * 1200)
    assert 50_000 < len(big) < 50_000 + 64 * 1024  # under the request cap, over the file cap
    response = upload(leader, big, "big.csv")
    assert response.status_code in (413, 422), plain(response)
    assert "larger than" in plain(response)
    assert uploads_staged(app) == 0
    # The small fixture (39 KB) is still accepted under the same limit.
    preview_url(upload(leader, fixture(SMALL), SMALL))


def test_a_request_far_over_the_import_limit_is_refused_with_413(
    app: Flask, leader: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 50_000)
    response = upload(leader, fixture(BIG), BIG)  # 369 KB
    assert response.status_code == 413, plain(response)
    assert "larger than" in plain(response)
    assert uploads_staged(app) == 0


def test_a_limit_under_a_megabyte_is_shown_as_it_is(
    app: Flask, leader: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 50_000)
    assert "0 MB" not in plain(leader.get(UPLOAD_URL))
    big = slip_csv([["Ada Lovelace", "Charles Babbage", "Referral", "Inside", "", "", ""]] * 1200)
    assert "0 MB" not in plain(upload(leader, big, "big.csv"))


def test_with_csrf_on_the_import_page_still_takes_files_over_the_2_mb_site_limit(
    app: Flask, csrf_leader: FlaskClient
) -> None:
    """CSRF protection reads the form before the view runs: the limit must already be the
    import page's by then."""
    token = token_in(csrf_leader.get(UPLOAD_URL))
    junk = b"\x00\x01junk" * (3 * 1024 * 1024 // 6)
    response = upload(csrf_leader, junk, "junk.xls", csrf_token=token)
    assert response.status_code == 422, plain(response)
    assert "not a file the importer can read" in plain(response)


def test_the_import_page_takes_files_over_the_2_mb_site_limit(
    app: Flask, leader: FlaskClient
) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    junk = b"\x00\x01junk" * (3 * 1024 * 1024 // 6)  # 3 MB: over the site cap, under 10 MB
    response = upload(leader, junk, "junk.xls")
    assert response.status_code == 422, plain(response)  # read and refused, not 413
    assert uploads_staged(app) == 0


def test_other_forms_keep_the_2_mb_site_limit(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    three_mb = FileStorage(io.BytesIO(b"x" * (3 * 1024 * 1024)), filename="big.bin")
    response = post_multipart(leader, "/members/new", {"first_name": "Big", "attachment": three_mb})
    assert response.status_code == 413
    assert "The file is larger than 2 MB, the most this page accepts." in plain(response)
    # The import's own preview and undo routes are not raised either.
    upload_id = stage_small(app, people)
    response = leader.post(
        f"/moving/import/{upload_id}",
        data={"action": "preview", "padding": "x" * (3 * 1024 * 1024)},
    )
    assert response.status_code == 413


# --- preview and confirm -----------------------------------------------------------------------


def test_confirm_without_the_meeting_or_the_names_is_refused_and_writes_nothing(
    app: Flask, leader: FlaskClient
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    page = leader.get(location)
    before = stored_counts(app)

    response = leader.post(location, data={"action": "confirm", **choose_all(page)})
    assert response.status_code == 422
    assert "Choose the meeting this Slips Audit belongs to." in plain(response)

    response = leader.post(location, data={"action": "confirm", "meeting_on": MEETING_ON})
    assert response.status_code == 422
    assert "Say who these are first:" in plain(response)

    data = {"action": "confirm", "meeting_on": MEETING_ON, **choose_all(page)}
    first_prefix = name_keys(page)[0][0]
    data[f"{first_prefix}-choice"] = ""  # one name left undecided
    response = leader.post(location, data=data)
    assert response.status_code == 422
    assert "Say who these are first:" in plain(response)

    response = leader.post(location, data={"action": "confirm", "meeting_on": "not a date"})
    assert response.status_code == 422

    assert stored_counts(app) == before
    assert uploads_staged(app) == 1  # still there to fix and confirm


def test_confirm_imports_the_file_into_the_chapter_ledger(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    page = leader.get(location)
    # Two names mapped onto existing members, one marked as another chapter, the rest created.
    shown = names_table(page)
    assert {"Ziodea Nokean", "Petounoun Fregewea", "Chezu Chiprio"} <= set(shown)
    data = {
        "action": "confirm",
        "meeting_on": MEETING_ON,
        **choose_all(
            page,
            **{
                "Ziodea Nokean": str(people.leader.member_id),
                "Petounoun Fregewea": str(people.member.member_id),
                "Drobrin Grobe Probreakra": "other",
            },
        ),
    }
    response = leader.post(location, data=data)
    assert response.status_code == 302, plain(response)
    assert response.headers["Location"] == UPLOAD_URL
    after = leader.get(UPLOAD_URL)
    flash = plain(after)
    assert f"Imported {SMALL}:" in flash
    assert "referral slips" in flash
    assert uploads_staged(app) == 0  # the staged file is gone once imported

    report = small_report()
    with app.app_context():
        slips = db.session.scalars(db.select(ReferralSlip)).all()
        assert len(slips) == sum(1 for line in report.lines if line.type is SlipType.REFERRAL)
        assert all(s.chapter_id == people.leader.chapter_id for s in slips)
        assert {s.week_on for s in slips} == {date.fromisoformat(MEETING_ON)}
        led = db.session.get(Member, people.leader.member_id)
        assert sum(1 for s in slips if s.giver_id == led.id) == 2  # Ziodea Nokean's referrals
        created = db.session.scalars(
            db.select(Member).where(Member.import_batch_id.is_not(None))
        ).all()
        created_names = {m.full_name for m in created}
        assert "Chezu Chiprio" in created_names
        assert "Ziodea Nokean" not in created_names  # mapped, not created
        assert "Drobrin Grobe Probreakra" not in created_names  # another chapter

    ledger = leader.get(LEDGER_URL)
    assert ledger.status_code == 200
    ledger_page = plain(ledger)
    assert "Imported slip" in ledger_page
    assert "Houbrai Gaiva Kraithujen" in ledger_page
    assert "Fometrou Frugran (other chapter)" in ledger_page  # bold in the file
    assert "Drobrin Grobe Probreakra (other chapter)" in ledger_page  # chosen as other chapter
    # The leader's own name stands for Ziodea Nokean.
    with app.app_context():
        leader_name = db.session.get(Member, people.leader.member_id).full_name
    assert re.search(
        rf"{re.escape(leader_name)} Fometrou Frugran \(other chapter\) Imported slip", ledger_page
    )
    thanks = plain(leader.get(f"{LEDGER_URL}?type=thank_you"))
    assert "Chezu Chiprio" in thanks
    assert "20,000.00" in thanks

    history = plain(after)
    assert SMALL in history
    assert "Undo" in history
    assert "No imports yet." not in history


def test_undo_voids_the_rows_and_the_history_says_undone(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    batch_id = import_small(app, people)
    assert "Imported slip" in plain(leader.get(LEDGER_URL))
    response = leader.post(f"/moving/import/batches/{batch_id}/undo")
    assert response.status_code == 302
    assert response.headers["Location"] == UPLOAD_URL
    after = leader.get(UPLOAD_URL)
    page = plain(after)
    assert f"Import of {SMALL} undone: its rows are voided." in page
    assert "Undone" in page
    assert f"/moving/import/batches/{batch_id}/undo" not in after.get_data(as_text=True)

    with app.app_context():
        for model in MODELS:
            rows = db.session.scalars(db.select(model)).all()
            assert rows, model
            assert all(row.voided_at is not None for row in rows), model
    ledger = leader.get(LEDGER_URL)
    body = ledger.get_data(as_text=True)
    assert '<tr class="voided">' in body
    assert '<tr class="">' not in body  # every slip row is voided
    assert f"Voided: Import {batch_id} undone" in plain(ledger)
    assert "0 referral slips (not voided)" in plain(ledger)

    # Undoing twice is refused.
    assert leader.post(f"/moving/import/batches/{batch_id}/undo").status_code == 409


def test_reuploading_the_same_file_counts_everything_as_already_there(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    import_small(app, people)
    before = stored_counts(app)
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    first = leader.get(location)
    assert first.status_code == 200
    assert "This file was imported on" in plain(first)
    assert name_keys(first) == []  # the people it created are members now: nothing to ask
    response = leader.post(
        location, data={"action": "preview", "meeting_on": MEETING_ON, **choose_all(first)}
    )
    assert response.status_code == 200, plain(response)
    table = counts_table(response)
    report = small_report()
    expected = {
        "Referral slips": SlipType.REFERRAL,
        "One-to-ones": SlipType.ONE_TO_ONE,
        "Education credits (CEU)": SlipType.CEU,
        "Thank-yous (TYFCB)": SlipType.TYFCB,
    }
    for label, slip_type in expected.items():
        assert table[label] == (0, sum(1 for line in report.lines if line.type is slip_type))
    assert table.get("Members", (0, 0))[0] == 0

    confirm = leader.post(
        location, data={"action": "confirm", "meeting_on": MEETING_ON, **choose_all(first)}
    )
    assert confirm.status_code == 302, plain(confirm)
    after = stored_counts(app)
    for model in MODELS:
        assert after[model.__tablename__] == before[model.__tablename__], model
    assert after["members"] == before["members"]
    assert after["import_batches"] == before["import_batches"]  # no empty batch
    history = plain(leader.get(UPLOAD_URL))
    assert f"Nothing new in {SMALL}: everything in it is already here, so no import" in history


def test_the_preview_says_before_import_everything_confirm_would_refuse(
    app: Flask, leader: FlaskClient
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    page = plain(leader.get(location))
    refusals = page.split("Import would be refused until:", 1)[1]
    assert "Choose the meeting this Slips Audit belongs to." in refusals
    assert "Say who these are first:" in refusals

    # a meeting in the future is one confirm refuses: the preview says so first
    response = leader.post(location, data={"action": "preview", "meeting_on": "2099-01-07"})
    refusals = plain(response).split("Import would be refused until:", 1)[1]
    assert "07 Jan 2099 is in the future: choose a meeting held." in refusals
    assert "Nothing new" not in plain(response)


def test_reuploading_shows_already_there_before_the_date_is_typed_again(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    import_small(app, people)
    first = leader.get(preview_url(upload(leader, fixture(SMALL), SMALL)))
    assert "This file was imported on" in plain(first)
    table = counts_table(first)
    assert table["Referral slips"][0] == 0


def test_the_names_chosen_are_remembered_for_the_next_import(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    page = leader.get(location)
    data = {
        "action": "confirm",
        "meeting_on": MEETING_ON,
        **choose_all(page, **{"Ziodea Nokean": str(people.leader.member_id)}),
    }
    assert leader.post(location, data=data).status_code == 302
    again = leader.get(preview_url(upload(leader, fixture(SMALL), SMALL)))
    page = text(again)
    assert "remembered" in page
    assert "(0 to decide)" in plain(again)


def test_a_member_of_another_chapter_cannot_be_chosen_for_a_name(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    page = leader.get(location)
    assert f'value="{people.other_member.member_id}"' not in page.get_data(as_text=True)
    data = {
        "action": "confirm",
        "meeting_on": MEETING_ON,
        **choose_all(page, **{"Ziodea Nokean": str(people.other_member.member_id)}),
    }
    before = stored_counts(app)
    response = leader.post(location, data=data)
    assert response.status_code == 422
    assert "Say who these are first: Ziodea Nokean." in plain(response)
    assert stored_counts(app) == before


def test_pressing_import_twice_imports_once(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    data = {"action": "confirm", "meeting_on": MEETING_ON, **choose_all(leader.get(location))}
    assert leader.post(location, data=data).status_code == 302
    after_first = stored_counts(app)
    again = leader.post(location, data=data)
    assert again.status_code == 404
    assert "That upload is gone: upload the file again." in plain(again)
    assert stored_counts(app) == after_first
    assert after_first["import_batches"] == 1


def test_names_from_the_file_are_shown_as_text_not_markup(leader: FlaskClient) -> None:
    data = slip_csv(
        [['<script>alert("x")</script> Evil', "Ada Lovelace", "Referral", "Inside", "", "", ""]]
    )
    response = leader.get(preview_url(upload(leader, data, "<b>slips</b>.csv")))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert "<b>slips</b>" not in body


def test_a_summary_without_dates_asks_for_them_and_refuses_from_after_to(
    app: Flask, leader: FlaskClient
) -> None:
    location = preview_url(upload(leader, fixture(PALMS), PALMS))
    page = leader.get(location)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'name="starts_on"' in body
    assert 'name="ends_on"' in body
    assert "which dates does it cover?" in plain(page)
    response = leader.post(
        location, data={"action": "preview", "starts_on": "2025-08-31", "ends_on": "2025-08-01"}
    )
    assert response.status_code == 422, plain(response)
    assert "From must not be after To." in plain(response)
    assert stored_counts(app)["import_batches"] == 0


def test_from_after_to_is_shown_at_the_from_field_of_the_preview(leader: FlaskClient) -> None:
    location = preview_url(upload(leader, fixture(PALMS), PALMS))
    response = leader.post(
        location, data={"action": "preview", "starts_on": "2025-08-31", "ends_on": "2025-08-01"}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'name="starts_on"' in body  # the leader keeps the form to correct the dates
    assert "From must not be after To." in plain(response)


def test_a_summary_given_its_dates_previews_opening_balances(
    app: Flask, leader: FlaskClient
) -> None:
    location = preview_url(upload(leader, fixture(PALMS), PALMS))
    response = leader.post(
        location,
        data={
            "action": "preview",
            "starts_on": "2025-08-01",
            "ends_on": "2025-08-31",
            "undecided": "create",
        },
    )
    assert response.status_code == 200, plain(response)
    assert counts_table(response)["Opening balances"][0] == 43
    assert "Total row says more than its rows add up to" in plain(response)
    assert stored_counts(app)["import_batches"] == 0


def test_a_summary_over_a_range_imports_opening_balances(app: Flask, leader: FlaskClient) -> None:
    location = preview_url(upload(leader, fixture(PALMS_RANGE), PALMS_RANGE))
    page = leader.get(location)
    assert page.status_code == 200
    assert 'name="starts_on"' not in page.get_data(as_text=True)  # its header gives the dates
    assert "Chapter Summary PALMS" in plain(page)
    data = {"action": "preview", "undecided": "create"}
    preview = leader.post(location, data=data)
    assert preview.status_code == 200, plain(preview)
    assert counts_table(preview)["Opening balances"] == (38, 0)
    assert counts_table(preview)["Members"] == (38, 0)
    response = leader.post(location, data={**data, "action": "confirm"})
    assert response.status_code == 302, plain(response)
    history = plain(leader.get(UPLOAD_URL))
    assert f"Imported {PALMS_RANGE}:" in history
    assert "38 opening balances" in history
    assert stored_counts(app)["import_batches"] == 1


def test_every_undecided_name_can_be_decided_at_once(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    page = leader.get(location)
    unknown = len(name_keys(page))
    assert 'name="undecided"' in page.get_data(as_text=True)
    before = stored_counts(app)
    # One name chosen by hand, every other one by the "every name still on Choose" select.
    data = {
        "action": "confirm",
        "meeting_on": MEETING_ON,
        "undecided": "create",
        "names-0-key": name_keys(page)[0][1],
        "names-0-choice": str(people.member.member_id),
    }
    response = leader.post(location, data=data)
    assert response.status_code == 302, plain(response)
    after = stored_counts(app)
    assert after["members"] == before["members"] + unknown - 1
    assert after["referral_slips"] == 20


# --- query count -------------------------------------------------------------------------------

# Measured: 7 for the first preview (log-in, upload, earlier import, members, remembered names,
# member choices), 12 once every name is decided (plus one key look-up per kind of row).
PREVIEW_QUERY_BOUND = 20


def test_the_preview_of_513_slips_runs_a_bounded_number_of_queries(
    app: Flask, leader: FlaskClient
) -> None:
    small = preview_url(upload(leader, fixture(SMALL), SMALL))
    big = preview_url(upload(leader, fixture(BIG), BIG))
    leader.get(big)  # warm caches (log-in, templates)
    with count_queries(app) as small_statements:
        assert leader.get(small).status_code == 200
    with count_queries(app) as statements:
        response = leader.get(big)
    assert response.status_code == 200
    assert len(names_table(response)) > 40
    # With the meeting and every name decided, the preview also looks up every row's key.
    data = {"action": "preview", "meeting_on": MEETING_ON, **choose_all(response)}
    with count_queries(app) as decided:
        decided_page = leader.post(big, data=data)
    assert decided_page.status_code == 200, plain(decided_page)
    assert counts_table(decided_page)["Referral slips"][0] > 100
    print(
        f"preview queries: 513 slips {len(statements)} ({len(decided)} with every name "
        f"decided), 51 slips {len(small_statements)}\n" + "\n".join(decided)
    )
    assert len(statements) <= PREVIEW_QUERY_BOUND, "\n".join(statements)
    assert len(statements) <= len(small_statements) + 2  # not one per row or per name
    assert len(decided) <= PREVIEW_QUERY_BOUND, "\n".join(decided)


def test_the_import_page_lists_imported_members_to_complete_each_linked_to_its_edit_page(
    app: Flask, leader: FlaskClient, people: People
) -> None:
    batch_id = import_small(app, people)
    with app.app_context():
        created = db.session.scalars(
            db.select(Member).where(Member.import_batch_id == batch_id)
        ).all()
        links = {f'href="/members/{member.id}/edit"' for member in created}
    response = leader.get(UPLOAD_URL)
    body = response.get_data(as_text=True)
    assert "To complete (16)" in plain(response)
    assert "business, classification, e-mail address missing" in plain(response)
    assert all(link in body for link in links)


def test_the_preview_asks_whether_the_thank_yous_are_new_or_repeat_and_stores_it(
    app: Flask, leader: FlaskClient
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    page = leader.get(location)
    body = page.get_data(as_text=True)
    assert "Its thank-yous (TYFCB) are" in plain(page)
    assert re.search(r'<input[^>]*checked[^>]*value="new"|value="new"[^>]*checked', body)
    data = {"action": "confirm", "meeting_on": MEETING_ON, "thanks_type": "repeat"}
    response = leader.post(location, data={**data, **choose_all(page)})
    assert response.status_code == 302, plain(response)
    with app.app_context():
        kinds = db.session.scalars(db.select(ThankYou.business_type)).all()
        assert [kind.value for kind in kinds] == ["repeat"] * 4
