"""SQL storage: one engine per process, one session per unit of work."""

from citizenbot.store.db import Database, get_database

__all__ = ["Database", "get_database"]
