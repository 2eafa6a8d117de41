"""Gettext catalogs (``locales/<lang>/LC_MESSAGES/*.po``) and the translator handlers use.

Message ids are symbolic keys (``intake.ask_text``) so that Vietnamese, the default, and English
are both real translations. Catalogs are read with Babel when the app starts, not at import time.
Placeholders use ``str.format`` syntax: ``{code}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent
DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")


class CatalogError(ValueError):
    pass


def _read_language(directory: Path, language: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for po_path in sorted((directory / language / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id or not isinstance(message.id, str):
                continue
            if message.id in messages:
                raise CatalogError(
                    f"{po_path.name}: key {message.id!r} defined twice for {language}"
                )
            if isinstance(message.string, str) and message.string:
                messages[message.id] = message.string
    return messages


@dataclass(frozen=True)
class Translator:
    language: str
    _messages: Mapping[str, str]
    _fallback: Mapping[str, str]

    def __call__(self, key: str, **values: object) -> str:
        template = self._messages.get(key) or self._fallback.get(key)
        if template is None:
            raise KeyError(f"no message {key!r} in the catalogs")
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self._messages or key in self._fallback


class Catalogs:
    """All languages' messages, loaded once; ``get(lang)`` hands out a translator."""

    def __init__(self, languages: Iterable[str] = LANGUAGES, directory: Path = LOCALES_DIR) -> None:
        self.languages = tuple(languages)
        self.messages = {lang: _read_language(directory, lang) for lang in self.languages}

    def get(self, language: str | None) -> Translator:
        lang = language if language in self.messages else DEFAULT_LANGUAGE
        assert lang is not None
        return Translator(lang, self.messages[lang], self.messages[DEFAULT_LANGUAGE])

    def keys(self, language: str) -> set[str]:
        return set(self.messages[language])
