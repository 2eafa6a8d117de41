"""Training with officials' corrections, saving, versioning and the load fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.artifact import LinearModel
from nlp.examples import Example
from nlp.split import split_examples
from nlp.tagger import Tagger, load_tagger, packaged_model_dir
from nlp.training import TrainSettings, train_model

FAST = TrainSettings(folds=2)


@pytest.fixture(scope="module")
def tiny_model(tiny_examples: list[Example]) -> LinearModel:
    return train_model(tiny_examples, settings=FAST)


def test_saved_model_loads_with_the_same_version_and_outputs(
    tiny_model: LinearModel, tmp_path: Path
) -> None:
    tiny_model.save(tmp_path)
    loaded = load_tagger(tmp_path)
    assert loaded.version == tiny_model.version
    text = "Rác ở đầu thôn không ai thu gom"
    assert loaded.tag(text) == Tagger(tiny_model).tag(text)


def test_training_is_deterministic(tiny_examples: list[Example], tiny_model: LinearModel) -> None:
    assert train_model(tiny_examples, settings=FAST).version == tiny_model.version


def test_corrections_are_learned_and_change_the_version(
    tiny_examples: list[Example], tiny_model: LinearModel
) -> None:
    text = "Bà con xin xã cho mượn sân bóng để tổ chức giải bóng chuyền hơi"
    corrections = [Example(text, ("van_hoa_xa_hoi",))] * 3
    corrected = train_model(tiny_examples, corrections, settings=FAST)
    assert corrected.version != tiny_model.version
    assert corrected.info["extra_examples"] == 3
    assert Tagger(corrected).tag(text).primary == "van_hoa_xa_hoi"


def test_load_tagger_falls_back_to_the_packaged_model(tmp_path: Path) -> None:
    packaged = load_tagger()
    assert load_tagger(tmp_path / "missing").version == packaged.version
    assert load_tagger(tmp_path).version == packaged.version  # empty directory
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("vocabulary.json", "weights.npz", "meta.json"):
        (broken / name).write_text("not a model")
    assert load_tagger(broken).version == packaged.version
    assert (packaged_model_dir() / "meta.json").is_file()


def test_split_is_deterministic_and_keeps_near_duplicates_together(
    tiny_examples: list[Example],
) -> None:
    twin = Example(tiny_examples[0].text.lower().replace("đ", "d"), tiny_examples[0].topics)
    data = [*tiny_examples, twin]
    train, test = split_examples(data)
    assert len(train) + len(test) == len(data)
    assert split_examples(list(reversed(data))) == (
        [e for e in reversed(data) if e in train],
        [e for e in reversed(data) if e in test],
    )
    first_side = tiny_examples[0] in test
    assert (twin in test) == first_side
