"""Forms for profiles and member admin. Validators check shape; the service checks rules."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from chapter.forms import BaseForm, OnceForm, choices, in_range, strip
from chapter.members.roles import Position
from chapter.members.service import MemberDetails, ProfileDetails


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class ProfileForm(BaseForm):
    business_name = StringField("Business name", validators=[DataRequired(), Length(max=120)])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    website = StringField(
        "Website", validators=[Optional(), Length(max=200), URL(message="Enter a full address.")]
    )
    offer = TextAreaField(
        "What I offer",
        validators=[Length(max=2000)],
        description="Your products and services, in a few lines.",
    )
    ask = TextAreaField(
        "My ask",
        validators=[Length(max=500)],
        description="The referral you want this week: who you would like to meet.",
    )
    submit = SubmitField("Save profile")

    def details(self) -> ProfileDetails:
        return ProfileDetails(
            business_name=self.business_name.data or "",
            phone=self.phone.data or "",
            website=self.website.data or "",
            offer=self.offer.data or "",
            ask=self.ask.data or "",
        )


class MemberForm(BaseForm):
    first_name = StringField("First name", validators=[DataRequired(), Length(max=80)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=80)])
    email = EmailField(
        "E-mail", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    business_name = StringField("Business name", validators=[DataRequired(), Length(max=120)])
    classification = StringField(
        "Classification",
        validators=[DataRequired(), Length(max=80)],
        description="The member's profession; one active member per classification.",
    )
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    website = StringField(
        "Website", validators=[Optional(), Length(max=200), URL(message="Enter a full address.")]
    )
    joined_on = DateField("Joined on", validators=[InputRequired(), in_range])
    renewal_on = DateField("Renewal date", validators=[Optional(), in_range])
    sponsor_id = SelectField("Sponsor", coerce=_optional_int, validate_choice=True)
    offer = TextAreaField("What they offer", validators=[Length(max=2000)])
    ask = TextAreaField("Their ask", validators=[Length(max=500)])
    send_invitation = BooleanField("E-mail an invitation to set a password", default=True)
    submit = SubmitField("Save member")

    def validate_renewal_on(self, field: Any) -> None:
        if field.data and self.joined_on.data and field.data < self.joined_on.data:
            raise ValidationError("The renewal date cannot be before the joining date.")

    def set_sponsor_choices(self, sponsors: list[tuple[int, str]]) -> None:
        self.sponsor_id.choices = choices(sponsors, empty="No sponsor")

    def details(self) -> MemberDetails:
        return MemberDetails(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            email=self.email.data or "",
            business_name=self.business_name.data or "",
            classification=self.classification.data or "",
            phone=self.phone.data or "",
            website=self.website.data or "",
            joined_on=self.joined_on.data,
            renewal_on=self.renewal_on.data,
            sponsor_id=self.sponsor_id.data,
            offer=self.offer.data or "",
            ask=self.ask.data or "",
        )


def _position(value: Any) -> Position | None:
    return Position(value) if value not in (None, "", "None") else None


class NewMemberForm(OnceForm, MemberForm):
    """Adding a member: the member form, sent once (a double tap adds one member)."""


class PositionForm(BaseForm):
    position = SelectField(
        "Leadership position",
        coerce=_position,
        choices=choices(((p.value, p.label) for p in Position), empty="None (member)"),
    )
    submit = SubmitField("Save position")
