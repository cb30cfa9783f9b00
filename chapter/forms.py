"""Form base classes: CSRF through Flask-WTF, service errors shown at their field."""

from __future__ import annotations

from flask_wtf import FlaskForm

from chapter.errors import ChapterError


class BaseForm(FlaskForm):
    """A form whose status is 422 once it holds an error."""

    def add_error(self, error: ChapterError) -> None:
        """Show a service's error next to its field, or above the form."""
        field = getattr(self, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)

    def has_errors(self) -> bool:
        return bool(self.form_errors) or any(field.errors for field in self)

    def status(self) -> int:
        return 422 if self.has_errors() else 200


class ActionForm(BaseForm):
    """A one-button POST form: only the CSRF token."""
