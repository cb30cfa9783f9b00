"""``flask chapter ...`` commands: create a chapter, load the demo, make a platform admin."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import click
from flask.cli import AppGroup

from chapter.auth import service as accounts
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.demo import service as demo
from chapter.digests import sending
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.leaderboard import weekly_totals
from chapter.meetings import service as meetings
from chapter.meetings.schedule import WEEKDAYS
from chapter.members import service as members
from chapter.moving import cli as cli_import
from chapter.platform import backups
from chapter.webhooks import sending as webhook_sending

chapter_cli = AppGroup("chapter", help="Manage chapters and the demo data.")
cli_import.register(chapter_cli)
cli_import.register_document(chapter_cli)


def _time(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter("use HH:MM, e.g. 07:00") from error


@chapter_cli.command("create")
@click.option("--name", required=True, help="Chapter name.")
@click.option(
    "--weekday",
    required=True,
    type=click.Choice([day.lower() for day in WEEKDAYS]),
    help="Meeting day.",
)
@click.option("--time", "meeting_time", required=True, help="Meeting time, HH:MM local.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone.")
@click.option("--location", default="", help="Meeting place.")
@click.option("--currency", default="USD", show_default=True)
@click.option("--leader-email", required=True)
@click.option("--leader-first-name", required=True)
@click.option("--leader-last-name", required=True)
@click.option("--leader-business", required=True)
@click.option("--leader-classification", required=True)
@click.option("--leader-password", default=None, help="Set it now instead of inviting.")
def create(
    name: str,
    weekday: str,
    meeting_time: str,
    timezone: str,
    location: str,
    currency: str,
    leader_email: str,
    leader_first_name: str,
    leader_last_name: str,
    leader_business: str,
    leader_classification: str,
    leader_password: str | None,
) -> None:
    """Create a chapter with its first leader (its president)."""
    from zoneinfo import available_timezones

    if timezone not in available_timezones():
        raise click.BadParameter(f"unknown time zone {timezone!r}", param_hint="--timezone")
    details = chapters.ChapterDetails(
        name=name,
        meeting_weekday=[d.lower() for d in WEEKDAYS].index(weekday),
        meeting_time=_time(meeting_time),
        timezone=timezone,
        location=location,
        currency=currency,
    )
    leader = members.MemberDetails(
        first_name=leader_first_name,
        last_name=leader_last_name,
        email=leader_email,
        business_name=leader_business,
        classification=leader_classification,
    )
    try:
        chapter, first_leader = chapters.create_chapter(
            details, leader, actor=None, today=utcnow().date()
        )
        if leader_password:
            accounts.set_password(first_leader.user, leader_password)
    except RuleViolation as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    how = (
        "with the given password"
        if leader_password
        else (f"invitation path /invitation/{accounts.invitation_token(first_leader.user)}")
    )
    click.echo(f"Created chapter {chapter.id} {chapter.name!r}; leader {first_leader.email} {how}")


@chapter_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load it into a database with no accounts.")
def load_demo(if_empty: bool) -> None:
    """Load the demo chapter (invented people) and print its log-ins."""
    if chapters.platform_is_empty():
        logins = demo.load_demo(today=utcnow().date())
        db.session.commit()
        click.echo("Loaded the DEMO chapter (invented people and businesses). Demo log-ins:")
    elif if_empty:
        logins = demo.demo_logins()
        if not logins:
            click.echo("The database has accounts already; no demo loaded.")
            return
        click.echo("The DEMO chapter is already loaded. Demo log-ins:")
    else:
        raise click.ClickException("the database already has accounts; demo not loaded")
    for login in logins:
        click.echo(f"  {login.role}: {login.email} / {login.password}")


@chapter_cli.command("schedule")
def schedule() -> None:
    """Generate every chapter's meetings for the weeks ahead (run daily, e.g. from cron)."""
    added = meetings.refresh_all_schedules(utcnow())
    db.session.commit()
    click.echo(f"Added {added} meeting(s).")


@chapter_cli.command("send-due-mail")
def send_due_mail() -> None:
    """Send the weekly digests and reminders that are due (run every few minutes: cron or a
    systemd timer). Idempotent: what was sent is recorded, so a re-run or a second host sends
    nothing twice, and mail a failing SMTP server refused is retried by the next run."""
    report = sending.send_due_mail(utcnow(), commit=db.session.commit)
    db.session.commit()
    click.echo(report.summary())
    if report.failed:
        raise SystemExit(1)


@chapter_cli.command("send-due-webhooks")
def send_due_webhooks() -> None:
    """Deliver the chapters' due webhook events (run every minute: cron or a systemd timer).
    Idempotent: each delivery is claimed before it is sent and recorded after the answer, so
    a re-run or a second host sends nothing twice; failures are retried with backoff."""
    from flask import current_app

    config = current_app.config
    settings = webhook_sending.Settings(
        connect_timeout=float(config["WEBHOOK_CONNECT_TIMEOUT"]),
        read_timeout=float(config["WEBHOOK_READ_TIMEOUT"]),
        allow_local_http=bool(config["WEBHOOK_ALLOW_LOCAL_HTTP"]),
    )
    report = webhook_sending.send_due_webhooks(commit=db.session.commit, settings=settings)
    db.session.commit()
    click.echo(report.summary())


@chapter_cli.command("rebuild-weekly-totals")
def rebuild_weekly_totals() -> None:
    """Recompute every chapter's per-member weekly summary from the raw rows."""
    from chapter.chapters.models import Chapter

    rows = 0
    for chapter_id in db.session.scalars(db.select(Chapter.id)):
        rows += weekly_totals.rebuild(chapter_id)
    db.session.commit()
    click.echo(f"Rebuilt {rows} member-week row(s).")


@chapter_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Copy the SQLite database to PATH while the app keeps running."""
    try:
        size = backups.backup(path)
    except RuleViolation as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Backed up to {path} ({size:,} bytes).")


@chapter_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore(path: Path) -> None:
    """Restore a backup made with `flask chapter backup` into an empty database."""
    try:
        backups.restore(path)
    except RuleViolation as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Restored {path}.")


@chapter_cli.command("make-admin")
@click.argument("email")
def make_admin(email: str) -> None:
    """Make the account with EMAIL a platform admin."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with e-mail {email}")
    chapters.make_platform_admin(user, actor=None)
    db.session.commit()
    click.echo(f"{user.email} is now a platform admin")
