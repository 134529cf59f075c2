"""results.json -> report.md and PNG plots (pure: tested in tests/bench with made-up results)."""

from __future__ import annotations

from pathlib import Path

from bench.stats import fmt_duration, fmt_mb, fmt_ms, fmt_pct, fmt_ratio

KB_KINDS = {
    "street:nominative": "street, as written (`milloin Koivumäenkatu aurataan?`)",
    "street:inflected": "street, inflected (`...kadulla`, `...tiellä`, `...kadun`)",
    "street:misspelt": "street, one typo (`Koivumäenkdaulla`)",
    "plan": "plan by name",
    "district_plans": "plans in a district",
    "report": "fault report by number",
    "raw:street": "baseline: a street by its exact name, one SQL statement through the driver",
    "raw:report": "baseline: a report by its id, one SQL statement through the driver",
}
AIMS = {
    "load": "p95 within 1.5x of the stock assistant at 50 conversations; no errors at 200",
    "kb": "p95 under 5 ms per lookup",
    "analytics": "the page's summary under 100 ms for a day and under 1 s for a year",
    "clinc": "beat the 2019 Rasa row on both measures, and BERT on out-of-scope recall",
}


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def machine_lines(results: dict) -> list[str]:
    m = results.get("machine") or {}
    v = results.get("versions") or {}
    load = m.get("load_avg_at_start")
    return [
        f"Machine: {m.get('cores')} cores ({m.get('cpu_model')}), {m.get('ram_gib')} GiB RAM, Linux {m.get('kernel')}, "
        f"Python {m.get('python')}; load average at start {', '.join(str(x) for x in load) if load else '-'} "
        f"(the machine is shared: other work ran at the same time). Date: {m.get('date')}.",
        "",
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
    ] + ([
        "",
        "1-minute load average before / after each part (2 cores; above 2 means other work was waiting for CPU): "
        + ", ".join(f"{part} {a} / {b}" for part, (a, b) in results["load_avg"].items()) + ".",
    ] if results.get("load_avg") else [])


# --- load ----------------------------------------------------------------------------------------------


def load_section(load: dict) -> list[str]:
    systems = load.get("systems") or {}
    levels = [str(x) for x in load.get("levels", [])]
    lines = [
        "## 1. Reply latency and throughput under load",
        "",
        f"Simulated residents (python-socketio clients, one connection each, loopback) hold conversations of four "
        f"turns through the website's Socket.IO gateway (`citizenbot web`): session request, then each message and "
        f"the time until the first `bot_uttered`; think time {load['think_s'][0]}-{load['think_s'][1]} s between "
        f"turns (the gateway allows 20 messages per connection per minute). A finished conversation is replaced "
        f"by a new resident, so the number of open conversations stays constant. Each level ran "
        f"{load['rounds']} x {load['round_seconds']:.0f} s per assistant, alternating which assistant goes first. "
        f"Our model: `{load.get('model')}`. Baseline: {load.get('baseline')}.",
        "",
        "Our conversations: greeting, two questions from `tests/eval` (dev + held-out, report topics left out) and "
        "thanks in fi/fi/sv/en, or (15 %) a complete pothole report that is filed into the database. "
        "The stock assistant's: its own moodbot topics (greet, mood, bot challenge, goodbye). Our stack is "
        "Rasa + action server + SQLite tracker store; the stock one is Rasa alone (responses only, in-memory "
        "tracker store): the ratio is what the assistant's NLU, custom actions and stored conversations cost.",
        "",
    ]
    rows = []
    for level in levels:
        for system in systems:
            r = systems[system].get(level)
            if not r:
                continue
            lat = r["latency"]
            rat = (load.get("ratios") or {}).get(level, {}) if system == "ours" else {}
            rows.append([
                level, system, r["messages"], f"{r['msg_per_s']:.1f}", fmt_ms(lat["p50"]), fmt_ms(lat["p95"]),
                fmt_ms(lat["p99"]),
                " / ".join(fmt_ratio(rat.get(p)) for p in ("p50", "p95", "p99")) if rat else "",
                r["errors"], f"{r['server_cpu_ms_per_msg']:.0f}" if r.get("server_cpu_ms_per_msg") else "-",
            ])
    lines += _table(["conversations", "assistant", "replies", "replies/s", "p50 ms", "p95 ms", "p99 ms",
                     "ours / stock (p50 / p95 / p99)", "errors", "server CPU ms / reply"], rows)
    errors = {f"{s} x{lv}": r["error_kinds"] for s in systems for lv, r in systems[s].items() if r.get("error_kinds")}
    if errors:
        lines += ["", "Errors: " + "; ".join(f"{k}: {v}" for k, v in errors.items())]
    lines += ["", "![latency](load_latency.png)", "", "Peak resident memory (MB) of each process during each level:", ""]
    names = sorted({n for s in systems.values() for r in s.values() for n in r.get("rss_peak_kib", {})})
    mem_rows = []
    for name in names:
        row = [name, fmt_mb((load.get("idle_rss_kib") or {}).get(name))]
        for level in levels:
            values = [s[level]["rss_peak_kib"].get(name) for s in systems.values() if level in s and name in s[level]["rss_peak_kib"]]
            row.append(fmt_mb(max(values)) if values else "-")
        mem_rows.append(row)
    lines += _table(["process", "idle", *[f"x{lv}" for lv in levels]], mem_rows)
    lines += ["", "![memory](load_memory.png)", ""]
    startup = load.get("startup_seconds") or {}
    if startup:
        lines += ["Start-up time (until each health check answers): " +
                  ", ".join(f"{k} {v:.0f} s" for k, v in startup.items() if v is not None) + "."]
    stock = load.get("stock") or {}
    if stock.get("created"):
        lines += ["", f"The stock assistant was created and trained by `rasa init --no-prompt` in this run "
                      f"({fmt_duration(stock['seconds'])}, peak {fmt_mb(stock['peak_rss_kib'])} MB)."]
    verdict = load_verdict(load)
    if verdict:
        lines += ["", f"Aim ({AIMS['load']}): {verdict}"]
    return lines + [""]


