"""BNI Connect reports: which report a sheet is, and its rows as typed values.

Three reports: the Chapter Summary PALMS (counts per member over a From-To range), the Slips
Audit (one row per slip) and a member roster. The header row is found by its labels in the
first rows and every column is mapped by label with aliases (layouts differ by export option,
region and language), never by position. Rows that cannot be read are reported with their
1-based row number and why; they never stop the rest. Pure: a ``Sheet`` in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from chapter.bni.sheets import Cell, Sheet, read_sheet
from chapter.ledger.money import cents_of, parse_amount

HEADER_SEARCH_ROWS = 25
MAX_COUNT = 100_000
MAX_CEU = 100  # a real export has 21 credits on one slip

HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "eng", "er", "adv", "ca", "sir", "dame"}


class UnknownReport(ValueError):
    """The sheet was read but is none of the reports the importer knows."""


class ReportKind(StrEnum):
    PALMS_SUMMARY = "palms_summary"
    SLIPS_AUDIT = "slips_audit"
    ROSTER = "roster"

    @property
    def label(self) -> str:
        return {
            "palms_summary": "Chapter Summary PALMS",
            "slips_audit": "Slips Audit",
            "roster": "Member roster",
        }[self.value]


class SlipType(StrEnum):
    REFERRAL = "referral"
    ONE_TO_ONE = "one_to_one"
    TYFCB = "tyfcb"
    CEU = "ceu"
    VISITOR = "visitor"

    @property
    def label(self) -> str:
        return {
            "referral": "Referral",
            "one_to_one": "One-to-One",
            "tyfcb": "TYFCB",
            "ceu": "CEU",
            "visitor": "Visitor",
        }[self.value]


SLIP_TYPES = {
    "referral": SlipType.REFERRAL,
    "referrals": SlipType.REFERRAL,
    "one-to-one": SlipType.ONE_TO_ONE,
    "one to one": SlipType.ONE_TO_ONE,
    "1-2-1": SlipType.ONE_TO_ONE,
    "121": SlipType.ONE_TO_ONE,
    "tyfcb": SlipType.TYFCB,
    "ceu": SlipType.CEU,
    "cte": SlipType.CEU,
    "visitor": SlipType.VISITOR,
    "visitors": SlipType.VISITOR,
}
INSIDE = {"tier 1 (inside)", "inside", "tier 1", "internal", "eigenbedarf"}
OUTSIDE = {"tier 2 (outside)", "outside", "tier 2", "external", "extern"}

# Canonical field -> labels it goes by (compared after ``label_key``).
PALMS_COLUMNS = {
    "first_name": ("first name", "vorname", "prénom", "first"),
    "last_name": ("last name", "nachname", "nom", "surname", "last"),
    "p": ("p",),
    "a": ("a",),
    "l": ("l",),
    "m": ("m",),
    "s": ("s",),
    "rgi": ("rgi", "g (eigenbedarf)"),
    "rgo": ("rgo", "g (extern)"),
    "rri": ("rri", "r (eigenbedarf)"),
    "rro": ("rro", "r (extern)"),
    "v": ("v",),
    "one_to_ones": ("1-2-1", "121", "one-to-one", "1to1"),
    "tyfcb": ("tyfcb", "u"),
    "ceu": ("ceu", "cte"),
    "t": ("t",),
}
PALMS_REQUIRED = ("first_name", "last_name", "p", "a", "l", "m", "s")
COUNT_FIELDS = ("p", "a", "l", "m", "s", "rgi", "rgo", "rri", "rro", "v", "one_to_ones", "ceu", "t")

SLIP_COLUMNS = {
    "from": ("from", "von"),
    "to": ("to", "an"),
    "type": ("slip type", "type"),
    "tier": ("inside/outside", "tier"),
    "amount": ("tyfcb amount", "$ if tyfcb", "amount"),
    "credits": ("ceu credits", "qty if ceu", "credits"),
    "detail": ("detail", "details"),
}
SLIP_REQUIRED = ("from", "to", "type")

ROSTER_COLUMNS = {
    "first_name": ("first name", "first", "vorname"),
    "last_name": ("last name", "last", "surname", "nachname"),
    "company": ("company", "company name", "business", "business name"),
    "classification": (
        "profession/classification",
        "classification",
        "profession",
        "profession / specialty",
        "category",
    ),
    "phone": ("phone", "phone number", "mobile", "mobile phone", "telephone"),
    "email": ("email", "e-mail", "email address"),
    "status": ("status", "membership status"),
    "joined_on": ("join date", "joined", "date joined", "member since"),
    "renewal_on": ("renewal date", "renewal due", "renewal", "due date"),
    "sponsor": ("sponsor", "sponsored by"),
}
ROSTER_REQUIRED = ("first_name", "last_name")


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based, as the spreadsheet shows it
    message: str


def label_key(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold().rstrip(":")


def clean_name(text: str) -> str:
    """The portal's spacing tidied: ``"Rahou  Wiochogro"`` -> ``"Rahou Wiochogro"``."""
    return " ".join(text.replace("\u00a0", " ").split())


