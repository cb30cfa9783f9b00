"""Every feature's tables, imported together so that Alembic and the mappers see them all.

create_app imports this module; a new feature with tables adds its models module here.
"""

from chapter.api import models as api_models
from chapter.attendance import guest_models
from chapter.attendance import models as attendance_models
from chapter.auth import models as auth_models
from chapter.bni import models as bni_models
from chapter.chapters import models as chapters_models
from chapter.digests import models as digests_models
from chapter.leaderboard import models as leaderboard_models
from chapter.ledger import models as ledger_models
from chapter.meetings import models as meetings_models
from chapter.members import models as members_models
from chapter.platform import audit_models, notification_models
from chapter.rotation import models as rotation_models
from chapter.webhooks import models as webhooks_models

MODULES = (
    api_models,
    attendance_models,
    audit_models,
    auth_models,
    bni_models,
    chapters_models,
    digests_models,
    guest_models,
    leaderboard_models,
    ledger_models,
    meetings_models,
    members_models,
    notification_models,
    rotation_models,
    webhooks_models,
)
