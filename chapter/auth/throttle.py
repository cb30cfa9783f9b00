"""Who a log-in or password-reset attempt counts against (Flask-Limiter keys and limits).

A chapter meets on one venue Wi-Fi, so one address is many people: failed log-ins count per
account (the normalised e-mail asked for, from any address) and per account and address;
the address alone only has a much higher ceiling, against one machine trying a few
passwords on many accounts (password spraying). Counters live in the limiter's storage
(Redis when ``REDIS_URL`` is set), shared by every process. E-mails are hashed in keys.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from chapter.members.identity import normalise_email


def _account() -> str:
    email = normalise_email(request.form.get("email", ""))
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def account() -> str:
    """Key: the account the form names (whatever address it comes from)."""
    return f"account:{_account()}"


def account_and_address() -> str:
    """Key: the account the form names, from this address."""
    return f"account-address:{_account()}:{get_remote_address()}"


def address() -> str:
    """Key: this address, whatever accounts it names."""
    return f"address:{get_remote_address()}"


def failed(response: Response) -> bool:
    """Only failed log-ins count (a log-in that works redirects)."""
    return response.status_code != 302


def _limit(name: str) -> str:
    return str(current_app.config[name])


def login_account_and_address_limit() -> str:
    return _limit("LOGIN_RATE_LIMIT")


def login_account_limit() -> str:
    return _limit("LOGIN_ACCOUNT_RATE_LIMIT")


def address_limit() -> str:
    return _limit("LOGIN_ADDRESS_RATE_LIMIT")


def reset_account_limit() -> str:
    return _limit("RESET_REQUEST_RATE_LIMIT")
