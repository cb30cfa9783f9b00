"""Ledgers: what each member gave and received, and the chapter's ledger for leaders.

Totals are SQL aggregates over non-voided rows; lists are Selects for pagination. The
chapter ledger never exposes who thanked whom: thank-yous show the credited member only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, union

from chapter.extensions import db
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.ledger.rules import EntryType, SlipKind, SlipStatus
from chapter.meetings.weeks import Period

MODELS = {
    EntryType.SLIP: ReferralSlip,
    EntryType.THANK_YOU: ThankYou,
    EntryType.ONE_TO_ONE: OneToOne,
    EntryType.EDUCATION: EducationCredit,
}


def _in_period(query: Select, model: type, period: Period) -> Select:
    query = query.where(model.week_on <= period.end)  # type: ignore[attr-defined]
    if period.start is not None:
        query = query.where(model.week_on >= period.start)  # type: ignore[attr-defined]
    return query


def _newest(query: Select, model: type) -> Select:
    return query.order_by(model.week_on.desc(), model.id.desc())  # type: ignore[attr-defined]


def slips_given(member_id: int, period: Period) -> Select:
    return _newest(
        _in_period(
            db.select(ReferralSlip).where(ReferralSlip.giver_id == member_id), ReferralSlip, period
        ),
        ReferralSlip,
    )


def slips_received(member_id: int, period: Period) -> Select:
    return _newest(
        _in_period(
            db.select(ReferralSlip).where(ReferralSlip.receiver_id == member_id),
            ReferralSlip,
            period,
        ),
        ReferralSlip,
    )


def thanks_credited(member_id: int, period: Period) -> Select:
    """Thank-yous credited to the member (business their referrals brought)."""
    return _newest(
        _in_period(db.select(ThankYou).where(ThankYou.giver_id == member_id), ThankYou, period),
        ThankYou,
    )


def thanks_written(member_id: int, period: Period) -> Select:
    """Thank-yous the member wrote (business they received)."""
    return _newest(
        _in_period(db.select(ThankYou).where(ThankYou.thanker_id == member_id), ThankYou, period),
        ThankYou,
    )


@dataclass(frozen=True)
class MemberTotals:
    given_inside: int
    given_outside: int
    received: int
    credited_cents: int
    thanked_cents: int
    one_to_ones: int
    education_credits: int

    @property
    def given(self) -> int:
        return self.given_inside + self.given_outside


def member_totals(member_id: int, period: Period) -> MemberTotals:
    """A member's totals for the period, from four aggregate queries over non-voided rows."""
    slips = db.session.execute(
        _in_period(
            db.select(
                func.count(
                    case(
                        (
                            (ReferralSlip.giver_id == member_id)
                            & (ReferralSlip.kind == SlipKind.INSIDE),
                            1,
                        )
                    )
                ),
                func.count(
                    case(
                        (
                            (ReferralSlip.giver_id == member_id)
                            & (ReferralSlip.kind == SlipKind.OUTSIDE),
                            1,
                        )
                    )
                ),
                func.count(case((ReferralSlip.receiver_id == member_id, 1))),
            ).where(
                or_(ReferralSlip.giver_id == member_id, ReferralSlip.receiver_id == member_id),
                ReferralSlip.voided_at.is_(None),
            ),
            ReferralSlip,
            period,
        )
    ).one()
    money = db.session.execute(
        _in_period(
            db.select(
                func.coalesce(
                    func.sum(case((ThankYou.giver_id == member_id, ThankYou.amount_cents))), 0
                ),
                func.coalesce(
                    func.sum(case((ThankYou.thanker_id == member_id, ThankYou.amount_cents))), 0
                ),
            ).where(
                or_(ThankYou.giver_id == member_id, ThankYou.thanker_id == member_id),
                ThankYou.voided_at.is_(None),
            ),
            ThankYou,
            period,
        )
    ).one()
    one_to_ones = db.session.scalar(
        _in_period(
            db.select(func.count())
            .select_from(OneToOne)
            .where(
                or_(OneToOne.logged_by_id == member_id, OneToOne.other_id == member_id),
                OneToOne.voided_at.is_(None),
            ),
            OneToOne,
            period,
        )
    )
    education = db.session.scalar(
        _in_period(
            db.select(func.coalesce(func.sum(EducationCredit.credits), 0)).where(
                EducationCredit.member_id == member_id, EducationCredit.voided_at.is_(None)
            ),
            EducationCredit,
            period,
        )
    )
    return MemberTotals(
        given_inside=slips[0],
        given_outside=slips[1],
        received=slips[2],
        credited_cents=int(money[0]),
        thanked_cents=int(money[1]),
        one_to_ones=one_to_ones or 0,
        education_credits=int(education or 0),
    )


