"""Rotation routes: the schedule for everyone; generate, swap, assign, outcomes for leaders;
swap requests between members; private iCalendar feeds."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.extensions import db
from chapter.forms import ActionForm, BaseForm, choices, saved
from chapter.meetings import calendar_feeds, calendar_links
from chapter.members import service as members
from chapter.members.roles import Role
from chapter.permissions import current_actor, current_member, public, role_required
from chapter.rotation import bp, swap_requests
from chapter.rotation import service as rotation
from chapter.rotation.forms import AssignForm, OutcomeForm, SwapForm, SwapRequestForm


def _context():
    member = current_member()
    if member is None:
        abort(403)
    chapter = chapters.get_chapter(member.chapter_id)
    return member, chapter, chapters.today_in(chapter, utcnow())


@bp.route("/rotation/")
@role_required(Role.MEMBER)
def index() -> tuple[str, int]:
    return _page()


def _page(refusal: str | None = None, status: int = 200) -> tuple[str, int]:
    member, chapter, today = _context()
    # First, as it may commit (which expires what the page loaded before).
    feeds = _calendar_links(member, chapter, create=refusal is None)
    meetings = rotation.upcoming_meetings(chapter.id, today)
    slots = rotation.presentations_for([m.id for m in meetings])
    confirmed = rotation.confirmed_ids(meetings, slots)
    names = members.names_by_member(chapter.id)
    past = db.paginate(rotation.past_query(chapter.id, today), per_page=20, max_per_page=100)
    upcoming_slots = [(m, p) for m in meetings for p in slots[m.id] if not m.is_cancelled]
    slot_choices = choices(
        (p.id, f"{m.meets_on:%d %b %Y}: {names.get(p.member_id)}") for m, p in upcoming_slots
    )
    swap_form = SwapForm(formdata=None)
    swap_form.first_id.choices = swap_form.second_id.choices = slot_choices
    request_form = SwapRequestForm(formdata=None)
    request_form.target_id.choices = choices(
        (p.id, f"{m.meets_on:%d %b %Y}: {names.get(p.member_id)}")
        for m, p in upcoming_slots
        if p.member_id != member.id
    )
    assign_form = AssignForm(formdata=None)
    assign_form.member_id.choices = choices(members.active_choices(chapter.id))
    return render_template(
        "rotation/index.html",
        chapter=chapter,
        member=member,
        today=today,
        meetings=meetings,
        slots=slots,
        confirmed=confirmed,
        names=names,
        past=past,
        swap_form=swap_form,
        request_form=request_form,
        assign_form=assign_form,
        outcome_form=OutcomeForm(formdata=None),
        requests=swap_requests.open_requests(chapter.id, None if member.is_leader else member.id),
        action_form=ActionForm(),
        **feeds,
        refusal=refusal,
    ), status


def _calendar_links(
    member, chapter, *, create: bool
) -> dict[str, calendar_links.SubscribeLinks | None]:
    """The subscribe links of the member's feed (and, for leaders, the chapter's).

    The private addresses are created on the first view of the page (``create``): that is
    idempotent and harmless (an existing address is never changed, a new one revokes
    nothing), so a GET may write it. A refused POST shows the page again without writing."""
    if create:
        calendar_feeds.ensure_member_token(member)
        if member.is_leader:
            calendar_feeds.ensure_chapter_token(chapter)
        db.session.commit()
    member_token = member.calendar_token
    chapter_token = chapter.calendar_token if member.is_leader else None
    return {
        "member_feed": member_token
        and calendar_links.subscribe_links(
            url_for("rotation.member_calendar", token=member_token, _external=True),
            f"{chapter.name}: my meetings",
        ),
        "chapter_feed": chapter_token
        and calendar_links.subscribe_links(
            url_for("rotation.chapter_calendar", token=chapter_token, _external=True),
            f"{chapter.name}: presentation rotation",
        ),
    }


def _done(form: BaseForm, action, message) -> BaseResponse | tuple[str, int]:
    """Run the change: commit, flash and go back to the rotation; or show the page again
    with the reason it was refused (422) and nothing changed."""
    if not form.validate_on_submit():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _page("; ".join(errors) or "Check the form.", 422)
    done = saved(form, action)
    if not done:
        return _page(form.error_text(), 422)
    flash(message(done.result) if callable(message) else message, "success")
    return redirect(url_for("rotation.index"))


@bp.route("/rotation/generate", methods=["POST"])
@role_required(Role.LEADER)
def generate() -> BaseResponse | tuple[str, int]:
    _, chapter, today = _context()
    names = members.names_by_member(chapter.id)
    return _done(
        ActionForm(),
        lambda: rotation.regenerate(chapter, actor=current_actor(), today=today),
        lambda changes: (
            "Rotation updated: " + rotation.describe_changes(changes, names)
            if changes
            else "The rotation was already up to date."
        ),
    )


@bp.route("/rotation/swap", methods=["POST"])
@role_required(Role.LEADER)
def swap() -> BaseResponse | tuple[str, int]:
    _, chapter, today = _context()
    form = SwapForm()
    form.first_id.choices = form.second_id.choices = None  # ids are checked by the service
    form.first_id.validate_choice = form.second_id.validate_choice = False

    def act() -> None:
        first, _ = rotation.get_in_chapter(chapter.id, form.first_id.data)  # type: ignore[arg-type]
        second, _ = rotation.get_in_chapter(chapter.id, form.second_id.data)  # type: ignore[arg-type]
        rotation.swap(first, second, chapter_id=chapter.id, actor=current_actor(), today=today)

    return _done(form, act, "The two slots are swapped.")


@bp.route("/rotation/presentations/<int:presentation_id>/assign", methods=["POST"])
@role_required(Role.LEADER)
def assign(presentation_id: int) -> BaseResponse | tuple[str, int]:
    _, chapter, today = _context()
    presentation, _ = rotation.get_in_chapter(chapter.id, presentation_id)
    form = AssignForm()
    form.member_id.validate_choice = False
    return _done(
        form,
        lambda: rotation.assign(
            presentation,
            form.member_id.data,
            chapter_id=chapter.id,  # type: ignore[arg-type]
            actor=current_actor(),
            today=today,
        ),
        "The slot is reassigned.",
    )


@bp.route("/rotation/presentations/<int:presentation_id>/outcome", methods=["POST"])
@role_required(Role.LEADER)
def outcome(presentation_id: int) -> BaseResponse | tuple[str, int]:
    _, chapter, today = _context()
    presentation, _ = rotation.get_in_chapter(chapter.id, presentation_id)
    form = OutcomeForm()
    return _done(
        form,
        lambda: rotation.record_outcome(
            presentation,
            form.outcome.data,
            chapter_id=chapter.id,  # type: ignore[arg-type]
            actor=current_actor(),
            today=today,
        ),
        "Recorded.",
    )


@bp.route("/rotation/presentations/<int:presentation_id>/swap-request", methods=["POST"])
@role_required(Role.MEMBER)
def ask_swap(presentation_id: int) -> BaseResponse | tuple[str, int]:
    member, chapter, today = _context()
    mine, _ = rotation.get_in_chapter(chapter.id, presentation_id)
    form = SwapRequestForm()
    form.target_id.validate_choice = False

    def act() -> None:
        theirs, _ = rotation.get_in_chapter(chapter.id, form.target_id.data)  # type: ignore[arg-type]
        swap_requests.ask(member, mine, theirs, today=today)

    return _done(form, act, "Swap request sent; you will be told the answer.")


def _answer(request_id: int, accept: bool | None) -> BaseResponse | tuple[str, int]:
    member, _, today = _context()
    swap_request = swap_requests.get_for(member, request_id)
    if accept is None:
        return _done(
            ActionForm(),
            lambda: swap_requests.cancel(swap_request, member, now=utcnow()),
            "Swap request withdrawn.",
        )
    return _done(
        ActionForm(),
        lambda: swap_requests.answer(
            swap_request, member, accept=accept, today=today, now=utcnow()
        ),
        "Swapped: the new dates are on the rotation." if accept else "Swap declined.",
    )


@bp.route("/rotation/swap-requests/<int:request_id>/accept", methods=["POST"])
@role_required(Role.MEMBER)
def accept_swap(request_id: int) -> BaseResponse | tuple[str, int]:
    return _answer(request_id, True)


@bp.route("/rotation/swap-requests/<int:request_id>/decline", methods=["POST"])
@role_required(Role.MEMBER)
def decline_swap(request_id: int) -> BaseResponse | tuple[str, int]:
    return _answer(request_id, False)


@bp.route("/rotation/swap-requests/<int:request_id>/cancel", methods=["POST"])
@role_required(Role.MEMBER)
def cancel_swap(request_id: int) -> BaseResponse | tuple[str, int]:
    return _answer(request_id, None)


@bp.route("/rotation/feed/reset", methods=["POST"])
@role_required(Role.MEMBER)
def reset_member_feed() -> BaseResponse | tuple[str, int]:
    member, _, _ = _context()
    return _done(
        ActionForm(),
        lambda: calendar_feeds.reset_member_token(member),
        lambda had_one: (
            "Your calendar address is new; the old one no longer works."
            if had_one
            else "Your calendar address is ready."
        ),
    )


@bp.route("/rotation/chapter-feed/reset", methods=["POST"])
@role_required(Role.LEADER)
def reset_chapter_feed() -> BaseResponse | tuple[str, int]:
    _, chapter, _ = _context()
    return _done(
        ActionForm(),
        lambda: calendar_feeds.reset_chapter_token(chapter),
        lambda had_one: (
            "The chapter's calendar address is new; the old one no longer works."
            if had_one
            else "The chapter's calendar address is ready."
        ),
    )


def _ics(body: bytes, name: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'inline; filename="{name}.ics"',
            "Cache-Control": "private, max-age=300",
        },
    )


@bp.route("/calendar/<token>.ics")
@public
def member_calendar(token: str) -> Response:
    member = calendar_feeds.member_by_token(token)
    if member is None or (not member.is_active and member.status.value == "left"):
        abort(404)
    chapter = chapters.get_chapter(member.chapter_id)
    return _ics(
        calendar_feeds.member_feed(member, chapter, chapters.today_in(chapter, utcnow())),
        "my-meetings",
    )


@bp.route("/calendar/chapter/<token>.ics")
@public
def chapter_calendar(token: str) -> Response:
    chapter = calendar_feeds.chapter_by_token(token)
    if chapter is None:
        abort(404)
    return _ics(
        calendar_feeds.chapter_feed(chapter, chapters.today_in(chapter, utcnow())), "rotation"
    )
