"""The form that creates a personal access token. Shape only; chapter.api.tokens checks."""

from __future__ import annotations

from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from chapter.api.models import Scope
from chapter.forms import BaseForm, choices, strip


class TokenForm(BaseForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Give the token a name."), Length(max=80)],
        description="What uses it, e.g. 'CRM sync' or 'my phone'.",
    )
    scope = RadioField(
        "Access",
        choices=choices(
            [
                (Scope.READ.value, "Read: see my data and the chapter's"),
                (Scope.WRITE.value, "Read and write: also pass slips, thank, log, void"),
            ]
        ),
        default=Scope.READ.value,
        validators=[InputRequired("Choose read or read and write.")],
    )
    submit = SubmitField("Create token")
