"""The referral ledger: slips, thank-yous, one-to-ones, education credits, ledgers."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("referrals", __name__)
