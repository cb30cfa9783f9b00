"""Mail pages: my preferences, the chapter's defaults (leaders), one-click unsubscribe."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from chapter.digests import bp, service
from chapter.digests.forms import ChapterDefaultsForm, PreferencesForm, UnsubscribeForm
from chapter.extensions import csrf
from chapter.forms import saved
from chapter.members.roles import Role
from chapter.permissions import (
    current_actor,
    current_chapter_id,
    current_member,
    public,
    role_required,
)


@bp.route("/mail/preferences", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def preferences() -> Response | tuple[str, int]:
    member = current_member()
    assert member is not None  # noqa: S101 - MEMBER role
    defaults = service.settings_of(member.chapter_id)
    form = PreferencesForm.for_member(service.choices_of(member.id), defaults)
    if form.validate_on_submit() and saved(
        form, lambda: service.update_choices(member, form.choices())
    ):
        flash("Mail preferences saved.", "success")
        return redirect(url_for("digests.preferences"))
    return render_template("digests/preferences.html", form=form), form.status()


@bp.route("/mail/chapter", methods=["GET", "POST"])
@role_required(Role.LEADER)
def chapter_defaults() -> Response | tuple[str, int]:
    chapter_id = current_chapter_id()
    form = ChapterDefaultsForm(obj=service.settings_of(chapter_id))
    if form.validate_on_submit() and saved(
        form,
        lambda: service.update_chapter_defaults(chapter_id, form.details(), actor=current_actor()),
    ):
        flash("The chapter's mail defaults are saved.", "success")
        return redirect(url_for("digests.chapter_defaults"))
    return render_template("digests/chapter.html", form=form), form.status()


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058 one-click: the signed link is the proof, the mail client sends no token
def unsubscribe(token: str) -> tuple[str, int]:
    member, topic = service.read_unsubscribe_token(token)
    form = UnsubscribeForm()
    if form.validate_on_submit() and saved(form, lambda: service.unsubscribe(member, topic)):
        return render_template("digests/unsubscribed.html", topic=topic), 200
    return render_template("digests/unsubscribe.html", form=form, topic=topic), form.status()
