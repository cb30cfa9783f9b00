"""All models, imported so that Alembic and the mappers see every table."""

from chapter.models.attendance import Attendance
from chapter.models.audit import AuditEvent
from chapter.models.chapters import Chapter
from chapter.models.guests import Guest, Visit
from chapter.models.imports import ImportBatch, ImportUpload, NameMapping, OpeningBalance
from chapter.models.meetings import Meeting
from chapter.models.members import Member
from chapter.models.notifications import Notification
from chapter.models.referrals import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.models.rotation import Presentation, SwapRequest
from chapter.models.users import User
from chapter.models.weekly_totals import ChapterWeeklyTotal, WeeklyTotal

__all__ = [
    "Attendance",
    "AuditEvent",
    "Chapter",
    "ChapterWeeklyTotal",
    "EducationCredit",
    "Guest",
    "ImportBatch",
    "ImportUpload",
    "Meeting",
    "Member",
    "NameMapping",
    "Notification",
    "OneToOne",
    "OpeningBalance",
    "Presentation",
    "ReferralSlip",
    "SwapRequest",
    "ThankYou",
    "User",
    "Visit",
    "WeeklyTotal",
]
