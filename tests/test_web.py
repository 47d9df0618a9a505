"""`timeline serve` and the WSGI application, over real HTTP on loopback."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, UTC
from pathlib import Path

import pytest

from timeline import web
from timeline.web import Site, create_app, make_http_server

from .conftest import ROOT, write

BODY = "calendar: {name: Served, refresh: 6h}\nevents:\n  - {id: a, title: First title, when: 2005-01-01}\n  - {id: b, title: B, when: 2005, tags: [x]}\n"


class Running:
    """A Site behind a threaded HTTP server on a free loopback port."""

    def __init__(self, path: Path, **kw) -> None:
        self.log: list[str] = []
        self.site = Site(str(path), log=self.log.append, **kw)
        self.server = make_http_server(self.site, "127.0.0.1", 0, log=self.log.append)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served(tmp_path):
    path = write(tmp_path, BODY)
    running = Running(path)
    yield running, path
    running.close()


def test_paths_types_and_headers(served):
    running, _ = served
    for path, ctype in (("/calendar.ics", "text/calendar; charset=utf-8"), ("/tags/x.ics", "text/calendar; charset=utf-8"),
                        ("/kinds/milestone.ics", "text/calendar; charset=utf-8"), ("/", "text/html; charset=utf-8"),
                        ("/index.html", "text/html; charset=utf-8")):
        status, headers, body = running.request("GET", path)
        assert status == 200 and headers["content-type"] == ctype
        assert headers["etag"].startswith('"') and len(headers["etag"]) == 34
        assert headers["cache-control"] == "public, max-age=21600"
        assert int(headers["content-length"]) == len(body) > 0
        datetime.strptime(headers["last-modified"], "%a, %d %b %Y %H:%M:%S GMT")
    status, headers, body = running.request("GET", "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok" and headers["content-type"] == "application/json"


def test_head_has_headers_and_no_body(served):
    running, _ = served
    _, get_headers, body = running.request("GET", "/calendar.ics")
    status, headers, head_body = running.request("HEAD", "/calendar.ics")
    assert status == 200 and head_body == b""
    assert headers["etag"] == get_headers["etag"] and headers["content-length"] == str(len(body))


def test_conditional_requests(served):
    running, _ = served
    _, headers, _ = running.request("GET", "/calendar.ics")
    etag, last = headers["etag"], headers["last-modified"]
    assert running.request("GET", "/calendar.ics", {"If-None-Match": etag})[0] == 304
    assert running.request("GET", "/calendar.ics", {"If-None-Match": f'"other", {etag}'})[0] == 304
    assert running.request("GET", "/calendar.ics", {"If-None-Match": "*"})[0] == 304
    assert running.request("GET", "/calendar.ics", {"If-None-Match": '"other"'})[0] == 200
    assert running.request("GET", "/calendar.ics", {"If-Modified-Since": last})[0] == 304
    assert running.request("GET", "/calendar.ics", {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})[0] == 200
    # If-None-Match wins over If-Modified-Since
    assert running.request("GET", "/calendar.ics", {"If-None-Match": '"other"', "If-Modified-Since": last})[0] == 200
    status, headers, body = running.request("HEAD", "/calendar.ics", {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["etag"] == etag


@pytest.mark.parametrize("path", ["/../events.yaml", "/%2e%2e/events.yaml", "/..%2fevents.yaml", "/tags/../../events.yaml",
                                  "/events.yaml", "//etc/passwd", "/tags/", "/calendar.ics/", "/calendar.ICS", "/tags/%00.ics"])
def test_nothing_outside_the_site(served, path):
    running, _ = served
    status, _, body = running.request("GET", path)
    assert status == 404 and b"events" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods(served, method):
    running, _ = served
    status, headers, _ = running.request(method, "/calendar.ics")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_reload_on_change_and_last_good_on_a_bad_edit(served):
    running, path = served
    _, first_headers, before = running.request("GET", "/calendar.ics")
    path.write_text(BODY.replace("First title", "Second title"), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    _, headers, after = running.request("GET", "/calendar.ics")
    assert b"SUMMARY:Second title" in after and headers["etag"] != first_headers["etag"]
    assert running.request("GET", "/tags/x.ics")[0] == 200
    path.write_text(BODY.replace("when: 2005-01-01", "when: 2005-13-01"), encoding="utf-8")
    os.utime(path, (time.time() + 10, time.time() + 10))
    status, _, still = running.request("GET", "/calendar.ics")
    assert status == 200 and still == after
    health = json.loads(running.request("GET", "/healthz")[2])
    assert health == {"status": "degraded", "problems": 1, "loaded": health["loaded"]}  # no path, no content
    assert any("still serving the last good version" in line and f"{path}:3:" in line and "month 13" in line
               for line in running.log)  # the problem, located, is in the log
    path.write_text(BODY, encoding="utf-8")
    os.utime(path, (time.time() + 15, time.time() + 15))
    assert json.loads(running.request("GET", "/healthz")[2])["status"] == "ok"


def test_unchanged_files_keep_their_last_modified(tmp_path):
    body = "calendar: {updated: 2005-01-01}\nevents:\n  - {id: a, title: A, when: 2005-01-01, tags: [y]}\n  - {id: b, title: B, when: 2005, tags: [x]}\n"
    path = write(tmp_path, body)
    clock = [datetime(2026, 1, 1, tzinfo=UTC)]
    site = Site(str(path), clock=lambda: clock[0], log=lambda line: None)
    before = dict(site.files)
    clock[0] = datetime(2026, 1, 1, 12, tzinfo=UTC)
    path.write_text(body.replace("title: B,", "title: B2,"), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    site.refresh()
    changed, unchanged = site.files["tags/x.ics"], site.files["tags/y.ics"]
    assert changed.etag != before["tags/x.ics"].etag and changed.last_modified == clock[0]
    assert unchanged.etag == before["tags/y.ics"].etag and unchanged.last_modified == before["tags/y.ics"].last_modified
    assert unchanged.last_modified < clock[0]


def test_access_log_line_per_request(served):
    running, _ = served
    running.request("GET", "/calendar.ics")
    running.request("GET", "/nope")
    # the handler thread logs just after the response has gone out: wait for it, briefly
    deadline = time.monotonic() + 10
    while sum('"GET ' in line for line in running.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    lines = [line for line in running.log if '"GET ' in line]
    assert len(lines) == 2 and '"GET /calendar.ics HTTP/1.1" 200' in lines[0] and '"GET /nope HTTP/1.1" 404' in lines[1]


def test_wsgi_factory_and_module_app(tmp_path, monkeypatch):
    path = write(tmp_path, BODY)
    monkeypatch.setenv("TIMELINE_FILE", str(path))
    site = create_app()
    captured = {}

    def start_response(status, headers):
        captured["status"] = status

    body = b"".join(site({"REQUEST_METHOD": "GET", "PATH_INFO": "/calendar.ics"}, start_response))
    assert captured["status"] == "200 OK" and body.startswith(b"BEGIN:VCALENDAR")
    import timeline.web as web

    monkeypatch.setattr(web, "_default", None)
    body = b"".join(web.app({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, start_response))
    assert captured["status"] == "200 OK" and b"<!DOCTYPE html>" in body


def test_serve_command_stops_gracefully_on_sigterm_and_sigint(tmp_path):
    path = write(tmp_path, BODY)
    for sig in (signal.SIGTERM, signal.SIGINT):
        proc = subprocess.Popen([sys.executable, "-m", "timeline", "serve", "-f", str(path), "--port", "0"],
                                cwd=ROOT, stderr=subprocess.PIPE, text=True)
        first = proc.stderr.readline()
        assert first.startswith("timeline serve: http://127.0.0.1:")
        port = int(first.split(":")[3].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/calendar.ics")
        assert conn.getresponse().status == 200
        proc.send_signal(sig)
        assert proc.wait(timeout=30) == 0
        rest = proc.stderr.read()
        assert '"GET /calendar.ics HTTP/1.1" 200' in rest and rest.rstrip().endswith("timeline serve: stopped")


def test_serve_refuses_an_invalid_file(run, tmp_path):
    path = write(tmp_path, "events: [\n")
    result = run("serve", "-f", str(path), "--port", "0")
    assert result.exit_code == 1 and result.stderr.startswith(f"{path}:2:1: YAML syntax error")


# -- clients that do not finish (#14, item 19) ---------------------------------------------


def _serve(path):
    proc = subprocess.Popen([sys.executable, "-m", "timeline", "serve", "-f", str(path), "--port", "0"],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    first = proc.stderr.readline()
    return proc, int(first.split(":")[3].split("/")[0])


@pytest.mark.slow
def test_sigterm_stops_the_server_with_a_half_sent_request_open(tmp_path):
    import socket
    import time

    proc, port = _serve(write(tmp_path, BODY))
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    for sock in idle:
        sock.sendall(b"GET /calendar.ics HTTP/1.1\r\nHost: x\r\n")  # never finished
    time.sleep(0.5)
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert time.monotonic() - began < web.STOP_WITHIN + 2
    for sock in idle:
        sock.close()


@pytest.mark.slow
def test_a_silent_connection_is_closed_after_the_read_timeout(tmp_path):
    import socket
    import time

    proc, port = _serve(write(tmp_path, BODY))
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET / HTTP/1.1\r\n")
        sock.settimeout(web.READ_TIMEOUT + 10)
        began = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, nothing answered
        assert web.READ_TIMEOUT - 0.5 < time.monotonic() - began < web.READ_TIMEOUT + 5
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/calendar.ics")
        assert conn.getresponse().status == 200  # the server itself is still there
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_connections_over_the_cap_are_closed_and_the_server_stays_up(tmp_path, monkeypatch):
    import socket

    monkeypatch.setattr(web, "MAX_PENDING", 3)
    site = Site(str(write(tmp_path, BODY)), log=lambda line: None)
    server = make_http_server(site, "127.0.0.1", 0, log=lambda line: None)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    port = server.server_port
    try:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        extra = socket.create_connection(("127.0.0.1", port))
        extra.settimeout(10)
        assert extra.recv(10) == b""  # closed at once, without a thread
        for sock in held:
            sock.close()
        for _ in range(50):  # the slots come back as the held connections end
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", "/calendar.ics")
                if conn.getresponse().status == 200:
                    break
            except (ConnectionError, http.client.HTTPException):
                pass
        else:
            raise AssertionError("the server did not serve again")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_slow_header_attack_holds_no_legitimate_request(tmp_path):
    """300 connections trickling their request heads (a header line every second) hold no
    request thread: a legitimate request is answered within a second all along, and each
    attacking connection is dropped after READ_TIMEOUT with one log line, no traceback."""
    import socket

    running = Running(write(tmp_path, BODY))
    attackers = [socket.create_connection(("127.0.0.1", running.port)) for _ in range(300)]
    stop = threading.Event()

    def trickle() -> None:
        n = 0
        while not stop.is_set():
            for sock in attackers:
                try:
                    sock.sendall(b"GET / HTTP/1.1\r\n" if n == 0 else f"X-Slow-{n}: \x1b[31m\r\n".encode())
                except OSError:
                    pass
            n += 1
            stop.wait(1.0)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        slowest = 0.0
        end = time.monotonic() + web.READ_TIMEOUT + 2
        while time.monotonic() < end:
            began = time.monotonic()
            status, _, body = running.request("GET", "/calendar.ics")
            slowest = max(slowest, time.monotonic() - began)
            assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")
            time.sleep(0.2)
        assert slowest < 1.0
    finally:
        stop.set()
        thread.join()
        for sock in attackers:
            sock.close()
        running.close()
    dropped = [line for line in running.log if "closed: no complete request within" in line]
    assert len(dropped) == 300 and not any("Traceback" in line or "\x1b" in line for line in running.log)
    assert all("\n" not in line for line in running.log)


def test_the_access_log_escapes_what_a_client_sends(served):
    import socket

    running, _ = served
    sock = socket.create_connection(("127.0.0.1", running.port))
    sock.sendall(b"GET /\x1b[2J\x1b]0;owned\x07 HTTP/1.0\r\n\r\n")
    sock.settimeout(10)
    while sock.recv(4096):
        pass
    sock.close()
    deadline = time.monotonic() + 10
    while not any("GET /" in line for line in running.log) and time.monotonic() < deadline:
        time.sleep(0.01)
    line = next(line for line in running.log if "GET /" in line)
    assert "\\x1b[2J\\x1b]0;owned\\x07" in line and "\x1b" not in line and "\x07" not in line
