"""Members ask each other to swap presentation slots; the other member accepts or declines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_

from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.members.models import Member
from chapter.platform import notifications
from chapter.rotation import service as rotation
from chapter.rotation.models import Presentation, SwapRequest
from chapter.rotation.states import SwapStatus


def ask(requester: Member, mine: Presentation, theirs: Presentation, *, today: date) -> SwapRequest:
    """Ask the member of ``theirs`` to swap with my slot ``mine``."""
    if mine.member_id != requester.id:
        raise RuleViolation("You can only offer your own slot.")
    if theirs.member_id == requester.id:
        raise RuleViolation("Choose another member's slot.", field="target_id")
    if theirs.meeting_id == mine.meeting_id:
        raise RuleViolation(
            "You both present at that meeting: choose a slot at another one.", field="target_id"
        )
    _, my_meeting = rotation.get_in_chapter(requester.chapter_id, mine.id)
    _, their_meeting = rotation.get_in_chapter(requester.chapter_id, theirs.id)
    for meeting in (my_meeting, their_meeting):
        if meeting.meets_on < today or meeting.is_cancelled:
            raise RuleViolation("Both slots must be at upcoming meetings.", field="target_id")
    pending = db.session.scalar(
        db.select(SwapRequest.id).where(
            SwapRequest.requester_presentation_id == mine.id,
            SwapRequest.target_presentation_id == theirs.id,
            SwapRequest.status == SwapStatus.PENDING,
        )
    )
    if pending is not None:
        raise RuleViolation("You already asked for this swap.", field="target_id")
    target = db.session.get(Member, theirs.member_id)
    assert target is not None  # noqa: S101 - foreign key
    request = SwapRequest(
        chapter_id=requester.chapter_id,
        requester_id=requester.id,
        target_id=target.id,
        requester_presentation_id=mine.id,
        target_presentation_id=theirs.id,
    )
    db.session.add(request)
    db.session.flush()
    notifications.notify(
        target,
        f"{requester.full_name} asks to swap presentation dates: theirs on "
        f"{my_meeting.meets_on:%d %b} for yours on {their_meeting.meets_on:%d %b}.",
        "swap_request",
        request.id,
    )
    return request


def get_for(member: Member, request_id: int) -> SwapRequest:
    request = db.session.get(SwapRequest, request_id)
    if request is None or member.id not in (request.requester_id, request.target_id):
        raise NotFound("There is no such swap request.")
    return request


def answer(
    request: SwapRequest, member: Member, *, accept: bool, today: date, now: datetime
) -> None:
    """The asked member accepts (the slots are swapped and kept) or declines."""
    if request.target_id != member.id:
        raise RuleViolation("Only the member who was asked can answer.")
    if request.status is not SwapStatus.PENDING:
        raise RuleViolation(f"This request is already {request.status.label.lower()}.")
    mine = db.session.get(Presentation, request.requester_presentation_id)
    theirs = db.session.get(Presentation, request.target_presentation_id)
    if accept:
        if (
            mine is None
            or theirs is None
            or (mine.member_id, theirs.member_id) != (request.requester_id, request.target_id)
        ):
            raise RuleViolation("The rotation changed since this was asked; ask again.")
        rotation.swap(mine, theirs, chapter_id=member.chapter_id, actor=member.user, today=today)
    request.status = SwapStatus.ACCEPTED if accept else SwapStatus.DECLINED
    request.decided_at = now
    db.session.flush()
    requester = db.session.get(Member, request.requester_id)
    assert requester is not None  # noqa: S101 - foreign key
    notifications.notify(
        requester,
        f"{member.full_name} {'accepted' if accept else 'declined'} your swap request.",
        "swap_request",
        request.id,
    )


def cancel(request: SwapRequest, member: Member, *, now: datetime) -> None:
    """The requester withdraws a pending request."""
    if request.requester_id != member.id:
        raise RuleViolation("Only the member who asked can cancel.")
    if request.status is not SwapStatus.PENDING:
        raise RuleViolation(f"This request is already {request.status.label.lower()}.")
    request.status = SwapStatus.CANCELLED
    request.decided_at = now
    db.session.flush()


def open_requests(chapter_id: int, member_id: int | None = None) -> list[SwapRequest]:
    """Pending requests of the chapter (or those involving one member), oldest first."""
    query = db.select(SwapRequest).where(
        SwapRequest.chapter_id == chapter_id, SwapRequest.status == SwapStatus.PENDING
    )
    if member_id is not None:
        query = query.where(
            or_(SwapRequest.requester_id == member_id, SwapRequest.target_id == member_id)
        )
    return list(db.session.scalars(query.order_by(SwapRequest.id)))
