"""Who the request is for, as the log-in check loaded them: the chapter and member ids, read by
the request log at the end of the request. Read there from the user instead, after a write's
commit expired its rows, they cost two more statements."""

from __future__ import annotations

from flask import g

KEY = "request_identity"


def identify(chapter_id: int | None, member_id: int | None) -> None:
    """Name the request's chapter and member (None, None: a user outside any chapter)."""
    setattr(g, KEY, (chapter_id, member_id))


def identified() -> tuple[int | None, int | None] | None:
    """The ids the log-in check named, or None when it has not run in this request."""
    return g.get(KEY)
