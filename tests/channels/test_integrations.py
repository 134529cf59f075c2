"""Who may call the REST channel (citizenbot.channels.integrations), by settings."""

import pytest

from citizenbot.channels.integrations import Caller, identify, key_hash, new_key, parse
from citizenbot.settings import ConfigurationError, get_settings


@pytest.fixture
def settings(monkeypatch):
    def make(**env):
        for name in ("CITIZENBOT_ENV", "REST_CHANNEL_KEY", "REST_INTEGRATIONS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return get_settings()
    return make


def test_the_gateway_integrations_and_nobody(settings):
    key, entry = new_key("city-web")
    assert entry == f"city-web={key_hash(key)}" and key not in entry
    production = settings(CITIZENBOT_ENV="production", REST_CHANNEL_KEY="g" * 32, REST_INTEGRATIONS=entry)
    assert identify(f"Bearer {'g' * 32}", production) == Caller()
    assert identify(f"Bearer {key}", production) == Caller("city-web")
    assert identify(f"Bearer {key}x", production) is None
    assert identify(key, production) is None  # not a bearer header
    assert identify(None, production) is None
    assert identify(None, settings(CITIZENBOT_ENV="production")) is None
    assert identify(None, settings()) == Caller()  # development, no gateway key: local tools
    assert identify(None, settings(REST_CHANNEL_KEY="g" * 32)) is None


def test_an_integrations_conversations_are_namespaced():
    assert Caller("kiosk").conversation_id("abc") == "ext:kiosk:abc"
    assert Caller().conversation_id("abc") == "abc"


def test_malformed_entries_are_refused_at_start(settings):
    assert parse("") == {}
    assert parse(f"a={'A' * 64}, b-2={'0' * 64}") == {"a" * 64: "a", "0" * 64: "b-2"}
    for bad in ("city-web", f"City={'a' * 64}", "x=123", f"={'a' * 64}"):
        with pytest.raises(ConfigurationError, match="REST_INTEGRATIONS"):
            parse(bad)
    with pytest.raises(ValueError):
        new_key("Not a name")
