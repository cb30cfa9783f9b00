"""Pages around the API: my personal access tokens (create, revoke) and the docs page.

The docs page is Swagger UI from the swagger-ui-bundle package (served from this app, never a
CDN), started by chapter/static/js/api-docs.js: no inline script, so the app's CSP holds.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

from chapter.api import pages, tokens
from chapter.api.forms import TokenForm
from chapter.db import utcnow
from chapter.forms import ActionForm, saved
from chapter.members.roles import Role
from chapter.permissions import current_actor, public, role_required

ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}


def _page(form: TokenForm, secret: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "api/tokens.html",
        form=form,
        secret=secret,
        tokens=tokens.of_user(current_actor().id),
        action_form=ActionForm(),
    ), status


@pages.route("/profile/tokens", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def my_tokens() -> tuple[str, int]:
    form = TokenForm()
    if form.validate_on_submit() and (
        done := saved(
            form,
            lambda: tokens.create(
                current_actor(), form.name.data or "", form.scope.data or "", now=utcnow()
            ),
        )
    ):
        # Shown on this answer only (not after a redirect): the secret is never stored.
        return _page(TokenForm(formdata=None), secret=done.result.secret, status=201)
    return _page(form, status=form.status())


@pages.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required(Role.MEMBER)
def revoke_token(token_id: int) -> Response:
    actor = current_actor()
    token = tokens.get_own(actor, token_id)
    refusal = ActionForm()
    if not refusal.validate_on_submit():
        abort(400)
    if saved(refusal, lambda: tokens.revoke(actor, token, now=utcnow())):
        flash(f"Token '{token.name}' revoked: it no longer works.", "success")
    else:
        flash(refusal.error_text(), "danger")
    return redirect(url_for("api_pages.my_tokens"))


@pages.route("/api/v1/docs")
@public
def docs() -> str:
    return render_template("api/docs.html")


@pages.route("/api/v1/docs/assets/<path:name>")
@public
def docs_asset(name: str) -> Response:
    if name not in ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), name, max_age=86400)
