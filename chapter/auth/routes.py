"""Log-in and password routes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from chapter.auth import bp, throttle
from chapter.auth import service as accounts
from chapter.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from chapter.auth.models import User
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.errors import RuleViolation
from chapter.extensions import limiter
from chapter.forms import saved
from chapter.meetings import service as meetings
from chapter.permissions import current_actor, public, signed_in
from chapter.platform import mail

LOGIN_FAILED = "The e-mail or password is not right, or the account cannot log in."


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@public
# Failed log-ins count per account and address, per account, and (a much higher ceiling)
# per address: one guest's typos never lock out the rest of the room (chapter.auth.throttle).
@limiter.limit(
    throttle.login_account_and_address_limit,
    key_func=throttle.account_and_address,
    methods=["POST"],
    deduct_when=throttle.failed,
)
@limiter.limit(
    throttle.login_account_limit,
    key_func=throttle.account,
    methods=["POST"],
    deduct_when=throttle.failed,
)
@limiter.limit(
    throttle.address_limit,
    key_func=throttle.address,
    methods=["POST"],
    deduct_when=throttle.failed,
)
def login() -> Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if chapters.platform_is_empty():  # first run: create the chapter and its leader
        return redirect(url_for("admin.setup"))
    form = LoginForm()

    def log_in() -> User | None:  # saved: a rehashed password; the schedule, extended
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None and user.member is not None:  # new weeks get their presenters
            meetings.refresh_schedule(user.member.chapter_id, utcnow())
        return user

    if form.validate_on_submit():
        done = saved(form, log_in)
        if done and done.result is not None:
            login_user(done.result, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(LOGIN_FAILED)
    return render_template("auth/login.html", form=form), form.status()


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: accounts.change_password(
            current_actor(), form.current_password.data or "", form.new_password.data or ""
        ),
    ):
        login_user(current_actor())  # keep this session after the change
        flash("Your password has been changed.", "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/change_password.html", form=form), form.status()


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
# Every request counts: per account asked for, and the per-address ceiling.
@limiter.limit(throttle.reset_account_limit, key_func=throttle.account, methods=["POST"])
@limiter.limit(throttle.address_limit, key_func=throttle.address, methods=["POST"])
def forgot_password() -> Response | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = accounts.find_by_email(form.email.data or "")
        if user is not None and accounts.may_log_in(user):
            link = url_for(
                "auth.reset_password",
                token=accounts.make_token(user, accounts.RESET),
                _external=True,
            )
            mail.send(
                user.email,
                "Reset your chapter password",
                f"Hello {user.first_name},\n\nTo choose a new password, open this link within "
                f"an hour:\n\n{link}\n\nIf you did not ask for this, ignore this message.\n",
            )
        # The same answer whether or not the address has an account.
        flash("If that address has an account, a reset link is on its way.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), form.status()


def _set_password_page(token: str, purpose: str, template: str) -> Response | tuple[str, int]:
    try:
        user = accounts.user_for_token(token, purpose)
    except RuleViolation as error:
        return render_template("auth/link_invalid.html", message=error.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit() and saved(
        form, lambda: accounts.set_password(user, form.password.data or "")
    ):
        login_user(user)
        flash("Your password is set. Welcome!", "success")
        return redirect(url_for("dashboard.index"))
    return render_template(template, form=form, user=user), form.status()


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Response | tuple[str, int]:
    return _set_password_page(token, accounts.RESET, "auth/reset_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> Response | tuple[str, int]:
    return _set_password_page(token, accounts.INVITATION, "auth/invitation.html")