def load_verdict(load: dict) -> str | None:
    systems = load.get("systems") or {}
    ours = systems.get("ours") or {}
    parts = []
    ratio_50 = ((load.get("ratios") or {}).get("50") or {}).get("p95")
    if ratio_50 is not None:
        parts.append(f"p95 at 50 conversations is {ratio_50:.2f}x the stock assistant's "
                     f"({'met' if ratio_50 <= 1.5 else 'not met'})")
    if "200" in ours:
        errors = ours["200"]["errors"]
        parts.append(f"{errors} errors at 200 ({'met' if errors == 0 else 'not met'})")
    return "; ".join(parts) if parts else None


# --- knowledge base ----------------------------------------------------------------------------------


def kb_section(kb: dict) -> list[str]:
    sizes = kb["sizes"]
    lines = [
        "## 2. Knowledge-base lookups at city scale",
        "",
        f"A synthetic city with {sizes['streets']:,} streets (compound Finnish names such as Koivumäenkatu, "
        f"Kuusirinteentie, Tähtikuja), {sizes['plans']:,} plans, {sizes['districts']} extra districts and "
        f"{sizes['reports']:,} fault reports, seeded with `citizenbot.seed` (streets, districts, plans) and a "
        f"bulk insert (reports). Each lookup is what an action does: `KnowledgeBase.best_name` on the "
        f"resident's whole sentence plus `street` / `plan`; `plans_in_district`; `ReportStore.get`. "
        f"Times are per lookup, in one thread. The baseline rows fetch the same rows with one SQL statement "
        f"through the database driver (no ORM, no name matching), in the same run: the floor the machine and "
        f"the database give.",
        "",
    ]
    rows = []
    for backend in kb["backends"]:
        for kind, stats in backend["lookups"].items():
            matching = (f"{1000 * stats['matching_p50']:.2f} / {1000 * stats['matching_p95']:.2f}"
                        if stats.get("matching_p95") is not None else "")
            rows.append([backend["backend"], KB_KINDS.get(kind, kind), stats["n"], f"{1000 * stats['p50']:.2f}",
                         f"{1000 * stats['p95']:.2f}", f"{1000 * stats['p99']:.2f}", matching,
                         fmt_pct(stats["right"] / stats["n"]) if stats["n"] else "-"])
    lines += _table(["database", "lookup", "n", "p50 ms", "p95 ms", "p99 ms", "of which name matching p50 / p95 ms",
                     "found the right row"], rows)
    lines += [""]
    for backend in kb["backends"]:
        lines.append(f"- {backend['backend']}: seeding {fmt_duration(backend['seed_seconds'])}, "
                     f"{backend['counts']['reports']:,} reports inserted in {fmt_duration(backend['reports_seconds'])}, "
                     f"name index of {backend['index_size']:,} names built in {fmt_duration(backend['index_build_seconds'])} "
                     f"(once per process and content version, at the first lookup).")
    if not kb.get("postgres"):
        lines.append("- PostgreSQL: not measured (no TEST_POSTGRES_URL; `make bench` starts a throwaway server "
                     "when the PostgreSQL server binaries are installed).")
    examples = kb.get("examples") or {}
    if examples:
        lines += ["", "Example questions: " + "; ".join(f"`{v}`" for v in examples.values()) + "."]
    worst = max((s["p95"] for b in kb["backends"] for k, s in b["lookups"].items() if not k.startswith("raw:")),
                default=None)
    if worst is not None:
        lines += ["", f"Aim ({AIMS['kb']}): slowest p95 {1000 * worst:.2f} ms ({'met' if worst < 0.005 else 'not met'})."]
    lines += ["", "![lookups](kb_lookups.png)", ""]
    return lines


