"""The conversation format: the one owner of how a conversation is written down and read back.

* ``envelope``   the ``custom`` payload of every bot message (``topic``, ``lang``, ``id``,
                 ``handoff``): built by the action server and the web process, read by the
                 gateway, the console, feedback, evaluation and the review inbox.
* ``events``     Rasa's tracker events: resident messages (with what the NLU understood and the
                 language it detected), bot messages, staff messages (bot events with
                 ``metadata.staff``), pauses, the language slot, forms; and the events the web
                 process appends through Rasa's HTTP API.
* ``transcript`` a conversation as the resident's widget and the staff console show it.
* ``store``      stored conversations: the tracker store's table, read (review inbox) and
                 deleted (retention, a resident's request) in one place.

Everything else in the project uses these functions; nothing else parses event dicts or reads
Rasa's tables.
"""

from .envelope import Envelope, is_emergency_topic, make_envelope, new_message_id
from .events import BotMessage, ResidentMessage

__all__ = ["BotMessage", "Envelope", "ResidentMessage", "is_emergency_topic", "make_envelope", "new_message_id"]
