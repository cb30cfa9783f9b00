"""Testimonials (members): record one for another member, void one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.forms import choices, saved, saved_once
from chapter.ledger import bp, testimonials
from chapter.ledger.forms import TestimonialForm, VoidForm
from chapter.ledger.models import Testimonial
from chapter.ledger.routes import colleagues, me
from chapter.members.roles import Role
from chapter.permissions import role_required


@bp.route("/testimonials/new", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def new_testimonial() -> Response | tuple[str, int]:
    member, chapter = me()
    form = TestimonialForm()
    form.receiver_id.choices = choices(colleagues(member), empty="Choose a member")
    today = chapters.today_in(chapter, utcnow())
    if request.method == "GET":
        form.given_on.data = today
    if form.validate_on_submit() and saved_once(
        form,
        Testimonial.form_key,
        lambda key: testimonials.record_testimonial(
            member, chapter, form.details(), today=today, now=utcnow(), form_key=key
        ),
    ):
        flash("Testimonial recorded; they are told.", "success")
        return redirect(url_for("referrals.ledger", tab="given"))
    return render_template("referrals/testimonial.html", form=form), form.status()


@bp.route("/testimonials/<int:testimonial_id>/void", methods=["POST"])
@role_required(Role.MEMBER)
def void_testimonial(testimonial_id: int) -> Response:
    member, _ = me()
    entry = testimonials.get_visible(member, testimonial_id)
    form = VoidForm()
    if not form.validate_on_submit():
        flash("Say why the testimonial is voided.", "danger")
    elif saved(
        form,
        lambda: testimonials.void_testimonial(entry, member, form.reason.data or "", now=utcnow()),
    ):
        flash("The testimonial is voided.", "success")
    else:
        flash(form.error_text(), "danger")
    return redirect(url_for("referrals.ledger", tab="given"))
