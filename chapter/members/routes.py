"""Member routes: directory and profiles (members), member admin (leaders)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from chapter.attendance import guests
from chapter.auth import service as accounts
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.forms import ActionForm, made_before, saved, saved_once
from chapter.ledger import testimonials
from chapter.members import bp
from chapter.members import service as members
from chapter.members.forms import MemberForm, NewMemberForm, PositionForm, ProfileForm
from chapter.members.models import Member
from chapter.members.roles import MemberStatus, Role
from chapter.permissions import current_actor, current_chapter_id, current_member, role_required
from chapter.platform import mail
from chapter.rotation import service as rotation


def _today():
    chapter = chapters.get_chapter(current_chapter_id())
    return chapters.today_in(chapter, utcnow())


def _page(query):
    return db.paginate(
        query,
        per_page=current_app.config["DIRECTORY_PAGE_SIZE"],
        max_per_page=100,
        error_out=True,
    )


@bp.route("/")
@role_required(Role.MEMBER)
def index() -> str:
    search = request.args.get("q", "").strip()[:100]
    page = _page(members.directory_query(current_chapter_id(), search))
    return render_template("members/index.html", page=page, search=search)


@bp.route("/<int:member_id>")
@role_required(Role.MEMBER)
def detail(member_id: int) -> str:
    member = members.get_in_chapter(current_chapter_id(), member_id)
    return render_template(
        "members/detail.html",
        member=member,
        action_form=ActionForm(),
        **_published(member),
    )


def _published(member: Member) -> dict[str, object]:
    """Testimonials the givers allowed to show on this member's profile, with their names."""
    return {
        "published": testimonials.published_for(member.id),
        "names": members.names_by_member(member.chapter_id),
    }


