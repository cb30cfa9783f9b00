"""The feature-presentation rotation and calendar feeds."""

from flask import Blueprint

# Its views are in the route modules, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("rotation", __name__)