def name_key(text: str) -> str:
    """What names are matched on: whitespace and case normalised, honorifics dropped."""
    words = [w for w in clean_name(text).casefold().replace(".", ". ").split() if w != "."]
    while len(words) > 1 and words[0].rstrip(".") in HONORIFICS:
        words.pop(0)
    return " ".join(w for w in words if w != ".").replace(" .", ".")


@dataclass(frozen=True)
class Party:
    """A person named on a slip: a member of this chapter, or (bold) of another chapter."""

    name: str
    other_chapter: bool = False

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class PalmsLine:
    row: int
    first_name: str
    last_name: str
    counts: dict[str, int]
    tyfcb_cents: int

    @property
    def name(self) -> str:
        return clean_name(f"{self.first_name} {self.last_name}")

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def meetings(self) -> int:
        return sum(self.counts[k] for k in ("p", "a", "l", "m", "s"))


@dataclass(frozen=True)
class PalmsSummary:
    kind = ReportKind.PALMS_SUMMARY
    chapter_name: str
    starts_on: date | None
    ends_on: date | None
    has_testimonials: bool
    lines: list[PalmsLine]
    visitors: PalmsLine | None = None
    bni: PalmsLine | None = None
    total: PalmsLine | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def single_meeting(self) -> bool:
        return self.starts_on is not None and self.starts_on == self.ends_on

    def sums(self) -> dict[str, int]:
        """The column totals as the file's Total row counts them: attendance over the
        members; the rest with the Visitors and BNI rows (credit that went to no member)."""
        extra = [x for x in (self.visitors, self.bni) if x is not None]
        totals = {key: sum(line.counts[key] for line in self.lines) for key in COUNT_FIELDS}
        for key in COUNT_FIELDS[5:]:
            totals[key] += sum(line.counts[key] for line in extra)
        totals["tyfcb_cents"] = sum(line.tyfcb_cents for line in [*self.lines, *extra])
        return totals


@dataclass(frozen=True)
class SlipLine:
    row: int
    type: SlipType
    giver: Party | None  # From (blank on TYFCB: the thanker is anonymous)
    receiver: Party | None  # To (the member thanked on TYFCB, the visitor on Visitor)
    inside: bool | None = None  # referrals only
    amount_cents: int = 0  # TYFCB only
    credits: int = 0  # CEU only
    detail: str = ""  # for other-chapter people: "Chapter, Region, Country"

    @property
    def to_bni(self) -> bool:
        return self.receiver is not None and self.receiver.key == "bni"

    def fingerprint(self) -> str:
        """The row's content, for telling re-imported rows from new ones."""
        parts = [
            self.type.value,
            self.giver.key if self.giver else "",
            self.receiver.key if self.receiver else "",
            "" if self.inside is None else ("in" if self.inside else "out"),
            str(self.amount_cents),
            str(self.credits),
            label_key(self.detail),
        ]
        return "|".join(parts)


