"""The sessions catalogs: both languages complete, placeholders agree, every used key exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from handlers.context import LASTING
from locales import Catalogs
from scheduler import jobs_text
from storage.models import SessionForm, SessionKind, SessionStatus

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = ("session.", "notice.", "remind.", "register.", "deadline.", "mute.")
SOURCES = [
    *ROOT.glob("handlers/session*.py"),
    ROOT / "handlers/registration.py",
    ROOT / "handlers/subscriptions.py",
    *ROOT.glob("scheduler/jobs*.py"),
    ROOT / "bot/cli_sessions.py",
]
_LITERAL = re.compile(
    r"""["']((?:session|notice|remind|register|deadline|mute)\.[a-z0-9_.]+)["']"""
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _own(catalogs: Catalogs, language: str) -> set[str]:
    return {k for k in catalogs.keys(language) if k.startswith(PREFIXES)}


def test_both_languages_have_the_same_keys_and_placeholders(catalogs: Catalogs) -> None:
    assert _own(catalogs, "vi") == _own(catalogs, "en")
    vi, en = catalogs.messages["vi"], catalogs.messages["en"]
    for key in _own(catalogs, "vi"):
        assert _fields(vi[key]) == _fields(en[key]), key


def test_every_key_the_code_names_exists(catalogs: Catalogs) -> None:
    used = {key for path in SOURCES for key in _LITERAL.findall(path.read_text("utf-8"))}
    assert len(used) > 100
    assert used - _own(catalogs, "vi") == set()


def test_keys_completed_at_run_time_exist(catalogs: Catalogs) -> None:
    own = _own(catalogs, "vi")
    dynamic = (
        {f"session.kind.{k.value}" for k in SessionKind}
        | {f"session.kind_long.{k.value}" for k in SessionKind}
        | {f"session.title_default.{k.value}" for k in SessionKind}
        | {f"session.form.{f.value}" for f in SessionForm}
        | {f"session.form_long.{f.value}" for f in SessionForm}
        | {f"session.ask_place.{f.value}" for f in SessionForm}
        | {f"session.status.{s.value}" for s in SessionStatus}
        | {f"session.group.{g}" for g in jobs_text.TARGET_GROUPS}
        | {f"session.weekday.{d}" for d in range(7)}
        | {f"session.field_{f}" for f in ("title", "host", "place")}
        | {f"notice.{k}" for k in ("new", "postponed", "cancelled", "changed")}
        | {f"notice.loudspeaker_{k}" for k in ("new", "postponed", "cancelled", "changed")}
        | {f"deadline.front_{s}" for s in ("before", "due")}
        | {
            f"deadline.{what}_{s}"
            for what in ("conclusion", "answer")
            for s in ("before", "due", "overdue")
        }
    )
    assert dynamic - own == set()


def test_the_scheduler_writes_lasting_buttons_as_the_handlers_read_them() -> None:
    assert jobs_text.LASTING_NONCE == LASTING
