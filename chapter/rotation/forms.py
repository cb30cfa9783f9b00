"""Forms for the rotation (shape only; the services check the rules)."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired

from chapter.forms import BaseForm, choices
from chapter.rotation.states import Outcome


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class SwapForm(BaseForm):
    first_id = SelectField("First slot", coerce=_optional_int, validators=[InputRequired()])
    second_id = SelectField("Second slot", coerce=_optional_int, validators=[InputRequired()])
    submit = SubmitField("Swap")


class AssignForm(BaseForm):
    member_id = SelectField("Give this slot to", coerce=_optional_int, validators=[InputRequired()])
    submit = SubmitField("Assign")


class OutcomeForm(BaseForm):
    outcome = RadioField(
        "What happened",
        choices=choices(
            [(Outcome.PRESENTED.value, "Presented"), (Outcome.NO_SHOW.value, "No-show")]
        ),
        coerce=Outcome,
        validators=[InputRequired()],
    )
    submit = SubmitField("Record")


class SwapRequestForm(BaseForm):
    target_id = SelectField("Swap my slot with", coerce=_optional_int, validators=[InputRequired()])
    submit = SubmitField("Ask for the swap")
