"""The page-data cache: what a page needs, kept per chapter and per viewer kind, keyed by the
chapter's data version.

Every commit that touches a chapter's rows (its ledger, meetings, rosters, members, settings;
not its audit trail, notifications or mail) gets the chapter a new data version just after it
commits, so the next page view computes afresh and nothing stale is ever served. A version is
a random token, not a counter: a version evicted from the cache comes back as a new token,
never as an old one whose entries may still be there.

Flask-Caching: RedisCache when REDIS_URL is set (shared by every worker and host); without
Redis a FileSystemCache in the instance folder, which every worker of one host shares (a
per-process SimpleCache would let one worker serve a page another worker's write made stale);
the tests use SimpleCache (one process). ``CACHE_TYPE`` overrides, ``PAGE_CACHE = False``
turns it off.

What goes in must be the same for every viewer of the key: the caller puts the viewer kind
(and the member, for anything personal) in the key.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_caching.backends import SimpleCache
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from chapter.extensions import cache, db

T = TypeVar("T")
log = logging.getLogger(__name__)
CHANGED = "page_cache_changed"  # session.info: {chapter_id}
MEETINGS = "page_cache_meetings"  # session.info: {meeting_id} (rows that name only a meeting)
USERS = "page_cache_users"  # session.info: {user_id} whose row changed
RAISED = "page_cache_raised"  # session.info: {chapter_id} whose data version is raised already
REGION = "region"  # the version of pages that show every chapter
# Chapter rows that no cached page reads: writing them (a log-in, a notification read, a mail
# sent, a webhook delivered) must not throw the chapter's pages away.
IGNORED_TABLES = frozenset(
    {
        "audit_events",
        "notifications",
        "mail_deliveries",
        "mail_preferences",
        "chapter_mail_settings",
        "api_tokens",
        "webhook_endpoints",
        "webhook_events",
        "webhook_deliveries",
        "import_uploads",
        "import_name_mappings",
        "swap_requests",
        "presentations",
        # the summaries are written with the raw rows that changed them
        "weekly_totals",
        "chapter_weekly_totals",
        "chapter_running_totals",
    }
)
# A bulk UPDATE or DELETE of these passes the flush hooks by, yet the log-in check keeps
# identities by the chapter's version (chapter.auth.session): it must name its chapters.
IDENTITY_TABLES = frozenset({"users", "members", "chapters"})
TOUCHED = "chapter_touched"  # execution option: this bulk write named its chapters (or raised them)
LOCAL = "page_cache_local"  # app.extensions: this worker's copy of recent entries
VERSIONS = "page_cache_versions"  # flask.g: the versions this request read
RELEASE = "page_cache_release"  # app.extensions: this release's token
SIGNED = "page_cache_signed"  # app.extensions: a session's CSRF token -> its recent signed form


def init_app(app: Flask) -> None:
    """Redis when REDIS_URL is set, one process's memory otherwise (unless CACHE_TYPE says)."""
    app.config.setdefault("PAGE_CACHE", True)
    if not app.config.get("CACHE_TYPE"):
        if app.config.get("REDIS_URL"):
            app.config["CACHE_TYPE"] = "RedisCache"
            app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
        else:
            app.config["CACHE_TYPE"] = "FileSystemCache"
            app.config.setdefault("CACHE_DIR", str(Path(app.instance_path) / "page-cache"))
    app.config.setdefault("CACHE_THRESHOLD", 5000)
    # Entries also expire: if Redis was unreachable when a write tried to bump a version,
    # what was cached before the write can come back for at most this long.
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 15 * 60)
    app.config.setdefault("CACHE_KEY_PREFIX", "chapter:")
    # The release is in every entry's key: a deploy that changes a template or a cached class
    # starts on an empty cache by itself (what the old release kept expires on its own).
    app.extensions[RELEASE] = release(app)
    cache.init_app(app)
    # With Redis, each worker also keeps its most recent entries in memory for a minute: an
    # entry's key carries the data version, so a kept entry is never stale (only the version
    # itself is asked of Redis on every request).
    entries = app.config.setdefault(
        "PAGE_CACHE_LOCAL_ENTRIES", 256 if app.config["CACHE_TYPE"] == "RedisCache" else 0
    )
    if entries:
        app.extensions[LOCAL] = SimpleCache(
            threshold=entries, default_timeout=min(60, app.config["CACHE_DEFAULT_TIMEOUT"])
        )
    # Signing the session's CSRF token for a kept page costs more than finding the page: a
    # token signed in the last few minutes is handed out again (Flask-WTF accepts a signed
    # token for WTF_CSRF_TIME_LIMIT, an hour by default; this reuses one for at most a twelfth
    # of that).
    time_limit = app.config.get("WTF_CSRF_TIME_LIMIT", 3600) or 3600
    app.extensions[SIGNED] = SimpleCache(threshold=4096, default_timeout=min(300, time_limit // 12))
    install()


def release(app: Flask) -> str:
    """A short token of this release: a hash of the app's code and templates (the same on
    every host that runs the same files), or ``CHAPTER_RELEASE`` (``RELEASE``) when set."""
    if app.config.get("RELEASE"):
        return str(app.config["RELEASE"])
    return _files_digest(
        Path(app.root_path), Path(app.root_path, app.template_folder or "templates").resolve()
    )


@functools.cache
def _files_digest(code: Path, templates: Path) -> str:
    """Hash of the code's .py files and the templates (paths and contents), once a process."""
    digest = hashlib.sha256()
    for folder, pattern in ((code, "*.py"), (templates, "*.html")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(f"{folder.name}/{path.relative_to(folder)}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("PAGE_CACHE", True))


def know(chapter_id: int, data_version: int) -> None:
    """The chapter's data version as the database holds it, read with the log-in check: this
    request's pages of the chapter use it and ask the cache for no version (one round trip
    less on every view of the member's own chapter). The database raises it in the same
    transaction as the chapter's data, so it is never behind what the request reads."""
    if has_request_context():
        g.setdefault(VERSIONS, {})[chapter_id] = f"d{data_version}"


def version(scope: Hashable) -> str:
    """The data version of a chapter (its id) or of the region (``REGION``): the database's,
    when the log-in check read it (``know``), else asked of the cache; once per request (a
    commit in the request forgets what was known)."""
    known = g.setdefault(VERSIONS, {}) if has_request_context() else {}
    if scope in known:
        return known[scope]
    key = f"version:{scope}"
    found = cache.get(key)
    if found is None:
        found = uuid.uuid4().hex
        if not cache.add(key, found):  # another worker set it first: use theirs
            found = cache.get(key) or found
    known[scope] = str(found)
    return known[scope]


def _get(key: str) -> Any:
    local = current_app.extensions.get(LOCAL)
    found = local.get(key) if local is not None else None
    if found is None:
        found = cache.get(key)
        if found is not None and local is not None:
            local.set(key, found)
    return found


def _set(key: str, value: Any) -> None:
    cache.set(key, value)
    local = current_app.extensions.get(LOCAL)
    if local is not None:
        local.set(key, value)


def remember(scope: Hashable, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for these ``parts`` at the scope's current version."""
    if not _enabled():
        return compute()
    try:
        release_token = current_app.extensions[RELEASE]
        key = f"page:{release_token}:" + ":".join(
            str(part) for part in (scope, version(scope), *parts)
        )
        found = _get(key)
    except Exception:  # the cache unreachable: build the page, never fail it
        log.warning("page cache unreachable; building the page", exc_info=True)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        _set(key, value)
    except Exception:
        log.warning("page cache unreachable; not kept", exc_info=True)
    return value


def remember_page(
    scope: Hashable, parts: tuple[Hashable, ...], render: Callable[[], str]
) -> str | bytes:
    """A whole rendered page, kept like ``remember``: ``parts`` must name the viewer (member
    and what decides their navigation). The page is kept as UTF-8 pieces cut at the session's
    CSRF token, and served with the current session's token joined back in: a kept page is
    neither decoded from the cache nor encoded again for the response (measured in-process:
    the leaderboard's own CPU beyond the log-in check about halved). A page with flashed
    messages waiting is neither kept nor served from the cache (they belong to this one
    view)."""
    if not _enabled() or session.get("_flashes"):
        return render()
    token = csrf_token()
    pieces = remember(
        scope, ("page", *parts), lambda: tuple(piece.encode() for piece in render().split(token))
    )
    return token.encode().join(pieces)


def csrf_token() -> str:
    """The session's signed CSRF token, as ``flask_wtf.csrf.generate_csrf`` gives it, but one
    this worker signed for the session in the last few minutes when there is one (the forms
    the page renders use the same)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed = current_app.extensions.get(SIGNED)
    raw = session.get(field)
    if signed is not None and raw and field not in g:
        recent = signed.get(raw)
        if recent is not None:
            setattr(g, field, recent)  # what generate_csrf hands out for the rest of the request
            return str(recent)
    token = generate_csrf()
    if signed is not None:
        signed.add(session[field], token)  # keeps the first signing: its age is the reuse
    return token


def bump(chapter_ids: Iterable[int]) -> None:
    """New data versions for these chapters, and for the region (after their commit)."""
    ids = set(chapter_ids)
    if not ids or not has_app_context():
        return
    if has_request_context():
        g.pop(VERSIONS, None)
    try:
        for chapter_id in ids:
            cache.set(f"version:{chapter_id}", uuid.uuid4().hex)
        cache.set(f"version:{REGION}", uuid.uuid4().hex)
    except Exception:  # the write is committed; entries expire on their own
        log.exception("page cache unreachable: versions not bumped for chapters %s", ids)


def touch(session: Session, chapter_id: int) -> None:
    """This chapter's pages change with the session's commit (e.g. a rebuild by hand)."""
    session.info.setdefault(CHANGED, set()).add(chapter_id)


def raised(session: Session, chapter_ids: Iterable[int]) -> None:
    """These chapters' data versions were raised in this transaction (by the weekly summary,
    as it took their rows): the commit hook leaves them be."""
    session.info.setdefault(RAISED, set()).update(chapter_ids)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in [*session.new, *session.dirty, *session.deleted]:
        table = getattr(obj, "__tablename__", None)
        if table is None or table in IGNORED_TABLES:
            continue
        if table == "chapters":
            if obj.id is not None:
                touch(session, obj.id)
        elif table == "users":
            # Any change, not only a name shown on pages: the log-in check keeps a member's
            # identity while their chapter's version stands (chapter.auth.session).
            changed = obj in session.deleted or session.is_modified(obj, include_collections=False)
            if changed and obj.id is not None:
                session.info.setdefault(USERS, set()).add(obj.id)
        elif isinstance(getattr(obj, "chapter_id", None), int):
            touch(session, obj.chapter_id)
        elif isinstance(getattr(obj, "meeting_id", None), int):
            session.info.setdefault(MEETINGS, set()).add(obj.meeting_id)


def _before_commit(session: Session) -> None:
    """Name the chapters of changed rows that carry only a meeting or a user."""
    session.flush()
    meeting_ids = session.info.pop(MEETINGS, set())
    user_ids = session.info.pop(USERS, set())
    tables = db.metadata.tables
    if meeting_ids:  # the session usually holds the meetings already (a roster's save)
        for state in list(session.identity_map.all_states()):
            if getattr(state.class_, "__tablename__", None) != "meetings":
                continue
            (meeting_id,) = state.identity
            chapter_id = state.dict.get("chapter_id")  # as loaded: never loads the row again
            if meeting_id in meeting_ids and chapter_id is not None:
                touch(session, chapter_id)
                meeting_ids.discard(meeting_id)
    if meeting_ids:
        meetings = tables["meetings"]
        for (chapter_id,) in session.execute(
            db.select(meetings.c.chapter_id).where(meetings.c.id.in_(meeting_ids))
        ):
            touch(session, chapter_id)
    if user_ids:
        members = tables["members"]
        for (chapter_id,) in session.execute(
            db.select(members.c.chapter_id).where(members.c.user_id.in_(user_ids))
        ):
            touch(session, chapter_id)
    _raise_data_versions(session)


def _raise_data_versions(session: Session) -> None:
    """Raise the data version of every chapter this commit touched, inside the commit (in id
    order, as the weekly summary takes chapter rows). ``updated_at`` is kept: the chapter
    itself did not change."""
    changed = sorted(set(session.info.get(CHANGED, ())) - session.info.pop(RAISED, set()))
    if changed:
        chapters = db.metadata.tables["chapters"]
        session.execute(
            chapters.update()
            .where(chapters.c.id.in_(changed))
            .values(data_version=chapters.c.data_version + 1, updated_at=chapters.c.updated_at)
            .execution_options(**{TOUCHED: True})
        )


def _bulk_write(state: ORMExecuteState) -> None:
    """Refuse a bulk UPDATE or DELETE of users, members or chapters that does not say it named
    the chapters it changes (``touch``, then ``execution_options(chapter_touched=True)``):
    without a new version, every worker would go on using the identities it keeps."""
    if not (state.is_update or state.is_delete) or state.execution_options.get(TOUCHED):
        return
    table = getattr(state.statement.table, "name", None)  # type: ignore[attr-defined]
    if table in IDENTITY_TABLES:
        raise RuntimeError(
            f"A bulk write of {table} must name the chapters it changes (page_cache.touch) "
            f"and run with execution_options({TOUCHED}=True)."
        )


def _after_commit(session: Session) -> None:
    changed = session.info.pop(CHANGED, set())
    if changed and has_app_context() and "cache" in current_app.extensions:
        bump(changed)


def _discard(session: Session, *args: Any) -> None:
    for key in (CHANGED, MEETINGS, USERS, RAISED):
        session.info.pop(key, None)


def install() -> None:
    """Watch every session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _discard)
        event.listen(Session, "do_orm_execute", _bulk_write)
