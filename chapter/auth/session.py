"""Flask-Login wiring: which user a session cookie belongs to.

Each worker keeps the identities it loaded recently (the user, their membership and its
chapter, as plain column values) and checks one on the next request by the chapter's data
version alone: one primary-key read of one table instead of the three-table log-in query.
Every commit that changes the user's row, their membership or their chapter raises that
version in the same transaction (``chapter.platform.page_cache``), so a kept identity is never
used after such a change: a member who left, a leader who stepped down, a changed password or
e-mail is seen on the very next request, by every worker. A bulk UPDATE or DELETE of those
tables passes the flush hooks by, so page_cache refuses one that does not name its chapters.
A kept identity also lapses after ``LOGIN_KEPT_SECONDS`` (0 turns keeping off); only members'
identities are kept (a platform admin outside any chapter is loaded afresh each time).

Measured in-process on the national benchmark (a repeat view of a kept leaderboard page):
PostgreSQL's CPU per request 0.40 -> 0.17 ms, the yardstick page's being 0.13-0.17.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, inspect
from sqlalchemy.orm import joinedload, make_transient_to_detached

from chapter.auth import service as accounts
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db, login_manager
from chapter.members.models import Member
from chapter.platform import page_cache, request_identity

KEPT = "auth_kept_identities"  # app.extensions: user id -> _Kept
KEPT_MAX = 10_000  # identities a worker keeps at most (all are dropped when it is full)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.extensions[KEPT] = {}


# One query: the user, their membership and its chapter (every page reads all three). Built
# once: a statement made anew on each request costs its cache key again (measured: 0.52 ->
# 0.41 ms a log-in check on PostgreSQL).
ONE_QUERY = (joinedload(User.member).joinedload(Member.chapter),)
BY_ID = db.select(User).options(*ONE_QUERY).where(User.id == bindparam("user_id"))
VERSION = db.select(Chapter.data_version).where(Chapter.id == bindparam("chapter_id"))


@dataclass(frozen=True)
class _Kept:
    """One identity as loaded: each row's column values (the chapter's carry its version), and
    a deadline."""

    user: dict[str, Any]
    member: dict[str, Any]
    chapter: dict[str, Any]
    until: float


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, unless they may no longer log in (a member who left is logged out)."""
    try:
        key = int(user_id)
    except ValueError:
        return None
    user = _from_kept(key)
    if user is None:
        user = db.session.execute(BY_ID, {"user_id": key}).unique().scalar_one_or_none()
        if user is None or not accounts.may_log_in(user):
            return None
        _keep(user)
    member = user.member
    if member is not None:  # read in the same statement: the page cache needs no version
        page_cache.know(member.chapter_id, member.chapter.data_version)
    request_identity.identify(member.chapter_id if member else None, member.id if member else None)
    return user


MUTABLE = (dict, list)  # column values a page could change in place (JSON): copied each time


def _copied(values: dict[str, Any]) -> dict[str, Any]:
    """The values, each mutable one a copy of its own."""
    return {
        key: copy.deepcopy(value) if isinstance(value, MUTABLE) else value
        for key, value in values.items()
    }


def _columns(obj: object) -> dict[str, Any]:
    state = inspect(obj)
    return _copied({attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs})


def _keep(user: User) -> None:
    """Keep a member's identity, as just loaded, for the next requests of this worker."""
    seconds = current_app.config.get("LOGIN_KEPT_SECONDS", 0)
    member = user.member
    if not seconds or member is None:
        return
    kept = current_app.extensions[KEPT]
    if len(kept) >= KEPT_MAX:
        kept.clear()
    kept[user.id] = _Kept(
        _columns(user), _columns(member), _columns(member.chapter), time.monotonic() + seconds
    )


def forget_kept(app: Flask) -> None:
    """Drop every identity this process keeps (a database emptied under a running app: the
    ids start again at 1, and so do the data versions)."""
    app.extensions.get(KEPT, {}).clear()


def _from_kept(user_id: int) -> User | None:
    """The user rebuilt from what this worker kept, if their chapter's version is unchanged
    (one primary-key read), else None (the caller loads them afresh)."""
    kept_all = current_app.extensions[KEPT]
    kept = kept_all.get(user_id)
    if kept is None:
        return None
    chapter_id = kept.member["chapter_id"]
    session = db.session()
    keys = (
        session.identity_key(User, user_id),
        session.identity_key(Member, kept.member["id"]),
        session.identity_key(Chapter, chapter_id),
    )
    if kept.until < time.monotonic() or any(key in session.identity_map for key in keys):
        kept_all.pop(user_id, None)
        return None
    version = session.execute(VERSION, {"chapter_id": chapter_id}).scalar_one_or_none()
    if version != kept.chapter["data_version"]:
        kept_all.pop(user_id, None)
        return None
    user, member, chapter = (
        _row(User, kept.user),
        _row(Member, kept.member),
        _row(Chapter, kept.chapter),
    )
    user.__dict__["member"] = member
    member.__dict__["user"] = user
    member.__dict__["chapter"] = chapter
    for obj in (chapter, member, user):
        make_transient_to_detached(obj)
    session.add(user)  # the membership and the chapter with it (save-update cascade)
    return user


def _row(cls: type, values: dict[str, Any]) -> Any:
    obj = inspect(cls).class_manager.new_instance()
    obj.__dict__.update(_copied(values))
    return obj
