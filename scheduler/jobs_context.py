"""What every scheduled job needs: the database, the message catalogs and the local time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from locales import Catalogs
from storage.database import Database


@dataclass(frozen=True)
class JobContext:
    db: Database
    catalogs: Catalogs
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    default_locale: str = "vi"
    # Issue 3: a person quiet mid-flow is reminded once after 30 minutes; drafts live 24 hours.
    idle_reminder_after: timedelta = timedelta(minutes=30)
    draft_kept_for: timedelta = timedelta(hours=24)
    processed_updates_kept_for: timedelta = timedelta(days=7)
