"""The review inbox: what residents asked that the assistant did not handle well.

* ``collect``    reads the stored conversations (through ``citizenbot.conversation``) and the
                 thumbs-down votes and keeps the problem messages, redacted (``collect.py``);
* ``groups``     puts the waiting messages together by language and similarity (``grouping.py``);
* ``export_tsv`` / ``import_tsv`` are the spreadsheet round trip (``tsv.py``);
* ``apply_decisions`` carries out a trainer's decisions: assign to a topic, mark out of scope,
                 start a new topic (a draft for ``citizenbot topic add``, ``drafts.py``) or ignore;
                 accepted examples are written into ``data/nlu/<lang>/<file>.yml`` and read back
                 with Rasa's own reader (``decisions.py``);
* ``inbox_rows`` / ``summary`` read the inbox table (``rows.py``).

``citizenbot.trainer.review`` offers the same as JSON for the staff console.
"""

from .collect import DEFAULT_LOW_CONFIDENCE, DEFAULT_SAMPLE_SHARE, CollectResult, collect
from .decisions import ACTIONS, ApplyResult, apply_decisions
from .drafts import drafts_dir
from .grouping import DEFAULT_SIMILARITY, Group, Item, group_items, groups
from .rows import (
    LOW_CONFIDENCE,
    NOT_UNDERSTOOD,
    OUT_OF_SCOPE,
    REASONS,
    STATUSES,
    THUMBS_DOWN,
    inbox_rows,
    summary,
)
from .tsv import TSV_COLUMNS, DecisionFileError, export_tsv, import_tsv, read_decisions_tsv

__all__ = [
    "ACTIONS", "DEFAULT_LOW_CONFIDENCE", "DEFAULT_SIMILARITY", "LOW_CONFIDENCE", "NOT_UNDERSTOOD", "OUT_OF_SCOPE",
    "DEFAULT_SAMPLE_SHARE", "REASONS", "STATUSES", "THUMBS_DOWN", "TSV_COLUMNS", "ApplyResult", "CollectResult", "DecisionFileError", "Group",
    "Item", "apply_decisions", "collect", "drafts_dir", "export_tsv", "group_items", "groups", "import_tsv",
    "inbox_rows", "read_decisions_tsv", "summary",
]
