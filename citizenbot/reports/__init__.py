"""Fault reports: the form's logic, the ``report`` table, and delivery to the city's Open311 endpoint.

Modules, each owning one concern:

- ``flow``        the report form as pure functions: pre-filling, checking answers, the messages
- ``store``       the ``report`` table: filing, reading and the outbox's bookkeeping (blocking SQL)
- ``georeport``   GeoReport v2 payloads: the create form, reading answers, errors and statuses
- ``open311``     the async GeoReport v2 HTTP client and its errors
- ``outbox``      delivering stored reports with retries, refreshing their status from the city

The actions (``actions/reports.py``) use ``flow``, ``store`` and ``outbox``; only ``outbox`` talks
to the city.

The two objects the services wiring needs are exported here.
"""

from citizenbot.reports.outbox import Open311Config
from citizenbot.reports.store import ReportStore

__all__ = ["Open311Config", "ReportStore"]