# --- training -----------------------------------------------------------------------------------------


def train_section(train: dict, load: dict | None) -> list[str]:
    lines = ["## 3. Training", ""]
    if train.get("quick"):
        lines += [f"Quick mode: {train['quick']}.", ""]
    else:
        lines += [
            f"`rasa train --num-threads 2` of the project ({train.get('examples', '?')} NLU example lines, "
            f"config.yml, domain.yml) on copies of the data with an empty cache of its own, then again after "
            f"adding one topic ({train['new_topic']['topic']}: intent, {train['new_topic']['examples_added']} "
            f"examples in fi/sv/en, answer rule) with the first run's cache and model kept (Rasa retrains only the "
            f"parts whose inputs changed; logistic regression has no incremental `--finetune`). Peak memory is "
            f"the largest resident size of the training process (VmHWM).",
            "",
        ]
    rows = []
    if train.get("scratch"):
        rows.append(["from scratch", fmt_duration(train["scratch"]["seconds"]), fmt_mb(train["scratch"]["peak_rss_kib"])])
    rows.append(["after adding one topic", fmt_duration(train["new_topic"]["seconds"]),
                 fmt_mb(train["new_topic"]["peak_rss_kib"])])
    stock = (load or {}).get("stock") or {}
    if stock.get("created"):
        rows.append(["baseline: stock `rasa init` assistant (DIET + TED, ~70 examples)",
                     fmt_duration(stock["seconds"]), fmt_mb(stock["peak_rss_kib"])])
    lines += _table(["training", "wall time", "peak memory MB"], rows)
    return lines + [""]


# --- CLINC150 -----------------------------------------------------------------------------------------


