"""The leaders' webhook forms: a new endpoint (URL, description, events)."""

from __future__ import annotations

from wtforms import SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length

from chapter.forms import BaseForm, choices, strip
from chapter.webhooks import service
from chapter.webhooks.rules import SUBSCRIBABLE, URL_MAX_LENGTH, EventKind


class EndpointForm(BaseForm):
    url = StringField(
        "URL",
        validators=[InputRequired(), Length(max=URL_MAX_LENGTH)],
        filters=[strip],
        description="An https:// address of your CRM or automation tool that accepts a POST.",
    )
    description = StringField(
        "Description",
        validators=[Length(max=200)],
        filters=[strip],
        description="What it is, e.g. \u201cCRM: visitor follow-up\u201d.",
    )
    events = SelectMultipleField(
        "Events to send",
        choices=choices((kind.value, kind.label) for kind in SUBSCRIBABLE),
        validate_choice=True,
    )

    def details(self) -> service.EndpointDetails:
        return service.EndpointDetails(
            self.url.data or "",
            self.description.data or "",
            tuple(EventKind(value) for value in self.events.data or ()),
        )
