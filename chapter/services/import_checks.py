"""The preview's "does it add up?": the file's own totals against what an import credits to
this chapter's members and what it credits elsewhere (Visitors and BNI rows, TYFCB to BNI,
other chapters)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chapter.domain.bni_reports import (
    COUNT_FIELDS,
    PalmsLine,
    PalmsSummary,
    SlipLine,
    SlipsAudit,
    SlipType,
)

if TYPE_CHECKING:
    from chapter.services.imports import Plan


@dataclass(frozen=True)
class Reconciliation:
    """One column: the file's own total, what this import credits to members, and what the
    file credits elsewhere (the Visitors and BNI rows, TYFCB to BNI, other chapters)."""

    label: str
    in_file: int | None  # None: the file has no Total row
    to_import: int
    elsewhere: int = 0
    money: bool = False

    @property
    def matches(self) -> bool:
        return self.in_file is None or self.in_file == self.to_import + self.elsewhere


def slips(result: Plan, report: SlipsAudit, bni_cents: int) -> None:
    planned = Counter(
        (p.line.type, p.line.inside) for p in result.pending if isinstance(p.line, SlipLine)
    )
    for label, slip_type, inside in (
        ("Referrals inside", SlipType.REFERRAL, True),
        ("Referrals outside", SlipType.REFERRAL, False),
        ("One-to-ones", SlipType.ONE_TO_ONE, None),
        ("TYFCB slips", SlipType.TYFCB, None),
        ("CEU slips", SlipType.CEU, None),
        ("Visitors", SlipType.VISITOR, None),
    ):
        in_file = report.count(slip_type, inside)
        planned_here = planned[(slip_type, inside)]
        result.reconciliation.append(
            Reconciliation(label, in_file, planned_here, in_file - planned_here)
        )
    imported_cents = sum(
        p.line.amount_cents for p in result.pending if isinstance(p.line, SlipLine)
    )
    result.reconciliation.append(
        Reconciliation("TYFCB amount", report.tyfcb_cents(), imported_cents, bni_cents, money=True)
    )
    if bni_cents:
        result.notes.append(
            f"{money(bni_cents)} of TYFCB was credited to BNI rather than a member: it is "
            "counted above but not written to any member's ledger."
        )


def palms(result: Plan, report: PalmsSummary) -> None:
    file_sums = report.sums()
    planned = {p.line.key for p in result.pending}
    labels = {"one_to_ones": "1-2-1", "tyfcb_cents": "TYFCB"}
    for column in (*COUNT_FIELDS, "tyfcb_cents"):
        if column == "t" and not report.has_testimonials:
            continue

        def value(line: PalmsLine | None, column: str = column) -> int:
            if line is None:
                return 0
            return line.tyfcb_cents if column == "tyfcb_cents" else line.counts[column]

        total = value(report.total) if report.total else None
        rows = file_sums[column]
        imported = sum(value(line) for line in report.lines if line.key in planned)
        label = labels.get(column, column.upper())
        in_cents = column == "tyfcb_cents"
        result.reconciliation.append(
            Reconciliation(label, total, imported, rows - imported, money=in_cents)
        )
        show = money if in_cents else str
        if total is not None and total != rows:
            result.notes.append(
                f"{label}: the file's Total row says {show(total)} but its rows add up to "
                f"{show(rows)}; BNI Connect counts rows the export leaves out."
            )


def money(cents: int) -> str:
    return f"{cents / 100:,.2f}"
