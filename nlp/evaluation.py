"""Held-out evaluation of a tagger on original, diacritic-stripped and phone-typed text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nlp.examples import Example
from nlp.tagger import TagResult
from nlp.topics import FLAGS, TOPICS
from nlp.variants import phone_typed, stripped

VIEWS: dict[str, Callable[[str], str]] = {
    "original": lambda text: text,
    "stripped": stripped,
    "phone": phone_typed,
}


@dataclass(frozen=True)
class TopicScores:
    accuracy: float
    macro_f1: float
    per_topic_f1: dict[str, float]
    uncertain_share: float
    confident_accuracy: float
    # Share of predicted primary topics that are among the labelled topics, primary or not.
    among_labelled: float


@dataclass(frozen=True)
class FlagScores:
    precision: float
    recall: float
    support: int


def f1_score(truth: Sequence[str], pred: Sequence[str], label: str) -> float:
    tp = sum(1 for t, p in zip(truth, pred, strict=True) if t == p == label)
    denom = sum(1 for t in truth if t == label) + sum(1 for p in pred if p == label)
    return 2 * tp / denom if denom else 0.0


def topic_scores(examples: Sequence[Example], results: Sequence[TagResult]) -> TopicScores:
    truth = [e.primary for e in examples]
    pred = [r.primary for r in results]
    correct = [t == p for t, p in zip(truth, pred, strict=True)]
    present = [t for t in TOPICS if t in truth]
    per_topic = {t: f1_score(truth, pred, t) for t in present}
    confident = [c for c, r in zip(correct, results, strict=True) if not r.uncertain]
    return TopicScores(
        accuracy=sum(correct) / len(correct),
        macro_f1=sum(per_topic.values()) / len(per_topic),
        per_topic_f1=per_topic,
        uncertain_share=1 - len(confident) / len(correct),
        confident_accuracy=sum(confident) / len(confident) if confident else 0.0,
        among_labelled=sum(p in e.topics for p, e in zip(pred, examples, strict=True)) / len(pred),
    )


def flag_scores(truth: Sequence[bool], pred: Sequence[bool]) -> FlagScores:
    tp = sum(1 for t, p in zip(truth, pred, strict=True) if t and p)
    predicted, actual = sum(pred), sum(truth)
    return FlagScores(
        precision=tp / predicted if predicted else 1.0,
        recall=tp / actual if actual else 1.0,
        support=actual,
    )


@dataclass(frozen=True)
class ViewReport:
    view: str
    topics: TopicScores
    flags: dict[str, FlagScores]


def evaluate_view(
    tag_batch: Callable[[Sequence[str]], list[TagResult]],
    examples: Sequence[Example],
    view: str,
) -> ViewReport:
    texts = [VIEWS[view](e.text) for e in examples]
    results = tag_batch(texts)
    flags = {
        name: flag_scores([getattr(e, name) for e in examples], [getattr(r, name) for r in results])
        for name in FLAGS
    }
    return ViewReport(view, topic_scores(examples, results), flags)


def format_report(reports: Sequence[ViewReport], n_test: int, version: str) -> str:
    lines = [f"held-out examples: {n_test}    model version: {version}", ""]
    header = f"{'':22}" + "".join(f"{r.view:>10}" for r in reports)
    lines.append(header)

    def row(label: str, values: Sequence[float]) -> None:
        lines.append(f"{label:22}" + "".join(f"{v:>10.3f}" for v in values))

    row("accuracy", [r.topics.accuracy for r in reports])
    row("macro-F1", [r.topics.macro_f1 for r in reports])
    row("uncertain share", [r.topics.uncertain_share for r in reports])
    row("accuracy if certain", [r.topics.confident_accuracy for r in reports])
    row("primary among labelled", [r.topics.among_labelled for r in reports])
    for topic in TOPICS:
        if topic in reports[0].topics.per_topic_f1:
            row(f"F1 {topic}", [r.topics.per_topic_f1.get(topic, 0.0) for r in reports])
    for name in FLAGS:
        row(f"{name} P", [r.flags[name].precision for r in reports])
        row(f"{name} R", [r.flags[name].recall for r in reports])
    supports = ", ".join(f"{name} {reports[0].flags[name].support}" for name in FLAGS)
    lines += ["", f"flag support in held-out set: {supports}"]
    return "\n".join(lines) + "\n"
