"""Import forms: the upload, and the preview's meeting, dates and names."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, RadioField
from wtforms.validators import Optional

from chapter.forms import BaseForm, OnceForm, choices


class UploadForm(BaseForm):
    file = FileField(
        "Export file",
        description="Chapter Summary PALMS, Slips Audit or member roster, as exported "
        "(.xls), re-saved (.xlsx) or CSV.",
        validators=[FileRequired("Choose a file to upload.")],
    )


class PreviewForm(OnceForm):
    """What the file does not say; the names are read from ``names-N-key`` /
    ``names-N-choice`` pairs (one select per name the chapter does not know). Its Import
    button is sent once: the batch keeps the form's one-time key."""

    meeting_on = DateField(
        "Meeting date",
        description="The meeting this Slips Audit belongs to.",
        validators=[Optional()],
    )
    starts_on = DateField("From", validators=[Optional()])
    ends_on = DateField("To", validators=[Optional()])
    thanks_type = RadioField(
        "Its thank-yous (TYFCB) are",
        choices=choices([("new", "New business"), ("repeat", "Repeat business")]),
        default="new",
        validators=[Optional()],
        description="The file does not say; every thank-you of this import gets your choice.",
    )
