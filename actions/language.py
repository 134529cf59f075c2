"""Switching the conversation's language on request ("på svenska", "can we switch to Finnish?")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import blocking, language_events, latest_text, resolve_language, send, services
from citizenbot.language import switch_request
from citizenbot.replies import Reply, faq


class ActionSwitchLanguage(Action):
    """Answers in the language the request was written in, then continues in the requested one;
    a question about languages ("what languages do you speak?") gets the overview."""

    def name(self) -> str:
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = services().kb
        switch = switch_request(latest_text(tracker))
        if switch is None:
            lang = resolve_language(tracker)
            send(dispatcher, await blocking(faq, kb, "meta.language", lang), lang)
            return language_events(tracker, lang)
        if switch.said_in != switch.to:
            # acknowledge in the resident's own words' language, then carry on in the new one
            language_name = await blocking(kb.label, f"language.{switch.to}", switch.said_in)
            text = await blocking(kb.answer, "meta.language.switching", switch.said_in, language=language_name)
            send(dispatcher, Reply(text, "meta.language"), switch.said_in)
        text = await blocking(kb.answer, "meta.language.switched", switch.to)
        send(dispatcher, Reply(text, "meta.language.switched"), switch.to)
        return language_events(tracker, switch.to)
