"""Leaders' webhook pages: the chapter's endpoints, adding and disabling one, its secret on
demand, its delivery log, re-sending a delivery and sending a test event."""

from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from chapter.db import utcnow
from chapter.extensions import db
from chapter.forms import ActionForm, saved
from chapter.members.roles import Role
from chapter.permissions import current_actor, current_chapter_id, role_required
from chapter.webhooks import bp, sending, service
from chapter.webhooks.forms import EndpointForm
from chapter.webhooks.models import WebhookEndpoint
from chapter.webhooks.rules import SUBSCRIBABLE, DeliveryState, EventKind

LOG_PAGE_SIZE = 25


@bp.route("/webhooks")
@role_required(Role.LEADER)
def index() -> str:
    rows = service.list_endpoints(current_chapter_id())
    return render_template("webhooks/index.html", rows=rows, states=DeliveryState)


@bp.route("/webhooks/new", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new() -> Response | tuple[str, int]:
    chapter_id = current_chapter_id()
    form = EndpointForm()
    if request.method == "GET":
        form.events.data = [kind.value for kind in SUBSCRIBABLE]
    allow_local = bool(current_app.config["WEBHOOK_ALLOW_LOCAL_HTTP"])
    if form.validate_on_submit() and (
        done := saved(
            form,
            lambda: service.add_endpoint(
                chapter_id, form.details(), actor=current_actor(), allow_local_http=allow_local
            ),
        )
    ):
        flash("Endpoint added. Show its secret below to set up the receiver.", "success")
        return redirect(url_for("webhooks.detail", endpoint_id=done.result.id))
    return render_template("webhooks/new.html", form=form), form.status()


def _detail(endpoint: WebhookEndpoint, *, secret: str | None = None, status: int = 200):
    page = db.paginate(
        service.deliveries_query(endpoint.id), per_page=LOG_PAGE_SIZE, max_per_page=100
    )
    response = make_response(
        render_template(
            "webhooks/detail.html",
            endpoint=endpoint,
            page=page,
            secret=secret,
            kinds=EventKind,
            form=ActionForm(),
        ),
        status,
    )
    if secret is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/webhooks/<int:endpoint_id>")
@role_required(Role.LEADER)
def detail(endpoint_id: int) -> Response:
    return _detail(service.get_endpoint(current_chapter_id(), endpoint_id))


@bp.route("/webhooks/<int:endpoint_id>/secret", methods=["POST"])
@role_required(Role.LEADER)
def secret(endpoint_id: int) -> Response:
    endpoint = service.get_endpoint(current_chapter_id(), endpoint_id)
    form = ActionForm()
    if form.validate_on_submit() and (
        done := saved(form, lambda: service.reveal_secret(endpoint, actor=current_actor()))
    ):
        return _detail(endpoint, secret=done.result)
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.route("/webhooks/<int:endpoint_id>/test", methods=["POST"])
@role_required(Role.LEADER)
def send_test(endpoint_id: int) -> Response:
    endpoint = service.get_endpoint(current_chapter_id(), endpoint_id)
    form = ActionForm()
    if form.validate_on_submit() and saved(
        form, lambda: service.send_test_event(endpoint, actor=current_actor(), now=utcnow())
    ):
        flash("A test event is queued: the next delivery run sends it.", "success")
    elif form.has_errors():
        flash(form.error_text(), "danger")
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.route("/webhooks/<int:endpoint_id>/disable", methods=["POST"])
@role_required(Role.LEADER)
def disable(endpoint_id: int) -> Response:
    endpoint = service.get_endpoint(current_chapter_id(), endpoint_id)
    form = ActionForm()
    if form.validate_on_submit() and (
        done := saved(
            form, lambda: service.disable_endpoint(endpoint, actor=current_actor(), now=utcnow())
        )
    ):
        flash(
            f"Endpoint disabled: nothing more is sent to it ({done.result} waiting "
            "delivery(ies) stopped). Its log stays here.",
            "success",
        )
    elif form.has_errors():
        flash(form.error_text(), "danger")
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.route("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>")
@role_required(Role.LEADER)
def delivery(endpoint_id: int, delivery_id: int) -> str:
    endpoint = service.get_endpoint(current_chapter_id(), endpoint_id)
    found = service.get_delivery(endpoint, delivery_id)
    return render_template(
        "webhooks/delivery.html",
        endpoint=endpoint,
        delivery=found,
        body=sending.pretty_body(found.event),
        form=ActionForm(),
    )


@bp.route("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend", methods=["POST"])
@role_required(Role.LEADER)
def resend(endpoint_id: int, delivery_id: int) -> Response:
    endpoint = service.get_endpoint(current_chapter_id(), endpoint_id)
    found = service.get_delivery(endpoint, delivery_id)
    form = ActionForm()
    if form.validate_on_submit() and saved(
        form, lambda: service.resend(found, actor=current_actor(), now=utcnow())
    ):
        flash("Queued again: the next delivery run sends it.", "success")
    elif form.has_errors():
        flash(form.error_text(), "danger")
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))
