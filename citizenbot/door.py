"""What every channel does to a resident's text before anything else reads it, and the few fixed
texts the channels themselves say.

Both doors into the assistant (Rasa's REST channel, ``citizenbot/channels/rest.py``, and the web
gateway, ``citizenbot/web/gateway.py``) call ``admit``: the text becomes valid Unicode that encodes
as UTF-8 (a lone UTF-16 surrogate would otherwise be stored and break every later reader), control
characters other than line breaks and tabs are dropped (PostgreSQL refuses NUL), and the text is cut
to ``MAX_MESSAGE_CHARS`` so one message cannot hold the server for everyone else. A cut text is
answered with ``door.message_cut`` in the resident's language.

The fixed texts live in ``kb/answers/system.yml`` (every served language, checked with the rest of
the knowledge base); they are read from the file, not the database, so a channel can speak when
the database is the thing that failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from citizenbot.settings import get_settings, max_message_chars, served_languages

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REPLACEMENT = "\ufffd"

MESSAGE_CUT = "door.message_cut"
TRY_AGAIN = "door.try_again"  # the message could not be stored: nothing was kept
NO_ANSWER = "door.no_answer"  # the message was kept but no answer came (the action server is down)


@dataclass(frozen=True)
class Admitted:
    text: str
    cut: bool  # the resident's text was longer than the cap and was cut


def clean(text: str) -> str:
    """Valid UTF-8 text: lone surrogates become U+FFFD, control characters (but \\t \\n \\r) go."""
    return _CONTROL_RE.sub("", _SURROGATE_RE.sub(REPLACEMENT, text))


def admit(text: str, limit: int | None = None) -> Admitted:
    limit = max_message_chars() if limit is None else limit
    text = clean(text)
    if len(text) <= limit:
        return Admitted(text, False)
    return Admitted(text[:limit], True)


@lru_cache(maxsize=4)
def _texts(kb_dir: Path) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The channels' texts (with their translations, kb/answers/<lang>/system.yml) and the
    national facts they name ({emergency_number})."""
    from citizenbot.translations import load_translations

    answers = yaml.safe_load((kb_dir / "answers" / "system.yml").read_text(encoding="utf-8")) or {}
    national = yaml.safe_load((kb_dir / "national.yml").read_text(encoding="utf-8")) or {}
    facts = {k: v["value"] if isinstance(v["value"], dict) else {"*": str(v["value"])}
             for k, v in (national.get("facts") or {}).items()}
    texts = {k: dict(v) for k, v in (answers.get("answers") or {}).items() if k.startswith("door.")}
    for lang, entries in load_translations(kb_dir).items():
        for key, translation in entries.items():
            if key in texts:
                texts[key].setdefault(lang, translation.text)
    return texts, facts


def notice(key: str, lang: str | None) -> str:
    """A fixed text of the channels in the resident's language (the default language for one not
    served; English, then Finnish, for a served one not translated yet)."""
    from citizenbot.content import pick_text, render

    settings = get_settings()
    texts, facts = _texts(settings.kb_dir)
    if lang not in served_languages():
        lang = settings.default_lang
    return render(pick_text(texts[key], lang), lang, facts, {"max_chars": settings.max_message_chars})


def notice_message(key: str, lang: str | None, recipient_id: str | None = None) -> dict:
    """The fixed text as one bot message in the REST channel's format (text + envelope)."""
    from citizenbot.conversation.envelope import make_envelope

    lang = lang if lang in served_languages() else get_settings().default_lang
    message: dict = {"text": notice(key, lang), "custom": make_envelope(key, lang)}
    if recipient_id is not None:
        message = {"recipient_id": recipient_id, **message}
    return message