def one_to_ones_of(member_id: int, period: Period) -> Select:
    return _newest(
        _in_period(
            db.select(OneToOne).where(
                or_(OneToOne.logged_by_id == member_id, OneToOne.other_id == member_id)
            ),
            OneToOne,
            period,
        ),
        OneToOne,
    )


def education_of(member_id: int, period: Period) -> Select:
    return _newest(
        _in_period(
            db.select(EducationCredit).where(EducationCredit.member_id == member_id),
            EducationCredit,
            period,
        ),
        EducationCredit,
    )


@dataclass(frozen=True)
class ChapterFilter:
    entry_type: EntryType = EntryType.SLIP
    member_id: int | None = None
    week_on: date | None = None
    status: SlipStatus | None = None


def _filtered(query: Select, chapter_id: int, chosen: ChapterFilter) -> Select:
    model = MODELS[chosen.entry_type]
    query = query.where(model.chapter_id == chapter_id)  # type: ignore[attr-defined]
    if chosen.week_on is not None:
        query = query.where(model.week_on == chosen.week_on)  # type: ignore[attr-defined]
    if chosen.member_id is not None:
        query = query.where(_involves(chosen.entry_type, chosen.member_id))
    if chosen.status is not None and chosen.entry_type is EntryType.SLIP:
        query = query.where(ReferralSlip.status == chosen.status)
    return query


def _involves(entry_type: EntryType, member_id: int):
    if entry_type is EntryType.SLIP:
        return or_(ReferralSlip.giver_id == member_id, ReferralSlip.receiver_id == member_id)
    if entry_type is EntryType.THANK_YOU:
        return ThankYou.giver_id == member_id  # credited side only: thankers stay private
    if entry_type is EntryType.ONE_TO_ONE:
        return or_(OneToOne.logged_by_id == member_id, OneToOne.other_id == member_id)
    return EducationCredit.member_id == member_id


def chapter_entries(chapter_id: int, chosen: ChapterFilter) -> Select:
    """The chapter's entries of one type, newest week first, filtered."""
    model = MODELS[chosen.entry_type]
    return _newest(_filtered(db.select(model), chapter_id, chosen), model)


@dataclass(frozen=True)
class ChapterTotals:
    entries: int
    amount_cents: int
    credits: int


def chapter_totals(chapter_id: int, chosen: ChapterFilter) -> ChapterTotals:
    """Count (and amount or credits) of the filtered non-voided entries, in one query."""
    model = MODELS[chosen.entry_type]
    amount = (
        func.coalesce(func.sum(ThankYou.amount_cents), 0)
        if chosen.entry_type is EntryType.THANK_YOU
        else db.literal(0)
    )
    credits = (
        func.coalesce(func.sum(EducationCredit.credits), 0)
        if chosen.entry_type is EntryType.EDUCATION
        else db.literal(0)
    )
    row = db.session.execute(
        _filtered(
            db.select(func.count(model.id), amount, credits).where(  # type: ignore[attr-defined]
                model.voided_at.is_(None)  # type: ignore[attr-defined]
            ),
            chapter_id,
            chosen,
        )
    ).one()
    return ChapterTotals(row[0], int(row[1]), int(row[2]))


def chapter_weeks(chapter_id: int, limit: int = 104) -> list[date]:
    """The weeks (meeting dates) that have ledger entries of any kind, newest first."""
    weeks = union(
        *(
            db.select(model.week_on.label("week_on")).where(model.chapter_id == chapter_id)  # type: ignore[attr-defined]
            for model in MODELS.values()
        )
    ).subquery()
    return list(
        db.session.scalars(db.select(weeks.c.week_on).order_by(weeks.c.week_on.desc()).limit(limit))
    )
