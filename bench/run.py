"""`citizenbot bench`: run the benchmark parts, write results.json, report.md and plots.

Full mode is `make bench` (about 45 minutes on the 2-core machine, and the 30-minute soak); quick mode (`--quick`, `make
bench-quick`) runs every code path on tiny inputs in a few minutes to check that the benchmark
works. Its numbers mean nothing: it skips the stock baseline and trains only tiny models.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import traceback
import warnings
from collections import defaultdict
from pathlib import Path

from bench import proc
from bench.stats import rate, ratio, summary

PARTS = ("kb", "names", "analytics", "train", "load", "replicas", "clinc", "soak")  # "eval" runs inside "load" (it needs the running assistant)
LEVELS_FULL = (1, 10, 50, 200)
LEVELS_QUICK = (1, 4)


def _log(message: str) -> None:
    print(message, flush=True)


def _save(results: dict, out: Path) -> None:
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str, ensure_ascii=False), encoding="utf-8")


# --- load + eval -----------------------------------------------------------------------------------


def _merge(runs: list) -> dict:
    """Several rounds of one system at one concurrency as one result."""
    from collections import Counter

    turns = [t for r in runs for t in r.turns]
    latencies = [t.latency for t in turns if t.latency is not None]
    duration = sum(r.duration for r in runs)
    errors: Counter = Counter()
    for r in runs:
        errors.update(r.errors)
    return {
        "concurrency": runs[0].concurrency,
        "rounds": len(runs),
        "duration_s": duration,
        "messages": len(latencies),
        "conversations": sum(r.conversations for r in runs),
        "msg_per_s": rate(len(latencies), duration),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "latency": summary(latencies),
        "latencies": sorted(round(x, 5) for x in latencies),
    }


def run_load(project_root: Path, out: Path, quick: bool, port_base: int, eval_files: list[Path]) -> dict:
    from bench import load, stacks

    work = out / "work"
    (work / "var").mkdir(parents=True, exist_ok=True)
    ports = stacks.Ports.from_base(port_base)
    stacks.check_ports(ports.all())
    levels = LEVELS_QUICK if quick else LEVELS_FULL
    rounds, seconds = (1, 8.0) if quick else (2, 30.0)
    model = stacks.latest_model(project_root)
    result: dict = {"levels": list(levels), "rounds": rounds, "round_seconds": seconds, "think_s": list(load.THINK),
                    "model": model.name, "baseline": "skipped in quick mode" if quick else "stock rasa init assistant",
                    "startup_seconds": {}, "idle_rss_kib": {}}
    if not quick:
        _log("  creating and training the stock assistant (rasa init --no-prompt)...")
        result["stock"] = stacks.create_stock(work, fresh=True)
    questions = load.resident_questions(project_root)
    scripts = {"ours": load.our_scripts(questions), "stock": load.stock_scripts}
    with proc.Servers() as servers:
        _log(f"  starting our servers (model {model.name}) on ports {ports.actions}/{ports.rasa}/{ports.web}...")
        systems = {"ours": stacks.start_ours(servers, project_root, work, ports, model)}
        urls = {"ours": f"http://127.0.0.1:{ports.web}"}
        if not quick:
            _log(f"  starting the stock assistant on ports {ports.stock_rasa}/{ports.stock_web}...")
            systems["stock"] = stacks.start_stock(servers, project_root, work, ports)
            urls["stock"] = f"http://127.0.0.1:{ports.stock_web}"
        pids: dict[str, int] = {"load client": os.getpid()}
        for system, procs in systems.items():
            for name, server in procs.items():
                pids[f"{system}: {name}"] = server.pid
                result["startup_seconds"][f"{system}: {name}"] = server.started_in
        result["idle_rss_kib"] = {name: proc.tree_rss_kib(pid) for name, pid in pids.items() if name != "load client"}
        # one short warm-up conversation each (model caches, connection pools), not measured
        for system in systems:
            asyncio.run(load.run_level(urls[system], 3, 2.0 if quick else 6.0, scripts[system], seed=999))
        runs: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        usage: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for level in levels:
            for round_no in range(rounds):
                order = list(systems) if round_no % 2 == 0 else list(reversed(list(systems)))
                for system in order:
                    with proc.Sampler(pids, single=frozenset({"load client"})) as sampler:
                        run = asyncio.run(load.run_level(urls[system], level, seconds, scripts[system],
                                                         seed=level * 10 + round_no))
                    runs[system][level].append(run)
                    usage[system][level].append(sampler.result())
                    stats = run.stats()
                    p95 = stats["latency"]["p95"]
                    _log(f"  {system:5s} x{level:<3d} round {round_no + 1}: {stats['messages']} replies, "
                         f"{stats['msg_per_s']:.1f}/s, p95 {1000 * p95 if p95 else float('nan'):.0f} ms, "
                         f"errors {stats['errors']}")
                    time.sleep(1.0)
        result["systems"] = {}
        for system in systems:
            result["systems"][system] = {}
            prefix = f"{system}: "
            for level in levels:
                merged = _merge(runs[system][level])
                memory: dict[str, int] = {}
                cpu: dict[str, float] = {}
                for sample in usage[system][level]:
                    for name, values in sample.items():
                        if name.startswith(prefix) or name == "load client":
                            memory[name] = max(memory.get(name, 0), values["rss_peak_kib"])
                            cpu[name] = cpu.get(name, 0.0) + values["cpu_s"]
                server_cpu = sum(v for k, v in cpu.items() if k.startswith(prefix))
                merged["rss_peak_kib"] = memory
                merged["cpu_s"] = cpu
                merged["server_cpu_ms_per_msg"] = 1000 * server_cpu / merged["messages"] if merged["messages"] else None
                result["systems"][system][str(level)] = merged
        result["hwm_kib"] = {name: proc.hwm_kib(pid) for name, pid in pids.items()}
        if "stock" in systems:
            result["ratios"] = {
                str(level): {p: ratio(result["systems"]["ours"][str(level)]["latency"][p],
                                      result["systems"]["stock"][str(level)]["latency"][p]) for p in ("p50", "p95", "p99")}
                for level in levels
            }
        _log("  held-out accuracy per language (make eval) against our running assistant...")
        result["eval"] = run_eval(f"http://127.0.0.1:{ports.rasa}", eval_files)
    return result


def run_eval(url: str, files: list[Path]) -> dict:
    from citizenbot.evaluate import read_questions, summarise
    from citizenbot.evaluate import run as ask_all

    questions = [q for f in files for q in read_questions(f)]
    begin = time.perf_counter()
    outcomes = asyncio.run(ask_all(questions, url, None, 4))
    text, figures = summarise(outcomes)
    emergency = figures["all"]
    by_lang: dict[str, list] = defaultdict(list)
    for o in outcomes:
        by_lang[o.question.lang].append(o.correct)
    return {
        "files": [f.name for f in files],
        "seconds": time.perf_counter() - begin,
        "questions": len(outcomes),
        "accuracy": {lang: sum(v) / len(v) for lang, v in sorted(by_lang.items())} | {
            "all": sum(o.correct for o in outcomes) / len(outcomes)},
        "counts": {lang: [sum(v), len(v)] for lang, v in sorted(by_lang.items())},
        "emergency": (emergency.emergencies_answered / emergency.emergencies) if emergency.emergencies else None,
        "summary": text,
    }


# --- training ----------------------------------------------------------------------------------------


def run_train(project_root: Path, out: Path, quick: bool) -> dict:
    from bench import training

    if not quick:
        return training.run(project_root, out / "work" / "train", log=_log)
    return training.run_quick(project_root, out / "work" / "train", log=_log)


# --- main --------------------------------------------------------------------------------------------


def main(args) -> int:
    from bench import analytics, city, clinc, names, replicas, report, soak
    from citizenbot.settings import PROJECT_ROOT

    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    warnings.simplefilter("ignore", FutureWarning)
    project_root = PROJECT_ROOT
    quick = bool(args.quick)
    out = Path(args.out) if args.out else project_root / "results" / "bench" / ("quick" if quick else "")
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    parts = [p.strip() for p in args.only.split(",")] if args.only else list(PARTS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        print(f"unknown part(s) {sorted(unknown)}; choose from {', '.join(PARTS)}", file=sys.stderr)
        return 2
    if getattr(args, "report_only", False):
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        _log(f"report: {report.write(results, out)}")
        return 0
    port_base = args.port_base or (5400 if quick else 5200)
    eval_files = [project_root / "tests" / "eval" / ("dev.tsv" if quick else "heldout.tsv")]
    results: dict = {"quick": quick, "machine": proc.machine(), "versions": proc.tool_versions(), "parts": parts,
                     "errors": {}}
    previous = out / "results.json"
    if args.only and previous.is_file():
        # re-running some parts: keep the other parts' figures of the previous run, and say so
        old = json.loads(previous.read_text(encoding="utf-8"))
        if bool(old.get("quick")) == quick:
            kept = [p for p in PARTS if p in old and p not in parts]
            results = {**old, "errors": {k: v for k, v in old.get("errors", {}).items() if k not in parts}}
            results.setdefault("rerun", {})
            for part in parts:
                results["rerun"][part] = proc.machine()["date"]
            results["kept_from"] = old.get("kept_from") or old["machine"]["date"]
            _log(f"re-running {', '.join(parts)}; keeping {', '.join(kept) or 'nothing'} from the run of {results['kept_from']}")
    postgres_url = os.environ.get("TEST_POSTGRES_URL") or None
    _log(f"benchmark ({'quick' if quick else 'full'}) -> {out}")
    if quick:
        _log("quick mode: tiny inputs, no stock baseline, dialogue-only training; it checks the code, not the numbers")
    begin = time.perf_counter()
    steps = {
        "kb": lambda: city.run(project_root, out / "work" / "city", quick, postgres_url, log=_log),
        "names": lambda: names.run(project_root, quick, log=_log),
        "analytics": lambda: analytics.run(out / "work" / "analytics", quick, postgres_url, log=_log),
        "train": lambda: run_train(project_root, out, quick),
        "load": lambda: run_load(project_root, out, quick, port_base, eval_files),
        "replicas": lambda: replicas.run(project_root, quick, port_base + 300, log=_log),
        "clinc": lambda: clinc.run(project_root, out / "work" / "clinc", quick, log=_log),
        "soak": lambda: soak.run(project_root, out, quick, port_base, getattr(args, "soak_conversations", None),
                                 getattr(args, "soak_minutes", None), log=_log),
    }
    for part in parts:
        _log(f"== {part}")
        started = time.perf_counter()
        load_before = os.getloadavg()[0]
        try:
            results[part] = steps[part]()
        except Exception as exc:  # noqa: BLE001 - the other parts still run; the exit code tells
            traceback.print_exc()
            results["errors"][part] = f"{type(exc).__name__}: {exc}"
        results.setdefault("part_seconds", {})[part] = time.perf_counter() - started
        # how busy the shared machine was (1-minute load average before and after the part)
        results.setdefault("load_avg", {})[part] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        _log(f"   ({part} took {time.perf_counter() - started:.0f} s)")
        _save(results, out)
    if not results.get("rerun"):
        results["total_seconds"] = time.perf_counter() - begin
    _save(results, out)
    path = report.write(results, out)
    _log(f"report: {path} (total {results['total_seconds'] / 60:.1f} min)")
    if results["errors"]:
        print(f"benchmark parts failed: {', '.join(results['errors'])}", file=sys.stderr)
        return 1
    return 0
