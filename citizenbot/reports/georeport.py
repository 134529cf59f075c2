"""GeoReport v2 payloads: what is sent to an Open311 server and how its answers are read.

Pure functions, no I/O; the HTTP calls are ``citizenbot.reports.open311``.

- ``create_form()``          the form of a create call, checked before anything is sent
- ``create_result()``        the id or token in a create call's answer
- ``parse_errors()``         an error body, in any of the styles servers use, as ``{"code", "description"}``
- ``error_reason()``         any error answer (JSON of any style, an HTML page, plain text) as one readable line
- ``request_description()``  the description sent to the city for a stored report
- ``remote_status()``        our report status from a service request the city returns
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any

__all__ = [
    "CreateResult",
    "carries_reference",
    "create_form",
    "create_result",
    "error_reason",
    "parse_errors",
    "remote_status",
    "request_description",
    "said_in",
]

# Keys of an error object that carry a general message rather than a field name.
_GENERAL_ERROR_KEYS = frozenset({"detail", "message", "error", "error_description", "non_field_errors", "__all__"})
# Where servers put the message of an error object that has no "description", in order.
_MESSAGE_KEYS = ("detail", "message", "error_description", "error")
_MAX_SNIPPET = 300
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 5000


@dataclass
class CreateResult:
    """The answer to a create call: an id (most servers) or a token (batch servers)."""

    service_request_id: str | None
    token: str | None
    service_notice: str | None


# ---------------------------------------------------------------- requests


def coordinate(name: str, value: Any, limit: float) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise ValueError(f"{name} out of range: {value!r}")
    # Fixed-point, never scientific notation; 7 decimals is ~1 cm.
    return f"{number:.7f}".rstrip("0").rstrip(".") or "0"


def create_form(
    api_key: str,
    *,
    service_code: str,
    description: str,
    address_string: str | None = None,
    lat: float | None = None,
    long: float | None = None,
    email: str | None = None,
    phone: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    title: str | None = None,
    media_url: str | None = None,
    locale: str | None = None,
) -> dict[str, str]:
    """The form fields of a create call (fields that are None are left out).

    A location is required: ``lat`` and ``long`` together, or ``address_string``;
    otherwise ValueError is raised.
    """
    if service_code is None or not str(service_code).strip():
        raise ValueError("service_code is required")
    if (lat is None) != (long is None):
        raise ValueError("lat and long must be given together")
    has_point = lat is not None and long is not None
    has_address = address_string is not None and bool(address_string.strip())
    if not has_point and not has_address:
        raise ValueError("a location is required: lat and long, or address_string")

    form: dict[str, str] = {"api_key": api_key, "service_code": str(service_code)}
    if has_point:
        form["lat"] = coordinate("lat", lat, 90.0)
        form["long"] = coordinate("long", long, 180.0)
    optional = {
        "address_string": address_string if has_address else None,
        "description": description,
        "title": title,
        "email": email,
        "phone": phone,
        "first_name": first_name,
        "last_name": last_name,
        "media_url": media_url,
        "locale": locale,
    }
    form.update({k: str(v) for k, v in optional.items() if v is not None})
    return form


def request_description(row: dict, category_label: str) -> str:
    """The description sent to the city: the resident's words, with enough context to act on,
    ending with our reference (when the row has one) so that the city's copy can be found again."""
    parts = [category_label.strip()]
    if row.get("description"):
        parts.append(row["description"].strip())
    text = ". ".join(p for p in parts if p)
    if row.get("location") and row["location"] not in text:
        text += f" ({row['location']})"
    if len(text) < MIN_DESCRIPTION:
        text = (text + " " + "-" * MIN_DESCRIPTION)[: max(MIN_DESCRIPTION, len(text))]
    tag = f" [ref {row['reference']}]" if row.get("reference") else ""
    return text[: MAX_DESCRIPTION - len(tag)] + tag


def carries_reference(description: Any, reference: str) -> bool:
    """Whether a request's description carries our reference (CB-1042 is not found in CB-10421)."""
    if not reference or not isinstance(description, str):
        return False
    return re.search(re.escape(reference) + r"(?![\w-])", description) is not None


# ---------------------------------------------------------------- answers


def create_result(payload: Any) -> CreateResult | None:
    """The id or token of a create call's answer; None when the answer has neither."""
    item = payload[0] if isinstance(payload, list) and payload else payload
    if not isinstance(item, dict):
        return None
    request_id = item.get("service_request_id")
    token = item.get("token")
    if request_id in (None, "") and token in (None, ""):
        return None
    notice = item.get("service_notice")
    return CreateResult(
        service_request_id=str(request_id) if request_id not in (None, "") else None,
        token=str(token) if token not in (None, "") else None,
        service_notice=str(notice) if notice not in (None, "") else None,
    )


