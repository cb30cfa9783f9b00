"""Flask-Login wiring: which user a session cookie belongs to."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import joinedload

from chapter.auth import service as accounts
from chapter.auth.models import User
from chapter.extensions import db, login_manager
from chapter.members.models import Member


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


ONE_QUERY = (joinedload(User.member).joinedload(Member.chapter),)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, unless they may no longer log in (a member who left is logged out)."""
    try:
        # One query: the user, their membership and its chapter (every page reads all three).
        user = db.session.get(User, int(user_id), options=ONE_QUERY)
    except ValueError:
        return None
    if user is None or not accounts.may_log_in(user):
        return None
    return user
