"""Importing BNI Connect files: stage the upload, then plan what it would write (the preview).

``plan()`` reads only: it parses the file, resolves every name (a member by name, a name the
chapter mapped before, the leader's choice now, bold = another chapter), and lists what would
be created and what is already there (by each row's import key, so re-importing the same file
doubles nothing). ``import_writes.confirm`` writes a plan in one transaction.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import delete

from chapter.attendance.guest_models import Visit
from chapter.attendance.models import Attendance
from chapter.auth.models import User
from chapter.bni import import_checks
from chapter.bni.import_checks import Reconciliation
from chapter.bni.models import ImportBatch, ImportUpload, NameMapping, OpeningBalance
from chapter.bni.reports import (
    PalmsLine,
    PalmsSummary,
    Party,
    Problem,
    Report,
    ReportKind,
    Roster,
    RosterLine,
    SlipLine,
    SlipsAudit,
    SlipType,
    UnknownReport,
    name_key,
    parse_report,
)
from chapter.bni.sheets import UnreadableFile, detect_format
from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.ledger.rules import BusinessType
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.identity import without_honorifics
from chapter.members.models import Member
from chapter.members.roles import MemberStatus

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
STAGED_FOR = timedelta(days=1)
CREATE = "create"
OTHER = "other"
CATEGORIES = (
    "members",
    "slips",
    "thank_yous",
    "one_to_ones",
    "education_credits",
    "visitors",
    "attendance",
    "opening_balances",
)
CATEGORY_LABELS = {
    "members": "Members",
    "slips": "Referral slips",
    "thank_yous": "Thank-yous (TYFCB)",
    "one_to_ones": "One-to-ones",
    "education_credits": "Education credits (CEU)",
    "visitors": "Visitors",
    "attendance": "Attendance",
    "opening_balances": "Opening balances",
}
SLIP_CATEGORY = {
    SlipType.REFERRAL: "slips",
    SlipType.TYFCB: "thank_yous",
    SlipType.ONE_TO_ONE: "one_to_ones",
    SlipType.CEU: "education_credits",
    SlipType.VISITOR: "visitors",
}
KEYED_MODELS = {
    "slips": ReferralSlip,
    "thank_yous": ThankYou,
    "one_to_ones": OneToOne,
    "education_credits": EducationCredit,
    "opening_balances": OpeningBalance,
}


class ImportRefused(RuleViolation):
    """The file cannot be imported (unreadable, unknown, too large); nothing was written."""


@dataclass
class Name:
    """A name in the file and what it means in this chapter."""

    key: str
    name: str
    rows: int = 0
    member_id: int | None = None
    choice: str = ""  # "" (unknown), CREATE or OTHER
    source: str = ""  # matched, remembered, chosen, bold
    detail: str = ""  # the other chapter, from the Detail column

    @property
    def resolved(self) -> bool:
        return self.member_id is not None or self.choice in (CREATE, OTHER)


@dataclass(frozen=True)
class Returning:
    """A member an undone import had created (so marked as left) whom this file names again:
    confirm brings them back, unless ``held_by`` holds their classification now."""

    member_id: int
    name: str
    held_by: str = ""


@dataclass
class Pending:
    """One row to write: its category, import key and the line it comes from."""

    category: str
    key: str
    line: SlipLine | PalmsLine | RosterLine


@dataclass
class Plan:
    upload: ImportUpload
    report: Report
    meeting_on: date | None
    meeting: Meeting | None
    names: dict[str, Name]
    pending: list[Pending] = field(default_factory=list)
    new: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    skipped: list[Problem] = field(default_factory=list)
    reconciliation: list[Reconciliation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    earlier: ImportBatch | None = None  # the same file, imported before
    blockers: list[str] = field(default_factory=list)  # why it cannot be imported as it is
    asks_meeting: bool = False  # the file does not name its meeting
    asks_period: bool = False  # the file does not give its From and To dates
    returning: list[Returning] = field(default_factory=list)
    restores_meeting: bool = False  # the meeting an undone import added, cancelled by undo
    thanks_type: BusinessType = BusinessType.NEW  # the file does not say new or repeat

    @property
    def kind(self) -> ReportKind:
        return self.report.kind

    @property
    def needs_meeting(self) -> bool:
        return isinstance(self.report, SlipsAudit) and self.meeting_on is None

    @property
    def needs_period(self) -> bool:
        report = self.report
        return isinstance(report, PalmsSummary) and (not report.starts_on or not report.ends_on)

    @property
    def unknown(self) -> list[Name]:
        return sorted((n for n in self.names.values() if not n.resolved), key=lambda n: n.name)

    @property
    def refusals(self) -> list[tuple[str, str | None]]:
        """Everything confirm would refuse, as (message, form field): the preview and the dry
        run show them all before the leader presses Import; confirm raises the first."""
        found: list[tuple[str, str | None]] = [(blocker, None) for blocker in self.blockers]
        if self.needs_meeting:
            found.append(("Choose the meeting this Slips Audit belongs to.", "meeting_on"))
        if self.needs_period:
            found.append(("Give the dates this summary covers.", "starts_on"))
        if self.unknown:
            names = ", ".join(n.name for n in self.unknown)
            found.append((f"Say who these are first: {names}.", "names"))
        return found

    @property
    def ready(self) -> bool:
        return not self.refusals

    @property
    def has_thank_yous(self) -> bool:
        """Whether the file has thank-yous to a member (whose new or repeat the leader picks)."""
        return isinstance(self.report, SlipsAudit) and any(
            line.type is SlipType.TYFCB and not line.to_bni for line in self.report.lines
        )

    @property
    def reactivates(self) -> list[Returning]:
        return [person for person in self.returning if not person.held_by]

    @property
    def writes_nothing(self) -> bool:
        """Nothing new, nobody back: confirming records no batch."""
        return not any(self.new.values()) and not self.reactivates

    def rows(self) -> list[tuple[str, int, int]]:
        return [(CATEGORY_LABELS[c], self.new[c], self.existing[c]) for c in CATEGORIES]


def size_label(n: int) -> str:
    """10485760 -> "10 MB"; 50000 -> "49 KB"."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{max(n // 1024, 1)} KB"


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stage(chapter_id: int, filename: str, data: bytes, *, actor: User, max_bytes: int) -> int:
    """Keep an uploaded file for its preview and confirmation; refuse what cannot be read."""
    if len(data) > max_bytes:
        raise ImportRefused(f"The file is larger than {size_label(max_bytes)}.", field="file")
    read(data)  # refuse a broken or unknown file now, with its message
    db.session.execute(  # previews nobody confirmed within a day are dropped
        delete(ImportUpload).where(ImportUpload.created_at < utcnow() - STAGED_FOR)
    )
    upload = ImportUpload(
        chapter_id=chapter_id,
        uploaded_by_id=actor.id,
        filename=(filename or "upload").rsplit("/", 1)[-1][:255],
        checksum=checksum(data),
        data=data,
    )
    db.session.add(upload)
    db.session.flush()
    return upload.id


