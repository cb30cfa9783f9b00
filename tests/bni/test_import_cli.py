"""``flask chapter import FILE --chapter ID``: the preview printed, a dry run that writes
nothing, an import in one transaction, the same file again, and clear refusals.

The command commits in its own app context, so these tests hold no app context (nor a session)
around it: they set up and read back in short ``app.app_context()`` blocks, on a database that
``clean_db`` empties before each test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from click.testing import Result
from flask import Flask

from chapter.bni.models import ImportBatch
from chapter.extensions import db
from chapter.ledger.models import ReferralSlip
from tests.support import factories
from tests.support.import_helpers import (
    FIXTURES,
    PALMS_US_RANGE,
    PALMS_US_WEEK,
    SLIPS_SMALL,
    SLIPS_XLSX,
    chapter_with_leader,
    load,
    stored,
)

MEETING = "2025-08-27"
SMALL_TABLE = {
    "Members": (16, 0),
    "Referral slips": (20, 0),
    "Thank-yous (TYFCB)": (4, 0),
    "One-to-ones": (14, 0),
    "Education credits (CEU)": (13, 0),
}
AGAIN_TABLE = {label: (0, new) for label, (new, _) in SMALL_TABLE.items() if label != "Members"}


@dataclass(frozen=True)
class Home:
    chapter_id: int
    leader_user_id: int


@pytest.fixture
def home(app: Flask, clean_db: None) -> Home:
    with app.app_context():
        chapter, leader = chapter_with_leader()
        db.session.commit()
        return Home(chapter.id, leader.user_id)


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["chapter", "import", *args])


def small(home: Home, *options: str) -> list[str]:
    return [str(FIXTURES / SLIPS_SMALL), "--chapter", str(home.chapter_id), *options]


def table(output: str) -> dict[str, tuple[int, int]]:
    """The printed "new / already" table: label -> (new, already)."""
    rows = re.findall(r"^([^\d\n]+?) +(\d+) +(\d+)$", output, re.MULTILINE)
    return {label.strip(): (int(new), int(already)) for label, new, already in rows}


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return stored()


def test_dry_run_then_import_then_the_same_file_again(app: Flask, home: Home) -> None:
    empty = counts(app)

    dry = run(app, *small(home, "--meeting", MEETING, "--unknown", "create", "--dry-run"))
    assert dry.exit_code == 0, dry.output
    assert f"{SLIPS_SMALL}: Slips Audit" in dry.output
    assert f"Meeting: {MEETING}" in dry.output
    assert table(dry.output) == SMALL_TABLE
    assert "Referrals inside" in dry.output
    assert "differs" not in dry.output
    assert "Names no member matches" not in dry.output
    assert dry.output.rstrip().endswith("Dry run: nothing written.")
    assert "Imported as batch" not in dry.output
    assert counts(app) == empty

    real = run(app, *small(home, "--meeting", MEETING, "--unknown", "create"))
    assert real.exit_code == 0, real.output
    assert table(real.output) == SMALL_TABLE
    batch_id = int(re.search(r"Imported as batch (\d+)\.", real.output).group(1))
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert (batch.chapter_id, batch.filename) == (home.chapter_id, SLIPS_SMALL)
        assert batch.imported_by_id == home.leader_user_id  # the chapter's first leader
        imported = stored()
    assert {k: imported[k] - empty[k] for k in imported if imported[k] != empty[k]} == {
        "slips": 20,
        "thank_yous": 4,
        "one_to_ones": 14,
        "education_credits": 13,
        "members": 16,
        "users": 16,
        "meetings": 1,
        "batches": 1,
        "name_mappings": 16,
        "weekly_totals": imported["weekly_totals"],
    }

    again = run(app, *small(home, "--meeting", MEETING, "--unknown", "create"))
    assert again.exit_code == 0, again.output
    assert f"This file was imported before (batch {batch_id})." in again.output
    assert table(again.output) == AGAIN_TABLE
    assert "Nothing new: no import recorded." in again.output  # no empty batch
    assert counts(app) == imported


def test_the_importer_is_the_chapters_first_leader_or_the_one_named(app: Flask, home: Home) -> None:
    result = run(app, *small(home, "--meeting", MEETING, "--unknown", "other"))
    assert result.exit_code == 0, result.output
    with app.app_context():
        someone = factories.UserFactory(email="importer@platform.example")
        db.session.commit()
        # every name of another chapter: only slips between them and nobody here -> nothing,
        # and no empty batch either
        assert db.session.scalars(db.select(ImportBatch)).all() == []
        assert "Nothing new: no import recorded." in result.output
        assert db.session.scalar(db.select(db.func.count()).select_from(ReferralSlip)) == 0
        someone_id = someone.id
    first = run(
        app, str(FIXTURES / PALMS_US_WEEK), "--chapter", str(home.chapter_id), "--unknown", "create"
    )
    assert "Imported as batch" in first.output, first.output
    with app.app_context():
        batch = db.session.scalars(db.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert batch.imported_by_id == home.leader_user_id
    refused = run(
        app, str(FIXTURES / PALMS_US_RANGE), "--chapter", str(home.chapter_id), "--dry-run"
    )
    # the dry run says what confirm would refuse: the week imported above is in its range
    assert "Would be refused: The chapter already has 1 week of history" in refused.output
    other = run(
        app,
        str(FIXTURES / SLIPS_XLSX),
        "--chapter",
        str(home.chapter_id),
        "--unknown",
        "create",
        "--by",
        "Importer@Platform.example",
    )
    assert other.exit_code == 0, other.output
    with app.app_context():
        latest = db.session.scalars(db.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert latest.imported_by_id == someone_id

    nobody = run(app, *small(home, "--meeting", MEETING, "--by", "nobody@x.example"))
    assert nobody.exit_code != 0
    assert "no account nobody@x.example" in nobody.output


@pytest.mark.parametrize(
    "options",
    [
        ("--meeting", "2025-02-30"),
        ("--meeting", "27/08/2025"),
        ("--from", "2025-13-01", "--to", "2025-12-31"),
    ],
)
def test_a_bad_date_is_refused_with_a_message(app: Flask, home: Home, options) -> None:
    empty = counts(app)
    result = run(app, *small(home, *options, "--unknown", "create"))
    assert result.exit_code != 0
    assert "is not a date (YYYY-MM-DD)" in result.output
    assert "Traceback" not in result.output
    assert counts(app) == empty


def test_without_a_meeting_it_prints_the_hint_and_refuses_to_import(app: Flask, home: Home) -> None:
    empty = counts(app)
    result = run(app, *small(home, "--unknown", "create"))
    assert result.exit_code == 1
    assert "This Slips Audit does not say its meeting: give --meeting YYYY-MM-DD." in result.output
    assert "Error: Choose the meeting this Slips Audit belongs to." in result.output
    assert "Imported as batch" not in result.output
    assert counts(app) == empty  # the staged file went with the rollback


def test_unknown_names_are_listed_and_the_import_refused(app: Flask, home: Home) -> None:
    empty = counts(app)
    result = run(app, *small(home, "--meeting", MEETING))
    assert result.exit_code == 1
    assert "Names no member matches (map them on the import page, or use --unknown):" in (
        result.output
    )
    assert "  Petounoun Fregewea (11 rows)" in result.output
    assert "Error: Say who these are first: Briogeapu Dugrou" in result.output
    assert counts(app) == empty


def test_a_file_that_is_no_report_is_refused(app: Flask, home: Home, tmp_path) -> None:
    junk = tmp_path / "notes.csv"
    junk.write_bytes(b"Date,Amount,Note\n2025-01-01,10,x\n")
    result = run(app, str(junk), "--chapter", str(home.chapter_id))
    assert result.exit_code == 1
    assert "Error: This file is not a report the importer knows." in result.output
    renamed = tmp_path / "roster.xls"
    renamed.write_bytes(load(SLIPS_SMALL)[:500])  # cut short
    broken = run(app, str(renamed), "--chapter", str(home.chapter_id))
    assert broken.exit_code == 1
    assert "Error:" in broken.output
    assert counts(app)["uploads"] == 0


def test_an_unknown_chapter_is_refused_with_a_message(app: Flask, home: Home) -> None:
    result = run(app, str(FIXTURES / SLIPS_SMALL), "--chapter", str(home.chapter_id + 99))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "There is no such chapter." in result.output