def remote_status(data: dict) -> tuple[str, str | None, datetime | None]:
    """Our status from an Open311 service request (status open/closed, detailed_status)."""
    detailed = ((data.get("extended_attributes") or {}).get("detailed_status") or "").upper()
    status = (data.get("status") or "").lower()
    if status == "closed" or detailed == "PROCESSED":
        ours = "closed"
    elif detailed == "IN_PROCESS":
        ours = "in_process"
    else:
        ours = "open"
    updated = data.get("updated_datetime")
    try:
        updated_at = datetime.fromisoformat(updated.replace("Z", "+00:00")) if updated else None
    except ValueError:
        updated_at = None
    if updated_at and updated_at.tzinfo is None:
        updated_at = updated_at.replace(tzinfo=timezone.utc)
    return ours, data.get("status_notes"), updated_at


# ---------------------------------------------------------------- errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if v is not None)
    return str(value)


def _field_errors(obj: dict, status: int | None, prefix: str = "") -> list[dict]:
    """Flatten a JSON object of field errors ({"field": ["msg", ...]}) into error dicts."""
    out: list[dict] = []
    for key, value in obj.items():
        key_s = str(key)
        general = key_s in _GENERAL_ERROR_KEYS and not prefix
        code: Any = status if general else f"{prefix}{key_s}"
        if isinstance(value, dict):
            if "description" in value and "code" in value and not isinstance(value.get("description"), list | dict):
                out.append({"code": value.get("code"), "description": _text(value["description"])})
            else:
                out.extend(_field_errors(value, status, prefix=f"{prefix}{key_s}."))
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, dict):
                    out.extend(parse_errors(item, status))
                elif item is not None:
                    out.append({"code": code, "description": _text(item)})
        elif value is not None:
            out.append({"code": code, "description": _text(value)})
    return out


def parse_errors(payload: Any, status: int | None = None) -> list[dict]:
    """Normalise an error body to a list of ``{"code", "description"}`` dicts.

    Accepts the GeoReport list (``[{"code": 400, "description": "..."}]``), a single error
    object, Tampere's field errors (``{"description": ["too short"]}``), the same wrapped in
    ``{"errors": ...}``, and plain strings. Anything else gives an empty list.
    """
    if payload is None:
        return []
    if isinstance(payload, str):
        return [{"code": status, "description": payload}] if payload.strip() else []
    if isinstance(payload, list):
        out: list[dict] = []
        for item in payload:
            if isinstance(item, dict):
                out.extend(parse_errors(item, status))
            elif isinstance(item, str | int | float):
                out.append({"code": status, "description": _text(item)})
        return out
    if isinstance(payload, dict):
        if "errors" in payload and isinstance(payload["errors"], list | dict | str):
            found = parse_errors(payload["errors"], status)
            rest = {k: v for k, v in payload.items() if k not in ("errors", "code", "status")}
            if rest:
                found.extend(_field_errors(rest, status))
            return found
        description = payload.get("description")
        if "code" in payload and not isinstance(description, list | dict):
            # A standard error object {"code", "description"}, or a server's {"code", "detail"}
            if description in (None, ""):
                description = next((payload[k] for k in _MESSAGE_KEYS if payload.get(k)), None)
            return [{"code": payload.get("code"), "description": _text(description)}]
        return _field_errors(payload, status)
    return []


def snippet(text: str) -> str:
    """The text on one line, cut to a length that fits an error message."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SNIPPET else text[: _MAX_SNIPPET - 1] + "…"


class _PageText(HTMLParser):
    """The title and the visible text of an HTML error page (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("title", "script", "style", "head"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title.append(data)
        elif not self._in:
            self.text.append(data)


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head


def page_text(html: str) -> str:
    """What an HTML error page says: its title, then its text unless that only repeats the title."""
    parser = _PageText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a broken page: fall back to its raw text
        return snippet(re.sub(r"<[^>]*>", " ", html))
    title = " ".join(" ".join(parser.title).split())
    body = " ".join(" ".join(parser.text).split())
    if title and body.startswith(title):
        body = body[len(title):].strip(" -:|")
    return snippet(" - ".join(p for p in (title, body) if p))


def _error_line(error: dict, status: int | None) -> str:
    description = str(error.get("description") or "").strip()
    code = error.get("code")
    # A field name as the code (Tampere's field errors) tells staff which field the city refused.
    if isinstance(code, str) and code and not code.isdigit() and code not in description:
        return f"{code}: {description}" if description else code
    return description


def error_reason(status: int, payload: Any, text: str) -> str:
    """A readable reason for an error answer: what the city said, whatever the body's style.

    ``payload`` is the parsed JSON (None when the body is not JSON), ``text`` the body itself.
    """
    try:
        head = f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        head = f"HTTP {status}"
    said = said_in(payload, text, status)
    return f"{head}: {said}" if said else head


def said_in(payload: Any, text: str, status: int | None = None) -> str:
    """What a server's answer says, on one line: its error messages, an HTML page's text, or the text."""
    if payload is not None:
        lines = [line for line in (_error_line(e, status) for e in parse_errors(payload, status)) if line]
        said = snippet("; ".join(dict.fromkeys(lines)))
        return said or ("" if isinstance(payload, list | dict) else snippet(str(payload)))
    return page_text(text) if looks_like_html(text) else snippet(text)
