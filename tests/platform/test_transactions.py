"""One transaction per request: ``chapter.forms.saved`` commits a page's change once, or rolls
it back and shows the refusal on the form; error pages discard what a failed request wrote."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from wtforms import StringField

from chapter import create_app
from chapter.chapters.models import Chapter
from chapter.errors import ChapterError, NotFound, RuleViolation
from chapter.extensions import db
from chapter.forms import ActionForm, BaseForm, saved
from tests.support import factories


class NameForm(BaseForm):
    name = StringField("Name")


def chapter_names() -> list[str]:
    return list(db.session.scalars(sa.select(Chapter.name).order_by(Chapter.name)))


@pytest.fixture
def form(app: Flask, in_app) -> Iterator[NameForm]:
    """A posted form, in a request that shares the test's session."""
    with app.test_request_context(method="POST", data={"name": "x"}):
        yield NameForm()


def add_chapter(name: str) -> Chapter:
    return factories.ChapterFactory(name=name)  # flushed, not committed


def test_success_commits_once_and_returns_the_result(form: NameForm) -> None:
    done = saved(form, lambda: add_chapter("Kept"))
    assert done
    assert done.result.name == "Kept"
    db.session.rollback()  # too late: it is committed
    assert chapter_names() == ["Kept"]
    assert form.status() == 200


def test_a_service_that_returns_nothing_still_reads_as_saved(form: NameForm) -> None:
    done = saved(form, lambda: None)
    assert done
    assert done.result is None


def test_a_refusal_rolls_back_and_shows_at_its_field(form: NameForm) -> None:
    def refuse() -> None:
        add_chapter("Half-done")
        raise RuleViolation("That name is taken.", field="name")

    assert saved(form, refuse) is None
    assert form.name.errors == ["That name is taken."]
    assert form.form_errors == []
    assert form.status() == 422
    db.session.commit()
    assert chapter_names() == []  # nothing written


def test_a_refusal_without_a_field_shows_above_the_form(form: NameForm) -> None:
    assert saved(form, lambda: _raise(RuleViolation("Not now."))) is None
    assert form.form_errors == ["Not now."]
    assert form.error_text() == "Not now."


def test_a_one_button_form_never_mistakes_a_method_for_a_field(app: Flask, in_app) -> None:
    with app.test_request_context(method="POST"):
        refusal = ActionForm()
        assert saved(refusal, lambda: _raise(RuleViolation("No.", field="status"))) is None
        assert refusal.error_text() == "No."
        assert refusal.status() == 422


def test_other_errors_roll_back_and_propagate(form: NameForm) -> None:
    def lost() -> None:
        add_chapter("Half-done")
        raise NotFound("There is no such meeting in your chapter.")

    with pytest.raises(NotFound):
        saved(form, lost)
    assert not form.has_errors()
    db.session.commit()
    assert chapter_names() == []


def test_the_route_may_show_other_chapter_errors_on_the_form(form: NameForm) -> None:
    gone = NotFound("That upload is gone: upload the file again.")
    assert saved(form, lambda: _raise(gone), refused=ChapterError) is None
    assert form.form_errors == [gone.message]


def test_a_database_refusal_rolls_back_and_leaves_the_session_usable(form: NameForm) -> None:
    def too_many_presenters() -> None:
        add_chapter("Fine")
        add_chapter("Broken").presenters_per_meeting = 5  # CHECK: 1 or 2
        db.session.flush()

    with pytest.raises(sa.exc.IntegrityError):
        saved(form, too_many_presenters)
    assert chapter_names() == []  # no PendingRollbackError: the helper rolled back


def _raise(error: Exception) -> None:
    raise error


@pytest.fixture
def half_done_app(app: Flask, clean_db: None) -> Iterator[Flask]:
    """The application with two pages that write, then fail (a refusal; a crash)."""
    failing = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    failing.config["PROPAGATE_EXCEPTIONS"] = False

    @failing.route("/refuse", methods=["POST"])
    def refuse() -> str:
        add_chapter("Half-done")
        raise RuleViolation("Cannot do that now.")

    @failing.route("/crash", methods=["POST"])
    def crash() -> str:
        add_chapter("Half-done")
        raise RuntimeError("a bug after the flush")

    yield failing
    with failing.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(("path", "status"), [("/refuse", 422), ("/crash", 500)])
def test_an_error_page_discards_what_the_request_flushed(
    half_done_app: Flask, path: str, status: int
) -> None:
    # The test holds the application context, so the request shares its session: a later
    # commit (here the test's) would write the half-done chapter if the error page kept it.
    with half_done_app.app_context():
        response = half_done_app.test_client().post(path)
        assert response.status_code == status
        db.session.commit()
        assert chapter_names() == []
