"""Measured speed-ups of the Rasa server, installed when the REST channel starts.

Rasa 3.6 checks every action-server response with ``jsonschema.validate(result, schema)``, which
re-validates the (large) schema itself and builds a new validator on each call: about half of
the Rasa server's CPU time per message in our profile (py-spy, README "Performance"). Here the
validator is built once per schema and reused; responses are still fully validated and invalid
ones still raise ``jsonschema.ValidationError`` with Rasa's message.

The logistic regression classifier's weights are stored row by row (classes x features), and
scikit-learn multiplies the message's sparse features by their transpose, which SciPy first copies
into a contiguous array: all the weights, on every message (4.3 ms of a 4.4 ms prediction with our
model). Kept column by column instead, the transpose is already contiguous: the same arithmetic,
identical probabilities, 0.08 ms.

Rasa rebuilds every stored event of the conversation on each message and finds each event's class
by walking all subclasses of ``Event`` (4 % of the server's CPU under load). The classes found are
remembered by type name; a name not seen before still goes through Rasa's own lookup.
"""

from __future__ import annotations

import json
from typing import Any

_installed = False
_validators: dict[str, Any] = {}


def _validator_for(schema: dict[str, Any]):
    from jsonschema.validators import validator_for

    key = json.dumps(schema, sort_keys=True)
    validator = _validators.get(key)
    if validator is None:
        cls = validator_for(schema)
        cls.check_schema(schema)
        validator = _validators[key] = cls(schema)
    return validator


def install() -> None:
    """Patch RemoteAction._validate_action_result and the intent classifier (idempotent)."""
    global _installed
    if _installed:
        return
    _install_classifier_layout()
    _install_event_lookup()
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    original = RemoteAction._validate_action_result

    def _validate_action_result(self, result: dict[str, Any]) -> bool:
        validator = _validator_for(self.action_response_format_spec())
        error = best_match(validator.iter_errors(result))
        if error is not None:  # a jsonschema.ValidationError, as Rasa raises
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from "
                f"the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    _validate_action_result.__wrapped__ = original  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result
    _installed = True


def _install_classifier_layout() -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    original = LogisticRegressionClassifier.process

    def process(self, messages):
        coef = getattr(self.clf, "coef_", None)
        if coef is not None and not coef.flags["F_CONTIGUOUS"]:
            self.clf.coef_ = np.asfortranarray(coef)
        return original(self, messages)

    process.__wrapped__ = original  # type: ignore[attr-defined]
    LogisticRegressionClassifier.process = process


def _install_event_lookup() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: dict[str, type] = {}

    def resolve_by_type(type_name, default=None):
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default and cls.type_name == type_name:
                found[type_name] = cls
        return cls

    resolve_by_type.__wrapped__ = original  # type: ignore[attr-defined]
    Event.resolve_by_type = staticmethod(resolve_by_type)