def clinc_section(clinc: dict) -> list[str]:
    lines = [
        "## 4. NLU pipeline on CLINC150",
        "",
        f"The project's `config.yml` pipeline (LemmaTokenizer with place masking, word 1-2-gram and char_wb 2-5-gram "
        f"counts, logistic regression on tf-idf weighted unit-length vectors, FallbackClassifier {clinc['threshold']}) trained with `rasa train nlu` on "
        f"CLINC150's `train` + `oos_train` ({clinc['train_examples']:,} examples, {clinc['intents']} intents "
        f"including `oos`) and tested on `test` + `oos_test` ({clinc['test_examples']:,}). Out of scope = the "
        f"production mechanism: the `oos` intent or the fallback threshold. The EmergencyOverride (the 112 safety "
        f"net) was {clinc['emergency_override']}: CLINC has no emergency intent; its rules match "
        f"{len(clinc.get('emergency_rule_hits') or [])} of the test queries"
        + (f" ({'; '.join(repr(t) for t in clinc['emergency_rule_hits'][:5])})" if clinc.get("emergency_rule_hits") else "")
        + ". "
        f"{clinc.get('cleaned_texts', 0)} texts had `[ ] {{ }}` (Rasa's entity markup) replaced by spaces.",
        "",
    ]
    if clinc.get("quick"):
        lines += ["Quick mode: a tiny subset (8 intents); the figures below are not comparable with the paper.", ""]
    rows = [["**this project (config.yml)**", f"**{fmt_pct(clinc['inscope_acc'])}**", f"**{fmt_pct(clinc['oos_recall'])}**"]]
    for b in clinc.get("baselines") or []:
        if b["classifier"] in ("Rasa", "BERT", "MLP", "SVM", "DialogFlow"):
            rows.append([f"{b['classifier']} ({b['method']}, Larson et al. 2019)", f"{b['inscope_acc_full']} %",
                         f"{b['oos_recall_full']} %"])
    lines += _table(["pipeline", "in-scope accuracy", "out-of-scope recall"], rows)
    lines += [
        "",
        f"Training {fmt_duration(clinc['train_seconds'])} (peak {fmt_mb(clinc['train_peak_rss_kib'])} MB"
        + ("; scikit-learn warned that logistic regression stopped at config.yml's max_iter before converging"
           if clinc.get("converged") is False else "")
        + "); parsing "
        f"p50 {fmt_ms(clinc['parse']['p50'], 1)} ms per query in-process. Of the out-of-scope test queries, "
        f"{clinc['oos_predicted_as_oos_intent']} were caught by the `oos` intent and "
        f"{clinc['oos_predicted_as_fallback']} by the threshold; {fmt_pct(clinc['inscope_flagged_oos'])} of the "
        f"in-scope queries were wrongly called out of scope.",
        "",
        "The curve re-applies the fallback threshold to the same predictions (for information: the figure above "
        "uses config.yml's threshold as it is, not one picked on the test set).",
        "",
        "![clinc](clinc_threshold.png)",
        "",
    ]
    verdict = clinc_verdict(clinc)
    if verdict:
        lines += [f"Aim ({AIMS['clinc']}): {verdict}", ""]
    return lines


def clinc_verdict(clinc: dict) -> str | None:
    rows = {b["classifier"]: b for b in clinc.get("baselines") or [] if b["method"] == "oos-train"}
    if "Rasa" not in rows or "BERT" not in rows or clinc.get("quick"):
        return None
    acc, recall = 100 * clinc["inscope_acc"], 100 * clinc["oos_recall"]
    rasa_acc, rasa_rec = float(rows["Rasa"]["inscope_acc_full"]), float(rows["Rasa"]["oos_recall_full"])
    bert_rec = float(rows["BERT"]["oos_recall_full"])
    return (f"in-scope {acc:.1f} % vs Rasa-2019 {rasa_acc} % ({'beaten' if acc > rasa_acc else 'not beaten'}); "
            f"out-of-scope recall {recall:.1f} % vs Rasa-2019 {rasa_rec} % ({'beaten' if recall > rasa_rec else 'not beaten'}) "
            f"and BERT {bert_rec} % ({'beaten' if recall > bert_rec else 'not beaten'}).")


# --- eval ---------------------------------------------------------------------------------------------


def eval_section(ev: dict) -> list[str]:
    lines = ["## 5. The assistant's accuracy per language", "",
             f"`make eval` on {', '.join(ev['files'])} ({ev['questions']} questions, each a new conversation over "
             f"the REST channel of the benchmark's Rasa server): topic **and** language right.", ""]
    rows = [[lang, f"{ev['counts'][lang][0]}/{ev['counts'][lang][1]}", fmt_pct(acc)]
            for lang, acc in ev["accuracy"].items() if lang != "all"]
    total = sum(c[0] for c in ev["counts"].values()), sum(c[1] for c in ev["counts"].values())
    rows.append(["all", f"{total[0]}/{total[1]}", fmt_pct(ev["accuracy"]["all"])])
    lines += _table(["language", "right", "accuracy"], rows)
    if ev.get("emergency") is not None:
        lines += ["", f"Emergencies answered with the emergency answer: {fmt_pct(ev['emergency'])}."]
    return lines + [""]


# --- the report -----------------------------------------------------------------------------------------


