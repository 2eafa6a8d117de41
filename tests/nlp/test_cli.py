"""The classify command's input and output formats."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from nlp.cli import classify, main
from nlp.topics import TOPICS

FIELDS = {
    "id", "primary", "topics", "scores", "uncertain",
    "legal_complaint", "urgent", "abusive", "model_version",
}  # fmt: skip


def _run(text: str, jsonl: bool) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    status = classify(io.StringIO(text), out, jsonl)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_plain_lines_are_numbered_from_one_and_blank_lines_skipped() -> None:
    status, rows = _run("Đường thôn hỏng nặng\n\nrac o dau thon ko ai thu gom\n", jsonl=False)
    assert status == 0
    assert [row["id"] for row in rows] == [1, 3]
    for row in rows:
        assert set(row) == FIELDS
        assert row["primary"] in TOPICS
        assert row["topics"][0] == row["primary"]
        assert set(row["scores"]) == set(TOPICS)
        assert isinstance(row["legal_complaint"], bool)
        assert isinstance(row["model_version"], str)


def test_jsonl_keeps_ids_and_reports_bad_lines() -> None:
    lines = [
        json.dumps({"id": "C-17", "text": "Tôi tố cáo cán bộ địa chính xã nhận tiền của dân"}),
        "not json",
        json.dumps({"id": 5}),
        json.dumps({"id": 6, "text": "Cảm ơn xã"}, ensure_ascii=False),
    ]
    status, rows = _run("\n".join(lines) + "\n", jsonl=True)
    assert status == 1
    assert [row["id"] for row in rows] == ["C-17", 2, 5, 6]
    assert set(rows[0]) == FIELDS and set(rows[3]) == FIELDS
    assert "error" in rows[1] and "error" in rows[2]


def test_output_keeps_vietnamese_readable() -> None:
    out = io.StringIO()
    classify(io.StringIO("Cảm ơn xã\n"), out, jsonl=False)
    assert "\\u" not in out.getvalue()


def test_module_entry_point_classifies(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("đèn đường hỏng\n"))
    assert main(["classify"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == 1
