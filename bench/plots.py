"""PNG plots of a benchmark run (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"ours": "#0000bf", "stock": "#e07000"}
LABELS = {"ours": "citizenbot", "stock": "stock rasa init"}


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def load_latency(load: dict, path: Path) -> None:
    systems = load.get("systems") or {}
    levels = load["levels"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for system, by_level in systems.items():
        xs = [lv for lv in levels if str(lv) in by_level]
        for p, style in (("p50", "-"), ("p95", "--"), ("p99", ":")):
            ys = [1000 * (by_level[str(lv)]["latency"][p] or 0) for lv in xs]
            ax1.plot(xs, ys, style, marker="o", color=COLORS.get(system), label=f"{LABELS.get(system, system)} {p}")
        ax2.plot(xs, [by_level[str(lv)]["msg_per_s"] for lv in xs], marker="o", color=COLORS.get(system),
                 label=LABELS.get(system, system))
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xticks(levels)
        ax.set_xticklabels([str(lv) for lv in levels])
        ax.set_xlabel("concurrent conversations")
        ax.grid(True, alpha=0.3)
    ax1.set_yscale("log")
    ax1.set_ylabel("reply latency (ms, log scale)")
    ax1.set_title("Reply latency through the Socket.IO gateway")
    ax1.legend(fontsize=7, ncol=2)
    ax2.set_ylabel("replies per second")
    ax2.set_title("Throughput")
    ax2.legend(fontsize=8)
    _save(fig, path)


def load_memory(load: dict, path: Path) -> None:
    systems = load.get("systems") or {}
    levels = [str(lv) for lv in load["levels"]]
    names = sorted({n for s in systems.values() for r in s.values() for n in r.get("rss_peak_kib", {})})
    fig, ax = plt.subplots(figsize=(11, 4.2))
    width = 0.8 / max(1, len(levels))
    for i, level in enumerate(levels):
        values = []
        for name in names:
            peaks = [s[level]["rss_peak_kib"].get(name, 0) for s in systems.values() if level in s]
            values.append(max(peaks or [0]) / 1024)
        ax.bar([j + i * width for j in range(len(names))], values, width, label=f"{level} conversation{'' if level == '1' else 's'}")
    ax.set_xticks([j + width * (len(levels) - 1) / 2 for j in range(len(names))])
    ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("peak resident memory (MB)")
    ax.set_title("Memory of each process under load")
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    _save(fig, path)


def kb_lookups(kb: dict, path: Path) -> None:
    backends = kb["backends"]
    kinds = list(backends[0]["lookups"])
    fig, ax = plt.subplots(figsize=(11, 4.2))
    width = 0.8 / (2 * len(backends))
    for b, backend in enumerate(backends):
        for k, p in enumerate(("p50", "p95")):
            offset = (2 * b + k) * width
            ax.bar([j + offset for j in range(len(kinds))], [1000 * backend["lookups"][kind][p] for kind in kinds], width,
                   label=f"{backend['backend']} {p}", alpha=1.0 if p == "p95" else 0.55,
                   color=("#0000bf", "#008a3e")[b % 2])
    ax.axhline(5, color="#c00", linestyle="--", linewidth=1, label="aim: p95 < 5 ms")
    ax.set_xticks([j + width * (2 * len(backends) - 1) / 2 for j in range(len(kinds))])
    ax.set_xticklabels(kinds, rotation=15, ha="right", fontsize=8)
    ax.set_ylabel("ms per lookup")
    ax.set_title(f"Knowledge-base lookups, {kb['sizes']['streets']:,} streets / {kb['sizes']['plans']:,} plans / "
                 f"{kb['sizes']['reports']:,} reports")
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    _save(fig, path)


def clinc_threshold(clinc: dict, path: Path) -> None:
    curve = clinc["curve"]
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.plot([100 * c["oos_recall"] for c in curve], [100 * c["inscope_acc"] for c in curve], "-o", color="#0000bf",
            markersize=4, label="config.yml pipeline, threshold 0-0.6")
    for c in curve:
        steps = round(c["threshold"] * 20)
        if steps and steps % 2 == 0 and abs(c["threshold"] * 20 - steps) < 1e-9:
            ax.annotate(f"{c['threshold']:.1f}", (100 * c["oos_recall"], 100 * c["inscope_acc"]), fontsize=7,
                        textcoords="offset points", xytext=(4, 4))
    ax.plot([100 * clinc["oos_recall"]], [100 * clinc["inscope_acc"]], "*", color="#c00", markersize=14,
            label=f"as configured (threshold {clinc['threshold']})")
    for b in clinc.get("baselines") or []:
        if b["method"] != "oos-train":
            continue
        try:
            x, y = float(b["oos_recall_full"]), float(b["inscope_acc_full"])
        except ValueError:
            continue
        ax.plot([x], [y], "s", color="#888" if b["classifier"] not in ("Rasa", "BERT") else "#e07000", markersize=6)
        ax.annotate(b["classifier"], (x, y), fontsize=7, textcoords="offset points", xytext=(4, -10))
    ax.set_xlabel("out-of-scope recall (%)")
    ax.set_ylabel("in-scope accuracy (%)")
    ax.set_title("CLINC150 test set (squares: Larson et al. 2019, oos-train)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    _save(fig, path)


def write_all(results: dict, out: Path) -> list[Path]:
    written = []
    load = results.get("load") or {}
    if load.get("systems"):
        load_latency(load, out / "load_latency.png")
        load_memory(load, out / "load_memory.png")
        written += [out / "load_latency.png", out / "load_memory.png"]
    if results.get("kb"):
        kb_lookups(results["kb"], out / "kb_lookups.png")
        written.append(out / "kb_lookups.png")
    if results.get("clinc"):
        clinc_threshold(results["clinc"], out / "clinc_threshold.png")
        written.append(out / "clinc_threshold.png")
    return written
