"""A measured speed-up of the Rasa server, installed when the REST channel starts.

Rasa 3.6 checks every action-server response with ``jsonschema.validate(result, schema)``, which
re-validates the (large) schema itself and builds a new validator on each call: about half of
the Rasa server's CPU time per message in our profile (py-spy, README "Performance"). Here the
validator is built once per schema and reused; responses are still fully validated and invalid
ones still raise ``jsonschema.ValidationError`` with Rasa's message.
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
    """Patch RemoteAction._validate_action_result (idempotent)."""
    global _installed
    if _installed:
        return
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
