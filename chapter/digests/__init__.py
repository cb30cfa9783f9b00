"""Mail outside the browser: the weekly digest, reminders before meetings, preferences."""

from flask import Blueprint

# Its views are in the route module, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("digests", __name__)
