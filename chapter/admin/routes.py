"""Platform admin routes, and the first-run set-up page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from chapter.admin import bp
from chapter.admin import region as region_service
from chapter.admin.chapter_health import BANDS
from chapter.admin.forms import ChapterForm, SetupForm
from chapter.auth import service as accounts
from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.forms import saved
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import Role
from chapter.permissions import current_actor, public, role_required
from chapter.platform import mail, page_cache
from chapter.platform.listing import ListPage


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup() -> Response | tuple[str, int]:
    """Only on a brand-new installation: create the first chapter and its leader."""
    if not chapters.platform_is_empty():
        abort(404)
    form = SetupForm()

    def set_up() -> tuple[Chapter, Member]:
        chapter, leader = chapters.create_chapter(
            form.chapter_details(),
            form.leader_details(),
            actor=None,
            today=utcnow().date(),
        )
        accounts.set_password(leader.user, form.password.data or "")
        chapters.make_platform_admin(leader.user, actor=None)
        return chapter, leader

    if form.validate_on_submit() and (done := saved(form, set_up)):
        chapter, leader = done.result
        login_user(leader.user)
        flash(f"{chapter.name} is ready. Add your members next.", "success")
        return redirect(url_for("members.admin"))
    return render_template("admin/setup.html", form=form), form.status()


@bp.route("/admin/chapters")
@role_required(Role.PLATFORM_ADMIN)
def chapters_index() -> str:
    return render_template("admin/chapters.html", rows=chapters.list_chapters())


@bp.route("/admin/chapters/new", methods=["GET", "POST"])
@role_required(Role.PLATFORM_ADMIN)
def new_chapter() -> Response | tuple[str, int]:
    form = ChapterForm()
    if form.validate_on_submit() and (
        done := saved(
            form,
            lambda: chapters.create_chapter(
                form.chapter_details(),
                form.leader_details(),
                actor=current_actor(),
                today=utcnow().date(),
            ),
        )
    ):
        chapter, leader = done.result
        link = url_for(
            "auth.accept_invitation",
            token=accounts.invitation_token(leader.user),
            _external=True,
        )
        mail.send(
            leader.email,
            f"You lead {chapter.name} on the chapter platform",
            f"Hello {leader.user.first_name},\n\n{chapter.name} has been created with you "
            f"as its president. Choose your password here:\n\n{link}\n",
        )
        flash(f"Created {chapter.name}; {leader.full_name} was invited by e-mail.", "success")
        return redirect(url_for("admin.chapter_detail", chapter_id=chapter.id))
    return render_template("admin/new_chapter.html", form=form), form.status()


@bp.route("/admin/chapters/<int:chapter_id>")
@role_required(Role.PLATFORM_ADMIN)
def chapter_detail(chapter_id: int) -> str:
    chapter = chapters.get_chapter(chapter_id)
    return render_template(
        "admin/chapter.html",
        chapter=chapter,
        leaders=members.leaders(chapter_id),
        counts=members.status_counts(chapter_id),
        next_meeting=chapters.next_meeting(chapter, utcnow()),
    )


@bp.route("/admin/region")
@role_required(Role.PLATFORM_ADMIN)
def region() -> str | bytes:
    key = request.args.get("period", "six_months")
    spans = region_service.periods(utcnow().date())
    if key not in spans:
        abort(400, description="Choose six_months, year or all.")
    sort = request.args.get("sort", "name")
    if sort not in region_service.SORTS:
        abort(400, description="Sort by name or health.")
    number = request.args.get("page", 1, type=int)
    if number < 1:
        abort(404)
    search = request.args.get("q", "").strip()[:100]
    label, start = spans[key]
    per_page = region_service.PER_PAGE

    def page() -> str:
        # Platform admins all see the same region: cached until any chapter's data changes.
        rows, total, top = page_cache.remember(
            page_cache.REGION,
            ("region", "admin", start, sort, number, search, per_page),
            lambda: (
                *region_service.region_page(start, sort, number, search, per_page),
                region_service.top_givers(start),
            ),
        )
        return render_template(
            "admin/region.html",
            rows=rows,
            page=ListPage(page=number, per_page=per_page, items=rows, total=total),
            top=top,
            period=key,
            label=label,
            spans=spans,
            bands=BANDS,
            sort=sort,
            sorts=region_service.SORTS,
            search=search,
        )

    # The whole page, kept per viewer (the navigation follows their roles, which change only
    # with a membership row: that raises the region's version too): a repeat view renders
    # nothing (measured in-process: 5.4 ms of worker CPU a view before).
    viewer = current_actor().id
    parts = ("region", viewer, key, start, sort, number, search, per_page)
    return page_cache.remember_page(page_cache.REGION, parts, page)
