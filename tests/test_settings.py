"""Configuration from the environment: the served languages, hosts and secrets."""

import pytest

from citizenbot.settings import DEFAULT_LANGUAGES, get_settings, served_languages


def test_the_served_languages_default_to_nine(monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    assert served_languages() == DEFAULT_LANGUAGES == ("fi", "sv", "en", "ru", "uk", "et", "ar", "so", "fa")
    assert get_settings().languages == DEFAULT_LANGUAGES


def test_the_served_languages_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SERVED_LANGUAGES", " FI, sv,fi ,")
    assert served_languages() == ("fi", "sv")
    monkeypatch.setenv("SERVED_LANGUAGES", " , ")
    assert served_languages() == DEFAULT_LANGUAGES


@pytest.mark.parametrize("env", ["production", "staging"])
def test_outside_development_the_development_secrets_are_refused(monkeypatch, env):
    from citizenbot.settings import ConfigurationError, check_server_secrets

    monkeypatch.setenv("CITIZENBOT_ENV", env)
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.setenv("WEB_SECRET", "x" * 40)
    monkeypatch.setenv("REST_CHANNEL_KEY", "z" * 32)
    with pytest.raises(ConfigurationError, match="set RASA_TOKEN to a long random value"):
        check_server_secrets()
    monkeypatch.setenv("RASA_TOKEN", "short")
    with pytest.raises(ConfigurationError, match="RASA_TOKEN"):
        check_server_secrets()
    monkeypatch.setenv("RASA_TOKEN", "y" * 40)
    monkeypatch.setenv("WEB_SECRET", "dev-secret-change-me")
    with pytest.raises(ConfigurationError, match="set WEB_SECRET to"):
        check_server_secrets()
    monkeypatch.setenv("WEB_SECRET", "x" * 40)
    monkeypatch.delenv("REST_CHANNEL_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="set REST_CHANNEL_KEY to"):  # the gateway's key to Rasa
        check_server_secrets()
    monkeypatch.setenv("REST_CHANNEL_KEY", "z" * 32)
    check_server_secrets()
    monkeypatch.setenv("REST_INTEGRATIONS", "city-web=not-a-hash")
    with pytest.raises(ConfigurationError, match="REST_INTEGRATIONS"):
        check_server_secrets()


def test_in_development_the_defaults_start_and_servers_listen_on_loopback(monkeypatch):
    from citizenbot.settings import check_server_secrets, get_settings

    for name in ("CITIZENBOT_ENV", "RASA_TOKEN", "WEB_SECRET", "RASA_HOST", "ACTIONS_HOST"):
        monkeypatch.delenv(name, raising=False)
    check_server_secrets()
    settings = get_settings()
    assert settings.environment == "development"
    assert settings.rasa_host == settings.actions_host == "127.0.0.1"
    monkeypatch.setenv("ACTIONS_HOST", "0.0.0.0")
    assert get_settings().actions_host == "0.0.0.0"


@pytest.mark.parametrize("command", ["web", "actions"])
def test_a_server_refuses_to_start_in_production_with_a_clear_error(monkeypatch, capsys, command):
    import citizenbot.action_server
    import citizenbot.web.app
    from citizenbot.cli import main

    def started(*_args, **_kwargs):
        raise AssertionError("the server started")  # fail at once instead of serving

    monkeypatch.setattr(citizenbot.action_server, "build_app", started)
    monkeypatch.setattr(citizenbot.web.app, "create_app", started)
    monkeypatch.setenv("CITIZENBOT_ENV", "production")
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.delenv("WEB_SECRET", raising=False)
    monkeypatch.setenv("REST_CHANNEL_KEY", "z" * 32)
    assert main([command, "--port", "1"]) == 2
    assert "set RASA_TOKEN and WEB_SECRET to a long random value" in capsys.readouterr().err


def test_the_rasa_server_refuses_to_start_in_production_with_the_default_token(monkeypatch):
    from citizenbot.channels.rest import CitizenRestInput
    from citizenbot.settings import ConfigurationError

    monkeypatch.setenv("CITIZENBOT_ENV", "production")
    monkeypatch.setenv("RASA_TOKEN", "dev-token-change-me")
    monkeypatch.setenv("WEB_SECRET", "x" * 40)
    with pytest.raises(ConfigurationError, match="RASA_TOKEN"):
        CitizenRestInput.from_credentials(None)
