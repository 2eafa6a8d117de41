"""Typed settings from ``YDAN_*`` environment variables and an optional TOML file.

Every value is checked when the program starts; a bad one raises ``ConfigError`` naming the
setting, which the CLI prints as one line before exiting with status 2.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "YDAN_"
SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(ValueError):
    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///ydan.sqlite3"
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str | None = None
    telegram_mode: str = "polling"
    bot_username: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    model_dir: str = "ydan-data/model"
    log_level: str = "INFO"
    # "auto": load the demo commune when the database has no commune yet (a first run).
    demo: str = "auto"
    # Telegram's overall limit, shared out: replies and the outbox each keep under it.
    telegram_rate: int = 30
    # How long a claimed outbox row stays with a worker that may have died.
    outbox_lease_seconds: int = 60
    public_base_url: str | None = None
    # The engine (database writes, tagger, scheduler) in a process of its own beside the one
    # serving Telegram and the web: "auto" does so with a token and at least two cores.
    engine_process: str = "auto"

    @property
    def separate_engine(self) -> bool:
        if self.telegram_token is None or self.engine_process == "off":
            return False
        return self.engine_process == "on" or _usable_cores() >= 2

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def file_base_url(self) -> str:
        if self.telegram_base_file_url:
            return self.telegram_base_file_url
        base = self.telegram_base_url.rstrip("/")
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"


def _usable_cores() -> int:
    # The cores this process may run on (a container's CPU set), where the platform says.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def _coerce(name: str, raw: Any, kind: type) -> Any:
    if kind is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(_env_name(name), f"must be a whole number (got {raw!r})") from None
    if raw is None:
        return None
    value = str(raw).strip()
    return value or None


def _validate(s: Settings) -> None:
    try:
        url = make_url(s.database_url)
    except ArgumentError:
        raise ConfigError("YDAN_DATABASE_URL", "is not a database URL") from None
    if url.drivername not in SUPPORTED_DRIVERS:
        supported = " or ".join(sorted(SUPPORTED_DRIVERS))
        raise ConfigError(
            "YDAN_DATABASE_URL", f"driver must be {supported} (got {url.drivername!r})"
        )
    if s.telegram_mode not in ("polling", "webhook"):
        raise ConfigError(
            "YDAN_TELEGRAM_MODE", f"must be 'polling' or 'webhook' (got {s.telegram_mode!r})"
        )
    if s.telegram_token is not None and not re.fullmatch(
        r"\d+:[A-Za-z0-9_-]{20,}", s.telegram_token
    ):
        raise ConfigError(
            "YDAN_TELEGRAM_TOKEN", "does not look like a BotFather token (digits:key)"
        )
    if not s.telegram_base_url.startswith(("http://", "https://")):
        raise ConfigError("YDAN_TELEGRAM_BASE_URL", "must start with http:// or https://")
    if s.telegram_mode == "webhook" and s.telegram_token:
        if not s.webhook_url or not s.webhook_url.startswith(("https://", "http://")):
            raise ConfigError(
                "YDAN_WEBHOOK_URL", "webhook mode needs the public URL Telegram posts to"
            )
        if not s.webhook_secret:
            raise ConfigError("YDAN_WEBHOOK_SECRET", "webhook mode needs a secret")
    if s.webhook_secret is not None and not _SECRET_RE.match(s.webhook_secret):
        raise ConfigError("YDAN_WEBHOOK_SECRET", "use 1-256 characters from A-Z, a-z, 0-9, _ and -")
    if not 0 < s.web_port < 65536:
        raise ConfigError("YDAN_WEB_PORT", f"must be between 1 and 65535 (got {s.web_port})")
    if s.locale not in ("vi", "en"):
        raise ConfigError("YDAN_LOCALE", f"must be 'vi' or 'en' (got {s.locale!r})")
    try:
        ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("YDAN_TIMEZONE", f"unknown time zone {s.timezone!r}") from None
    for name, value in (("YDAN_DEMO", s.demo), ("YDAN_ENGINE_PROCESS", s.engine_process)):
        if value not in ("auto", "on", "off"):
            raise ConfigError(name, f"must be auto, on or off (got {value!r})")
    if not 1 <= s.telegram_rate <= 1000:
        raise ConfigError(
            "YDAN_TELEGRAM_RATE", f"must be 1-1000 messages/s (got {s.telegram_rate})"
        )
    if not 5 <= s.outbox_lease_seconds <= 3600:
        raise ConfigError(
            "YDAN_OUTBOX_LEASE_SECONDS", f"must be 5-3600 (got {s.outbox_lease_seconds})"
        )
    if s.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("YDAN_LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults, then the TOML file, then the environment; then validation."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(Settings)}
    if config_file is not None:
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("--config", f"file not found: {config_file}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("--config", f"invalid TOML: {exc}") from None
        section = data.get("ydan", data)
        for key, raw in section.items():
            if key not in known:
                raise ConfigError(f"--config {key}", "unknown setting")
            values[key] = raw
    for name in known:
        if _env_name(name) in env:
            values[name] = env[_env_name(name)]
    typed: dict[str, Any] = {}
    for name, raw in values.items():
        kind = int if known[name].type in ("int", int) else str
        coerced = _coerce(name, raw, kind)
        if coerced is not None or known[name].default is None:
            typed[name] = coerced
    settings = Settings(**typed)
    _validate(settings)
    return settings


def configure_logging(settings: Settings) -> None:
    """One line per record on stderr, at the configured level, for every ydan process."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Per-request and per-migration lines drown what matters (and the console chat).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
