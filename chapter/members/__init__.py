"""Member directory, profiles, and the leader's member admin."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("members", __name__)