def headline(results: dict) -> list[str]:
    """The figures the README's Performance section quotes."""
    out = []
    load = results.get("load") or {}
    if load.get("ratios"):
        for level in ("1", "50", "200"):
            ours = load["systems"]["ours"].get(level)
            stock = load["systems"]["stock"].get(level)
            if ours and stock:
                out.append(f"- {level} conversation{'' if level == '1' else 's'}: p50 {fmt_ms(ours['latency']['p50'])} / p95 "
                           f"{fmt_ms(ours['latency']['p95'])} ms ({fmt_ratio(load['ratios'].get(level, {}).get('p95'))} the stock "
                           f"assistant's p95 of {fmt_ms(stock['latency']['p95'])} ms), {ours['msg_per_s']:.1f} replies/s, "
                           f"{ours['errors']} errors")
    kb = results.get("kb")
    if kb:
        for b in kb["backends"]:
            worst = max(s["p95"] for k, s in b["lookups"].items() if not k.startswith("raw:"))
            out.append(f"- KB lookups ({b['backend']}, {kb['sizes']['streets']:,} streets): slowest p95 {1000 * worst:.2f} ms")
    analytics = results.get("analytics")
    if analytics:
        for b in analytics["backends"]:
            out.append(f"- analytics summary ({b['backend']}, {analytics['sizes']['messages']:,} messages in "
                       f"{analytics['sizes']['days']} days): day {1000 * b['timings']['day']['summary']['p50']:.0f} ms, "
                       f"year {1000 * b['timings']['year']['summary']['p50']:.0f} ms; roll-up "
                       f"{b['rollup']['per_10000']:.1f} s per 10,000 messages")
    train = results.get("train")
    if train and not train.get("quick"):
        out.append(f"- training from scratch {fmt_duration(train['scratch']['seconds'])} (peak "
                   f"{fmt_mb(train['scratch']['peak_rss_kib'])} MB); after adding a topic {fmt_duration(train['new_topic']['seconds'])}")
    clinc = results.get("clinc")
    if clinc:
        out.append(f"- CLINC150: in-scope {fmt_pct(clinc['inscope_acc'])}, out-of-scope recall {fmt_pct(clinc['oos_recall'])}")
    ev = (load or {}).get("eval")
    if ev:
        out.append("- held-out accuracy: " + ", ".join(f"{k} {fmt_pct(v)}" for k, v in ev["accuracy"].items()))
    return out


def render(results: dict) -> str:
    quick = results.get("quick")
    lines = [f"# Benchmark report{' (quick mode: checks the code; the numbers mean nothing)' if quick else ''}", ""]
    lines += machine_lines(results)
    total = results.get("total_seconds")
    lines += ["", f"Total time: {fmt_duration(total)} (" + ", ".join(
        f"{k} {fmt_duration(v)}" for k, v in (results.get("part_seconds") or {}).items()) + "). "
        f"Reproduce: `make bench` ({'`make bench-quick` for this quick run' if quick else 'full'}).", ""]
    if results.get("rerun"):
        lines += ["Parts re-run later with `--only` (the others are from the run above): " + ", ".join(
            f"{part} on {date}" for part, date in results["rerun"].items()) + ".", ""]
    head = headline(results)
    if head:
        lines += ["## Summary", "", *head, ""]
    if results.get("errors"):
        lines += ["## Failed parts", ""] + [f"- {k}: {v}" for k, v in results["errors"].items()] + [""]
    if results.get("load"):
        lines += load_section(results["load"])
    if results.get("replicas"):
        from bench.replicas import section

        lines += section(results["replicas"])
    if results.get("kb"):
        lines += kb_section(results["kb"])
    if results.get("names"):
        from bench.names import section

        lines += section(results["names"])
    if results.get("analytics"):
        from bench.analytics import report_section

        lines += report_section(results["analytics"], AIMS["analytics"])
    if results.get("train"):
        lines += train_section(results["train"], results.get("load"))
    if results.get("clinc"):
        lines += clinc_section(results["clinc"])
    if (results.get("load") or {}).get("eval"):
        lines += eval_section(results["load"]["eval"])
    if results.get("soak"):
        from bench.soak import report_section as soak_section

        lines += soak_section(results["soak"])
    return "\n".join(lines).rstrip() + "\n"


def write(results: dict, out: Path) -> Path:
    from bench import plots

    out.mkdir(parents=True, exist_ok=True)
    plots.write_all(results, out)
    path = out / "report.md"
    path.write_text(render(results), encoding="utf-8")
    return path
