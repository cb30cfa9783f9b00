"""Ledgers: my ledger (given / received / activity), the chapter ledger for leaders."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from sqlalchemy import Select
from werkzeug.wrappers import Response

from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.extensions import db
from chapter.forms import ActionForm
from chapter.ledger import bp, testimonials
from chapter.ledger import service as ledgers
from chapter.ledger.forms import DisputeForm, VoidForm
from chapter.ledger.money import from_cents
from chapter.ledger.routes import me
from chapter.ledger.rules import EntryType, SlipStatus, thanker_label
from chapter.meetings import service as meetings
from chapter.meetings.weeks import Period, periods
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import Role
from chapter.permissions import page_viewer, role_required
from chapter.platform import page_cache
from chapter.platform.csv_download import csv_response

TABS = ("given", "received", "activity")


def _periods(chapter: Chapter) -> tuple[dict[str, Period], tuple[date, date]]:
    """The periods a ledger offers, and what they were counted from (the chapter's today and
    current week)."""
    now = utcnow()
    today = chapters.today_in(chapter, now)
    week_on = meetings.week_of_cached(chapter, now).week_on
    return periods(today, week_on), (today, week_on)


def _choice(name: str, allowed: object, default: str) -> str:
    value = request.args.get(name, default)
    if value not in allowed:  # type: ignore[operator]
        abort(400)
    return value


@bp.route("/ledger")
@role_required(Role.MEMBER)
def ledger() -> Response | str | bytes:
    member, chapter = me()
    tab = _choice("tab", TABS, "given")
    all_periods, counted_from = _periods(chapter)
    period = all_periods[_choice("period", all_periods, "six_months")]
    if request.args.get("format") == "csv":
        slips, thank_yous, said = _entries(member.id, tab, period)
        names = members.names_by_member(chapter.id)
        return _member_csv(member.id, tab, period, slips, thank_yous, names, chapter, said)
    # The whole page, kept per member (their own rows; the navigation follows their roles)
    # until the chapter's data changes: every row it shows is the chapter's.
    pages = tuple(request.args.get(name) for name in ("page", "per_page", "tpage", "xpage"))
    return page_cache.remember_page(
        chapter.id,
        ("ledger", *page_viewer(member), tab, period.key, *counted_from, *pages),
        lambda: _member_ledger(member, chapter, tab, period, all_periods),
    )


def _entries(member_id: int, tab: str, period: Period) -> tuple[Select, Select, Select | None]:
    """The tab's two lists and its testimonials (none on the activity tab), as queries."""
    if tab == "given":
        slips, thank_yous = (
            ledgers.slips_given(member_id, period),
            ledgers.thanks_credited(member_id, period),
        )
    elif tab == "received":
        slips, thank_yous = (
            ledgers.slips_received(member_id, period),
            ledgers.thanks_written(member_id, period),
        )
    else:
        slips, thank_yous = (
            ledgers.one_to_ones_of(member_id, period),
            ledgers.education_of(member_id, period),
        )
    given_tab = tab == "given"
    said = (
        (testimonials.given_by if given_tab else testimonials.received_by)(member_id, period)
        if tab != "activity"
        else None
    )
    return slips, thank_yous, said


def _member_ledger(
    member: Member, chapter: Chapter, tab: str, period: Period, all_periods: dict[str, Period]
) -> str:
    slips, thank_yous, said = _entries(member.id, tab, period)
    names = members.names_by_member(chapter.id)
    return render_template(
        "referrals/ledger.html",
        tab=tab,
        period=period,
        periods=all_periods,
        member=member,
        chapter=chapter,
        slips=db.paginate(slips, per_page=25, max_per_page=100),
        thank_yous=db.paginate(
            thank_yous, page=request.args.get("tpage", 1, type=int), per_page=25, max_per_page=100
        ),
        totals=ledgers.member_totals(member.id, period),
        said=None
        if said is None
        else db.paginate(
            said, page=request.args.get("xpage", 1, type=int), per_page=25, max_per_page=100
        ),
        said_counts=testimonials.count_in(member.id, period),
        names=names,
        void_form=VoidForm(formdata=None),
        dispute_form=DisputeForm(formdata=None),
        action_form=ActionForm(),
    )


