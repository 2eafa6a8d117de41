"""The officials' catalogs: every key the code uses exists in both languages, with the same
placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.pofile import read_po

from handlers.officials.decisions import KINDS, LEVELS
from locales import LOCALES_DIR, Catalogs
from storage.models import Role

PREFIXES = ("official", "triage", "outcome", "answer", "feedback", "conclusion", "stats")
ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "handlers" / "officials").glob("*.py"), ROOT / "bot" / "cli_reports.py"]
# Audit actions look like keys but are not messages.
AUDIT_ACTIONS = {"triage.viewed", "triage.sent", "stats.viewed", "answer.written"}


def _catalog(language: str) -> dict[str, str]:
    with (Path(LOCALES_DIR) / language / "LC_MESSAGES" / "officials.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if isinstance(m.id, str) and m.id}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    vi, en = _catalog("vi"), _catalog("en")
    assert set(vi) == set(en)
    for key in vi:
        assert key.startswith(PREFIXES), key
        assert vi[key] and en[key], key
        assert _fields(vi[key]) == _fields(en[key]), key


def test_every_key_the_code_uses_exists() -> None:
    pattern = re.compile('"((?:' + "|".join(PREFIXES) + r')\.[a-z_.]+)"')
    assert len(SOURCES) > 10
    used = {key for source in SOURCES for key in pattern.findall(source.read_text())}
    used -= AUDIT_ACTIONS
    used |= {f"official.role.{role.value}" for role in Role}
    used |= {f"outcome.kind.{kind}" for kind in KINDS}
    used |= {f"outcome.level.{level}" for level in LEVELS}
    used |= {f"outcome.confirm_{kind}" for kind in ("session", "refuse", "close")}
    catalogs = Catalogs()
    for language in ("vi", "en"):
        missing = sorted(key for key in used if key not in catalogs.messages[language])
        assert missing == [], (language, missing)
