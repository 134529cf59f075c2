"""`citizenbot bench`: the performance benchmarks (registered by citizenbot.cli)."""

from __future__ import annotations

import argparse


def _bench(args: argparse.Namespace) -> int:
    from bench.run import main

    return main(args)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench",
        help="measure latency under load, knowledge-base lookups, the analytics queries, training and NLU quality "
             "(report in results/bench/)",
        description="Performance benchmarks with a baseline in the same run. Writes results.json, report.md and "
        "plots. PostgreSQL lookups run when TEST_POSTGRES_URL is set (make bench starts a throwaway server).",
    )
    p.add_argument("--quick", action="store_true",
                   help="smoke run on tiny inputs (a few minutes, no stock baseline): checks the code, not the numbers")
    p.add_argument("--only", help="comma-separated parts: kb, names, analytics, train, load, replicas, clinc, soak (load includes the "
                                  "held-out eval)")
    p.add_argument("--soak-conversations", type=int, help="soak: conversations to start (default 200, 6 with --quick)")
    p.add_argument("--soak-minutes", type=float, help="soak: over how many minutes (default 30, 0.5 with --quick)")
    p.add_argument("--out", help="output folder (default results/bench, or results/bench/quick with --quick)")
    p.add_argument("--port-base", type=int,
                   help="ports base+5/55/80 (ours), base+105/180 (stock), base+300..342 (replicas); default 5200, 5400 with --quick")
    p.add_argument("--report-only", action="store_true",
                   help="only write report.md and the plots again from the folder's results.json")
    p.set_defaults(func=_bench)
