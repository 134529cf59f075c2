"""Rasa's SQL tracker store configured by one DATABASE_URL (the same database as the KB).

Rasa's agent wraps every tracker store in ``FailSafeTrackerStore``, which on any error (SQLite
locked past its busy timeout, PostgreSQL down) logs and carries on with an in-memory store: the
conversation is answered, nothing is stored, and the history read next is empty. Creating this
store installs ``install_no_fallback``: the wrapper's error callback raises ``StoreUnavailable``
instead, so the message fails, the REST channel answers 503 with "please try again in a moment"
and nothing is acknowledged that was not stored.

Every event is written redacted (``citizenbot.conversation.redaction``): the database keeps
``<EMAIL>``, ``<PHONE>``... where the resident typed them; the tracker in memory, which the actions
of the message being handled see, keeps the text as typed.
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from citizenbot.conversation.redaction import redact_event
from citizenbot.settings import get_settings
from citizenbot.store.db import sqlite_engine

logger = logging.getLogger(__name__)


class StoreUnavailable(RuntimeError):
    """The conversation could not be read or stored: the message must fail, not be half-handled."""


def _raise_store_error(error: Exception) -> None:
    # the driver's own message ("database is locked"), not SQLAlchemy's, which quotes the
    # statement's parameters: the resident's text
    reason = getattr(error, "orig", None) or error
    raise StoreUnavailable(f"the tracker store failed: {type(reason).__name__}: {reason}") from error


def wrap_without_fallback(store, domain):
    """What ``Agent._create_tracker_store`` returns after install_no_fallback: Rasa's wrapper with
    an error callback that raises (so its in-memory fallback is never reached)."""
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    if store is not None:
        store.domain = domain
    else:
        store = InMemoryTrackerStore(domain)
    return FailSafeTrackerStore(store, on_tracker_store_error=_raise_store_error)


def install_no_fallback() -> None:
    """Patch Rasa's Agent to wrap tracker stores with wrap_without_fallback (idempotent)."""
    from rasa.core.agent import Agent

    if getattr(Agent._create_tracker_store, "_citizenbot", False):
        return
    patched = staticmethod(wrap_without_fallback)
    wrap_without_fallback._citizenbot = True  # type: ignore[attr-defined]
    Agent._create_tracker_store = patched


class DatabaseUrlTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        install_no_fallback()  # before the agent wraps this store
        url = host or get_settings().database_url
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain, dialect=parsed.get_backend_name(), host=url, event_broker=event_broker, **kwargs
        )
        if parsed.get_backend_name() == "sqlite":
            # Rasa writes the conversation on every message from inside its event loop. In WAL mode
            # synchronous=NORMAL skips the fsync per commit (a power cut can lose the last moments of
            # a chat, never corrupt the file), which keeps those writes from stalling other residents.
            # Rasa opens two sessions per message, from its event loop only, one at a time: a small
            # pool of open connections (sqlite_engine) saves opening one per session.
            self.engine.dispose()
            self.engine = sqlite_engine(str(self.engine.url), TRACKER_PRAGMAS, future=False, pool_size=2,
                                        max_overflow=8)
            self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``SQLTrackerStore.save`` (3.6) with each new event redacted before it is written
        (an event broker, none is configured, would still get them as typed)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            for event in itertools.islice(tracker.events, stored, len(tracker.events)):
                data = redact_event(event.as_dict())
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()
        logger.debug("conversation %s stored", tracker.sender_id)


TRACKER_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000")
