"""Compatibility shim: the outbox is now ``citizenbot.reports.outbox``.

Kept only because ``actions/common.py`` (the action server's wiring, changed on another branch)
still imports ``Open311Config`` from here. Once it imports ``from citizenbot.reports import
Open311Config``, delete this module.
"""

from citizenbot.reports.outbox import Open311Config

__all__ = ["Open311Config"]
