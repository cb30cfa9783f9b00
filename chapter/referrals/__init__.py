"""The referral ledger: slips, thank-yous, one-to-ones, education credits, ledgers."""

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from chapter.referrals import ledger_routes, routes  # noqa: E402, F401
