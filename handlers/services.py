"""What handlers depend on, built once by the app factory and handed to every event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from locales import Catalogs
from nlp.tagger import Tagger
from storage.clock import Clock
from storage.database import Database


@dataclass(frozen=True)
class Limits:
    """Input limits; documented in docs/usage.md."""

    # Telegram delivers at most 4,096 characters a message; the console is held to the same.
    max_message_chars: int = 4096
    # A concern may be written in several messages up to this total.
    max_concern_chars: int = 10_000
    max_file_bytes: int = 20 * 1024 * 1024
    max_attachments: int = 10
    concerns_per_hour: int = 10
    duplicate_window: timedelta = timedelta(minutes=10)
    flood_messages: int = 20
    flood_window: timedelta = timedelta(seconds=10)
    idle_reminder_after: timedelta = timedelta(minutes=30)
    draft_kept_for: timedelta = timedelta(hours=24)


@dataclass
class Services:
    db: Database
    catalogs: Catalogs
    clock: Clock
    tagger: Tagger
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    default_locale: str = "vi"
    bot_username: str | None = None
    limits: Limits = field(default_factory=Limits)
