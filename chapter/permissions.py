"""Who may do what: roles, route decorators, and the actor of the current request.

Every route carries exactly one of the decorators below; services receive the actor as an
argument and scope every query by chapter, so another chapter's data is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

from chapter.auth.models import User
from chapter.members.models import Member
from chapter.members.roles import Role

P = ParamSpec("P")
R = TypeVar("R")


def current_actor() -> User:
    """The logged-in user (routes only run this behind a decorator that requires log-in)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def current_member() -> Member | None:
    """The logged-in person's membership, if they have one and are logged in."""
    if not current_user.is_authenticated:
        return None
    return current_user.member  # type: ignore[no-any-return]


def page_viewer(member: Member) -> tuple[int, bool, bool]:
    """What, beside its data, decides how a member's kept page looks: whose it is (their own
    rows) and their roles (the navigation). Part of every kept page's key
    (chapter.platform.page_cache.remember_page)."""
    return (member.id, member.is_leader, bool(current_user.is_platform_admin))


def current_chapter_id() -> int:
    """The chapter of the logged-in member (403 for someone who belongs to no chapter)."""
    member = current_member()
    if member is None:
        abort(403)
    return member.chapter_id


def has_role(user: User | None, role: Role) -> bool:
    """Whether ``user`` holds ``role``: members need a current membership, leaders a position."""
    if user is None or not user.is_authenticated:
        return False
    if role is Role.PLATFORM_ADMIN:
        return user.is_platform_admin
    member = user.member
    if member is None:
        return False
    if role is Role.LEADER:
        return member.is_leader
    return True


def role_required(role: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Route decorator: log-in required (anonymous users go to log-in), then ``role`` (403)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not has_role(current_actor(), role):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)  # type: ignore[no-any-return]

    return decorator


def signed_in(view: Callable[P, R]) -> Callable[P, R]:
    """Route decorator: any logged-in person (member, leader or platform admin)."""
    return login_required(view)  # type: ignore[no-any-return]


def public(view: Callable[P, R]) -> Callable[P, R]:
    """Route decorator for pages anyone may open (log-in, password reset): states the intent."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def can(role: str) -> bool:
    """Template helper: does the current user hold ``role`` (``member``, ``leader``...)?"""
    return has_role(current_actor(), Role(role))
