"""Training time and peak memory: the full model from scratch, then after adding one topic.

Both trainings use copies of ``data/`` and ``domain.yml`` with the project's ``config.yml``, an
empty Rasa cache of their own (``RASA_CACHE_DIRECTORY``) and their own output folder, so the
project's ``models/`` and ``.rasa/cache`` are not touched. The second training adds a topic (a new
intent with examples in fi/sv/en and its answer rule) and runs ``rasa train`` again with the first
run's cache and model: Rasa's incremental path, which retrains only the graph nodes whose inputs
changed. (``--finetune`` is not used: logistic regression has no incremental training, and the
changed domain forces the policies to retrain anyway.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.proc import BIN, run_measured

NEW_TOPIC = "maintenance.fallen_leaves"
NEW_EXAMPLES = {
    "fi": ["milloin lehdet haravoidaan kadulta", "kuka kerää syksyn lehdet puistosta", "voinko viedä haravoidut lehdet kadun varteen",
           "lehtikasat jalkakäytävällä, kuka siivoaa", "missä on lehtien keräyspiste", "saako pihan lehtiä polttaa",
           "milloin kaupunki kerää lehtiä", "lehtiä on tosi paljon pyörätiellä", "mihin syksyn lehdet viedään",
           "onko lehtisäkeille keräystä", "harava-apu lehtien keräykseen", "kaupungin lehtien keruu syksyllä"],
    "sv": ["när krattas löven på gatan", "vem samlar in höstlöven i parken", "får jag lägga krattade löv vid gatan",
           "lövhögar på trottoaren, vem städar", "var finns insamlingsplatsen för löv", "får man bränna löv på gården",
           "när samlar staden in löv", "mycket löv på cykelbanan", "vart ska höstlöven föras",
           "finns det insamling av lövsäckar", "lövinsamling på hösten", "stadens insamling av löv"],
    "en": ["when are the leaves raked from the street", "who collects autumn leaves in the park",
           "can I put raked leaves next to the street", "piles of leaves on the sidewalk, who cleans them",
           "where is the leaf collection point", "can I burn leaves in my yard", "when does the city collect leaves",
           "lots of leaves on the cycle path", "where do I take autumn leaves", "is there a collection for leaf bags",
           "leaf collection in autumn", "city leaf pickup"],
}


def add_topic(data_dir: Path, domain: Path, topic: str = NEW_TOPIC) -> None:
    """A topic as an editor adds one: intent in the domain, examples per language, its answer rule."""
    text = domain.read_text(encoding="utf-8")
    if f"- {topic}\n" in text:
        raise ValueError(f"{topic} is already in {domain}")
    if "\nintents:\n" not in text:
        raise ValueError(f"{domain}: no 'intents:' list")
    domain.write_text(text.replace("\nintents:\n", f"\nintents:\n- {topic}\n", 1), encoding="utf-8")
    for lang, examples in NEW_EXAMPLES.items():
        folder = data_dir / "nlu" / lang
        folder.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"    - {e}\n" for e in examples)
        (folder / "bench_new_topic.yml").write_text(
            f'version: "3.1"\nnlu:\n- intent: {topic}\n  examples: |\n{lines}', encoding="utf-8")
    (data_dir / "rules" / "bench_new_topic.yml").parent.mkdir(parents=True, exist_ok=True)
    (data_dir / "rules" / "bench_new_topic.yml").write_text(
        f'version: "3.1"\nrules:\n- rule: answer {topic}\n  steps:\n  - intent: {topic}\n  - action: action_answer\n',
        encoding="utf-8")


def _train(project_root: Path, data: Path, domain: Path, out: Path, cache: Path, log: Path, force: bool,
           what: tuple[str, ...] = ()):
    cmd = [str(BIN / "rasa"), "train", *what, "--config", str(project_root / "config.yml"),
           "--domain", str(domain), "--out", str(out)]
    cmd += ["--stories", str(data)] if what == ("core",) else ["--data", str(data), "--num-threads", "2"]
    if force:
        cmd.append("--force")
    measured = run_measured(cmd, log=log, cwd=project_root, env={"RASA_CACHE_DIRECTORY": str(cache)}, timeout=3000)
    if measured.returncode != 0:
        raise RuntimeError(f"rasa train failed ({measured.returncode}); see {log}")
    return measured


def _fresh_copy(project_root: Path, work: Path) -> tuple[Path, Path]:
    """An empty ``work`` folder with a copy of the project's training data and domain."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    data, domain = work / "data", work / "domain.yml"
    shutil.copytree(project_root / "data", data)
    shutil.copy(project_root / "domain.yml", domain)
    return data, domain


def run(project_root: Path, work: Path, log=print) -> dict:
    data, domain = _fresh_copy(project_root, work)
    cache, out = work / "cache", work / "models"
    log("  training the full model from scratch (empty cache)...")
    scratch = _train(project_root, data, domain, out, cache, work / "train-scratch.log", force=True)
    log(f"  from scratch: {scratch.seconds:.0f} s, peak {scratch.peak_rss_kib / 1024:.0f} MB; adding topic {NEW_TOPIC}...")
    add_topic(data, domain)
    added = _train(project_root, data, domain, out, cache, work / "train-new-topic.log", force=False)
    log(f"  after adding a topic (cache and previous model kept): {added.seconds:.0f} s, peak {added.peak_rss_kib / 1024:.0f} MB")
    examples = sum(1 for p in (project_root / "data" / "nlu").rglob("*.yml")
                   for line in p.read_text(encoding="utf-8").splitlines() if line.strip().startswith("- "))
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "examples": examples,
        "scratch": {"seconds": scratch.seconds, "peak_rss_kib": scratch.peak_rss_kib},
        "new_topic": {"seconds": added.seconds, "peak_rss_kib": added.peak_rss_kib, "topic": NEW_TOPIC,
                      "examples_added": sum(len(v) for v in NEW_EXAMPLES.values())},
    }


def run_quick(project_root: Path, work: Path, log=print) -> dict:
    """Quick mode: add the topic to a copy and train the dialogue policies only (``rasa train core``)."""
    data, domain = _fresh_copy(project_root, work)
    add_topic(data, domain)
    log("  quick: one training of the dialogue policies only (rasa train core), with a topic added")
    added = _train(project_root, data, domain, work / "models", work / "cache", work / "train-new-topic.log",
                   force=True, what=("core",))
    shutil.rmtree(work / "cache", ignore_errors=True)
    return {
        "quick": "one training of the dialogue policies only (rasa train core) with a topic added; "
                 "the full model is trained, from scratch and again after adding a topic, in `make bench`",
        "new_topic": {"seconds": added.seconds, "peak_rss_kib": added.peak_rss_kib, "topic": NEW_TOPIC,
                      "examples_added": sum(len(v) for v in NEW_EXAMPLES.values())},
    }
