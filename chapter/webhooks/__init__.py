"""Webhooks: a chapter's leaders register HTTPS endpoints that receive the chapter's events
(slips, thank-yous, one-to-ones, visitors, members joining and leaving, completed rosters),
signed, after the commit, by `flask chapter send-due-webhooks`."""

from flask import Blueprint

# Its views are in the route module, which create_app imports: importing the package (for
# its services) never loads its pages.
bp = Blueprint("webhooks", __name__)
