"""Meetings, announcements ahead, attendance rosters (PALMS), visitors and substitutes."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("attendance", __name__)
