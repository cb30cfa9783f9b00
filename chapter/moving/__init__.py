"""Moving a chapter in and out: import BNI Connect files, export in the same shape and JSON."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("imports", __name__)
