"""Forms for the referral ledger. Shape only; the services check the rules."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)
from wtforms.widgets import TextInput

from chapter.forms import BaseForm, OnceForm, choices, in_range, strip
from chapter.ledger.money import EXAMPLE, from_cents, to_cents
from chapter.ledger.referrals import SlipDetails
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus, TestimonialKind
from chapter.ledger.testimonials import TestimonialDetails
from chapter.ledger.thanks import ThankYouDetails


def _optional_int(value: Any) -> int | None:
    """A member or slip id from a select; "" when nothing is chosen."""
    return int(value) if value not in (None, "", "None") else None


class AmountField(Field):
    """An amount typed as people write it ("1,000.50", "1.000,50", "GBP 250"), read by the
    money rule (``chapter.ledger.money``); ``data`` is whole cents. A bad amount gets ONE
    message, the money rule's reason."""

    widget = TextInput()

    def __init__(self, label: str, required: str, **kwargs: Any) -> None:
        super().__init__(label, render_kw={"inputmode": "decimal", "autocomplete": "off"}, **kwargs)
        self.required_message = required
        self.flags.required = True
        self.text = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.text = str(valuelist[0]) if valuelist else ""
        self.data = None

    def pre_validate(self, form: Any) -> None:
        if not self.text.strip():
            raise StopValidation(self.required_message)
        try:
            self.data = to_cents(self.text)
        except ValueError as error:
            raise StopValidation(amount_message(str(error))) from error

    def _value(self) -> str:
        if self.text:
            return self.text
        return f"{from_cents(self.data):,}" if isinstance(self.data, int) else ""


def amount_message(reason: str) -> str:
    """The money rule's reason as the sentence a form shows."""
    if reason.startswith("not a"):
        return f"Enter the amount as a number, like {EXAMPLE}."
    return f"{reason[0].upper()}{reason[1:]}."


class SlipForm(OnceForm):
    receiver_id = SelectField(
        "Referral for", coerce=_optional_int, validators=[InputRequired("Choose a member.")]
    )
    kind = RadioField(
        "Type",
        choices=choices(
            [
                (SlipKind.INSIDE.value, "Inside: I am the customer"),
                (SlipKind.OUTSIDE.value, "Outside: someone else is the customer"),
            ]
        ),
        coerce=SlipKind,
        validators=[InputRequired("Choose inside or outside.")],
    )
    prospect_name = StringField("Prospect's name", validators=[DataRequired(), Length(max=120)])
    prospect_phone = StringField(
        "Prospect's phone",
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    prospect_email = EmailField(
        "Prospect's e-mail",
        filters=[strip],
        validators=[Optional(), Email(), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )
    need = TextAreaField("What they need", validators=[DataRequired(), Length(max=2000)])
    warmth = RadioField(
        "How warm (1 = cold, 5 = ready to buy)",
        choices=choices((n, str(n)) for n in range(1, 6)),
        coerce=int,
        validators=[InputRequired("Choose how warm the referral is.")],
    )
    may_contact = BooleanField("The prospect agreed to be contacted (required for outside)")
    submit = SubmitField("Pass the referral")

    def details(self) -> SlipDetails:
        return SlipDetails(
            receiver_id=self.receiver_id.data,  # type: ignore[arg-type]
            kind=self.kind.data,  # type: ignore[arg-type]
            prospect_name=self.prospect_name.data or "",
            prospect_phone=self.prospect_phone.data or "",
            prospect_email=self.prospect_email.data or "",
            need=self.need.data or "",
            warmth=self.warmth.data,  # type: ignore[arg-type]
            may_contact=bool(self.may_contact.data),
        )


class StatusForm(BaseForm):
    status = SelectField(
        "Status",
        choices=choices((s.value, s.label) for s in SlipStatus if s is not SlipStatus.NEW),
        coerce=SlipStatus,
    )
    note = StringField("Note", validators=[Length(max=500)])
    submit = SubmitField("Update status")


class VoidForm(BaseForm):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Void")


class ThankYouForm(OnceForm):
    giver_id = SelectField(
        "Thank",
        coerce=_optional_int,
        validators=[InputRequired("Choose a member.")],
        description="The member whose referral brought you the business.",
    )
    amount = AmountField(
        "Amount of closed business",
        required="Enter the amount of closed business.",
        description=f"Written as you like: {EXAMPLE} or 1.250,50.",
    )
    business_type = RadioField(
        "Business",
        choices=choices((b.value, b.label) for b in BusinessType),
        coerce=BusinessType,
        default=BusinessType.NEW.value,
        validators=[InputRequired()],
    )
    thanked_on = DateField("Closed on", validators=[InputRequired(), in_range])
    slip_id = SelectField("From the referral slip (optional)", coerce=_optional_int)
    reveal_thanker = BooleanField("Tell them it was me", default=True)
    note = StringField("Note", validators=[Length(max=500)])
    submit = SubmitField("Say thank you")

    def details(self) -> ThankYouDetails:
        return ThankYouDetails(
            giver_id=self.giver_id.data,  # type: ignore[arg-type]
            amount_cents=self.amount.data,  # type: ignore[arg-type]
            business_type=self.business_type.data,  # type: ignore[arg-type]
            thanked_on=self.thanked_on.data,  # type: ignore[arg-type]
            slip_id=self.slip_id.data,
            reveal_thanker=bool(self.reveal_thanker.data),
            note=self.note.data or "",
        )


class OneToOneForm(OnceForm):
    other_id = SelectField(
        "With", coerce=_optional_int, validators=[InputRequired("Choose a member.")]
    )
    met_on = DateField("Date", validators=[InputRequired(), in_range])
    place = StringField("Place", validators=[Length(max=200)])
    notes = TextAreaField("What you learned", validators=[Length(max=2000)])
    submit = SubmitField("Log the one-to-one")


class DisputeForm(BaseForm):
    reason = StringField("What is wrong", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Dispute")


class EducationForm(OnceForm):
    earned_on = DateField("Date", validators=[InputRequired(), in_range])
    topic = StringField("What you learned", validators=[DataRequired(), Length(max=200)])
    credits = IntegerField("Credits", default=1, validators=[InputRequired(), NumberRange(1, 20)])
    submit = SubmitField("Log education credits")


class TestimonialForm(OnceForm):
    receiver_id = SelectField(
        "Testimonial for", coerce=_optional_int, validators=[InputRequired("Choose a member.")]
    )
    kind = RadioField(
        "How you gave it",
        choices=choices((k.value, k.label) for k in TestimonialKind),
        coerce=TestimonialKind,
        default=TestimonialKind.SPOKEN.value,
        validators=[InputRequired("Choose spoken or written.")],
    )
    given_on = DateField("Date", validators=[InputRequired(), in_range])
    text = TextAreaField(
        "What you said (optional for a spoken testimonial)", validators=[Length(max=2000)]
    )
    may_publish = BooleanField("They may publish this text on their profile")
    submit = SubmitField("Record the testimonial")

    def details(self) -> TestimonialDetails:
        return TestimonialDetails(
            receiver_id=self.receiver_id.data,  # type: ignore[arg-type]
            kind=self.kind.data,  # type: ignore[arg-type]
            given_on=self.given_on.data,  # type: ignore[arg-type]
            text=self.text.data or "",
            may_publish=bool(self.may_publish.data),
        )
