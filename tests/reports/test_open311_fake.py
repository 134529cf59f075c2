"""The fake Open311 server's command line: one parser, every option reaches the server."""

from __future__ import annotations

from typing import Any

from . import open311_fake


def test_every_option_reaches_the_server(monkeypatch) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(open311_fake.web, "run_app", lambda app, **kwargs: served.update(app=app, **kwargs))
    open311_fake.main(
        ["--host", "0.0.0.0", "--port", "18311", "--api-key", "k", "--batch", "--error-style", "tampere"]
    )
    state = open311_fake.state_of(served["app"])
    assert (served["host"], served["port"]) == ("0.0.0.0", 18311)
    assert (state.api_key, state.batch, state.error_style) == ("k", True, "tampere")


def test_defaults(monkeypatch) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(open311_fake.web, "run_app", lambda app, **kwargs: served.update(app=app, **kwargs))
    open311_fake.main([])
    state = open311_fake.state_of(served["app"])
    assert (served["host"], served["port"]) == ("127.0.0.1", 8311)
    assert (state.api_key, state.batch, state.error_style) == ("dev-key", False, "list")
