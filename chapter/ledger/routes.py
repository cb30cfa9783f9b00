"""Referral slips, thank-yous, one-to-ones and education credits (members)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.extensions import db
from chapter.forms import ActionForm, BaseForm, choices, saved, saved_once
from chapter.ledger import activities, bp, referrals, thanks
from chapter.ledger.forms import (
    DisputeForm,
    EducationForm,
    OneToOneForm,
    SlipForm,
    StatusForm,
    ThankYouForm,
    VoidForm,
)
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import Role
from chapter.permissions import current_member, role_required
from chapter.platform import notifications


def me() -> tuple[Member, Chapter]:
    member = current_member()
    if member is None:
        abort(403)
    return member, chapters.get_chapter(member.chapter_id)


def colleagues(member: Member) -> list[tuple[int, str]]:
    """Active members of the chapter other than ``member``."""
    return [
        (member_id, name)
        for member_id, name in members.active_choices(member.chapter_id)
        if member_id != member.id
    ]


@bp.route("/referrals/new", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def new_slip() -> Response | tuple[str, int]:
    member, chapter = me()
    form = SlipForm()
    form.receiver_id.choices = choices(colleagues(member), empty="Choose a member")
    if request.method == "GET" and request.args.get("to", type=int):
        form.receiver_id.data = request.args.get("to", type=int)
    if form.validate_on_submit() and saved_once(
        form,
        ReferralSlip.form_key,
        lambda key: referrals.pass_slip(
            member, chapter, form.details(), now=utcnow(), form_key=key
        ),
    ):
        flash("Referral passed. Thank you!", "success")
        return redirect(url_for("referrals.given"))
    return render_template("referrals/new.html", form=form), form.status()


def _slip_list(mode: str, title: str) -> str:
    member, chapter = me()
    query = (
        referrals.inbox_query(member.id) if mode == "inbox" else referrals.given_query(member.id)
    )
    return render_template(
        "referrals/list.html",
        page=db.paginate(query, per_page=20, max_per_page=100),
        names=members.names_by_member(chapter.id),
        mode=mode,
        title=title,
    )


@bp.route("/referrals/inbox")
@role_required(Role.MEMBER)
def inbox() -> str:
    return _slip_list("inbox", "Referrals received")


@bp.route("/referrals/given")
@role_required(Role.MEMBER)
def given() -> str:
    return _slip_list("given", "Referrals I gave")


def _slip_page(slip_id: int, **forms: BaseForm) -> tuple[str, int]:
    member, chapter = me()
    slip = referrals.get_visible(member, slip_id)
    context = {
        "status_form": StatusForm(
            formdata=None, status=slip.status if slip.status.value != "new" else "contacted"
        ),
        "void_form": VoidForm(formdata=None),
        **forms,
    }
    status = 422 if any(f.has_errors() for f in forms.values()) else 200
    return render_template(
        "referrals/detail.html",
        slip=slip,
        member=member,
        chapter=chapter,
        names=members.names_by_member(chapter.id),
        **context,
    ), status


@bp.route("/referrals/<int:slip_id>")
@role_required(Role.MEMBER)
def slip(slip_id: int) -> tuple[str, int]:
    return _slip_page(slip_id)


@bp.route("/referrals/<int:slip_id>/status", methods=["POST"])
@role_required(Role.MEMBER)
def update_status(slip_id: int) -> Response | tuple[str, int]:
    member, _ = me()
    slip = referrals.get_visible(member, slip_id)
    form = StatusForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: referrals.update_status(
            slip, member, form.status.data, form.note.data or "", now=utcnow()
        ),
    ):
        flash("Status updated; the giver is told.", "success")
        return redirect(url_for("referrals.slip", slip_id=slip_id))
    return _slip_page(slip_id, status_form=form)


@bp.route("/referrals/<int:slip_id>/void", methods=["POST"])
@role_required(Role.MEMBER)
def void_slip(slip_id: int) -> Response | tuple[str, int]:
    member, _ = me()
    slip = referrals.get_visible(member, slip_id)
    form = VoidForm()
    if form.validate_on_submit() and saved(
        form, lambda: referrals.void_slip(slip, member, form.reason.data or "", now=utcnow())
    ):
        flash(
            "The slip is voided: it stays in the ledger, struck through, out of the totals.",
            "success",
        )
        return redirect(url_for("referrals.slip", slip_id=slip_id))
    return _slip_page(slip_id, void_form=form)


@bp.route("/thanks/new", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def thank() -> Response | tuple[str, int]:
    member, chapter = me()
    form = ThankYouForm()
    form.giver_id.choices = choices(colleagues(member), empty="Choose a member")
    form.slip_id.choices = choices(thanks.slip_choices(member.id), empty="No slip")
    if request.method == "GET":
        form.thanked_on.data = chapters.today_in(chapter, utcnow())
        if slip_id := request.args.get("slip_id", type=int):
            slip = referrals.get_visible(member, slip_id)
            form.slip_id.data, form.giver_id.data = slip.id, slip.giver_id
    if form.validate_on_submit() and saved_once(
        form,
        ThankYou.form_key,
        lambda key: thanks.thank(
            member,
            chapter,
            form.details(),
            today=chapters.today_in(chapter, utcnow()),
            now=utcnow(),
            form_key=key,
        ),
    ):
        flash("Thank-you recorded and credited; the giver is told.", "success")
        return redirect(url_for("referrals.ledger", tab="received"))
    return render_template("referrals/thank.html", form=form, chapter=chapter), form.status()


@bp.route("/thanks/<int:thank_you_id>/void", methods=["POST"])
@role_required(Role.MEMBER)
def void_thank_you(thank_you_id: int) -> Response:
    member, _ = me()
    thank_you = thanks.get_own(member, thank_you_id)
    form = VoidForm()
    if not form.validate_on_submit():
        flash("Say why the thank-you is voided.", "danger")
        return redirect(url_for("referrals.ledger", tab="received"))
    if saved(
        form, lambda: thanks.void_thank_you(thank_you, member, form.reason.data or "", now=utcnow())
    ):
        flash("The thank-you is voided.", "success")
    else:
        flash(form.error_text(), "danger")
    return redirect(url_for("referrals.ledger", tab="received"))


@bp.route("/one-to-ones/new", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def new_one_to_one() -> Response | tuple[str, int]:
    member, chapter = me()
    form = OneToOneForm()
    form.other_id.choices = choices(colleagues(member), empty="Choose a member")
    today = chapters.today_in(chapter, utcnow())
    if request.method == "GET":
        form.met_on.data = today
    if form.validate_on_submit() and saved_once(
        form,
        OneToOne.form_key,
        lambda key: activities.log_one_to_one(
            member,
            chapter,
            form.other_id.data,
            form.met_on.data,  # type: ignore[arg-type]
            form.place.data or "",
            form.notes.data or "",
            today=today,
            now=utcnow(),
            form_key=key,
        ),
    ):
        flash("One-to-one logged; it shows for both of you.", "success")
        return redirect(url_for("referrals.ledger", tab="activity"))
    return render_template("referrals/one_to_one.html", form=form), form.status()


def _one_to_one_action(entry_id: int, call, message: str) -> Response:
    member, _ = me()
    entry = activities.get_one_to_one(member, entry_id)
    form = DisputeForm() if call == "dispute" else VoidForm()
    reason = form.reason.data or "" if form.validate_on_submit() else ""
    act = activities.dispute if call == "dispute" else activities.void_one_to_one
    refusal = ActionForm()  # the service's reason, without the form's own checks
    if saved(refusal, lambda: act(entry, member, reason, now=utcnow())):
        flash(message, "success")
    else:
        flash(refusal.error_text(), "danger")
    return redirect(url_for("referrals.ledger", tab="activity"))


@bp.route("/one-to-ones/<int:entry_id>/dispute", methods=["POST"])
@role_required(Role.MEMBER)
def dispute_one_to_one(entry_id: int) -> Response:
    return _one_to_one_action(entry_id, "dispute", "Marked as disputed; a leader will look.")


@bp.route("/one-to-ones/<int:entry_id>/void", methods=["POST"])
@role_required(Role.MEMBER)
def void_one_to_one(entry_id: int) -> Response:
    return _one_to_one_action(entry_id, "void", "The one-to-one is voided.")


@bp.route("/education/new", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def new_education() -> Response | tuple[str, int]:
    member, chapter = me()
    form = EducationForm()
    today = chapters.today_in(chapter, utcnow())
    if request.method == "GET":
        form.earned_on.data = today
    if form.validate_on_submit() and saved_once(
        form,
        EducationCredit.form_key,
        lambda key: activities.log_education(
            member,
            chapter,
            form.earned_on.data,
            form.topic.data or "",  # type: ignore[arg-type]
            form.credits.data or 0,
            today=today,
            now=utcnow(),
            form_key=key,
        ),
    ):
        flash("Education credits logged.", "success")
        return redirect(url_for("referrals.ledger", tab="activity"))
    return render_template("referrals/education.html", form=form), form.status()


@bp.route("/notifications/read", methods=["POST"])
@role_required(Role.MEMBER)
def read_notifications() -> Response:
    member, _ = me()
    saved(ActionForm(), lambda: notifications.mark_all_read(member.id))
    return redirect(url_for("dashboard.index"))
