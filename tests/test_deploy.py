"""The deployment examples in deploy/: systemd units that parse and name real files, commands and
variables; Rasa's endpoints for the replicas (a Redis lock store); nginx's configuration the same
as scripts/run_cluster.sh writes, and accepted by nginx when it is installed."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


def environment_example() -> dict[str, str]:
    lines = (DEPLOY / "citizenbot.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def read_unit(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return unit


def test_there_is_a_unit_for_every_process():
    assert {p.name for p in UNITS} == {"citizenbot-migrate.service", "citizenbot-rasa@.service",
                                       "citizenbot-actions@.service", "citizenbot-web@.service", "citizenbot.target"}


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_units_parse_and_name_real_commands_files_and_variables(path):
    from citizenbot import cli

    unit = read_unit(path)
    assert unit.get("Unit", "Description") and unit.get("Install", "WantedBy")
    if path.suffix == ".target":
        wanted = unit.get("Unit", "Wants").split()
        assert all((DEPLOY / "systemd" / re.sub(r"@\d+", "@", name)).exists() for name in wanted)
        return
    command = unit.get("Service", "ExecStart").split()
    assert command[0].startswith("/opt/citizenbot/.venv/bin/")
    if command[0].endswith("/citizenbot"):
        source = Path(cli.__file__).read_text(encoding="utf-8")
        assert f'sub.add_parser("{command[1]}"' in source  # a command the CLI has
    else:
        assert command[1:3] == ["run", "--model"]
        for option in ("--credentials", "--endpoints"):
            assert (ROOT / command[command.index(option) + 1]).is_file()
    variables = set(re.findall(r"\$\{(\w+)\}", path.read_text(encoding="utf-8")))
    assert variables <= set(environment_example())
    assert unit.get("Service", "EnvironmentFile") == "/etc/citizenbot/citizenbot.env"


def test_rasa_reads_the_replicas_endpoints_with_a_redis_lock_store(monkeypatch):
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.utils.endpoints import read_endpoint_config

    for name, value in environment_example().items():
        monkeypatch.setenv(name, value)
    config = read_endpoint_config(str(DEPLOY / "endpoints.yml"), "lock_store")
    store = LockStore.create(config)  # the client connects on first use: no Redis needed here
    assert isinstance(store, RedisLockStore) and store.key_prefix.startswith("citizenbot")
    for endpoint in ("action_endpoint", "tracker_store"):
        assert read_endpoint_config(str(DEPLOY / "endpoints.yml"), endpoint) is not None


def test_the_nginx_example_is_what_the_cluster_script_writes_and_nginx_accepts_it(tmp_path):
    site = subprocess.run(["bash", str(ROOT / "scripts" / "run_cluster.sh"), "--nginx-site"], check=True,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}).stdout
    assert site == (DEPLOY / "nginx" / "citizenbot.conf").read_text(encoding="utf-8")
    assert "hash $citizenbot_conversation consistent;" in site
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed (Debian package nginx)")
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{ include {DEPLOY / 'nginx' / 'citizenbot.conf'}; }}\n", encoding="utf-8")
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
