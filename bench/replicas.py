"""Throughput and latency at 1, 2 and 4 Rasa replicas: the production layout of
scripts/run_cluster.sh (nginx, Rasa replicas, 2 action servers, 2 web gateways, Redis, PostgreSQL)
under the simulated residents of bench/load.py, through nginx.

The cluster starts once with the most replicas; each step points nginx's Rasa upstream at the first
N of them (``run_cluster.sh --nginx-site``, then ``nginx -s reload``), so the steps differ only in
how many replicas take conversations. Idle replicas take memory but no CPU. Memory per replica is
the resident memory of each Rasa process after its step.

On a 2-core machine every process shares the same two cores: more replicas cannot add CPU, so
this shows where one machine stops, not how a cluster of machines scales (README "Scaling").
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench import load, proc

# quick (in `make test`): one action server and one gateway, so that the cluster starts sooner
FULL = {"replicas": (1, 2, 4), "levels": (50, 200), "seconds": 40.0, "others": 2}
QUICK = {"replicas": (1, 2), "levels": (3,), "seconds": 6.0, "others": 1}


def _ports(base: int, replicas: int, others: int = 2) -> dict[str, str]:
    """run_cluster.sh's port variables: ``replicas`` Rasa replicas, ``others`` action servers and gateways."""
    return {
        "CLUSTER_PORT": str(base), "CLUSTER_RASA_LB_PORT": str(base + 1), "CLUSTER_ACTION_LB_PORT": str(base + 2),
        "CLUSTER_RASA_PORTS": " ".join(str(base + 10 + i) for i in range(replicas)),
        "CLUSTER_ACTION_PORTS": " ".join(str(base + 20 + i) for i in range(others)),
        "CLUSTER_WEB_PORTS": " ".join(str(base + 30 + i) for i in range(others)),
        "CLUSTER_REDIS_PORT": str(base + 40), "CLUSTER_PG_PORT": str(base + 42),
    }


