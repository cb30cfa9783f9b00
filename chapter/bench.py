"""`make bench`: a region-scale dataset and the time of the pages that must stay fast.

Generates (deterministic seed) BENCH_CHAPTERS chapters (100: region size, about a million
referral slips; 1000: national size, about ten million) x 25 members x BENCH_WEEKS weeks (260:
5 years) of weekly meetings into a scratch database (SQLite in a temporary folder, or
CHAPTER_BENCH_DATABASE_URL; on PostgreSQL the rows go in with COPY), builds the weekly
summaries and running totals with the app's own rebuild, then times each page through the
app (median and p95 of repeated requests, SQL query count) next to the bare SQL aggregate
that answers the same question. A benchmark, not a test: CI does not run it.
``tests/load/throughput.py`` (``make throughput``) measures requests per second on gunicorn.
"""

from __future__ import annotations

import gc
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import argon2
import flask_migrate
from sqlalchemy import event, insert, text

from chapter import create_app
from chapter.attendance.models import Attendance
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard import weekly_totals
from chapter.ledger.models import OneToOne, ReferralSlip, ThankYou
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.platform import page_cache

CHAPTERS = int(os.environ.get("BENCH_CHAPTERS", "100"))
MEMBERS = 25
WEEKS = int(os.environ.get("BENCH_WEEKS", "260"))
SLIPS_PER_MEETING = 38  # ~1.5 per member per week: about a million slips in all
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
TODAY = date(2026, 11, 23)


