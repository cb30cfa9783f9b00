"""Write a planned import as one batch, and undo a batch by voiding what it wrote.

The caller commits (one transaction: a failure writes nothing). Imported thank-yous have no
thanker (the old portal never recorded one); slips with a person of another chapter keep that
person's name and chapter; identical rows are each written (a referral passed twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from chapter.attendance import service as attendance
from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms
from chapter.auth import service as accounts
from chapter.auth.models import User
from chapter.bni.imports import CREATE, OTHER, Name, Pending, Plan
from chapter.bni.models import ImportBatch, NameMapping, OpeningBalance
from chapter.bni.reports import (
    PalmsLine,
    PalmsSummary,
    RosterLine,
    SlipLine,
    SlipType,
    name_key,
)
from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.errors import Conflict, NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger import voids
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.ledger.rules import SlipKind
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.identity import (
    PLACEHOLDER_EMAIL_DOMAIN,
    UNASSIGNED,
    is_honorific,
    split_name,
    without_honorifics,
)
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.members.service import MemberDetails
from chapter.platform import audit
from chapter.rotation import service as rotation

IMPORTED = "Imported from BNI Connect"
PALMS_LETTERS = {"p": Palms.PRESENT, "a": Palms.ABSENT, "l": Palms.LATE, "m": Palms.MEDICAL}


def confirm(
    plan: Plan, *, actor: User, now: datetime, form_key: str | None = None
) -> ImportBatch | None:
    """Write ``plan`` as an import batch; refused (the plan's ``refusals``, which the preview
    shows) until every name is resolved, a Slips Audit has its meeting and nothing blocks
    it. Remembers the names the leader chose. A plan that writes nothing records no batch
    (None). A row the database still refuses becomes a RuleViolation (the caller rolls
    back: nothing). ``form_key``: the one-time key of the preview form (``chapter.forms.
    OnceForm``), kept on the batch, so an Import button sent twice imports once."""
    try:
        return _confirm(plan, actor=actor, now=now, form_key=form_key)
    except IntegrityError as error:
        raise RuleViolation(
            "The database refused a row of this file, so nothing was imported: "
            f"{getattr(error, 'orig', error)}"
        ) from error


def _confirm(plan: Plan, *, actor: User, now: datetime, form_key: str | None) -> ImportBatch | None:
    if plan.refusals:
        message, field = plan.refusals[0]
        raise RuleViolation(message, field=field)
    upload = plan.upload
    chapter = db.session.get_one(Chapter, upload.chapter_id)
    if plan.writes_nothing:
        _remember(chapter.id, plan)
        db.session.delete(upload)
        db.session.flush()
        return None
    today = chapters.today_in(chapter, now)  # the chapter's own date, not UTC's
    meeting = plan.meeting
    added = False  # a meeting only the import knows of was held: its roster is complete
    if meeting is None and plan.meeting_on is not None:
        meeting, added = meetings.unscheduled(chapter, plan.meeting_on), True
    elif meeting is not None and plan.restores_meeting:
        meetings.restore(meeting, actor=actor, today=today, past=True)
        added = True
    report = plan.report
    batch = ImportBatch(
        chapter_id=chapter.id,
        imported_by_id=actor.id,
        filename=upload.filename,
        checksum=upload.checksum,
        report=plan.kind,
        meeting_id=meeting.id if meeting else None,
        starts_on=getattr(report, "starts_on", None) or plan.meeting_on,
        ends_on=getattr(report, "ends_on", None) or plan.meeting_on,
        counts={"new": dict(plan.new), "existing": dict(plan.existing)},
        form_key=form_key,
    )
    db.session.add(batch)
    db.session.flush()
    writer = _Writer(chapter, batch, meeting, plan, today, actor)
    writer.create_members()
    for pending in plan.pending:
        writer.write(pending)
    db.session.flush()
    one_meeting_summary = isinstance(plan.report, PalmsSummary) and plan.report.single_meeting
    # An open roster of the chapter's own stays open: only a meeting the import created, or
    # one whose attendance the file gives, is complete.
    completed = False
    if (added or one_meeting_summary) and meeting is not None and not meeting.roster_is_completed:
        attendance.complete_roster(
            meeting, chapter, actor=actor, today=today, now=now, from_file=batch.filename
        )
        completed = True
    # What undo must put back as it was (the JSON column records what the batch did).
    batch.counts = {
        **batch.counts,
        "meeting_added": added,
        "roster_completed": completed,
        "reactivated": writer.reactivated,
    }
    _remember(chapter.id, plan)
    db.session.delete(upload)
    audit.record(
        actor,
        "import.confirmed",
        batch,
        chapter_id=chapter.id,
        after={"file": batch.filename, "checksum": batch.checksum, **batch.counts},
    )
    db.session.flush()
    # Members the file added, dropped or brought back, and a meeting it added: the
    # presentation rotation follows once, as it does after a leader's own changes.
    rotation.follow_changes(chapter.id, actor=actor, today=today)
    return batch


def _remember(chapter_id: int, plan: Plan) -> None:
    chosen = {k: n for k, n in plan.names.items() if n.source == "chosen"}
    if not chosen:
        return
    mappings = {
        m.name_key: m
        for m in db.session.scalars(
            db.select(NameMapping).where(
                NameMapping.chapter_id == chapter_id, NameMapping.name_key.in_(list(chosen))
            )
        )
    }
    for key, name in chosen.items():
        mapping = mappings.get(key) or NameMapping(chapter_id=chapter_id, name_key=key)
        mapping.name = name.name
        mapping.member_id = name.member_id
        mapping.other_chapter = name.choice == OTHER
        db.session.add(mapping)


class _Writer:
    def __init__(
        self,
        chapter: Chapter,
        batch: ImportBatch,
        meeting: Meeting | None,
        plan: Plan,
        today: date,
        actor: User,
    ) -> None:
        self.chapter, self.batch, self.meeting, self.plan = chapter, batch, meeting, plan
        self.today, self.actor = today, actor
        self.reactivated: list[int] = []
        self.guests: dict[str, Guest] = {}
        self.visits: set[tuple[int, int]] = set()

    def _meeting(self) -> Meeting:
        if self.meeting is None:
            raise RuleViolation("Choose the meeting this file belongs to.", field="meeting_on")
        return self.meeting

    def stamp(self, row: Any, key: str | None) -> Any:
        row.import_batch_id = self.batch.id
        row.import_key = key
        db.session.add(row)
        return row

    def create_members(self) -> None:
        roster = {
            line.key: line
            for pending in self.plan.pending
            if isinstance(line := pending.line, RosterLine)
        }
        for name in sorted(self.plan.names.values(), key=lambda n: n.name):
            if name.choice == CREATE and name.member_id is None:
                name.member_id = self._member(name, roster.get(name.key)).id
        self._reactivate()
        self._sponsors(roster)

    def _reactivate(self) -> None:
        """Members an undone import had created (and so marked as left) come back when
        their history is imported again: the preview lists them; each is audited."""
        for person in self.plan.reactivates:
            member = db.session.get_one(Member, person.member_id)
            members.change_status(member, MemberStatus.ACTIVE, actor=self.actor, today=self.today)
            self.reactivated.append(member.id)

    def _sponsors(self, roster: dict[str, RosterLine]) -> None:
        keys = {name_key(name): i for i, name in members.names_by_member(self.chapter.id).items()}
        for key, line in roster.items():
            member_id = self.plan.names[key].member_id
            sponsor_id = keys.get(name_key(line.sponsor)) if line.sponsor else None
            if member_id is not None and sponsor_id not in (None, member_id):
                db.session.get_one(Member, member_id).sponsor_id = sponsor_id

    def _member(self, name: Name, line: RosterLine | None) -> Member:
        """A member for a name the leader chose to add: titles (Mr., Dr., Shri...) are not
        first names; the roster's own first and last name when it gives them; no business
        (never the person's name) and a marked placeholder classification until the leader
        completes them (members.to_complete); the roster's joined date, else the file's."""
        first, last = split_name(name.name)
        if line is not None and line.first_name.strip():
            first, last = without_honorifics(line.first_name), line.last_name.strip()
            if is_honorific(first):  # the roster's first-name column held only a title
                first, last = split_name(f"{line.first_name} {line.last_name}")
        full = f"{first} {last}".strip()
        email = line.email if line is not None and line.email else ""
        if not email or accounts.email_taken(email):
            email = _placeholder_email(self.chapter.id, name.key)
        classification = (line.classification if line else "") or f"{UNASSIGNED} ({full})"
        if members.classification_holder(self.chapter.id, classification) is not None:
            classification = f"{classification} ({full})"
        report = self.plan.report
        joined = (line.joined_on if line else None) or self.plan.meeting_on
        details = MemberDetails(
            first_name=first,
            last_name=last or "-",
            email=email,
            business_name=(line.company if line else "")[:120],
            classification=classification[:80],
            phone=(line.phone if line else "")[:40],
            joined_on=joined or getattr(report, "starts_on", None),
            renewal_on=line.renewal_on if line else None,
        )
        member = members.add_member(self.chapter.id, details, actor=None, today=self.today)
        member.import_batch_id = self.batch.id
        if line is not None and line.status.casefold() in ("dropped", "inactive", "left"):
            members.change_status(member, MemberStatus.LEFT, actor=self.actor, today=self.today)
        return member

    def write(self, pending: Pending) -> None:
        line = pending.line
        if isinstance(line, SlipLine):
            self._slip(line, pending.key)
        elif isinstance(line, PalmsLine) and pending.category == "attendance":
            self._attendance(line)
        elif isinstance(line, PalmsLine):
            self._balance(line, pending.key)

    def _who(self, party: Any) -> tuple[int | None, str, str]:
        """(member id, other-chapter name, other chapter) for one side of a slip."""
        if party is None:
            return None, "", ""
        name = self.plan.names[party.key]
        if name.member_id is not None and name.choice != OTHER:
            return name.member_id, "", ""
        return None, party.name[:120], name.detail[:200]

    def _slip(self, line: SlipLine, key: str) -> None:
        meeting = self._meeting()
        week = {
            "chapter_id": self.chapter.id,
            "meeting_id": meeting.id,
            "week_on": meeting.meets_on,
        }
        giver, giver_name, giver_chapter = self._who(line.giver)
        if line.type is SlipType.TYFCB:
            receiver, _, _ = self._who(line.receiver)
            note = f"{IMPORTED}; from {line.detail}" if line.detail else IMPORTED
            self.stamp(
                ThankYou(
                    **week,
                    giver_id=receiver,
                    thanker_id=None,
                    amount_cents=line.amount_cents,
                    business_type=self.plan.thanks_type,  # the leader's choice, default new
                    thanked_on=meeting.meets_on,
                    note=note[:500],
                ),
                key,
            )
        elif line.type is SlipType.CEU:
            self.stamp(
                EducationCredit(
                    **week,
                    member_id=giver,
                    earned_on=meeting.meets_on,
                    credits=line.credits,
                    topic=IMPORTED,
                ),
                key,
            )
        elif line.type is SlipType.VISITOR:
            self._visit(line, giver, key)
        else:
            receiver, receiver_name, receiver_chapter = self._who(line.receiver)
            other = {
                "counterpart_name": giver_name or receiver_name,
                "counterpart_chapter": giver_chapter or receiver_chapter,
            }
            if line.type is SlipType.REFERRAL:
                self.stamp(
                    ReferralSlip(
                        **week,
                        **other,
                        giver_id=giver,
                        receiver_id=receiver,
                        passed_at=meeting.starts_at,
                        kind=SlipKind.INSIDE if line.inside else SlipKind.OUTSIDE,
                        prospect_name="Imported slip",
                        need=IMPORTED,
                        warmth=3,
                    ),
                    key,
                )
            else:
                logged_by, other_id = (giver, receiver) if giver is not None else (receiver, None)
                self.stamp(
                    OneToOne(
                        **week,
                        **other,
                        logged_by_id=logged_by,
                        other_id=other_id,
                        met_on=meeting.meets_on,
                        notes=IMPORTED,
                    ),
                    key,
                )

    def _visit(self, line: SlipLine, invited_by: int | None, key: str) -> None:
        meeting = self._meeting()
        if line.receiver is None:
            return
        guest = self.guests.get(line.receiver.key)
        if guest is None:
            guest = Guest(chapter_id=self.chapter.id, name=line.receiver.name[:120])
            db.session.add(guest)
            db.session.flush()
            self.guests[line.receiver.key] = guest
        if (meeting.id, guest.id) in self.visits:
            return  # one visit per visitor per meeting, however many slips name it
        self.visits.add((meeting.id, guest.id))
        self.stamp(Visit(meeting_id=meeting.id, guest_id=guest.id, invited_by_id=invited_by), key)

    def _attendance(self, line: PalmsLine) -> None:
        meeting = self._meeting()
        member_id = self.plan.names[line.key].member_id
        status = next(
            (palms for letter, palms in PALMS_LETTERS.items() if line.counts[letter]),
            Palms.SUBSTITUTE,
        )
        self.stamp(
            Attendance(meeting_id=meeting.id, member_id=member_id, status=status, note=IMPORTED),
            None,
        )

    def _balance(self, line: PalmsLine, key: str) -> None:
        report = self.plan.report
        if not isinstance(report, PalmsSummary) or not report.starts_on or not report.ends_on:
            raise RuleViolation("An opening balance needs a summary with From and To dates.")
        counts = line.counts
        self.stamp(
            OpeningBalance(
                chapter_id=self.chapter.id,
                member_id=self.plan.names[line.key].member_id,
                starts_on=report.starts_on,
                ends_on=report.ends_on,
                present=counts["p"],
                absent=counts["a"],
                late=counts["l"],
                medical=counts["m"],
                substitute=counts["s"],
                given_inside=counts["rgi"],
                given_outside=counts["rgo"],
                received_inside=counts["rri"],
                received_outside=counts["rro"],
                visitors=counts["v"],
                one_to_ones=counts["one_to_ones"],
                education_credits=counts["ceu"],
                tyfcb_credited_cents=line.tyfcb_cents,
                testimonials=counts["t"],  # 0 where the file has no T column
            ),
            key,
        )


def _placeholder_email(chapter_id: int, key: str) -> str:
    """Imported people without an address get one that can never receive mail (.invalid,
    RFC 2606) until a leader enters theirs."""
    slug = re.sub(r"[^a-z0-9]+", ".", key).strip(".")[:40] or "member"
    base = f"{slug}.c{chapter_id}"
    email, n = f"{base}@{PLACEHOLDER_EMAIL_DOMAIN}", 1
    while accounts.email_taken(email):
        n += 1
        email = f"{base}.{n}@{PLACEHOLDER_EMAIL_DOMAIN}"
    return email


VOIDABLE = (ReferralSlip, ThankYou, OneToOne, EducationCredit, OpeningBalance)


def batches(chapter_id: int) -> list[ImportBatch]:
    return list(
        db.session.scalars(
            db.select(ImportBatch)
            .where(ImportBatch.chapter_id == chapter_id)
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(100)
        )
    )


def get_batch(chapter_id: int, batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.chapter_id != chapter_id:
        raise NotFound("No such import.")
    return batch


@dataclass
class Undoing:
    """What undoing a batch would do: the entries it voids (by table), the attendance and
    visits it removes, the members it marks as left (created, or brought back, by it), and
    whether the meeting it added is cancelled and the roster it completed reopened."""

    batch: ImportBatch
    voids: dict[str, int]
    attendance: int
    visits: int
    created: list[Member]
    reactivated: list[Member]
    meeting: Meeting | None
    cancels_meeting: bool
    reopens_roster: bool

    @property
    def leaving(self) -> list[Member]:
        return sorted(self.created + self.reactivated, key=lambda m: m.full_name)


def undoing(batch: ImportBatch) -> Undoing:
    """What ``undo(batch)`` would do, read only (the confirmation page shows it)."""
    if batch.undone_at is not None:
        raise Conflict("This import was already undone.")
    voided = {
        model.__tablename__: db.session.scalar(
            db.select(func.count())
            .select_from(model)
            .where(model.import_batch_id == batch.id, model.voided_at.is_(None))
        )
        or 0
        for model in VOIDABLE
    }
    removed = {
        label: db.session.scalar(
            db.select(func.count()).select_from(model).where(model.import_batch_id == batch.id)
        )
        or 0
        for model, label in ((Attendance, "attendance"), (Visit, "visits"))
    }
    created = db.session.scalars(
        db.select(Member)
        .where(Member.import_batch_id == batch.id, Member.status != MemberStatus.LEFT)
        .order_by(Member.id)
    ).all()
    back = batch.counts.get("reactivated") or []
    reactivated = db.session.scalars(
        db.select(Member)
        .where(Member.id.in_(back), Member.status != MemberStatus.LEFT)
        .order_by(Member.id)
    ).all()
    meeting = db.session.get(Meeting, batch.meeting_id) if batch.meeting_id else None
    cancels = (
        meeting is not None
        and bool(batch.counts.get("meeting_added"))
        and not meeting.is_cancelled
        and not _used_elsewhere(meeting, batch)
    )
    reopens = (
        meeting is not None
        and bool(batch.counts.get("roster_completed"))
        and meeting.roster_is_completed
    )
    return Undoing(
        batch,
        voided,
        removed["attendance"],
        removed["visits"],
        list(created),
        list(reactivated),
        meeting,
        cancels,
        reopens,
    )


def _used_elsewhere(meeting: Meeting, batch: ImportBatch) -> bool:
    """Whether anything but this batch uses the meeting: an entry not voided, attendance or
    a visit another batch or a leader wrote, or another import not undone."""
    not_this = db.or_(
        ImportBatch.id.is_(None),  # outer join: written by hand
        ImportBatch.id != batch.id,
    )
    for model in (ReferralSlip, ThankYou, OneToOne, EducationCredit):
        used = db.session.scalar(
            db.select(model.id)
            .outerjoin(ImportBatch, model.import_batch_id == ImportBatch.id)
            .where(model.meeting_id == meeting.id, model.voided_at.is_(None), not_this)
            .limit(1)
        )
        if used is not None:
            return True
    for model in (Attendance, Visit):
        used = db.session.scalar(
            db.select(model.id)
            .outerjoin(ImportBatch, model.import_batch_id == ImportBatch.id)
            .where(model.meeting_id == meeting.id, not_this)
            .limit(1)
        )
        if used is not None:
            return True
    other = db.session.scalar(
        db.select(ImportBatch.id)
        .where(
            ImportBatch.meeting_id == meeting.id,
            ImportBatch.id != batch.id,
            ImportBatch.undone_at.is_(None),
        )
        .limit(1)
    )
    return other is not None


def undo(batch: ImportBatch, *, actor: User, now: datetime) -> dict[str, int]:
    """Put the chapter back as it was before the batch. Every entry it wrote is voided
    through the ledger's void (audited one by one); members it created, or brought back, are
    marked as left through the members service (audited; they leave on the day they joined,
    so no roster lists them, and the member lists leave them out); a roster it completed is
    reopened and a meeting it added is cancelled (when nothing else uses it) through the
    attendance and meetings services (audited; the rotation follows).

    Attendance and visits it added are removed, their rows kept in the ``import.undone``
    audit event: a member has one attendance row per meeting (unique), so a kept row would
    take the letter the chapter's own roster (or the next import) must write there.
    """
    plan = undoing(batch)
    chapter = db.session.get_one(Chapter, batch.chapter_id)
    today = chapters.today_in(chapter, now)
    counts: dict[str, int] = {}
    reason = f"Import {batch.id} undone"
    for model in VOIDABLE:
        rows = db.session.scalars(
            db.select(model)
            .where(model.import_batch_id == batch.id, model.voided_at.is_(None))
            .order_by(model.id)
        ).all()
        for row in rows:
            voids.void_entry(row, actor=actor, reason=reason, now=now)
        counts[model.__tablename__] = len(rows)
    removed: dict[str, list[dict[str, Any]]] = {"attendance": [], "visits": []}
    if plan.reopens_roster and plan.meeting is not None:
        attendance.reopen_roster(plan.meeting, actor=actor)
    for model, label in ((Attendance, "attendance"), (Visit, "visits")):
        for row in db.session.scalars(db.select(model).where(model.import_batch_id == batch.id)):
            removed[label].append({"meeting_id": row.meeting_id, **_person(row), "id": row.id})
            db.session.delete(row)
        counts[label] = len(removed[label])
    db.session.flush()
    if plan.cancels_meeting and plan.meeting is not None:
        meetings.cancel(plan.meeting, reason, actor=actor, today=today, past=True)
    counts["meeting_cancelled"] = int(plan.cancels_meeting)
    counts["roster_reopened"] = int(plan.reopens_roster)
    marked = 0
    for member in plan.created + plan.reactivated:
        if member.user_id == actor.id:
            continue  # a leader is not marked left by their own undo
        members.change_status(
            member, MemberStatus.LEFT, actor=actor, today=today, left_on=member.joined_on
        )
        marked += 1
    counts["members_marked_left"] = len([m for m in plan.created if m.user_id != actor.id])
    counts["returned_to_left"] = marked - counts["members_marked_left"]
    batch.undone_at, batch.undone_by_id = now, actor.id
    audit.record(
        actor,
        "import.undone",
        batch,
        chapter_id=batch.chapter_id,
        before={"removed": removed},
        after=counts,
    )
    db.session.flush()
    return counts


def _person(row: Attendance | Visit) -> dict[str, Any]:
    if isinstance(row, Attendance):
        return {"member_id": row.member_id, "status": row.status.value}
    return {"guest_id": row.guest_id, "invited_by_id": row.invited_by_id}
