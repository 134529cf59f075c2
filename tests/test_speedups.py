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


def test_the_classifier_gives_identical_probabilities_with_its_weights_stored_by_column(tmp_path):
    import numpy as np
    import scipy.sparse
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    rng = np.random.default_rng(0)
    X = scipy.sparse.random(60, 500, density=0.05, format="csr", random_state=1)
    y = [f"topic{i % 4}" for i in range(60)]
    classifier = LogisticRegressionClassifier(
        {}, "lr", LocalModelStorage(tmp_path), Resource("lr"))
    classifier.clf.fit(X, y)
    classifier.clf.coef_ = np.ascontiguousarray(classifier.clf.coef_)  # as a trained model loads
    speedups.install()

    def messages():
        out = []
        for row in range(5):
            message = Message({TEXT: f"m{row}"})
            features = scipy.sparse.random(1, 500, density=0.05, format="coo", random_state=int(rng.integers(1e6)))
            message.add_features(Features(features, FEATURE_TYPE_SENTENCE, TEXT, "test"))
            out.append(message)
        return out

    before = messages()
    after = [Message(dict(m.data), features=list(m.features)) for m in before]
    LogisticRegressionClassifier.process.__wrapped__(classifier, before)  # Rasa's own
    assert classifier.clf.coef_.flags["C_CONTIGUOUS"]
    LogisticRegressionClassifier.process(classifier, after)
    assert classifier.clf.coef_.flags["F_CONTIGUOUS"]
    for a, b in zip(before, after, strict=True):
        assert a.get("intent_ranking") == b.get("intent_ranking")
        assert a.get("intent") == b.get("intent")


def test_events_resolve_to_the_same_classes_as_rasa_finds():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    speedups.install()
    original = Event.resolve_by_type.__wrapped__
    names = {cls.type_name for cls in all_subclasses(Event) if isinstance(getattr(cls, "type_name", None), str)}
    assert {"user", "bot", "action", "slot", "pause", "resume", "session_started"} <= names
    for name in sorted(names) * 2:  # the second round comes from the remembered classes
        assert Event.resolve_by_type(name) is original(name)
    assert Event.resolve_by_type("no_such_event", default=Event) is Event
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
