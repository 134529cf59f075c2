"""Processes of a benchmark: start and stop servers, their memory and CPU from /proc, the machine.

Servers are started from the project's virtualenv with the same commands as scripts/lib.sh
(start_actions / start_rasa / start_web), each in its own process group so that stopping one
stops everything it started; every server started here is stopped in a ``finally``.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

BIN = Path(sys.executable).parent  # the project's .venv/bin (rasa, citizenbot)
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- /proc ----------------------------------------------------------------------------------------


def _status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            return dict(line.rstrip("\n").split(":\t", 1) for line in handle if ":\t" in line)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return {}


def _kib(value: str | None) -> int | None:
    if not value:
        return None
    return int(value.split()[0])


def rss_kib(pid: int) -> int | None:
    """Resident memory of one process in kB (VmRSS), None when it is gone."""
    return _kib(_status(pid).get("VmRSS"))


def hwm_kib(pid: int) -> int | None:
    """Peak resident memory of one process so far in kB (VmHWM)."""
    return _kib(_status(pid).get("VmHWM"))


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    """All descendants of a process."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children", encoding="ascii") as handle:
                kids = [int(k) for k in handle.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            kids = []
        found += kids
        todo += kids
    return found


def tree_rss_kib(pid: int) -> int:
    return sum(rss_kib(p) or 0 for p in [pid, *children(pid)])


def tree_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(p) or 0.0 for p in [pid, *children(pid)])


# --- the machine ------------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu_model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gib": round(mem_kib / 1024 / 1024, 1) if mem_kib else None,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_avg_at_start": [round(x, 2) for x in load] if load else None,
    }


def tool_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("rasa", "rasa-sdk", "scikit-learn", "python-socketio", "SQLAlchemy", "psycopg2-binary"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


# --- servers --------------------------------------------------------------------------------------


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback only)
            return 200 <= response.status < 300
    except Exception:
        return False


@dataclass
class Server:
    """One background server process, its log, and how to tell it is up."""

    name: str
    cmd: Sequence[str]
    health_url: str
    log: Path
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 300.0
    proc: subprocess.Popen | None = None
    started_in: float | None = None
    _begin: float = 0.0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> Server:
        return self.launch().wait_ready()

    def launch(self) -> Server:
        """Start the process (not waiting for it to be ready)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env}
        self._begin = time.perf_counter()
        with open(self.log, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                list(self.cmd), cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        return self

    def wait_ready(self) -> Server:
        """Wait until the health check answers; the process's log tail in the error otherwise."""
        begin = self._begin
        deadline = begin + self.startup_timeout
        while not http_ok(self.health_url):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; log {self.log}:\n{tail(self.log)}")
            if time.perf_counter() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not come up at {self.health_url} in {self.startup_timeout:.0f} s:\n{tail(self.log)}")
            time.sleep(0.5)
        self.started_in = time.perf_counter() - begin
        return self

    def stop(self, grace: float = 15.0) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Servers:
    """Servers started for a benchmark; ``stop_all`` (also at exit and on SIGTERM) stops them."""

    def __init__(self) -> None:
        self.running: list[Server] = []

    def start(self, server: Server) -> Server:
        self.running.append(server)
        return server.start()

    def start_together(self, servers: list[Server]) -> list[Server]:
        """Launch several servers at once, then wait for each (start-up is mostly imports)."""
        for server in servers:
            self.running.append(server)
            server.launch()
        return [server.wait_ready() for server in servers]

    def stop_all(self) -> None:
        while self.running:
            self.running.pop().stop()

    def __enter__(self) -> Servers:
        self._previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, self._on_term)
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()
        signal.signal(signal.SIGTERM, self._previous)

    def _on_term(self, signum, frame) -> None:
        self.stop_all()
        raise SystemExit(143)


class Sampler:
    """Samples resident memory (and CPU time) of named process trees in a background thread."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5, single: frozenset[str] = frozenset()):
        self.pids = pids
        self.single = single  # names measured without their children (the benchmark process itself)
        self.interval = interval
        self.peak: dict[str, int] = {name: 0 for name in pids}
        self.samples: dict[str, list[int]] = {name: [] for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.cpu_start: dict[str, float] = {}
        self.cpu_end: dict[str, float] = {}

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            rss = rss_kib(pid) if name in self.single else tree_rss_kib(pid)
            if rss:
                self.samples[name].append(rss)
                self.peak[name] = max(self.peak[name], rss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> Sampler:
        self.cpu_start = {name: self._cpu(name, pid) for name, pid in self.pids.items()}
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.cpu_end = {name: self._cpu(name, pid) for name, pid in self.pids.items()}

    def _cpu(self, name: str, pid: int) -> float:
        return (cpu_seconds(pid) or 0.0) if name in self.single else tree_cpu_seconds(pid)

    def result(self) -> dict[str, dict[str, float]]:
        out = {}
        for name in self.pids:
            samples = self.samples[name]
            out[name] = {
                "rss_peak_kib": self.peak[name],
                "rss_mean_kib": sum(samples) / len(samples) if samples else 0,
                "cpu_s": self.cpu_end.get(name, 0.0) - self.cpu_start.get(name, 0.0),
            }
        return out


@dataclass
class Measured:
    seconds: float
    peak_rss_kib: int
    returncode: int
    log: Path


def run_measured(cmd: Sequence[str], log: Path, cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float = 3600.0, interval: float = 0.25) -> Measured:
    """Run a command to its end: wall time and peak resident memory of its largest process.

    The peak is the highest VmHWM (kernel's high-water mark) seen in the process tree, so short
    peaks between two samples are not missed.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **(env or {})}
    begin = time.perf_counter()
    peak = 0
    with open(log, "w", encoding="utf-8") as handle:
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=full_env, stdout=handle, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while proc.poll() is None:
                for pid in [proc.pid, *children(proc.pid)]:
                    peak = max(peak, hwm_kib(pid) or 0)
                if time.perf_counter() - begin > timeout:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    raise TimeoutError(f"{cmd[0]} did not finish in {timeout:.0f} s (log {log})")
                time.sleep(interval)
        except BaseException:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            raise
    return Measured(time.perf_counter() - begin, peak, proc.returncode, log)