@bp.route("/me/edit", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def edit_profile() -> Response | tuple[str, int]:
    member = current_member()
    assert member is not None  # noqa: S101 - role_required(MEMBER) guarantees it
    form = ProfileForm(obj=member)
    if form.validate_on_submit() and saved(
        form, lambda: members.update_profile(member, form.details(), actor=current_actor())
    ):
        flash("Your profile is saved.", "success")
        return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/edit_profile.html", form=form, member=member), form.status()


@bp.route("/admin")
@role_required(Role.LEADER)
def admin() -> str:
    chapter_id = current_chapter_id()
    status_arg = request.args.get("status", "")
    try:
        status = MemberStatus(status_arg) if status_arg else None
    except ValueError:
        abort(400)
    search = request.args.get("q", "").strip()[:100]
    page = _page(members.admin_query(chapter_id, status, search))
    due = members.renewals_due(page.items, _today(), current_app.config["RENEWAL_WARNING_DAYS"])
    return render_template(
        "members/admin.html",
        page=page,
        status=status,
        search=search,
        counts=members.status_counts(chapter_id),
        renewals_due=due,
        statuses=list(MemberStatus),
    )


def _invite(member: Member) -> None:
    """E-mail the member a link to set their password (after the commit)."""
    token = accounts.invitation_token(member.user)
    link = url_for("auth.accept_invitation", token=token, _external=True)
    chapter = chapters.get_chapter(member.chapter_id)
    mail.send(
        member.email,
        f"Your invitation to {chapter.name}",
        f"Hello {member.user.first_name},\n\n{current_actor().full_name} added you to "
        f"{chapter.name}. Choose your password here:\n\n{link}\n",
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new() -> Response | tuple[str, int]:
    chapter_id = current_chapter_id()
    guest_id = request.args.get("guest_id", type=int)
    guest = guests.get_in_chapter(chapter_id, guest_id) if guest_id else None
    form = NewMemberForm()
    if (
        guest is not None
        and guest.joined_as_id is not None
        and made_before(Member.form_key, form.once_key()) is None  # not this form, again
    ):
        raise RuleViolation(f"{guest.name} is already a member of the chapter.")
    form.set_sponsor_choices(members.sponsor_choices(chapter_id))
    if request.method == "GET":
        form.joined_on.data = _today()
        if guest is not None:  # a visitor who joins: no retyping
            form.first_name.data, form.last_name.data = guests.split_name(guest.name)
            form.email.data = guest.email
            form.business_name.data = guest.business_name
            form.phone.data = guest.phone

    changes: list[rotation.Change] = []

    def add(key: str | None) -> Member:
        member, moved = members.add_member_with_changes(
            chapter_id, form.details(), actor=current_actor(), today=_today(), form_key=key
        )
        changes.extend(moved)
        if guest is not None:
            guests.mark_joined(guest, member, actor=current_actor())
        return member

    if form.validate_on_submit() and (added := saved_once(form, Member.form_key, add)):
        member = added.result
        _flash_rotation(changes, chapter_id)
        if form.send_invitation.data:
            if not added.again:  # the first sending e-mailed it
                _invite(member)
            flash(f"Added {member.full_name} and e-mailed an invitation.", "success")
        else:
            flash(f"Added {member.full_name}.", "success")
        return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/new.html", form=form, guest=guest), form.status()


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@role_required(Role.LEADER)
def edit(member_id: int) -> Response | tuple[str, int]:
    member = members.get_in_chapter(current_chapter_id(), member_id)
    user = member.user
    form = MemberForm(
        obj=member, first_name=user.first_name, last_name=user.last_name, email=user.email
    )
    del form.send_invitation
    form.set_sponsor_choices(members.sponsor_choices(member.chapter_id, exclude_id=member.id))
    if form.validate_on_submit() and saved(
        form, lambda: members.update_member(member, form.details(), actor=current_actor())
    ):
        flash(f"Saved {member.full_name}.", "success")
        return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/edit.html", form=form, member=member), form.status()


def _flash_rotation(changes: list[rotation.Change], chapter_id: int) -> None:
    """Tell the leader which presentation slots moved because membership changed."""
    if changes:
        names = members.names_by_member(chapter_id)
        flash("Presentation rotation updated: " + rotation.describe_changes(changes, names), "info")


def _detail_refused(member_id: int, refusal: str) -> tuple[str, int]:
    """The member's page again, with the reason a one-button action was refused (422)."""
    member = members.get_in_chapter(current_chapter_id(), member_id)
    return render_template(
        "members/detail.html",
        member=member,
        action_form=ActionForm(),
        refusal=refusal,
        **_published(member),
    ), 422


def _status_action(member_id: int, status: MemberStatus, done: str) -> Response | tuple[str, int]:
    member = members.get_in_chapter(current_chapter_id(), member_id)
    refusal = ActionForm()
    changed = saved(
        refusal,
        lambda: members.change_status(member, status, actor=current_actor(), today=_today()),
    )
    if not changed:
        return _detail_refused(member_id, refusal.error_text())
    flash(f"{member.full_name} {done}.", "success")
    _flash_rotation(changed.result, member.chapter_id)
    return redirect(url_for("members.detail", member_id=member_id))


@bp.route("/<int:member_id>/leave", methods=["POST"])
@role_required(Role.LEADER)
def put_on_leave(member_id: int) -> Response | tuple[str, int]:
    return _status_action(member_id, MemberStatus.ON_LEAVE, "is now on leave")


@bp.route("/<int:member_id>/left", methods=["POST"])
@role_required(Role.LEADER)
def mark_left(member_id: int) -> Response | tuple[str, int]:
    return _status_action(member_id, MemberStatus.LEFT, "is marked as left; their history is kept")


@bp.route("/<int:member_id>/reactivate", methods=["POST"])
@role_required(Role.LEADER)
def reactivate(member_id: int) -> Response | tuple[str, int]:
    return _status_action(member_id, MemberStatus.ACTIVE, "is active again")


@bp.route("/<int:member_id>/position", methods=["GET", "POST"])
@role_required(Role.LEADER)
def position(member_id: int) -> Response | tuple[str, int]:
    member = members.get_in_chapter(current_chapter_id(), member_id)
    form = PositionForm(position=member.position)
    if form.validate_on_submit() and saved(
        form, lambda: members.assign_position(member, form.position.data, actor=current_actor())
    ):
        flash(f"Saved {member.full_name}'s leadership position.", "success")
        return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/position.html", form=form, member=member), form.status()


@bp.route("/<int:member_id>/invite", methods=["POST"])
@role_required(Role.LEADER)
def invite(member_id: int) -> Response | tuple[str, int]:
    member = members.get_in_chapter(current_chapter_id(), member_id)
    try:
        _invite(member)
    except RuleViolation as error:
        return _detail_refused(member_id, error.message)
    flash(f"Invitation e-mailed to {member.email}.", "success")
    return redirect(url_for("members.detail", member_id=member.id))
