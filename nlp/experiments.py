"""Method comparison for docs/nlp.md (needs the ``train`` extra): ``python -m nlp.experiments``.

Topic methods are chosen by 4-fold cross-validation inside the training split (near-duplicates
share a fold) and then scored once on the held-out split, in the three views of
``nlp.evaluation``. Topic figures come from the primary-topic head alone, which is what the
methods differ in. ``--flags DIR`` compares rules, model and both for the flags of a trained
model on the held-out split.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nlp import rules
from nlp.evaluation import VIEWS, f1_score, flag_scores
from nlp.examples import Example, read_jsonl
from nlp.features import Vectorizer
from nlp.hidden import fit_hidden
from nlp.keywords import keyword_primary
from nlp.split import group_folds
from nlp.tagger import load_tagger
from nlp.topics import FLAGS, TOPICS
from nlp.training import (
    TrainSettings,
    augmented_texts,
    dataset_split,
    to_scipy,
    train_model,
)

Predict = Callable[[Sequence[str]], list[str]]
CV_FOLDS = 4


@dataclass(frozen=True)
class Method:
    name: str
    settings: TrainSettings | None  # None: the keyword baseline
    pretokenize: bool = False  # join underthesea's multi-syllable words with "_"


def _underthesea(texts: Sequence[str]) -> list[str]:
    from underthesea import word_tokenize

    return [word_tokenize(t, format="text") for t in texts]


def fit_primary(train: Sequence[Example], method: Method) -> tuple[Predict, int]:
    """A primary-topic predictor and its number of features."""
    from sklearn.linear_model import LogisticRegression

    settings = method.settings
    if settings is None:
        return (lambda texts: [keyword_primary(t) for t in texts]), 0
    texts, origin = augmented_texts(train, settings.augment)
    if method.pretokenize:
        texts = _underthesea(texts)
    vectorizer = Vectorizer.fit(texts, settings.features, settings.min_df)
    x = to_scipy(vectorizer.transform(texts), len(vectorizer.vocabulary))
    y = np.array([TOPICS.index(train[i].primary) for i in origin])
    if settings.hidden is not None:
        layer = fit_hidden(x, y, len(TOPICS), settings.hidden)

        def predict(batch: Sequence[str]) -> list[str]:
            rows = vectorizer.transform(batch)
            return [TOPICS[int(k)] for k in layer.logits(rows).argmax(axis=1)]

        return predict, len(vectorizer.vocabulary)
    model = LogisticRegression(C=settings.regularisation, max_iter=3000).fit(x, y)

    def predict_linear(batch: Sequence[str]) -> list[str]:
        if method.pretokenize:
            batch = _underthesea(batch)
        rows = to_scipy(vectorizer.transform(batch), len(vectorizer.vocabulary))
        return [TOPICS[int(k)] for k in model.predict(rows)]

    return predict_linear, len(vectorizer.vocabulary)


def score(predict: Predict, test: Sequence[Example]) -> dict[str, tuple[float, float]]:
    """(accuracy, macro-F1) per view."""
    truth = [e.primary for e in test]
    out: dict[str, tuple[float, float]] = {}
    for view, make in VIEWS.items():
        pred = predict([make(e.text) for e in test])
        accuracy = sum(t == p for t, p in zip(truth, pred, strict=True)) / len(truth)
        present = [t for t in TOPICS if t in truth]
        macro = sum(f1_score(truth, pred, t) for t in present) / len(present)
        out[view] = (accuracy, macro)
    return out


def cross_validate(train: Sequence[Example], method: Method) -> dict[str, float]:
    """Mean accuracy per view over group-aware folds of the training split."""
    fold_of = group_folds(train, CV_FOLDS)
    sums = dict.fromkeys(VIEWS, 0.0)
    for k in range(CV_FOLDS):
        inner = [e for e, f in zip(train, fold_of, strict=True) if f != k]
        held = [e for e, f in zip(train, fold_of, strict=True) if f == k]
        predict, _ = fit_primary(inner, method)
        for view, (accuracy, _) in score(predict, held).items():
            sums[view] += accuracy / CV_FOLDS
    return sums


def methods() -> list[Method]:
    chosen = TrainSettings()
    base = replace(chosen, hidden=None)
    chars = base.features
    words = replace(chars, char_min=0, char_max=0, char_weight=1.0)
    no_chars = replace(base, features=words)
    return [
        Method("keywords (no training)", None),
        Method(
            "words, accented only",
            replace(no_chars, features=replace(words, stripped_words=False), augment=False),
        ),
        Method("words, accented + stripped", replace(no_chars, augment=False)),
        Method("words, accented + stripped, augmented", no_chars),
        Method("+ word trigrams", replace(no_chars, features=replace(words, trigrams=True))),
        Method("+ char 2-4", replace(base, features=replace(chars, char_weight=1.0))),
        Method("+ char 2-4 at weight 0.3", base),
        Method(
            "+ char 3-5",
            replace(base, features=replace(chars, char_min=3, char_max=5, char_weight=1.0)),
        ),
        Method("underthesea word segmentation", no_chars, pretokenize=True),
        Method("char 2-4 at weight 0.3, hidden layer of 64 units (chosen)", chosen),
    ]


def compare_topics(only: str | None) -> None:
    train, test = dataset_split()
    print(f"train {len(train)}, held-out {len(test)}; CV = {CV_FOLDS}-fold inside train\n")
    views = list(VIEWS)
    print(
        "| method | features | train s | CV acc "
        + " / ".join(views)
        + " | held-out acc "
        + " / ".join(views)
        + " | held-out macro-F1 |"
    )
    print("|---|---|---|---|---|---|")
    for method in methods():
        if only and only not in method.name:
            continue
        cv = cross_validate(train, method)
        started = time.perf_counter()
        predict, n_features = fit_primary(train, method)
        seconds = time.perf_counter() - started
        held = score(predict, test)
        print(
            f"| {method.name} | {n_features} | {seconds:.1f} | "
            + " / ".join(f"{cv[v]:.3f}" for v in views)
            + " | "
            + " / ".join(f"{held[v][0]:.3f}" for v in views)
            + f" | {held['original'][1]:.3f} |",
            flush=True,
        )


def compare_flags(model_dir: Path, on: Path | None = None) -> None:
    """Rules alone, model alone and both, on the held-out split (original and stripped), or on
    the messages of ``on``: a development set kept out of the dataset for tuning the rules."""
    test = list(read_jsonl(on)) if on else dataset_split()[1]
    tagger = load_tagger(model_dir)
    limits = tagger.model.thresholds.flags
    print("| flag | view | rules P / R | model P / R | rules + model P / R |")
    print("|---|---|---|---|---|")
    for view in ("original", "stripped"):
        texts = [VIEWS[view](e.text) for e in test]
        probs = tagger.model.predict(texts).flags
        cues = [rules.cues(t) for t in texts]
        combined = tagger.tag_batch(texts)
        for j, name in enumerate(FLAGS):
            truth = [getattr(e, name) for e in test]
            by_rules = [_rule_only(name, c) for c in cues]
            by_model = [bool(p[j] >= limits[j]) for p in probs]
            both = [getattr(r, name) for r in combined]
            cells = [flag_scores(truth, pred) for pred in (by_rules, by_model, both)]
            print(
                f"| {name} | {view} | "
                + " | ".join(f"{c.precision:.2f} / {c.recall:.2f}" for c in cells)
                + " |"
            )


def compare_speed(out: Path) -> None:
    """Size, load time and single-core throughput of the numpy model for each feature set."""
    import tempfile

    from nlp.artifact import LinearModel
    from nlp.tagger import Tagger

    train, test = dataset_split()
    texts = [view(e.text) for e in test for view in VIEWS.values()]
    print("| method | model files | load ms | msg/s (CPU) | ms per message (median) |")
    print("|---|---|---|---|---|")
    started = time.process_time()
    for text in texts:
        keyword_primary(text)
    rate = len(texts) / (time.process_time() - started)
    print(f"| keywords (no training) | 0 | 0 | {rate:,.0f} | {1000 / rate:.2f} |")
    for method in methods()[3:]:
        if method.settings is None or method.pretokenize:
            continue
        directory = Path(tempfile.mkdtemp(dir=out))
        train_model(train, settings=replace(method.settings, folds=2)).save(directory)
        size = sum(f.stat().st_size for f in directory.iterdir())
        started = time.perf_counter()
        tagger = Tagger(LinearModel.load(directory))
        load_ms = (time.perf_counter() - started) * 1000
        tagger.tag_batch(texts)  # warm the caches
        started = time.process_time()
        tagger.tag_batch(texts)
        rate = len(texts) / (time.process_time() - started)
        singles = []
        for text in texts[:500]:
            begin = time.perf_counter()
            tagger.tag(text)
            singles.append(time.perf_counter() - begin)
        median = sorted(singles)[len(singles) // 2] * 1000
        print(
            f"| {method.name} | {size / 1e6:.1f} MB | {load_ms:.0f} | {rate:,.0f} | {median:.2f} |",
            flush=True,
        )


def learning_curve() -> None:
    """Held-out accuracy of the chosen method trained on growing shares of the training split
    (two random draws below the full set), to see whether more data would still pay."""
    import random

    train, test = dataset_split()
    chosen = next(m for m in methods() if "chosen" in m.name)
    print("| training messages | held-out acc " + " / ".join(VIEWS) + " |")
    print("|---|---|")
    for share in (0.25, 0.5, 0.75, 1.0):
        size = int(len(train) * share)
        draws = []
        for seed in range(2 if share < 1 else 1):
            subset = random.Random(seed).sample(train, size)
            predict, _ = fit_primary(subset, chosen)
            draws.append(score(predict, test))
        mean = [sum(d[v][0] for d in draws) / len(draws) for v in VIEWS]
        print(f"| {size} | " + " / ".join(f"{a:.3f}" for a in mean) + " |", flush=True)


def _rule_only(name: str, cue: rules.Cues) -> bool:
    if name == "legal_complaint":
        return rules.legal_complaint(cue, 1.0, 0.5)
    # Urgency has no rules (see nlp.rules): its rule column stays empty.
    return cue.abuse if name == "abusive" else False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the topic methods whose name contains this text")
    parser.add_argument("--flags", type=Path, help="compare flag methods for this model dir")
    parser.add_argument("--on", type=Path, help="with --flags: messages of this file instead")
    parser.add_argument("--speed", type=Path, help="compare model speed, saving models here")
    parser.add_argument("--curve", action="store_true", help="accuracy against training size")
    args = parser.parse_args()
    if args.curve:
        learning_curve()
    elif args.flags:
        compare_flags(args.flags, args.on)
    elif args.speed:
        compare_speed(args.speed)
    else:
        compare_topics(args.only)


if __name__ == "__main__":
    main()
