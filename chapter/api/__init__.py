"""The JSON API (/api/v1, token requests only) and the pages around it (tokens, docs).

``bp`` is the API itself, a flask-smorest blueprint that chapter.api.setup registers through
its Api object (which also serves /api/v1/openapi.json); ``pages`` holds the HTML pages: a
member's personal access tokens and the offline API docs page.
"""

from flask import Blueprint as PageBlueprint
from flask_smorest import Blueprint

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="The member's and the leaders' chapter data, for integrations and apps.",
)
pages = PageBlueprint("api_pages", __name__)
