"""Shared fixtures: the packaged tagger (loaded once) and a tiny labelled dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.examples import Example, read_jsonl
from nlp.tagger import Tagger, load_tagger

TINY = Path(__file__).parent / "data" / "tiny.jsonl"


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    return load_tagger()


@pytest.fixture(scope="session")
def tiny_examples() -> list[Example]:
    return list(read_jsonl(TINY))
