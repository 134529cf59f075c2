"""REST channel (``POST /webhooks/rest/webhook``) that keeps each bot message whole.

Rasa's stock REST channel splits one bot message into several JSON objects (text paragraphs,
buttons and the ``custom`` payload separately). Here each bot message is one object with ``text``,
``buttons`` and ``custom`` ({"topic", "lang"}) together, so a client always knows which topic and
language a text belongs to. Request format and metadata handling are Rasa's own.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

_KEPT = ("text", "buttons", "quick_replies", "image", "attachment", "elements", "custom")


def whole_message(recipient_id: str, message: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"recipient_id": recipient_id}
    for key in _KEPT:
        if message.get(key):
            out[key] = message[key]
    if "quick_replies" in out:
        out.setdefault("buttons", out.pop("quick_replies"))
    return out


class WholeMessageCollector(CollectingOutputChannel):
    @classmethod
    def name(cls) -> str:
        return "collector"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self._persist_message(whole_message(recipient_id, message))


class CitizenRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CitizenRestInput:
        # Created once when the Rasa server starts: the place to install our Rasa speed-ups.
        from citizenbot.rasa_ext import speedups

        speedups.install()
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not isinstance(request.json, dict):
                return response.json({"error": "expected a JSON object with sender and message"}, status=400)
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            if not isinstance(sender_id, str) or not sender_id or not isinstance(text, str):
                return response.json({"error": "sender and message must be non-empty strings"}, status=400)
            metadata = self.get_metadata(request)
            if metadata is not None and not isinstance(metadata, dict):
                return response.json({"error": "metadata must be a JSON object"}, status=400)
            collector = WholeMessageCollector()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender_id,
                        input_channel=self._extract_input_channel(request), metadata=metadata,
                    )
                )
            except asyncio.CancelledError:
                logger.error("rest message timed out: %r", copy.deepcopy(text)[:200])
            except Exception:
                logger.exception("rest message failed: %r", copy.deepcopy(text)[:200])
            return response.json(collector.messages)

        return webhook
