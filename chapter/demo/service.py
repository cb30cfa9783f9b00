"""The demo chapter: invented people and businesses, clearly labelled, for a first look."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta

from chapter.auth import service as accounts
from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.demo import history as demo_history
from chapter.extensions import db
from chapter.members import service as members
from chapter.members.roles import MemberStatus, Position

DEMO_PASSWORD = "demo-chapter-2026"  # noqa: S105 - printed on purpose: demo data only
DEMO_CHAPTER = "Demo Chapter (sample data)"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


LOGINS = (
    DemoLogin("leader", "leader@demo.example", DEMO_PASSWORD),
    DemoLogin("member", "member@demo.example", DEMO_PASSWORD),
    DemoLogin("platform admin", "admin@demo.example", DEMO_PASSWORD),
)

# first, last, business, classification, ask
PEOPLE = (
    (
        "Grace",
        "Okafor",
        "Okafor Family Law",
        "Family lawyer",
        "Financial planners who see divorcing couples",
    ),
    (
        "Daniel",
        "Mercer",
        "Mercer & Lane Accounting",
        "Accountant",
        "Owners of growing trades businesses",
    ),
    (
        "Priya",
        "Raman",
        "Raman Home Loans",
        "Mortgage broker",
        "First-time buyers and estate agents",
    ),
    ("Tomás", "Quintero", "Quintero Plumbing", "Plumber", "Property managers with older buildings"),
    ("Hannah", "Fischer", "Brightside Dental", "Dentist", "HR managers of firms with 20+ staff"),
    ("Kwame", "Mensah", "Mensah Electrical", "Electrician", "Kitchen fitters and builders"),
    ("Sofia", "Lindqvist", "Nordlys Photography", "Photographer", "Wedding planners and venues"),
    (
        "Oliver",
        "Brandt",
        "Brandt Commercial Insurance",
        "Commercial insurance",
        "Owners of new restaurants",
    ),
    ("Mei", "Tanaka", "Tanaka Web Studio", "Web designer", "Shops still without online ordering"),
    ("Rafael", "Costa", "Costa Roofing", "Roofer", "Surveyors and home inspectors"),
    ("Aisha", "Bello", "Bello Interiors", "Interior designer", "Buyers of period homes"),
    ("Lukas", "Novak", "Novak IT Support", "IT support", "Practices with 5-50 computers"),
    ("Chloe", "Dubois", "Petit Four Catering", "Caterer", "Office managers who plan events"),
    ("Samuel", "Adeyemi", "Adeyemi Wealth", "Financial planner", "People about to sell a business"),
    ("Ingrid", "Haugen", "Fjord Physio", "Physiotherapist", "Running clubs and personal trainers"),
    ("Marco", "Rossi", "Rossi Print & Sign", "Printer", "Event organisers and new shops"),
    ("Zara", "Khan", "Khan Estate Agents", "Estate agent", "People moving into the area"),
    ("Ethan", "Walsh", "Walsh Landscaping", "Landscaper", "New-build home owners"),
    ("Leila", "Haddad", "Haddad Translations", "Translator", "Exporters entering new markets"),
    ("Noah", "Bergmann", "Bergmann Cars", "Car dealer", "Companies renewing their fleet"),
    ("Amara", "Nwosu", "Nwosu Recruitment", "Recruiter", "Founders hiring their first ten"),
    ("Felix", "Moreau", "Moreau Cleaning Co.", "Commercial cleaning", "Facilities managers"),
    ("Yuki", "Sato", "Sato Coaching", "Business coach", "Owners stuck at the same turnover"),
    ("Isabel", "Navarro", "Navarro Travel", "Travel agent", "Firms planning incentive trips"),
    ("Jonas", "Weber", "Weber Security Systems", "Security installer", "Shop and warehouse owners"),
)


def load_demo(today: date) -> tuple[DemoLogin, ...]:
    """Create the demo chapter with 25 members (a president among them) and a platform admin."""
    rng = random.Random(2026)
    chapter_details = chapters.ChapterDetails(
        name=DEMO_CHAPTER,
        meeting_weekday=2,
        meeting_time=time(7, 0),
        timezone="Europe/London",
        location="The Riverside Hotel, breakfast room",
        currency="GBP",
    )
    first, *others = PEOPLE
    chapter, leader = chapters.create_chapter(
        chapter_details,
        _details(first, LOGINS[0].email, today - timedelta(days=900), today, rng),
        actor=None,
        today=today,
        is_demo=True,
    )
    password_hash = accounts.hash_password(DEMO_PASSWORD)  # one slow hash for every demo account
    leader.user.password_hash = password_hash
    roster = [leader]
    for index, person in enumerate(others):
        email = LOGINS[1].email if index == 0 else _demo_email(person[0], person[1])
        joined = today - timedelta(days=rng.randint(30, 1500))
        details = _details(person, email, joined, today, rng, sponsor=rng.choice(roster).id)
        member = members.add_member(chapter.id, details, actor=leader.user, today=today)
        member.user.password_hash = password_hash
        roster.append(member)
    members.assign_position(roster[5], Position.VICE_PRESIDENT, actor=leader.user)
    members.assign_position(roster[9], Position.SECRETARY_TREASURER, actor=leader.user)
    members.change_status(roster[-1], MemberStatus.ON_LEAVE, actor=leader.user, today=today)
    demo_history.load(chapter, roster[:-1], leader, today)
    admin = accounts.add_account(LOGINS[2].email, "Ada", "Admin", is_platform_admin=True)
    admin.password_hash = password_hash
    db.session.flush()
    return LOGINS


def _demo_email(first: str, last: str) -> str:
    def ascii_lower(name: str) -> str:
        return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()

    return f"{ascii_lower(first)}.{ascii_lower(last)}@demo.example"


def _details(
    person: tuple[str, str, str, str, str],
    email: str,
    joined: date,
    today: date,
    rng: random.Random,
    sponsor: int | None = None,
) -> members.MemberDetails:
    first, last, business, classification, ask = person
    slug = business.lower().replace("&", "and").replace(".", "").replace(" ", "")
    return members.MemberDetails(
        first_name=first,
        last_name=last,
        email=email,
        business_name=business,
        classification=classification,
        phone=f"+44 7700 900{rng.randint(100, 999)}",
        website=f"https://{slug}.example",
        joined_on=joined,
        renewal_on=_next_anniversary(joined, today),
        sponsor_id=sponsor,
        offer=f"{business}: {classification.lower()} services for businesses and families.",
        ask=ask,
    )


def _next_anniversary(joined: date, today: date) -> date:
    year = today.year
    try:
        candidate = joined.replace(year=year)
    except ValueError:  # 29 February
        candidate = joined.replace(year=year, day=28)
    if candidate < today:
        day = 28 if (candidate.month, candidate.day) == (2, 29) else candidate.day
        candidate = candidate.replace(year=year + 1, day=day)
    return candidate


def demo_logins() -> tuple[DemoLogin, ...]:
    """The demo log-ins, if the demo chapter is loaded."""
    loaded = db.session.scalar(db.select(Chapter.id).where(Chapter.is_demo.is_(True)).limit(1))
    return LOGINS if loaded is not None else ()