@dataclass(frozen=True)
class SlipsAudit:
    kind = ReportKind.SLIPS_AUDIT
    chapter_name: str
    meeting_on: date | None  # the "Export" layout's title names it; the other does not
    lines: list[SlipLine]
    problems: list[Problem] = field(default_factory=list)
    # every reading of the title's date: 11/04/2026 is 11 April or (US) 4 November
    meeting_readings: tuple[date, ...] = ()

    def count(self, slip_type: SlipType, inside: bool | None = None) -> int:
        return sum(
            1
            for line in self.lines
            if line.type is slip_type and (inside is None or line.inside is inside)
        )

    def tyfcb_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines if line.type is SlipType.TYFCB)


@dataclass(frozen=True)
class RosterLine:
    row: int
    first_name: str
    last_name: str
    company: str = ""
    classification: str = ""
    phone: str = ""
    email: str = ""
    status: str = ""
    joined_on: date | None = None
    renewal_on: date | None = None
    sponsor: str = ""

    @property
    def name(self) -> str:
        return clean_name(f"{self.first_name} {self.last_name}")

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class Roster:
    kind = ReportKind.ROSTER
    lines: list[RosterLine]
    problems: list[Problem] = field(default_factory=list)


Report = PalmsSummary | SlipsAudit | Roster


def parse_report(data: bytes) -> Report:
    """Read ``data`` (any supported file format) and interpret it as the report it is."""
    return interpret(read_sheet(data))


def interpret(sheet: Sheet) -> Report:
    for index in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        labels = [label_key(cell.text) for cell in sheet.rows[index]]
        present = set(labels)
        first = next((label for label in labels if label), "")
        if {"from", "to"} <= present and ("slip type" in present or "type" in present):
            return _slips_audit(sheet, index)
        if first in PALMS_COLUMNS["first_name"]:
            if present & {"p", "rgi", "g (eigenbedarf)"}:
                return _palms_summary(sheet, index)
            return _roster(sheet, index)
    raise UnknownReport(
        "This file is not a report the importer knows. Export the Chapter Summary PALMS or "
        "the Slips Audit from BNI Connect, or a member roster with First Name and Last Name "
        "columns."
    )