def _member_csv(member_id, tab, period, slips, thank_yous, names, chapter, said) -> Response:
    rows: list[list[object]] = []
    if tab == "activity":
        for entry in db.session.scalars(slips):
            rows.append(
                [
                    entry.week_on,
                    "one-to-one",
                    entry.name_of(names, entry.logged_by_id),
                    entry.name_of(names, entry.other_id),
                    "",
                    entry.met_on,
                    entry.place,
                    "voided" if entry.is_voided else "",
                ]
            )
        for entry in db.session.scalars(thank_yous):
            rows.append(
                [
                    entry.week_on,
                    "education",
                    names.get(entry.member_id),
                    "",
                    entry.credits,
                    entry.earned_on,
                    entry.topic,
                    "voided" if entry.is_voided else "",
                ]
            )
        header = ["Week", "Type", "Member", "With", "Credits", "Date", "Detail", "Voided"]
    else:
        for slip in db.session.scalars(slips):
            rows.append(
                [
                    slip.week_on,
                    "referral " + slip.kind.value,
                    slip.name_of(names, slip.giver_id),
                    slip.name_of(names, slip.receiver_id),
                    slip.status.label,
                    "",
                    slip.prospect_name,
                    "voided" if slip.is_voided else "",
                ]
            )
        for entry in db.session.scalars(thank_yous):
            thanker = thanker_label(member_id, entry, names)
            rows.append(
                [
                    entry.week_on,
                    "TYFCB " + entry.business_type.value,
                    thanker,
                    names.get(entry.giver_id),
                    "",
                    from_cents(entry.amount_cents),
                    entry.note,
                    "voided" if entry.is_voided else "",
                ]
            )
        for entry in db.session.scalars(said):
            rows.append(
                [
                    entry.week_on,
                    f"testimonial {entry.kind.value}",
                    names.get(entry.giver_id),
                    names.get(entry.receiver_id),
                    "",
                    "",
                    entry.text,
                    "voided" if entry.is_voided else "",
                ]
            )
        header = [
            "Week",
            "Type",
            "From",
            "To",
            "Status",
            f"Amount ({chapter.currency})",
            "Detail",
            "Voided",
        ]
    return csv_response(f"ledger-{tab}-{period.key}.csv", header, rows)


@bp.route("/ledger/chapter")
@role_required(Role.LEADER)
def chapter_ledger() -> Response | str:
    _, chapter = me()
    entry_type = EntryType(_choice("type", [t.value for t in EntryType], EntryType.SLIP.value))
    status_arg = _choice("status", ["", *(s.value for s in SlipStatus)], "")
    member_arg = request.args.get("member", "")
    if member_arg and not member_arg.isdigit():
        abort(400)
    member_id = int(member_arg) if member_arg else None
    week_arg = request.args.get("week", "")
    weeks = ledgers.chapter_weeks(chapter.id)
    week_on = next((w for w in weeks if w.isoformat() == week_arg), None)
    if week_arg and week_on is None:
        abort(400)
    names = members.names_by_member(chapter.id)
    if member_id is not None and member_id not in names:
        abort(400)
    chosen = ledgers.ChapterFilter(
        entry_type, member_id, week_on, SlipStatus(status_arg) if status_arg else None
    )
    query = ledgers.chapter_entries(chapter.id, chosen)
    if request.args.get("format") == "csv":
        return csv_response(
            f"chapter-ledger-{entry_type.value}.csv",
            [
                "Week",
                "Type",
                "Member",
                "Other member",
                "Status",
                f"Amount ({chapter.currency})",
                "Credits",
                "Detail",
                "Voided",
            ],
            (_chapter_row(entry_type, entry, names) for entry in db.session.scalars(query)),
        )
    return render_template(
        "referrals/chapter_ledger.html",
        chapter=chapter,
        chosen=chosen,
        page=db.paginate(query, per_page=50, max_per_page=200),
        totals=ledgers.chapter_totals(chapter.id, chosen),
        names=names,
        weeks=weeks,
        types=list(EntryType),
        statuses=list(SlipStatus),
    )


def _chapter_row(entry_type: EntryType, entry, names: dict[int, str]) -> list[object]:
    voided = "voided" if entry.is_voided else ""
    if entry_type is EntryType.SLIP:
        return [
            entry.week_on,
            f"referral {entry.kind.value}",
            entry.name_of(names, entry.giver_id),
            entry.name_of(names, entry.receiver_id),
            entry.status.label,
            "",
            "",
            entry.prospect_name,
            voided,
        ]
    if entry_type is EntryType.THANK_YOU:  # credited member only: who thanked stays private
        return [
            entry.week_on,
            f"TYFCB {entry.business_type.value}",
            names.get(entry.giver_id),
            "",
            "",
            from_cents(entry.amount_cents),
            "",
            "",
            voided,
        ]
    if entry_type is EntryType.ONE_TO_ONE:
        return [
            entry.week_on,
            "one-to-one",
            entry.name_of(names, entry.logged_by_id),
            entry.name_of(names, entry.other_id),
            "disputed" if entry.disputed_at else "",
            "",
            "",
            entry.place,
            voided,
        ]
    return [
        entry.week_on,
        "education",
        names.get(entry.member_id),
        "",
        "",
        "",
        entry.credits,
        entry.topic,
        voided,
    ]
