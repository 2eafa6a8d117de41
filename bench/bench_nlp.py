"""Benchmark of the topic tagger: load time, memory, batch throughput and single-message latency.

Runs on one core (CPU affinity and single-threaded BLAS) on messages from the labelled dataset
in all three views (original, stripped of diacritics, phone-typed), and prints its figures.

    PYTHONPATH=. .venv/bin/python bench/bench_nlp.py [--model-dir DIR] [--n 5000]
"""

from __future__ import annotations

import os

# Before numpy loads: one thread, so that the figures are for one core.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--n", type=int, default=6000, help="messages in the batch test")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    # Load first, from a bare interpreter: the figure includes importing numpy and nlp.
    before = rss_mb()
    started = time.perf_counter()
    from nlp.tagger import load_tagger

    tagger = load_tagger(args.model_dir)
    load_seconds = time.perf_counter() - started
    after = rss_mb()

    from nlp.examples import read_all
    from nlp.training import dataset_files
    from nlp.variants import phone_typed, stripped

    originals = [e.text for e in read_all(dataset_files())]
    messages = [view(t) for t in originals for view in (str, stripped, phone_typed)]
    batch = (messages * (args.n // len(messages) + 1))[: args.n]
    print(f"model version {tagger.version}, {len(tagger.model.vectorizer.vocabulary)} features")
    print(f"model load (import + read files): {load_seconds * 1000:.0f} ms")
    print(
        f"memory: RSS {before:.1f} MB before load, {after:.1f} MB after (+{after - before:.1f} MB)"
    )

    tagger.tag_batch(messages[:200])  # warm the normalisation caches as a running bot would
    started, cpu = time.perf_counter(), time.process_time()
    tagger.tag_batch(batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"batch: {len(batch)} messages in {seconds:.2f} s = {len(batch) / seconds:,.0f} msg/s "
        f"(CPU time {cpu:.2f} s = {len(batch) / cpu:,.0f} msg/s)"
    )

    latencies: list[float] = []
    for text in messages[:2000]:
        started = time.perf_counter()
        tagger.tag(text)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * len(latencies))]
    print(
        f"single message: median {statistics.median(latencies):.2f} ms, "
        f"p95 {p95:.2f} ms, max {latencies[-1]:.2f} ms (n={len(latencies)})"
    )
    print(f"RSS at end: {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
