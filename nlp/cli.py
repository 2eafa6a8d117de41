"""Command-line entry points of the nlp package, wired into ``ydan nlp ...`` by bot/.

Also runnable on their own: ``python -m nlp.cli classify|train|eval``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from nlp.examples import DataFileError, Example, read_jsonl
from nlp.tagger import Tagger, TagResult, load_tagger, packaged_model_dir
from nlp.topics import TOPICS

_BATCH = 256


def _result_json(message_id: Any, result: TagResult) -> dict[str, Any]:
    return {
        "id": message_id,
        "primary": result.primary,
        "topics": list(result.topics),
        "scores": result.scores,
        "uncertain": result.uncertain,
        "legal_complaint": result.legal_complaint,
        "urgent": result.urgent,
        "abusive": result.abusive,
        "model_version": result.model_version,
    }


def _messages(stdin: TextIO, jsonl: bool) -> Iterator[tuple[Any, str | None, str | None]]:
    """(id, text, error) for every non-blank input line."""
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        if not jsonl:
            yield number, line.rstrip("\r\n"), None
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, None, f"invalid JSON: {error.msg}"
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            message_id = record.get("id", number) if isinstance(record, dict) else number
            yield message_id, None, 'expected an object with a string "text"'
            continue
        yield record.get("id", number), record["text"], None


def classify(stdin: TextIO, stdout: TextIO, jsonl: bool, model_dir: Path | None = None) -> int:
    """Tag one message per input line; write one JSON object per message. 1 if any line failed."""
    tagger = load_tagger(model_dir)
    status = 0
    messages = _messages(stdin, jsonl)
    while batch := list(islice(messages, _BATCH)):
        good = [(i, text) for i, text, error in batch if text is not None]
        results = iter(tagger.tag_batch([text for _, text in good]))
        for message_id, text, error in batch:
            if text is None:
                status = 1
                out: dict[str, Any] = {"id": message_id, "error": error}
            else:
                out = _result_json(message_id, next(results))
            stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return status


def train(
    extra: Iterable[Example] = (),
    out_dir: Path | None = None,
    stdout: TextIO | None = None,
    *,
    data_dir: Path | None = None,
) -> int:
    """Train on the training split plus ``extra``; save to ``out_dir`` (default: packaged)."""
    from nlp.training import DATA_DIR, dataset_split, train_model

    stdout = stdout or sys.stdout
    target = out_dir or packaged_model_dir()
    train_set, test_set = dataset_split(data_dir or DATA_DIR)
    given = list(extra)
    # Corrections come from the database: skip any without a known topic rather than fail.
    extra = [e for e in given if e.topics and all(t in TOPICS for t in e.topics)]
    if len(extra) < len(given):
        stdout.write(f"skipped {len(given) - len(extra)} corrections without a known topic\n")
    if not train_set and not extra:
        stdout.write("no training data found\n")
        return 1
    started = time.perf_counter()
    model = train_model(train_set, extra)
    model.save(target)
    seconds = time.perf_counter() - started
    stdout.write(
        f"trained on {len(train_set)} examples + {len(extra)} corrections "
        f"({len(test_set)} held out) in {seconds:.1f} s\n"
        f"features: {len(model.vectorizer.vocabulary)}    version: {model.version}\n"
        f"saved to {target}\n"
    )
    return 0


def evaluate(stdout: TextIO, model_dir: Path | None = None, *, data_dir: Path | None = None) -> int:
    """Print topic and flag scores of the model on the held-out split."""
    from nlp.evaluation import VIEWS, evaluate_view, format_report
    from nlp.training import DATA_DIR, dataset_split

    _, test_set = dataset_split(data_dir or DATA_DIR)
    if not test_set:
        stdout.write("no held-out data found\n")
        return 1
    tagger: Tagger = load_tagger(model_dir)
    reports = [evaluate_view(tagger.tag_batch, test_set, view) for view in VIEWS]
    stdout.write(format_report(reports, len(test_set), tagger.version))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("classify", help="tag messages read from standard input")
    run.add_argument("--jsonl", action="store_true", help='input lines are {"id", "text"}')
    run.add_argument("--model-dir", type=Path)
    fit = commands.add_parser("train", help="train a model on the dataset")
    fit.add_argument("--out-dir", type=Path)
    fit.add_argument("--extra", type=Path, help="JSON-lines file of extra labelled examples")
    check = commands.add_parser("eval", help="evaluate a model on the held-out split")
    check.add_argument("--model-dir", type=Path)
    for sub in (fit, check):
        sub.add_argument("--data-dir", type=Path, help="labelled JSON-lines files (default: ours)")
    args = parser.parse_args(argv)
    if args.command == "classify":
        return classify(sys.stdin, sys.stdout, args.jsonl, args.model_dir)
    try:
        if args.command == "train":
            extra = list(read_jsonl(args.extra)) if args.extra else []
            return train(extra, args.out_dir, sys.stdout, data_dir=args.data_dir)
        return evaluate(sys.stdout, args.model_dir, data_dir=args.data_dir)
    except DataFileError as exc:  # say which line, without a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
