"""Labelled data files: a bad line is reported with its place, never skipped silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp import cli, datacheck
from nlp.examples import DataFileError, read_jsonl


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _line(text: str, *topics: str) -> str:
    return json.dumps({"text": text, "topics": list(topics)}, ensure_ascii=False)


def test_reading_stops_at_a_malformed_line_and_names_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "part.jsonl",
        [_line("Đường thôn 3 hỏng nặng", "ha_tang"), "", '{"text": "thiếu chủ đề"}'],
    )
    with pytest.raises(DataFileError, match=r"part\.jsonl:3: missing topics"):
        list(read_jsonl(path))


def test_training_with_a_bad_corrections_file_exits_2_with_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = _write(tmp_path / "corrections.jsonl", [_line("x", "khong_co_chu_de_nay")])
    assert cli.main(["train", "--extra", str(extra), "--out-dir", str(tmp_path / "m")]) == 2
    error = capsys.readouterr().err
    assert "corrections.jsonl:1" in error and "unknown topic" in error
    assert not (tmp_path / "m").exists()


def test_check_reports_counts_problems_and_near_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "raw"
    data.mkdir()
    _write(
        data / "part_a.jsonl",
        [
            _line("Đường liên thôn Bảo Tân bị sụt lún, mưa xuống ngập không đi được", "ha_tang"),
            _line("Xin hỏi thủ tục làm sổ đỏ cho đất thừa kế", "dat_dai"),
        ],
    )
    new = _write(
        data / "part_b.jsonl",
        [
            _line("duong lien thon bao tan bi sut lun, mua xuong ngap khong di duoc", "ha_tang"),
            _line("Karaoke hàng xóm hát đến 1 giờ sáng", "an_ninh"),
            _line("Karaoke hàng xóm hát đến 1 giờ sáng", "an_ninh"),
            "not json",
        ],
    )
    assert datacheck.main([str(new), "--data-dir", str(data)]) == 1
    out = capsys.readouterr().out
    assert "3 messages, 1 malformed" in out
    assert "part_b.jsonl:4:" in out
    assert "ha_tang 1" in out and "an_ninh 2" in out
    assert "repeated inside the file: 1" in out
    assert "near-duplicates of existing messages: 1" in out
    assert "old: Đường liên thôn Bảo Tân" in out
    assert "Xin hỏi thủ tục" not in out


def test_a_clean_file_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "raw"
    data.mkdir()
    clean = _write(data / "part_a.jsonl", [_line("Cảm ơn xã đã sửa đèn đường", "khac")])
    assert datacheck.main([str(clean), "--data-dir", str(data)]) == 0
    assert "1 messages, 0 malformed" in capsys.readouterr().out
