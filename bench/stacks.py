"""The two assistants served the same way: Rasa server + the project's web gateway in front.

* ours: action server, Rasa server with the project's latest model (``models/``), web gateway;
  the same commands as scripts/lib.sh, on a fresh SQLite database of the benchmark (knowledge base
  seeded from kb/; conversations in the SQL tracker store, as in production by default).
* stock: the project ``rasa init --no-prompt`` creates (moodbot: default pipeline and policies,
  responses only, in-memory tracker store), trained at bench time into the results folder, served
  by its own ``rasa run`` with the same flags, and the same ``citizenbot web`` gateway in front.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.proc import BIN, Server, Servers, port_in_use, run_measured

TOKEN = "bench-token"
SECRET = "bench-secret"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false",
         "PYTHONHASHSEED": "0", "OPEN311_BASE_URL": ""}


@dataclass
class Ports:
    rasa: int
    actions: int
    web: int
    stock_rasa: int
    stock_web: int

    @classmethod
    def from_base(cls, base: int) -> Ports:
        return cls(rasa=base + 5, actions=base + 55, web=base + 80, stock_rasa=base + 105, stock_web=base + 180)

    def all(self) -> list[int]:
        return [self.rasa, self.actions, self.web, self.stock_rasa, self.stock_web]


def check_ports(ports: list[int]) -> None:
    busy = [p for p in ports if port_in_use(p)]
    if busy:
        raise RuntimeError(f"ports {busy} are in use: another benchmark running? (choose others with --port-base)")


def latest_model(project_root: Path) -> Path:
    models = sorted((project_root / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError("no trained model in models/: run `make train` first")
    return models[-1]


def seed_database(project_root: Path, url: str) -> None:
    from citizenbot.seed import seed
    from citizenbot.settings import get_settings
    from citizenbot.store.db import Database

    database = Database(url)
    try:
        database.create_schema()
        seed(database, get_settings().kb_dir, get_settings().city, force=True)
    finally:
        database.dispose()


def start_ours(servers: Servers, project_root: Path, work: Path, ports: Ports, model: Path) -> dict[str, Server]:
    db = work / "var" / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    seed_database(project_root, url)
    env = {**QUIET, "DATABASE_URL": url, "RASA_TOKEN": TOKEN, "WEB_SECRET": SECRET,
           "ACTION_ENDPOINT_URL": f"http://localhost:{ports.actions}/webhook",
           "RASA_URL": f"http://127.0.0.1:{ports.rasa}", "RASA_PORT": str(ports.rasa),
           "ACTION_PORT": str(ports.actions), "WEB_PORT": str(ports.web)}
    logs = work / "logs"
    actions, rasa, web = servers.start_together([
        Server("ours: action server", [str(BIN / "citizenbot"), "actions", "--port", str(ports.actions)],
               f"http://127.0.0.1:{ports.actions}/readyz", logs / "actions.log", project_root, env, 180),
        Server("ours: Rasa server",
               [str(BIN / "rasa"), "run", "--model", str(model), "--enable-api", "--auth-token", TOKEN, "--port",
                str(ports.rasa), "--interface", "127.0.0.1", "--credentials", "credentials.yml", "--endpoints",
                "endpoints.yml"],
               f"http://127.0.0.1:{ports.rasa}/status?token={TOKEN}", logs / "rasa.log", project_root, env, 400),
        Server("ours: web gateway", [str(BIN / "citizenbot"), "web", "--port", str(ports.web)],
               f"http://127.0.0.1:{ports.web}/healthz", logs / "web.log", project_root, env, 120),
    ])
    return {"rasa": rasa, "actions": actions, "web": web}


def create_stock(work: Path, fresh: bool = True) -> dict:
    """``rasa init --no-prompt`` (creates and trains the moodbot project) into ``work/stock``."""
    stock = work / "stock"
    if fresh and stock.exists():
        shutil.rmtree(stock)
    if not list((stock / "models").glob("*.tar.gz")):
        stock.mkdir(parents=True, exist_ok=True)  # rasa init wants an existing (empty) folder
        measured = run_measured([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(stock)],
                                log=work / "logs" / "stock-init.log", cwd=work,
                                env={**QUIET, "RASA_CACHE_DIRECTORY": str(work / "stock-cache")}, timeout=1800)
        shutil.rmtree(work / "stock-cache", ignore_errors=True)
        if measured.returncode != 0 or not list((stock / "models").glob("*.tar.gz")):
            raise RuntimeError(f"rasa init failed ({measured.returncode}); see {measured.log}")
        return {"created": True, "seconds": measured.seconds, "peak_rss_kib": measured.peak_rss_kib}
    return {"created": False}


def start_stock(servers: Servers, project_root: Path, work: Path, ports: Ports) -> dict[str, Server]:
    stock = work / "stock"
    env = {**QUIET, "DATABASE_URL": f"sqlite:///{work / 'var' / 'stock-web.db'}", "RASA_TOKEN": TOKEN,
           "WEB_SECRET": SECRET, "RASA_URL": f"http://127.0.0.1:{ports.stock_rasa}"}
    logs = work / "logs"
    rasa, web = servers.start_together([
        Server("stock: Rasa server",
               [str(BIN / "rasa"), "run", "--model", "models", "--enable-api", "--auth-token", TOKEN, "--port",
                str(ports.stock_rasa), "--interface", "127.0.0.1", "--credentials", "credentials.yml", "--endpoints",
                "endpoints.yml"],
               f"http://127.0.0.1:{ports.stock_rasa}/status?token={TOKEN}", logs / "stock-rasa.log", stock, env, 400),
        Server("stock: web gateway", [str(BIN / "citizenbot"), "web", "--port", str(ports.stock_web)],
               f"http://127.0.0.1:{ports.stock_web}/healthz", logs / "stock-web.log", project_root, env, 120),
    ])
    return {"rasa": rasa, "web": web}
