"""Normalisation of phone-typed Vietnamese: Unicode forms, tone placement, shorthand, repeats."""

from __future__ import annotations

import unicodedata

import pytest

from nlp.normalize import abbreviations, fold, normalize, strip_diacritics


def test_nfd_and_nfc_normalise_alike() -> None:
    text = "Đất nhà tôi bị thu hồi"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalize(nfd) == normalize(text) == "đất nhà tôi bị thu hồi"


@pytest.mark.parametrize(
    ("new_style", "classic"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoà giải", "hòa giải"),
        ("uỷ ban", "ủy ban"),
    ],
)
def test_one_tone_convention(new_style: str, classic: str) -> None:
    assert normalize(new_style) == normalize(classic) == classic


@pytest.mark.parametrize(
    "word", ["hoàn", "quý", "quả", "giữa", "người", "thuở", "huỳnh", "khuỷu", "gì", "mía", "của"]
)
def test_well_placed_tones_are_kept(word: str) -> None:
    assert normalize(word) == word


def test_misplaced_tone_moves_to_the_right_vowel() -> None:
    # Tone typed on the first vowel of "ươ" / before the final consonant.
    assert normalize("ngừơi") == "người"
    assert normalize("hòan") == "hoàn"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ko đc", "không được"),
        ("k dc j r", "không được gì rồi"),
        ("hok bik", "không bik"),
        ("e hỏi a", "em hỏi anh"),
        ("ng dân lên ubnd", "người dân lên ủy ban nhân dân"),
        ("sđt của cán bộ", "số điện thoại của cán bộ"),
        ("thẻ BHYT", "thẻ bảo hiểm y tế"),
    ],
)
def test_abbreviations_expand(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


def test_shorthand_is_replaced_only_as_whole_words() -> None:
    # "k" inside "5k" or "ko" inside "kon" are not the word "không".
    assert normalize("giá 5k một kg") == "giá 5k một không"
    assert normalize("kon") == "kon"


def test_abbreviation_dictionary_is_a_project_data_file() -> None:
    table = abbreviations()
    assert table["ko"] == "không"
    assert table["ubnd"] == "ủy ban nhân dân"
    assert all(key == key.lower() for key in table)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("quáaaa", "quá"), ("khônggg", "không"), ("chậmmm quá!!!", "chậm quá!"), ("xoong", "xoong")],
)
def test_repeated_letters_collapse(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


def test_whitespace_and_case() -> None:
    assert normalize("  ĐƯỜNG   hỏng \n nặng ") == "đường hỏng nặng"


def test_strip_diacritics() -> None:
    assert strip_diacritics("Đường liên thôn Bảo Tân") == "Duong lien thon Bao Tan"
    assert strip_diacritics(unicodedata.normalize("NFD", "ướt át")) == "uot at"


def test_fold_matches_names_typed_without_marks() -> None:
    assert fold("Bảo Tân") == fold("bao  tan") == "bao tan"
    assert fold("Thôn Hoà Bình") == fold("thon hòa binh")
