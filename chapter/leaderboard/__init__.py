"""The weekly give/get leaderboard, traffic lights and the PALMS summary report."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("leaderboard", __name__)