def store(model: type, rows: list[dict]) -> None:
    """Insert the rows: PostgreSQL's COPY (psycopg 3's ``cursor.copy()``, in the session's
    transaction) where it is available, a multi-row INSERT elsewhere (SQLite)."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(model), rows)
        return
    columns = list(rows[0])
    table = model.__table__
    for name in columns:  # the names are the model's own columns (no user input)
        assert name in table.c, name
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def generate(seed: int = 2026) -> None:
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    first_week = TODAY - timedelta(weeks=WEEKS)
    while first_week.weekday() != 2:
        first_week += timedelta(days=1)
    user_rows, chapter_rows, member_rows = [], [], []
    member_id = 0
    for c in range(1, CHAPTERS + 1):
        chapter_rows.append(
            dict(
                id=c,
                name=f"Bench chapter {c:03d}",
                meeting_weekday=2,
                meeting_time=clock(7),
                timezone="Europe/London",
                location="",
                currency="GBP",
                presenters_per_meeting=1,
                absence_limit=3,
                rotation_grace_weeks=4,
                is_demo=False,
                created_at=now,
                updated_at=now,
            )
        )
        for m in range(MEMBERS):
            member_id += 1
            user_rows.append(
                dict(
                    id=member_id,
                    email=f"m{member_id}@bench.example",
                    first_name=f"Member{m}",
                    last_name=f"C{c}",
                    password_hash=None,
                    is_platform_admin=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            member_rows.append(
                dict(
                    id=member_id,
                    user_id=member_id,
                    chapter_id=c,
                    business_name=f"Business {member_id}",
                    classification=f"Profession {m}",
                    classification_key=f"profession {m}",
                    phone="",
                    website="",
                    offer="",
                    ask="",
                    joined_on=first_week - timedelta(days=30),
                    renewal_on=None,
                    status="active",
                    left_on=None,
                    position="president" if m == 0 else None,
                    sponsor_id=None,
                    created_at=now,
                    updated_at=now,
                )
            )
    store(Chapter, chapter_rows)
    store(User, user_rows)
    store(Member, member_rows)
    meeting_id = slip_id = 0
    for c in range(1, CHAPTERS + 1):
        ids = list(range((c - 1) * MEMBERS + 1, c * MEMBERS + 1))
        meetings, attendance, slips, thanks, one_to_ones = [], [], [], [], []
        for week in range(WEEKS):
            day = first_week + timedelta(weeks=week)
            meeting_id += 1
            starts = datetime.combine(day, clock(7), tzinfo=UTC)
            meetings.append(
                dict(
                    id=meeting_id,
                    chapter_id=c,
                    scheduled_on=day,
                    meets_on=day,
                    starts_at=starts,
                    is_cancelled=False,
                    cancel_reason="",
                    roster_completed_at=starts + timedelta(hours=2),
                    roster_completed_by_id=ids[0],
                    roster_version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            for member in ids:
                attendance.append(
                    dict(
                        meeting_id=meeting_id,
                        member_id=member,
                        status=rng.choices("PALMS", (90, 3, 4, 1, 2))[0],
                        note="",
                        substitute_id=None,
                        announced=False,
                        created_at=now,
                        updated_at=now,
                    )
                )
            for _ in range(SLIPS_PER_MEETING):
                giver, receiver = rng.sample(ids, 2)
                slip_id += 1
                slips.append(
                    dict(
                        id=slip_id,
                        chapter_id=c,
                        giver_id=giver,
                        receiver_id=receiver,
                        meeting_id=meeting_id,
                        week_on=day,
                        passed_at=starts,
                        kind=rng.choice(("inside", "outside")),
                        prospect_name="Prospect",
                        prospect_phone="1",
                        prospect_email="",
                        need="",
                        warmth=3,
                        may_contact=True,
                        status="new",
                        status_note="",
                        status_changed_at=None,
                        voided_at=None,
                        voided_by_id=None,
                        void_reason="",
                        created_at=now,
                        updated_at=now,
                    )
                )
                if rng.random() < 0.1:
                    thanks.append(
                        dict(
                            chapter_id=c,
                            giver_id=giver,
                            thanker_id=receiver,
                            meeting_id=meeting_id,
                            week_on=day,
                            slip_id=slip_id,
                            amount_cents=rng.randint(100, 500_000),
                            business_type="new",
                            thanked_on=day,
                            reveal_thanker=True,
                            note="",
                            voided_at=None,
                            voided_by_id=None,
                            void_reason="",
                            created_at=now,
                            updated_at=now,
                        )
                    )
            for _ in range(6):
                one, other = rng.sample(ids, 2)
                one_to_ones.append(
                    dict(
                        chapter_id=c,
                        logged_by_id=one,
                        other_id=other,
                        meeting_id=meeting_id,
                        week_on=day,
                        met_on=day,
                        place="",
                        notes="",
                        disputed_at=None,
                        dispute_reason="",
                        voided_at=None,
                        voided_by_id=None,
                        void_reason="",
                        created_at=now,
                        updated_at=now,
                    )
                )
        store(Meeting, meetings)
        store(Attendance, attendance)
        store(ReferralSlip, slips)
        store(ThankYou, thanks)
        store(OneToOne, one_to_ones)
        weekly_totals.rebuild(c)  # the summaries and running totals, as the app keeps them
        db.session.commit()
        if c % 10 == 0 or c == CHAPTERS:
            rate = c / (time.perf_counter() - started)
            print(
                f"\r  chapter {c}/{CHAPTERS} ({rate:.1f} chapters/s)",
                end="",
                file=sys.stderr,
                flush=True,
            )
    print(file=sys.stderr)
    reset_sequences()
    if db.engine.dialect.name == "postgresql":
        # Statistics for the planner and the visibility map, as autovacuum would make them in
        # time: without statistics PostgreSQL guessed thousands of summary rows per member for
        # the giver-window recount and JIT-compiled it (6-24 ms for a 0.4 ms statement);
        # without the visibility map (a server with autovacuum off) index-only scans read the
        # heap too (the 6-month leaderboard at 34 ms p95 instead of 27).
        db.session.commit()
        _vacuum_analyze()


def reset_sequences() -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them, so that
    the app's own inserts (make load) get fresh ids."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("chapters", "users", "members", "meetings", "referral_slips"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
    db.session.commit()


# The benchmark accounts' password: make load and make throughput log in with it.
PASSWORD = "bench-password-1"  # noqa: S105 - benchmark data only


def set_passwords(emails: list[str] | None = None) -> int:
    """One known password (``PASSWORD``) on the benchmark accounts (``emails``, or every
    ``@bench.example`` account), hashed with a fixed salt so that a second run finds them set
    and writes nothing; returns how many rows changed. On PostgreSQL the rows rewritten are
    vacuumed at once, as autovacuum would in time: every `make load` used to rewrite all
    25,000 users rows, and on a server with autovacuum off their dead tuples stayed in the
    table the log-in check reads on every page."""
    hashed = argon2.PasswordHasher.from_parameters(argon2.profiles.RFC_9106_LOW_MEMORY).hash(
        PASSWORD, salt=b"bench-data-salt!"
    )
    which = User.email.in_(emails) if emails is not None else User.email.like("%@bench.example")
    changed = db.session.execute(
        db.update(User)
        .where(which, User.password_hash.is_distinct_from(hashed))
        .values(password_hash=hashed)
        # run before the load scripts start their servers: no worker keeps an identity yet
        .execution_options(synchronize_session=False, **{page_cache.TOUCHED: True})
    ).rowcount
    db.session.commit()
    if changed and db.engine.dialect.name == "postgresql":
        _vacuum_analyze("users")
    return int(changed)


def _vacuum_analyze(table: str = "") -> None:
    """PostgreSQL's VACUUM ANALYZE (of one table, or the whole database), outside a
    transaction as it must run."""
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text(f"VACUUM ANALYZE {table}".strip())
        )


def ensure_admin() -> int:
    """The platform admin who views the region (admin@bench.example); returns its user id."""
    found = db.session.scalar(text("SELECT id FROM users WHERE email = 'admin@bench.example'"))
    if found is not None:
        return int(found)
    admin_id = int(db.session.scalar(text("SELECT coalesce(max(id), 0) FROM users"))) + 1
    now = datetime.now(UTC)
    db.session.execute(
        insert(User),
        [
            dict(
                id=admin_id,
                email="admin@bench.example",
                first_name="A",
                last_name="Admin",
                is_platform_admin=True,
                created_at=now,
                updated_at=now,
            )
        ],
    )
    reset_sequences()
    db.session.commit()
    return admin_id


def timed(call, repeat: int = REPEAT) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    url = os.environ.get("CHAPTER_BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="chapter-bench-")
    url = url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        flask_migrate.upgrade()
        if db.session.scalar(text("SELECT count(*) FROM chapters")) == 0:
            started = time.perf_counter()
            generate()
            print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        slips = db.session.scalar(text("SELECT count(*) FROM referral_slips"))
        engine = db.engine
    with app.app_context():
        admin_id = ensure_admin()
        meeting = db.session.scalar(
            text("SELECT id FROM meetings WHERE chapter_id = 1 ORDER BY meets_on DESC LIMIT 1")
        )
    gc.collect()
    gc.freeze()  # as gunicorn.conf.py does in each worker once the app is loaded
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    member_client, admin_client = app.test_client(), app.test_client()
    with member_client.session_transaction() as session:
        session["_user_id"] = "1"
    with admin_client.session_transaction() as session:
        session["_user_id"] = str(admin_id)
    pages = [
        (
            "leaderboard, week",
            member_client,
            "/leaderboard/?period=week",
            "SELECT giver_id, count(*) FROM referral_slips WHERE chapter_id = 1 AND week_on = "
            "(SELECT max(meets_on) FROM meetings WHERE chapter_id = 1) GROUP BY giver_id",
        ),
        (
            "leaderboard, 6 months",
            member_client,
            "/leaderboard/?period=six_months",
            "SELECT giver_id, count(*) FROM referral_slips WHERE chapter_id = 1 AND week_on >= "
            "'2026-05-23' GROUP BY giver_id",
        ),
        (
            "leaderboard, all time",
            member_client,
            "/leaderboard/?period=all",
            "SELECT giver_id, count(*) FROM referral_slips WHERE chapter_id = 1 GROUP BY giver_id",
        ),
        (
            "region view, 6 months",
            admin_client,
            "/admin/region",
            "SELECT chapter_id, count(*) FROM referral_slips WHERE week_on >= '2026-05-23' "
            "GROUP BY chapter_id",
        ),
        (
            "region, by health",
            admin_client,
            "/admin/region?sort=health",
            "SELECT chapter_id, count(*) FROM referral_slips WHERE week_on >= '2026-05-23' "
            "GROUP BY chapter_id",
        ),
        (
            "member ledger, 6 months",
            member_client,
            "/ledger?period=six_months",
            "SELECT count(*) FROM referral_slips WHERE giver_id = 1 AND week_on >= '2026-05-23'",
        ),
        (
            "dashboard",
            member_client,
            "/",
            "SELECT count(*) FROM referral_slips WHERE receiver_id = 1 AND week_on >= '2026-11-01'",
        ),
        (
            "roster page",
            member_client,
            f"/meetings/{meeting}/roster",
            f"SELECT member_id, status FROM attendance WHERE meeting_id = {meeting}",
        ),
    ]
    print(
        f"\n{CHAPTERS} chapters, {CHAPTERS * MEMBERS} members, {WEEKS} weeks, "
        f"{slips:,} referral slips; {engine.dialect.name}; "
        f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}\n"
    )
    print(
        f"{'page':26} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bare SQL ms':>12}"
        f" {'cached median':>14} {'cached p95':>11}"
    )
    for name, client, path, bare in pages:
        app.config["PAGE_CACHE"] = False  # built from the database on every request
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        statements.clear()
        client.get(path)
        queries = len(statements)
        median, p95 = timed(lambda c=client, p=path: c.get(p))
        app.config["PAGE_CACHE"] = True  # served from the page cache (data unchanged)
        cached_median, cached_p95 = timed(lambda c=client, p=path: c.get(p))
        with engine.connect() as connection:
            bare_median, _ = timed(lambda s=bare: connection.execute(text(s)).all(), 10)
        print(
            f"{name:26} {median:10.1f} {p95:8.1f} {queries:8d} {bare_median:12.1f}"
            f" {cached_median:14.1f} {cached_p95:11.1f}"
        )


if __name__ == "__main__":
    main()
