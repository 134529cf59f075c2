"""NLU-only accuracy of a trained model on a TSV of questions (pipeline experiments).

    uv run python bench/nlu_heldout.py models/<model>.tar.gz tests/eval/heldout.tsv
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from rasa.core.agent import Agent

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from citizenbot.evaluate import read_questions  # noqa: E402


async def main(model: str, files: list[str]) -> None:
    agent = Agent.load(model)
    questions = [q for f in files for q in read_questions(Path(f))]
    by_lang: dict[str, list[bool]] = defaultdict(list)
    confusions: Counter = Counter()
    misses = []
    times = []
    for q in questions:
        t = time.perf_counter()
        parsed = await agent.parse_message(q.text)
        times.append(time.perf_counter() - t)
        intent = parsed["intent"]["name"]
        ok = intent in q.topics
        by_lang[q.lang].append(ok)
        if not ok:
            confusions[(q.topics[0], intent)] += 1
            misses.append((q.lang, q.text, q.topics, intent, round(parsed["intent"]["confidence"], 2),
                           [(r["name"], round(r["confidence"], 2)) for r in parsed.get("intent_ranking", [])[:3]]))
    for lang, oks in sorted(by_lang.items()):
        print(f"{lang}: {sum(oks)}/{len(oks)} = {100 * sum(oks) / len(oks):.1f} %")
    total = [o for v in by_lang.values() for o in v]
    print(f"all: {sum(total)}/{len(total)} = {100 * sum(total) / len(total):.1f} %   parse p50 {1000 * sorted(times)[len(times) // 2]:.1f} ms")
    for m in misses:
        print("  MISS", m)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