def read(data: bytes) -> Report:
    try:
        detect_format(data)
        return parse_report(data)
    except (UnreadableFile, UnknownReport) as error:
        raise ImportRefused(str(error), field="file") from error


def get_upload(chapter_id: int, upload_id: int) -> ImportUpload:
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None or upload.chapter_id != chapter_id:
        raise NotFound("That upload is gone: upload the file again.")
    return upload


def plan(
    upload: ImportUpload,
    *,
    choices: dict[str, str] | None = None,
    meeting_on: date | None = None,
    period: tuple[date, date] | None = None,
    thanks_type: BusinessType = BusinessType.NEW,
) -> Plan:
    """What importing ``upload`` would do. ``choices`` maps name keys to a member id (as
    text), CREATE or OTHER; ``meeting_on`` says which meeting a Slips Audit belongs to,
    ``period`` which dates a summary exported without headers covers, and ``thanks_type``
    whether its thank-yous are new or repeat business (BNI Connect's files do not say)."""
    report = read(upload.data)
    asks_period = isinstance(report, PalmsSummary) and report.starts_on is None
    asks_meeting = isinstance(report, SlipsAudit) and report.meeting_on is None
    earlier = _earlier(upload)
    if earlier is not None:  # the same file again: the dates it was imported with
        meeting_on = meeting_on or (earlier.starts_on if asks_meeting else None)
        if period is None and asks_period and earlier.starts_on and earlier.ends_on:
            period = (earlier.starts_on, earlier.ends_on)
    if asks_period and period is not None:
        report = replace(report, starts_on=period[0], ends_on=period[1])
    if isinstance(report, SlipsAudit):
        meeting_on = _reading(upload.chapter_id, report) or meeting_on
    elif isinstance(report, PalmsSummary) and report.single_meeting:
        meeting_on = report.starts_on
    else:
        meeting_on = None
    meeting = _meeting_on(upload.chapter_id, meeting_on)
    result = Plan(upload, report, meeting_on, meeting, {}, skipped=list(report.problems))
    result.asks_meeting, result.asks_period = asks_meeting, asks_period
    result.thanks_type = thanks_type
    result.earlier = earlier
    _collect_names(result)
    _resolve(upload.chapter_id, result, choices or {})
    result.returning = _returning(upload.chapter_id, result)
    result.restores_meeting = _cancelled_by_undo(meeting)
    chapter = db.session.get_one(Chapter, upload.chapter_id)
    import_checks.blockers(result, chapters.today_in(chapter, utcnow()))
    if isinstance(report, SlipsAudit):
        _plan_slips(result, report)
    elif isinstance(report, PalmsSummary):
        _plan_palms(result, report)
    else:
        _plan_roster(result, report)
    return result


