"""The wiring both servers share: one set of services per process, from the settings."""

from citizenbot import services as wiring


def test_the_services_come_from_the_settings_and_the_city_file(services, monkeypatch):
    assert services is wiring.services()  # one set for the whole action server
    assert services.default_lang == "fi" and services.settings.city == "tampere"
    assert set(services.handoff.queues) == {"nurse", "agent"}
    assert services.kb.label("button.leave_queue", "fi")
    assert not services.open311.enabled  # no endpoint configured
    assert services.open311.service_codes["maintenance.pothole"] == "171"
    assert services.handoffs.database is services.database is services.reports.database


def test_the_web_process_builds_its_own_set_on_another_database(services, tmp_path):
    other = wiring.build_services(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    assert other.database is not services.database and other.settings.city == "tampere"


def test_the_open311_endpoint_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPEN311_BASE_URL", "https://palaute.example.fi/open311/v2")
    config = wiring.open311_config({"base_url": "https://ignored.example.fi", "service_codes": {"a": "1"}})
    assert config.enabled and config.base_url == "https://palaute.example.fi/open311/v2"
    monkeypatch.setenv("OPEN311_BASE_URL", "")
    assert wiring.open311_config({"base_url": "https://city.example.fi"}).base_url == "https://city.example.fi"


def test_the_jurisdiction_id_comes_from_the_environment_or_the_city_file(monkeypatch):
    monkeypatch.delenv("OPEN311_JURISDICTION_ID", raising=False)
    assert wiring.open311_config({}).jurisdiction_id is None
    assert wiring.open311_config({"jurisdiction_id": "tampere.fi"}).jurisdiction_id == "tampere.fi"
    monkeypatch.setenv("OPEN311_JURISDICTION_ID", "fi.tampere")
    assert wiring.open311_config({"jurisdiction_id": "tampere.fi"}).jurisdiction_id == "fi.tampere"
