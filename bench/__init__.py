"""Performance benchmarks of the assistant (`make bench`, `citizenbot bench`).

Not tests: nothing here fails on a number. Each part measures the assistant side by side with a
baseline taken in the same run (this machine is shared and noisy) and writes its figures to
``results/bench/results.json``; ``bench.report`` turns them into ``report.md`` with plots.

Parts: ``load`` (reply latency under load through the website's Socket.IO gateway, against a stock
``rasa init`` assistant behind the same gateway), ``kb`` (knowledge-base lookups in a synthetic city,
SQLite and PostgreSQL), ``train`` (training time and peak memory, from scratch and after adding a
topic), ``clinc`` (the NLU pipeline on CLINC150) and ``eval`` (held-out accuracy per language).
"""
