"""The page a person lands on after logging in."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("dashboard", __name__)
