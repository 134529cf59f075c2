"""Links in answers and plans: malformed ones, and (``--links``) ones that do not answer."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'{}]*(?:\{[a-z0-9_]+\}[^\s<>\"'{}]*)*", re.IGNORECASE)
HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)


def urls_in(text: str) -> Iterable[str]:
    for m in URL_RE.finditer(text):
        yield m.group(0).rstrip(".,;:!?)")


def link_problem(url: str) -> str | None:
    """Why the link cannot work (None when it looks right)."""
    if "{" in url or "}" in url:
        return "an unresolved {placeholder}"
    if url.lower().startswith("www."):
        return "the address needs https:// in front"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return str(exc)
    if parts.scheme.lower() not in ("http", "https"):
        return "only http(s) links work in the chat"
    host = parts.hostname or ""
    if not host or not HOST_RE.match(host):
        return f"{host or 'no host'} is not a valid host name"
    if " " in url:
        return "contains a space"
    return None


def check_urls_online(urls: list[str], timeout: float = 10.0) -> dict[str, str | None]:
    """url -> None when it answers (2xx/3xx), else the HTTP status or the error."""

    def one(url: str) -> tuple[str, str | None]:
        for method in ("HEAD", "GET"):
            request = urllib.request.Request(url, method=method, headers={"User-Agent": "citizenbot-data-check"})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    if response.status < 400:
                        return url, None
                    status = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                status = f"HTTP {exc.code}"
                if method == "HEAD" and exc.code in (403, 405, 501):
                    continue  # some servers refuse HEAD: try GET
            except (urllib.error.URLError, OSError, ValueError) as exc:
                status = str(getattr(exc, "reason", exc))
            return url, status
        return url, status

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(one, urls))