def _columns(header: list[Cell], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = label_key(cell.text)
        for name, names in aliases.items():
            if label in names and name not in found:
                found[name] = index
                break
    return found


def _require(found: dict[str, int], required: Iterable[str], report: str) -> None:
    missing = [name for name in required if name not in found]
    if missing:
        raise UnknownReport(
            f"The {report} has no column for {', '.join(m.replace('_', ' ') for m in missing)}."
        )


def _parameters(sheet: Sheet, header_index: int) -> dict[str, str]:
    """``Chapter:``, ``From:``, ``To:`` rows above the header: label, then the next value."""
    found: dict[str, str] = {}
    for row in sheet.rows[:header_index]:
        texts = [cell.text for cell in row if cell.text]
        if len(texts) >= 2 and texts[0].endswith(":"):
            found[label_key(texts[0])] = texts[1]
    return found


def _palms_summary(sheet: Sheet, header_index: int) -> PalmsSummary:
    columns = _columns(sheet.rows[header_index], PALMS_COLUMNS)
    _require(columns, PALMS_REQUIRED, "PALMS summary")
    parameters = _parameters(sheet, header_index)
    problems: list[Problem] = []
    starts_on = _parameter_date(parameters, "from", problems)
    ends_on = _parameter_date(parameters, "to", problems)
    lines: list[PalmsLine] = []
    special: dict[str, PalmsLine] = {}
    for index in range(header_index + 1, len(sheet.rows)):
        row_number = index + 1

        def text(name: str, index: int = index) -> str:
            column = columns.get(name)
            return "" if column is None else sheet.cell(index, column).text

        first, last = clean_name(text("first_name")), clean_name(text("last_name"))
        if not first and not last:
            if any(cell.text for cell in sheet.rows[index]):
                problems.append(Problem(row_number, "no name"))
            continue
        try:
            counts = {
                name: _count(text(name), name) if name in columns else 0 for name in COUNT_FIELDS
            }
            tyfcb = _amount_cents(text("tyfcb")) if "tyfcb" in columns else 0
        except ValueError as error:
            problems.append(Problem(row_number, f"{first} {last}: {error}".strip()))
            continue
        line = PalmsLine(row_number, first, last, counts, tyfcb)
        special_name = label_key(first) if not last else ""
        if special_name in ("visitors", "bni", "total"):
            special[special_name] = line
        else:
            lines.append(line)
    return PalmsSummary(
        chapter_name=parameters.get("chapter", ""),
        starts_on=starts_on,
        ends_on=ends_on,
        has_testimonials="t" in columns,
        lines=lines,
        visitors=special.get("visitors"),
        bni=special.get("bni"),
        total=special.get("total"),
        problems=problems,
    )


def _slips_audit(sheet: Sheet, header_index: int) -> SlipsAudit:
    columns = _columns(sheet.rows[header_index], SLIP_COLUMNS)
    _require(columns, SLIP_REQUIRED, "Slips Audit")
    chapter_name = ""
    readings: tuple[date, ...] = ()
    problems: list[Problem] = []
    for index, row in enumerate(sheet.rows[:header_index]):
        for cell in row:
            if match := re.search(r"slips audit report for (\S+)", cell.text, re.IGNORECASE):
                readings = date_readings(match.group(1))
                if not readings:
                    problems.append(Problem(index + 1, f"{match.group(1)!r} is not a date"))
    if header_index >= 2:
        labels = [label_key(c.text) for c in sheet.rows[1]]
        if "chapter" in labels:
            chapter_name = sheet.cell(2, labels.index("chapter")).text
    lines: list[SlipLine] = []
    for index in range(header_index + 1, len(sheet.rows)):
        if not any(cell.text for cell in sheet.rows[index]):
            continue
        try:
            lines.append(_slip_line(sheet, index, columns))
        except ValueError as error:
            problems.append(Problem(index + 1, str(error)))
    meeting_on = readings[0] if readings else None
    return SlipsAudit(chapter_name, meeting_on, lines, problems, readings)


def _slip_line(sheet: Sheet, index: int, columns: dict[str, int]) -> SlipLine:
    def cell(name: str) -> Cell:
        column = columns.get(name)
        return Cell() if column is None else sheet.cell(index, column)

    raw_type = cell("type").text
    slip_type = SLIP_TYPES.get(label_key(raw_type))
    if slip_type is None:
        raise ValueError(f"unknown slip type {raw_type!r}" if raw_type else "no slip type")
    giver, receiver = _party(cell("from")), _party(cell("to"))
    detail = clean_name(cell("detail").text)
    pair = slip_type in (SlipType.REFERRAL, SlipType.ONE_TO_ONE, SlipType.VISITOR)
    if pair and (giver is None or receiver is None):
        raise ValueError(f"a {slip_type.label} needs both From and To")
    if slip_type is SlipType.TYFCB:
        if receiver is None:
            raise ValueError("a TYFCB needs the member thanked in To")
        amount = _amount_cents(cell("amount").text)
        if amount <= 0:
            raise ValueError("a TYFCB needs an amount above zero")
        return SlipLine(index + 1, slip_type, giver, receiver, amount_cents=amount, detail=detail)
    if slip_type is SlipType.CEU:
        if giver is None:
            raise ValueError("a CEU needs the member in From")
        credits = _count(cell("credits").text or "1", "CEU credits")
        if not 1 <= credits <= MAX_CEU:
            raise ValueError(f"CEU credits must be 1 to {MAX_CEU}")
        return SlipLine(index + 1, slip_type, giver, receiver, credits=credits, detail=detail)
    inside: bool | None = None
    if slip_type is SlipType.REFERRAL:
        tier = label_key(cell("tier").text)
        if tier in INSIDE:
            inside = True
        elif tier in OUTSIDE:
            inside = False
        else:
            raise ValueError(f"a Referral needs Inside or Outside, not {cell('tier').text!r}")
    if giver is not None and receiver is not None and giver.key == receiver.key:
        raise ValueError(f"From and To are the same person ({giver.name})")
    return SlipLine(index + 1, slip_type, giver, receiver, inside=inside, detail=detail)


def _party(cell: Cell) -> Party | None:
    name = clean_name(cell.text)
    return Party(name, cell.bold) if name else None


def _roster(sheet: Sheet, header_index: int) -> Roster:
    columns = _columns(sheet.rows[header_index], ROSTER_COLUMNS)
    _require(columns, ROSTER_REQUIRED, "member roster")
    lines: list[RosterLine] = []
    problems: list[Problem] = []
    for index in range(header_index + 1, len(sheet.rows)):

        def text(name: str, index: int = index) -> str:
            column = columns.get(name)
            return "" if column is None else clean_name(sheet.cell(index, column).text)

        if not any(cell.text for cell in sheet.rows[index]):
            continue
        first, last = text("first_name"), text("last_name")
        if not first or not last:
            problems.append(Problem(index + 1, "a member needs a first and a last name"))
            continue
        try:
            joined_on = _parse_date(text("joined_on")) if text("joined_on") else None
            renewal_on = _parse_date(text("renewal_on")) if text("renewal_on") else None
        except ValueError as error:
            problems.append(Problem(index + 1, f"{first} {last}: {error}"))
            continue
        lines.append(
            RosterLine(
                index + 1,
                first,
                last,
                company=text("company"),
                classification=text("classification"),
                phone=text("phone"),
                email=text("email").lower(),
                status=text("status"),
                joined_on=joined_on,
                renewal_on=renewal_on,
                sponsor=text("sponsor"),
            )
        )
    return Roster(lines, problems)


def _number(text: str) -> Decimal:
    """A count or amount cell, read as the money rule reads typed amounts (thousands
    separators, either decimal mark, a currency around it); an empty cell is 0."""
    if not text.strip():
        return Decimal(0)
    try:
        return parse_amount(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a number") from error


def _count(text: str, name: str) -> int:
    value = _number(text)
    if value != value.to_integral_value() or not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{name.upper()} {text!r} is not a whole count")
    return int(value)


def _amount_cents(text: str) -> int:
    """An amount cell as cents, by the money rule (a summary's TYFCB may be zero)."""
    try:
        value = parse_amount(text) if text.strip() else Decimal(0)
        return cents_of(value, allow_zero=True)
    except ValueError as error:
        raise ValueError(f"amount {text!r}: {error}") from error


DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y")


def date_readings(text: str) -> tuple[date, ...]:
    """Every date ``text`` can be, day-first readings first (BNI Connect writes dd/mm/yyyy
    outside the US): "11/04/2026" -> (11 April, 4 November)."""
    found: list[date] = []
    for pattern in DATE_PATTERNS:
        try:
            day = datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
        if day not in found:
            found.append(day)
    return tuple(found)


def _parse_date(text: str) -> date:
    readings = date_readings(text)
    if not readings:
        raise ValueError(f"{text!r} is not a date")
    return readings[0]


def _parameter_date(parameters: dict[str, str], name: str, problems: list[Problem]) -> date | None:
    if name not in parameters:
        return None
    try:
        return _parse_date(parameters[name])
    except ValueError:
        raw = parameters[name]
        problems.append(Problem(0, f"the {name.capitalize()} date {raw!r} is unreadable"))
        return None