def listening_pid(port: int) -> int | None:
    out = subprocess.run(["ss", "-Htlnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    found = re.findall(r"pid=(\d+)", out)
    return int(found[0]) if found else None


class Cluster:
    """scripts/run_cluster.sh in the background, in a directory of its own; stopped in close()."""

    def __init__(self, project_root: Path, base: int, replicas: int, model: Path, others: int = 2):
        self.root, self.base = project_root, base
        self.dir = Path(tempfile.mkdtemp(prefix="citizenbot-bench-cluster."))
        self.dir.chmod(0o755)  # its own PostgreSQL runs as the postgres user when we are root
        self.env = {**os.environ, **_ports(base, replicas, others), "CLUSTER_DIR": str(self.dir),
                    "CLUSTER_MODEL": str(model),
                    "OPEN311_BASE_URL": ""}
        # a PostgreSQL server of its own (run_cluster.sh), apart from the other parts' databases
        self.env.pop("DATABASE_URL", None)
        self.rasa_ports = [int(p) for p in self.env["CLUSTER_RASA_PORTS"].split()]
        self.url = f"http://127.0.0.1:{base}"
        self.log = self.dir / "cluster.log"
        self.process = subprocess.Popen([str(project_root / "scripts" / "run_cluster.sh")], cwd=project_root,
                                        env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 900) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if "cluster ready" in self.log.read_text(errors="replace"):
                return time.monotonic() - start
            if self.process.poll() is not None:
                break
            time.sleep(1)
        raise RuntimeError(f"the cluster did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def route_to(self, replicas: int) -> None:
        """nginx's Rasa upstream: the first ``replicas`` replicas only."""
        env = {**self.env, "CLUSTER_RASA_PORTS": " ".join(str(p) for p in self.rasa_ports[:replicas])}
        site = subprocess.run([str(self.root / "scripts" / "run_cluster.sh"), "--nginx-site"], cwd=self.root, env=env,
                              capture_output=True, text=True, check=True).stdout
        (self.dir / "nginx" / "citizenbot.conf").write_text(site)
        nginx = ["nginx", "-p", str(self.dir / "nginx"), "-e", str(self.dir / "log" / "nginx-error.log"),
                 "-c", str(self.dir / "nginx" / "nginx.conf")]
        subprocess.run([*nginx, "-s", "reload"], check=True, env={**os.environ, "PATH": os.environ["PATH"] + ":/usr/sbin"})
        time.sleep(2)  # old workers finish, new ones take over

    def rasa_rss_kib(self) -> list[int]:
        return [proc.tree_rss_kib(pid) for pid in map(listening_pid, self.rasa_ports) if pid]

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time so far of the Rasa replicas and of the other servers (action servers, gateways):
        what a reply costs, whatever else the machine is doing."""
        others = [int(p) for key in ("CLUSTER_ACTION_PORTS", "CLUSTER_WEB_PORTS") for p in self.env[key].split()]
        return {name: sum(proc.tree_cpu_seconds(pid) for pid in map(listening_pid, ports) if pid)
                for name, ports in (("rasa", self.rasa_ports), ("others", others))}

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)


def run(project_root: Path, quick: bool, port_base: int, log) -> dict:
    from bench.stacks import latest_model

    plan = QUICK if quick else FULL
    model = latest_model(project_root)
    questions = load.resident_questions(project_root)
    script = load.our_scripts(questions, report_share=0.0)
    result: dict = {"plan": {k: list(v) if isinstance(v, tuple) else v for k, v in plan.items()},
                    "model": model.name, "think_s": list(load.THINK), "steps": []}
    log(f"  starting the cluster with {max(plan['replicas'])} Rasa replicas (scripts/run_cluster.sh)...")
    cluster = Cluster(project_root, port_base, max(plan["replicas"]), model, plan["others"])
    try:
        result["startup_seconds"] = cluster.wait_ready()
        for replicas in plan["replicas"]:
            cluster.route_to(replicas)
            for level in plan["levels"]:
                log(f"  {replicas} replica(s), {level} conversations, {plan['seconds']:.0f} s...")
                before, cpu_before = time.monotonic(), cluster.cpu_seconds()
                measured = asyncio.run(load.run_level(cluster.url, level, plan["seconds"], script, seed=replicas))
                stats = measured.stats()
                stats["wall_s"] = time.monotonic() - before
                cpu = {k: v - cpu_before[k] for k, v in cluster.cpu_seconds().items()}
                stats["cpu_ms_per_reply"] = {k: 1000 * v / stats["messages"] for k, v in cpu.items()} \
                    if stats["messages"] else None
                stats["replicas"] = replicas
                stats["load_avg"] = round(os.getloadavg()[0], 2)
                result["steps"].append(stats)
        rss = cluster.rasa_rss_kib()
        result["rasa_rss_kib"] = rss
    finally:
        cluster.close()
    return result


def section(result: dict) -> list[str]:
    lines = [
        "## Rasa replicas behind nginx (scripts/run_cluster.sh)",
        "",
        f"The production layout on this machine: nginx, N Rasa replicas (conversation-id hashing), "
        f"{result['plan'].get('others', 2)} action server(s), {result['plan'].get('others', 2)} web gateway(s), Redis, "
        f"PostgreSQL. Residents as in the load test (think time "
        f"{result['think_s'][0]}-{result['think_s'][1]} s, no fault reports), {result['plan']['seconds']:.0f} s "
        f"per step, through nginx. Model `{result['model']}`. The cluster took "
        f"{result.get('startup_seconds', 0):.0f} s to start. The simulated residents all come from 127.0.0.1, "
        "so nginx's ip_hash gives them one gateway. All processes share the machine's cores: more replicas "
        "add no CPU here.",
        "",
        "| Rasa replicas | conversations | replies/s | p50 ms | p95 ms | errors | CPU ms per reply: Rasa / others "
        "| load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in result["steps"]:
        lat, cpu = s["latency"], s.get("cpu_ms_per_reply") or {}
        cpu_text = f"{cpu['rasa']:.0f} / {cpu['others']:.0f}" if cpu else "-"
        lines.append(f"| {s['replicas']} | {s['concurrency']} | {s['msg_per_s']:.1f} | {_ms(lat.get('p50'))} | "
                     f"{_ms(lat.get('p95'))} | {s['errors']} | {cpu_text} | {s['load_avg']} |")
    rss = result.get("rasa_rss_kib") or []
    if rss:
        lines += ["", "Resident memory per Rasa replica at the end: " +
                  ", ".join(f"{kib / 1024:,.0f} MB" for kib in rss) + "."]
    return lines + [""]


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{1000 * seconds:,.0f}"
