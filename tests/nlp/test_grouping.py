"""Grouping of concerns about the same issue."""

from __future__ import annotations

from nlp.grouping import Group, GroupItem, group_similar
from nlp.variants import stripped

ROAD = "Đường liên thôn 3 bị hư hỏng nặng, ổ gà khắp nơi, đề nghị xã sớm sửa chữa"
PIGS = "Trại lợn ở thôn 2 xả nước thải ra mương, mùi hôi thối không chịu nổi"
LIGHT = "Đèn đường xóm Đông hỏng cả tháng nay, tối đi lại rất nguy hiểm"
SCHOOL = "Trường tiểu học thu nhiều khoản tiền ngoài học phí, phụ huynh bức xúc"


def _by_key(groups: list[Group]) -> dict[str, Group]:
    return {key: group for group in groups for key in group.keys}


def test_same_concern_with_and_without_diacritics_or_reworded_is_one_group() -> None:
    items = [
        GroupItem("a1", ROAD),
        GroupItem("b1", PIGS),
        GroupItem("a2", stripped(ROAD)),
        GroupItem("c1", LIGHT),
        GroupItem("a3", "duong lien thon 3 hu hong nang qua, o ga khap noi, xa sua giup"),
        GroupItem("b2", "trai lon thon 2 xa nuoc thai ra muong hoi thoi lam"),
        GroupItem("d1", SCHOOL),
    ]
    groups = group_similar(items)
    by_key = _by_key(groups)
    assert by_key["a1"] is by_key["a2"] is by_key["a3"]
    assert by_key["b1"] is by_key["b2"]
    # Different concerns stay apart.
    assert len({id(by_key[k]) for k in ("a1", "b1", "c1", "d1")}) == 4
    # Largest group first, with its count and a representative member.
    assert groups[0].keys == ("a1", "a2", "a3")
    assert groups[0].count == 3
    assert groups[0].representative_key in groups[0].keys
    assert (
        groups[0].representative_text
        == dict((i.key, i.text) for i in items)[groups[0].representative_key]
    )


def test_every_item_is_in_exactly_one_group() -> None:
    items = [GroupItem(str(i), text) for i, text in enumerate([ROAD, PIGS, LIGHT, SCHOOL, ROAD])]
    keys = [key for group in group_similar(items) for key in group.keys]
    assert sorted(keys) == sorted(item.key for item in items)


def test_texts_without_content_words_group_only_when_identical() -> None:
    items = [GroupItem("1", "?"), GroupItem("2", "..."), GroupItem("3", "?")]
    groups = group_similar(items)
    assert sorted(g.keys for g in groups) == [("1", "3"), ("2",)]


def test_empty_input() -> None:
    assert group_similar([]) == []


def test_threshold_controls_how_loose_groups_are() -> None:
    items = [GroupItem("1", ROAD), GroupItem("2", "Đường thôn 3 hỏng, xin sửa")]
    assert len(group_similar(items, threshold=0.99)) == 2
    assert len(group_similar(items, threshold=0.05)) == 1
