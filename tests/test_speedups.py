"""The cached action-response validation accepts what Rasa accepts and rejects what it rejects."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from citizenbot.rasa_ext import speedups


@pytest.fixture(scope="module")
def action():
    speedups.install()
    return RemoteAction("action_answer", EndpointConfig("http://localhost:1/webhook"))


def test_valid_responses_pass(action):
    good = {"events": [{"event": "slot", "name": "lang", "value": "fi"}],
            "responses": [{"text": "Hei", "custom": {"topic": "meta.greet", "lang": "fi"}}]}
    assert action._validate_action_result(good) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True


@pytest.mark.parametrize("bad", [{"events": [{"event": 5}]}, {"events": "x"}, {"responses": [1]}])
def test_invalid_responses_raise_like_rasa(action, bad):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(bad)
    with pytest.raises(ValidationError):
        RemoteAction._validate_action_result.__wrapped__(action, bad)  # Rasa's own check agrees


def test_install_is_idempotent():
    speedups.install()
    patched = RemoteAction._validate_action_result
    speedups.install()
    assert RemoteAction._validate_action_result is patched
