"""The reports' catalogs: complete in both languages, consistent placeholders, valid sheet names."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from handlers.reports import _xlsx
from locales import Catalogs, Translator
from nlp.topics import TOPICS
from storage.models import ConcernStatus, Department
from storage.report_records import DEPARTMENT_CODES, STATUS_CODES

PACKAGE = Path(__file__).resolve().parents[2] / "handlers" / "reports"
_KEY_LITERAL = re.compile(r"""["']((?:report|public)\.[a-z0-9_.]+)["']""")
# Prefixes the renderers complete at run time (topic, status, department codes).
_DYNAMIC = ("report.topic", "report.status", "report.department")


def _own(catalogs: Catalogs, language: str) -> set[str]:
    return {k for k in catalogs.keys(language) if k.startswith(("report.", "public."))}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys(report_catalogs: Catalogs) -> None:
    assert _own(report_catalogs, "vi") == _own(report_catalogs, "en")
    assert report_catalogs.keys("vi") == _own(report_catalogs, "vi")


def test_placeholders_agree_between_languages(report_catalogs: Catalogs) -> None:
    vi, en = report_catalogs.messages["vi"], report_catalogs.messages["en"]
    for key in vi:
        assert _fields(vi[key]) == _fields(en[key]), key


def test_every_key_the_code_uses_exists(report_catalogs: Catalogs) -> None:
    used = {
        key
        for path in PACKAGE.glob("*.py")
        for key in _KEY_LITERAL.findall(path.read_text(encoding="utf-8"))
        if key not in _DYNAMIC
    }
    assert used, "the scan found no keys"
    missing = used - _own(report_catalogs, "vi")
    assert not missing


def test_every_code_has_a_label(vi: Translator, en: Translator) -> None:
    for t in (vi, en):
        for code in TOPICS:
            assert t.has(f"report.topic.{code}")
        for code in STATUS_CODES:
            assert t.has(f"report.status.{code}")
        for code in DEPARTMENT_CODES:
            assert t.has(f"report.department.{code}")


def test_codes_match_storage() -> None:
    assert set(STATUS_CODES) == {member.value for member in ConcernStatus}
    assert set(DEPARTMENT_CODES) == {member.value for member in Department}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_sheet_names_are_valid_excel_names(report_catalogs: Catalogs, language: str) -> None:
    names = [
        text
        for key, text in report_catalogs.messages[language].items()
        if key.startswith("report.sheet.")
    ]
    assert len(names) == len(set(names)) == 9
    for name in names:
        assert _xlsx.sheet_title(name) == name
        assert len(name) <= 31


def test_the_project_catalogs_load_with_ours_in_them() -> None:
    # Duplicated keys across teams' files would raise here.
    catalogs = Catalogs()
    assert catalogs.get("vi")("report.conclusion.motto") == "Độc lập - Tự do - Hạnh phúc"
