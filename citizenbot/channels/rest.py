"""REST channel (``POST /webhooks/rest/webhook``) that keeps each bot message whole.

Rasa's stock REST channel splits one bot message into several JSON objects (text paragraphs,
buttons and the ``custom`` payload separately). Here each bot message is one object with ``text``,
``buttons`` and ``custom`` ({"topic", "lang"}) together, so a client always knows which topic and
language a text belongs to. Request format and metadata handling are Rasa's own.

The text passes ``citizenbot.door.admit`` first (valid UTF-8, cut to ``MAX_MESSAGE_CHARS`` with a
notice in the resident's language). When the message cannot be handled (the tracker store is
unavailable: ``citizenbot.rasa_ext.tracker_store`` makes that an error instead of Rasa's silent
in-memory fallback) the answer is 503 with the fixed "please try again" text, so no client takes a
message as received that was not stored. Logs name the conversation, never the message text.

Who may call, and which conversations it reaches, is ``citizenbot.channels.integrations``: the web
gateway with ``REST_CHANNEL_KEY``, other integrations with their own keys (their conversations
namespaced), nobody without a key outside development.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from citizenbot import door
from citizenbot.channels.integrations import MAX_SENDER, identify
from citizenbot.conversation.envelope import Envelope
from citizenbot.rasa_ext.tracker_store import StoreUnavailable
from citizenbot.settings import get_settings

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
        # Created once when the Rasa server starts: the place to refuse the development secrets
        # outside development and to install our Rasa speed-ups.
        from citizenbot.rasa_ext import speedups
        from citizenbot.settings import ConfigurationError, check_server_secrets

        try:
            check_server_secrets()
        except ConfigurationError as exc:
            logger.error("the Rasa server did not start: %s", exc)
            raise
        speedups.install()
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            caller = identify(request.headers.get("Authorization"), get_settings())
            if caller is None:
                return response.json({"error": "this channel needs Authorization: Bearer <your integration's key>"},
                                     status=401)
            if not isinstance(request.json, dict):
                return response.json({"error": "expected a JSON object with sender and message"}, status=400)
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            if not isinstance(sender_id, str) or not sender_id or not isinstance(text, str):
                return response.json({"error": "sender and message must be non-empty strings"}, status=400)
            if caller.integration is not None and len(sender_id) > MAX_SENDER:
                return response.json({"error": f"sender is at most {MAX_SENDER} characters"}, status=400)
            asked_sender, sender_id = sender_id, caller.conversation_id(sender_id)
            metadata = self.get_metadata(request)
            if metadata is not None and not isinstance(metadata, dict):
                return response.json({"error": "metadata must be a JSON object"}, status=400)
            admitted = door.admit(text)
            collector = WholeMessageCollector()
            page_lang = (metadata or {}).get("lang")
            try:
                await on_new_message(
                    UserMessage(
                        admitted.text, collector, sender_id,
                        input_channel=self._extract_input_channel(request), metadata=metadata,
                    )
                )
            except (asyncio.CancelledError, Exception) as exc:
                # no message text in the log (it may hold personal data; other errors may quote it)
                reason = str(exc) if isinstance(exc, StoreUnavailable) else type(exc).__name__
                logger.error("message of %s not handled: %s", sender_id, reason)
                return response.json(
                    {"error": "unavailable", "messages": [door.notice_message(door.TRY_AGAIN, page_lang, asked_sender)]},
                    status=503,
                )
            # an integration is answered in its own sender ids, not the namespaced conversation ids
            messages = [{**m, "recipient_id": asked_sender} for m in collector.messages]
            if admitted.cut:
                lang = next((Envelope.of_reply(m).lang for m in messages if Envelope.of_reply(m).lang), page_lang)
                # after the answer: an emergency answer stays first, and the notice reads as "I read only ..."
                messages = [*messages, door.notice_message(door.MESSAGE_CUT, lang, asked_sender)]
            return response.json(messages)

        return webhook
