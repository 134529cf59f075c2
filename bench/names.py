"""Name matching per message size: ``NameIndex.find`` over 1 KB, 10 KB and 100 KB messages.

The index is the one the NLU masks place names with (``citizenbot.gazetteer``, built from the
project's ``kb/``). Two message shapes: residents' sentences repeated (many names to find) and one
long word (the shape that used to make matching quadratic). The baseline, measured in the same run
on the same text, is what every message costs anyway: splitting it into folded words
(``word_spans`` + ``fold``). Linear matching keeps the ratio to that baseline flat across sizes.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

SIZES_KB = (1, 10, 100)
SENTENCE = "Milloin Hämeenkadulla aurataan, ja onko Hervannassa liukasta? Teiskontiellä on kuoppa. "
SHAPES = {
    "sentences": lambda n: (SENTENCE * (n // len(SENTENCE) + 1))[:n],
    "one word": lambda n: ("hameenkatu" * (n // 10 + 1))[:n],
}


def _median_seconds(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        work()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def run(project_root: Path, quick: bool, log=print) -> dict:
    from citizenbot.gazetteer import load_name_index
    from citizenbot.text import fold, word_spans

    index = load_name_index(str(project_root / "kb"))
    index.find(SENTENCE)  # warm-up: the lemmatiser's dictionaries load on the first call
    repeats = 1 if quick else 5
    rows = []
    for shape, make in SHAPES.items():
        for kb in SIZES_KB:
            text = make(kb * 1000)
            matches = len(index.find(text))
            seconds = _median_seconds(lambda text=text: index.find(text), repeats)
            baseline = _median_seconds(lambda text=text: [fold(w) for w, _s, _e in word_spans(text)], repeats)
            rows.append({"shape": shape, "kb": kb, "chars": len(text), "matches": matches, "seconds": seconds,
                         "baseline_seconds": baseline, "ratio": seconds / baseline if baseline else None})
            log(f"  {shape:9s} {kb:>3d} KB: {1000 * seconds:8.1f} ms, {matches} names "
                f"(tokenising {1000 * baseline:.1f} ms)")
    return {"index_size": index.size, "repeats": repeats, "rows": rows}


def section(names: dict) -> list[str]:
    lines = [
        "## Name matching per message size",
        "",
        f"`NameIndex.find` with the NLU's index ({names['index_size']} names), median of {names['repeats']} "
        "runs. Baseline: splitting the same text into folded words, which every message costs anyway.",
        "",
        "| message | size | names found | matching | baseline | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for r in names["rows"]:
        ratio = f"{r['ratio']:.0f}x" if r["ratio"] is not None else "-"
        lines.append(f"| {r['shape']} | {r['kb']} KB | {r['matches']} | {1000 * r['seconds']:.1f} ms | "
                     f"{1000 * r['baseline_seconds']:.2f} ms | {ratio} |")
    return [*lines, ""]
