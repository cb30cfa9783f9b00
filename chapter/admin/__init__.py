"""Platform administration: chapters and their first leaders; first-run set-up."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("admin", __name__)
