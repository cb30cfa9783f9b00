"""``flask chapter import FILE --chapter ID``: the import page's twin for large histories.

It prints the same preview; without ``--dry-run`` it then imports, in one transaction.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from chapter.auth import service as accounts
from chapter.auth.models import User
from chapter.bni import import_checks, import_writes, imports
from chapter.bni.imports import CREATE, OTHER, Plan
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.errors import ChapterError
from chapter.extensions import db
from chapter.ledger.rules import BusinessType
from chapter.members import service as members
from chapter.moving import chapter_import


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from error


def _actor(chapter_id: int, email: str | None) -> User:
    if email:
        user = accounts.find_by_email(email)
        if user is None:
            raise click.ClickException(f"no account {email}")
        return user
    leaders = members.leaders(chapter_id)
    if not leaders:
        raise click.ClickException("the chapter has no leader: say who imports with --by")
    return leaders[0].user


def register(group: click.Group) -> None:
    @group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--chapter", "chapter_id", type=int, required=True, help="Chapter id.")
    @click.option("--meeting", help="Meeting date (YYYY-MM-DD) of a Slips Audit without one.")
    @click.option("--from", "starts_on", help="First date of a summary exported without headers.")
    @click.option("--to", "ends_on", help="Last date of a summary exported without headers.")
    @click.option(
        "--unknown",
        type=click.Choice([CREATE, OTHER]),
        help="What names no member matches are: new members, or of another chapter.",
    )
    @click.option(
        "--thanks",
        type=click.Choice([t.value for t in BusinessType]),
        default=BusinessType.NEW.value,
        show_default=True,
        help="Whether the file's thank-yous (TYFCB) are new or repeat business.",
    )
    @click.option("--by", "by_email", help="Who imports (default: the chapter's first leader).")
    @click.option("--dry-run", is_flag=True, help="Print the preview; write nothing.")
    def import_file(
        file: Path,
        chapter_id: int,
        meeting: str | None,
        starts_on: str | None,
        ends_on: str | None,
        unknown: str | None,
        thanks: str,
        by_email: str | None,
        dry_run: bool,
    ) -> None:
        """Import a BNI Connect export (PALMS summary, Slips Audit or roster) into a chapter."""
        first, last = _date(starts_on), _date(ends_on)
        try:
            chapters.get_chapter(chapter_id)
            actor = _actor(chapter_id, by_email)
            upload_id = imports.stage(
                chapter_id,
                file.name,
                file.read_bytes(),
                actor=actor,
                max_bytes=2**31,  # the command line is for the large histories
            )
            upload = imports.get_upload(chapter_id, upload_id)
            options: dict[str, Any] = {
                "meeting_on": _date(meeting),
                "period": (first, last) if first and last else None,
                "thanks_type": BusinessType(thanks),
            }
            plan = imports.plan(upload, **options)
            if unknown:
                choices = {name.key: unknown for name in plan.unknown}
                plan = imports.plan(upload, choices=choices, **options)
            _print(plan)
            if dry_run:
                db.session.rollback()
                click.echo("Dry run: nothing written.")
                return
            batch = import_writes.confirm(plan, actor=actor, now=utcnow())
            db.session.commit()
        except ChapterError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from error
        if batch is None:
            click.echo("Nothing new: no import recorded.")
        else:
            click.echo(f"Imported as batch {batch.id}.")


def register_document(group: click.Group) -> None:
    @group.command("import-json")
    @click.argument("file", type=click.File("rb"))
    def import_json(file: Any) -> None:
        """Create a chapter from a JSON export of this platform (members, meetings,
        attendance, rotation, ledger). Members get accounts without passwords: invite them."""
        try:
            document = json.load(file)
        except (ValueError, UnicodeDecodeError) as error:
            raise click.ClickException(f"not a JSON document ({error})") from error
        try:
            chapter, counts = chapter_import.import_chapter(document, actor=None, now=utcnow())
            db.session.commit()
        except ChapterError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from error
        click.echo(f"Created chapter {chapter.id} ({chapter.name}):")
        for name, count in counts.items():
            click.echo(f"  {name}: {count}")


def _print(plan: Plan) -> None:
    click.echo(f"{plan.upload.filename}: {plan.kind.label}")
    if plan.meeting_on:
        click.echo(f"Meeting: {plan.meeting_on.isoformat()}")
    if plan.earlier is not None:
        click.echo(f"This file was imported before (batch {plan.earlier.id}).")
    click.echo(f"{'':28} {'new':>8} {'already':>8}")
    for label, new, existing in plan.rows():
        if new or existing:
            click.echo(f"{label:28} {new:>8} {existing:>8}")
    if plan.reconciliation:
        click.echo(f"{'':28} {'file':>14} {'members':>14} {'elsewhere':>14}")
        for r in plan.reconciliation:
            shown = [
                "-" if v is None else (import_checks.money(v) if r.money else str(v))
                for v in (r.in_file, r.to_import, r.elsewhere)
            ]
            mark = "" if r.matches else "  differs"
            click.echo(f"{r.label:28} {shown[0]:>14} {shown[1]:>14} {shown[2]:>14}{mark}")
    for note in plan.notes:
        click.echo(f"Note: {note}")
    if plan.unknown:
        click.echo("Names no member matches (map them on the import page, or use --unknown):")
        for name in plan.unknown:
            click.echo(f"  {name.name} ({name.rows} rows)")
    for problem in plan.skipped[:50]:
        click.echo(f"Row {problem.row}: {problem.message}" if problem.row else problem.message)
    if len(plan.skipped) > 50:
        click.echo(f"... and {len(plan.skipped) - 50} more rows not imported.")
    for person in plan.returning:
        if person.held_by:
            click.echo(f"Stays left: {person.name} ({person.held_by} holds the classification).")
        else:
            click.echo(f"Comes back as an active member: {person.name}.")
    if plan.needs_meeting:
        click.echo("This Slips Audit does not say its meeting: give --meeting YYYY-MM-DD.")
    if plan.needs_period:
        click.echo("This summary does not say its dates: give --from and --to.")
    for message, _ in plan.refusals:
        click.echo(f"Would be refused: {message}")
    if plan.ready and plan.writes_nothing:
        click.echo("Nothing new: importing records no batch.")
