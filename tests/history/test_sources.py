"""Reading a feedback history: a JSONL export, and a GeoReport v2 server as real ones behave
(an answer capped at a page size, a 503 now and then, an HTML error page, a server that hangs)."""

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from citizenbot.history.sources import SourceError, fetch_open311, read_jsonl

T0 = datetime(2015, 1, 1, tzinfo=timezone.utc)


def request(n: int) -> dict:
    return {"service_request_id": f"r{n}", "service_code": "171", "description": f"Kuoppa numero {n}",
            "requested_datetime": (T0 + timedelta(hours=5 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "agency_responsible": "Rakennusvirasto"}


class Server:
    """A GeoReport v2 server: newest first, at most `cap` requests per answer."""

    def __init__(self, items, cap=50, script=None):
        self.items, self.cap, self.script, self.calls = items, cap, list(script or []), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def handle(self):
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on a hanging answer, as it should

            def do_GET(self):
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                outer.calls.append(query)
                action = outer.script.pop(0) if outer.script else "ok"
                if action == "503":
                    self.send_response(503)
                    self.end_headers()
                    return
                if action == "html":
                    body = b"<html><body><h1>Palvelu ei ole saatavilla</h1></body></html>"
                    self.send_response(200)
                    self.send_header("content-type", "text/html")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if action == "hang":
                    time.sleep(1.5)
                start = datetime.fromisoformat(query["start_date"].replace("Z", "+00:00"))
                end = datetime.fromisoformat(query["end_date"].replace("Z", "+00:00"))
                found = [i for i in outer.items
                         if start <= datetime.fromisoformat(i["requested_datetime"].replace("Z", "+00:00")) < end]
                body = json.dumps(sorted(found, key=lambda i: i["requested_datetime"], reverse=True)[: outer.cap]).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server_factory():
    servers = []

    def make(*args, **kwargs):
        servers.append(Server(*args, **kwargs))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def test_a_capped_server_is_read_whole_by_splitting_full_windows(server_factory):
    items = [request(n) for n in range(400)]  # 400 requests over ~83 days, at most 50 per answer
    server = server_factory(items, cap=50)
    got = list(fetch_open311(server.url, T0, T0 + timedelta(days=90), window=timedelta(days=30), page_limit=50,
                             sleep=lambda s: None))
    assert sorted(r.id for r in got) == sorted(i["service_request_id"] for i in items)
    assert len(server.calls) > 3  # full windows were asked again in halves
    assert all(c.get("extensions") == "true" for c in server.calls)


def test_server_errors_are_retried_then_reported_clearly(server_factory):
    server = server_factory([request(1)], script=["503", "503"])
    got = list(fetch_open311(server.url, T0, T0 + timedelta(days=10), sleep=lambda s: None))
    assert [r.id for r in got] == ["r1"]
    down = server_factory([request(1)], script=["503"] * 10)
    with pytest.raises(SourceError, match="failed 3 times"):
        list(fetch_open311(down.url, T0, T0 + timedelta(days=10), retries=2, sleep=lambda s: None))


def test_an_html_error_page_is_a_clear_error_not_a_crash(server_factory):
    server = server_factory([request(1)], script=["html"])
    with pytest.raises(SourceError, match="did not answer JSON.*text/html"):
        list(fetch_open311(server.url, T0, T0 + timedelta(days=10), sleep=lambda s: None))


def test_a_hanging_server_times_out_and_is_retried(server_factory):
    server = server_factory([request(1)], script=["hang"])
    got = list(fetch_open311(server.url, T0, T0 + timedelta(days=10), timeout=0.5, sleep=lambda s: None))
    assert [r.id for r in got] == ["r1"] and len(server.calls) == 2


def test_jsonl_bad_lines_are_reported_and_the_rest_is_read(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(request(1)) + "\n{broken\n\n[1, 2]\n" + json.dumps(request(2)) + "\n", encoding="utf-8")
    read = read_jsonl(path)
    assert [r.id for r in read.records] == ["r1", "r2"]
    assert read.bad_lines == [2, 4]
    assert read.records[0].requested == T0 + timedelta(hours=5)