def _reading(chapter_id: int, report: SlipsAudit) -> date | None:
    """The title's date; of two readings (dd/mm or mm/dd), the one that was a meeting."""
    if len(report.meeting_readings) < 2:
        return report.meeting_on
    held = set(
        db.session.scalars(
            db.select(Meeting.meets_on).where(
                Meeting.chapter_id == chapter_id,
                Meeting.meets_on.in_(report.meeting_readings),
                Meeting.is_cancelled.is_(False),
            )
        )
    )
    return next((day for day in report.meeting_readings if day in held), report.meeting_on)


def _earlier(upload: ImportUpload) -> ImportBatch | None:
    return db.session.scalar(
        db.select(ImportBatch)
        .where(
            ImportBatch.chapter_id == upload.chapter_id,
            ImportBatch.checksum == upload.checksum,
            ImportBatch.undone_at.is_(None),
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )


def _returning(chapter_id: int, result: Plan) -> list[Returning]:
    """Members the file names whom an undone import had created: they come back (through
    the members service) unless another active member holds their classification now."""
    ids = {n.member_id for n in result.names.values() if n.member_id and n.choice != OTHER}
    if not ids:
        return []
    found = db.session.scalars(
        db.select(Member)
        .join(ImportBatch, Member.import_batch_id == ImportBatch.id)
        .where(
            Member.id.in_(ids),
            Member.status == MemberStatus.LEFT,
            ImportBatch.undone_at.is_not(None),
        )
        .order_by(Member.id)
    ).all()
    returning = []
    for member in found:
        holder = members.classification_holder(chapter_id, member.classification)
        held_by = holder.full_name if holder is not None else ""
        returning.append(Returning(member.id, member.full_name, held_by))
    return sorted(returning, key=lambda person: person.name)


def _cancelled_by_undo(meeting: Meeting | None) -> bool:
    """A meeting an import added and its undo cancelled: importing it again restores it."""
    if meeting is None or not meeting.is_cancelled:
        return False
    batches = db.session.scalars(
        db.select(ImportBatch).where(
            ImportBatch.meeting_id == meeting.id, ImportBatch.undone_at.is_not(None)
        )
    )
    return any(batch.counts.get("meeting_added") for batch in batches)


def _meeting_on(chapter_id: int, day: date | None) -> Meeting | None:
    if day is None:
        return None
    return db.session.scalar(
        db.select(Meeting).where(Meeting.chapter_id == chapter_id, Meeting.meets_on == day)
    )


def _collect_names(result: Plan) -> None:
    report = result.report
    parties: list[Party] = []
    if isinstance(report, SlipsAudit):
        for line in report.lines:
            for party in (line.giver, line.receiver):
                visitor = line.type is SlipType.VISITOR and party is line.receiver
                if party is None or line.to_bni or visitor:
                    continue
                parties.append(party)
                if party.other_chapter:
                    name = result.names.setdefault(party.key, Name(party.key, party.name))
                    name.choice, name.source = OTHER, "bold"
                    name.detail = name.detail or line.detail
    else:
        parties = [Party(line.name) for line in report.lines]
    for party in parties:
        result.names.setdefault(party.key, Name(party.key, party.name)).rows += 1


def _resolve(chapter_id: int, result: Plan, choices: dict[str, str]) -> None:
    members = db.session.execute(
        db.select(Member.id, User.first_name, User.last_name, User.email)
        .join(Member.user)
        .where(Member.chapter_id == chapter_id)
        .order_by(Member.status, Member.id)  # active before left on a shared name
    ).all()
    by_key: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for member_id, first, last, email in members:
        by_key.setdefault(name_key(f"{first} {last}"), member_id)
        by_email[email] = member_id
    member_ids = {m[0] for m in members}
    remembered = {
        mapping.name_key: mapping
        for mapping in db.session.scalars(
            db.select(NameMapping).where(
                NameMapping.chapter_id == chapter_id,
                NameMapping.name_key.in_(list(result.names)),
            )
        )
    }
    emails = (
        {line.key: line.email for line in result.report.lines if line.email}
        if isinstance(result.report, Roster)
        else {}
    )
    for key, name in result.names.items():
        chosen = choices.get(key, "")
        if chosen in (CREATE, OTHER):
            name.member_id, name.choice, name.source = None, chosen, "chosen"
        elif chosen.isdigit() and int(chosen) in member_ids:
            name.member_id, name.choice, name.source = int(chosen), "", "chosen"
        elif name.source == "bold":
            continue
        elif (found := _known(key, name.name, by_key)) or emails.get(key) in by_email:
            name.member_id = found or by_email[emails[key]]
            name.source = "matched"
        elif (mapping := remembered.get(key)) is not None:
            name.member_id = mapping.member_id
            name.choice = OTHER if mapping.other_chapter else ""
            name.source = "remembered"
        elif isinstance(result.report, Roster):
            name.choice, name.source = CREATE, "new"


def _known(key: str, name: str, by_key: dict[str, int]) -> int | None:
    """The member a name in the file is: by the name as it is, else without its titles
    ("Dr. Ana Ruiz" is the member Ana Ruiz an import created from it)."""
    return by_key.get(key) or by_key.get(name_key(without_honorifics(name)))


def import_key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _existing_keys(chapter_id: int, category: str, keys: list[str]) -> set[str]:
    model = KEYED_MODELS[category]
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(
            db.session.scalars(
                db.select(model.import_key)
                .outerjoin(ImportBatch, model.import_batch_id == ImportBatch.id)
                .where(
                    model.chapter_id == chapter_id,
                    # a row a leader voided stays voided; only an undone import comes back
                    ImportBatch.undone_at.is_(None),
                    model.import_key.in_(keys[start : start + 500]),
                )
            )
        )
    return found


def _add(result: Plan, category: str, key: str, line: SlipLine | PalmsLine | RosterLine) -> None:
    result.pending.append(Pending(category, key, line))


PAIRS = (SlipType.REFERRAL, SlipType.ONE_TO_ONE)


def _same_member(one: Name | None, other: Name | None) -> bool:
    """Two names the leader mapped to one member (a slip to oneself cannot be written)."""
    return (
        one is not None
        and other is not None
        and one.member_id is not None
        and one.member_id == other.member_id
        and OTHER not in (one.choice, other.choice)
    )


def _is_member(name: Name) -> bool:
    return name.choice != OTHER and (name.member_id is not None or name.choice == CREATE)


def _side(result: Plan, party: Party | None) -> Name | None:
    return None if party is None else result.names.get(party.key)


def _plan_slips(result: Plan, report: SlipsAudit) -> None:
    occurrences: Counter[str] = Counter()
    visits: set[str] = set()
    bni_cents = 0
    for line in report.lines:
        fingerprint = line.fingerprint()
        occurrences[fingerprint] += 1
        key = import_key("slip", result.meeting_on, fingerprint, occurrences[fingerprint])
        category = SLIP_CATEGORY[line.type]
        if line.type is SlipType.TYFCB and line.to_bni:
            bni_cents += line.amount_cents
            result.skipped.append(Problem(line.row, "TYFCB credited to BNI, not to a member"))
            continue
        giver, receiver = _side(result, line.giver), _side(result, line.receiver)
        # Whose slip it is: TYFCB is credited to To; CEU and Visitor belong to From.
        sides = {
            SlipType.TYFCB: (receiver,),
            SlipType.CEU: (giver,),
            SlipType.VISITOR: (giver,),
        }.get(line.type, (giver, receiver))
        members = [side for side in sides if side is not None and _is_member(side)]
        if line.type is SlipType.VISITOR and line.receiver is not None:
            key = import_key("visit", result.meeting_on, line.receiver.key)
            if key in visits:
                result.skipped.append(
                    Problem(line.row, f"{line.receiver.name} already counted at this meeting")
                )
                continue
            visits.add(key)
        if _same_member(giver, receiver) and line.type in PAIRS:
            result.skipped.append(Problem(line.row, "From and To are the same member"))
            continue
        if not members:
            if all(side is None or side.resolved for side in (giver, receiver)):
                result.skipped.append(Problem(line.row, "nobody of this chapter on the slip"))
            continue
        _add(result, category, key, line)
    import_checks.slips(result, report, bni_cents)  # over new and already-there rows alike
    _count(result)


def _plan_palms(result: Plan, report: PalmsSummary) -> None:
    if report.single_meeting:
        for line in report.lines:
            if line.meetings != 1:
                result.skipped.append(
                    Problem(line.row, f"{line.name}: P+A+L+M+S is {line.meetings}, not 1")
                )
                continue
            _add(result, "attendance", import_key("attendance", line.key), line)
        result.notes.append(
            "A summary of one meeting becomes that meeting's attendance. Its referral, "
            "TYFCB and other counts cannot be split into slips: import the Slips Audit of the "
            "same meeting for those."
        )
    else:
        if report.starts_on is None or report.ends_on is None:
            result.notes.append(
                "The file does not say which dates it covers (exported without headers): "
                "give its From and To dates."
            )
            return
        if report.starts_on > report.ends_on:
            raise ImportRefused("From must not be after To.", field="starts_on")
        for line in report.lines:
            key = import_key("balance", report.starts_on, report.ends_on, line.key)
            _add(result, "opening_balances", key, line)
        result.notes.append(
            "A summary over several meetings cannot be split into weeks: each member gets an "
            f"opening balance for {report.starts_on:%d %b %Y} to {report.ends_on:%d %b %Y}, "
            "counted in the all-time and 6-month figures and labelled there."
        )
    kept = []
    seen: set[int] = set()
    for pending in result.pending:
        name = result.names[pending.line.key]
        if name.choice == OTHER:
            result.skipped.append(Problem(pending.line.row, f"{name.name}: another chapter"))
        elif name.member_id is not None and name.member_id in seen:
            result.skipped.append(
                Problem(pending.line.row, f"{name.name}: a second row for the same member")
            )
        elif name.resolved:
            if name.member_id is not None:
                seen.add(name.member_id)
            kept.append(pending)
    result.pending = kept
    import_checks.palms(result, report)
    _count(result)


def _plan_roster(result: Plan, report: Roster) -> None:
    for line in report.lines:
        name = result.names[line.key]
        if name.member_id is not None:
            result.existing["members"] += 1
        elif name.choice == CREATE:
            _add(result, "members", import_key("member", line.key), line)
        else:
            result.skipped.append(Problem(line.row, f"{line.name}: marked as another chapter"))
    result.new["members"] = len(result.pending)
    wanted = [
        p.line.email for p in result.pending if isinstance(p.line, RosterLine) and p.line.email
    ]
    taken = set(db.session.scalars(db.select(User.email).where(User.email.in_(wanted))))
    if taken:  # how many, not which: the addresses belong to other chapters' people
        result.notes.append(
            f"{len(taken)} e-mail address(es) in this file already have an account on this "
            "platform: those members are added with a placeholder address "
            "(…@imported.invalid) until a leader enters theirs."
        )


def _count(result: Plan) -> None:
    """Split pending rows into new and already there (by import key, or for attendance by
    the meeting's roster); members to create are counted once each."""
    chapter_id = result.upload.chapter_id
    present: set[str] = set()
    for category in KEYED_MODELS:
        keys = [p.key for p in result.pending if p.category == category]
        if keys:
            present |= _existing_keys(chapter_id, category, keys)
    if result.meeting is not None:
        marked = set(
            db.session.scalars(
                db.select(Attendance.member_id).where(Attendance.meeting_id == result.meeting.id)
            )
        )
        visited = set(
            db.session.scalars(
                db.select(Visit.import_key).where(
                    Visit.meeting_id == result.meeting.id, Visit.import_key.is_not(None)
                )
            )
        )
    else:
        marked, visited = set(), set()
    fresh = []
    for pending in result.pending:
        if pending.category == "attendance":
            member_id = result.names[pending.line.key].member_id
            already = member_id is not None and member_id in marked
        elif pending.category == "visitors":
            already = pending.key in visited
        else:
            already = pending.key in present
        if already:
            result.existing[pending.category] += 1
        else:
            result.new[pending.category] += 1
            fresh.append(pending)
    result.pending = fresh
    result.new["members"] = sum(
        1 for name in result.names.values() if name.choice == CREATE and name.member_id is None
    )
