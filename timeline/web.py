"""The site as a WSGI application that never serves a broken feed.

`Site` holds the last good build of the events file in memory. On each request it looks
at the file (a `stat`, nothing more when unchanged) and at the date; a valid change is
built and served at once; an invalid one is logged with its FILE:LINE:COL and the last
good version keeps being served, with `/healthz` reporting the error. Responses carry a
strong ETag and Last-Modified and answer conditional requests with 304. Only the paths of
the built site exist: nothing outside it can ever be read.

Run it with any WSGI server (`gunicorn 'timeline.web:create_app()'`, or `timeline.web:app`
which reads `$TIMELINE_FILE`), or with `timeline serve`.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import selectors
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, UTC
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from .days import DayArg
from .errors import TimelineError
from .publish import SiteRequest
from .render.site import CONTENT_TYPES

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Entry:
    """One file of the site as served."""

    body: bytes
    """The bytes."""
    content_type: str
    """Its Content-Type."""
    etag: str
    """A strong ETag (quoted)."""
    last_modified: datetime
    """When these bytes were first served (UTC, whole seconds)."""


def _now() -> datetime:
    return datetime.now(UTC)


def log_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Site:
    """A WSGI application serving the site built from one events file."""

    def __init__(self, path: str, base_url: str | None = None, clock: Callable[[], datetime] = _now,
                 log: Callable[[str], None] = log_to_stderr, windows: str | None = None,
                 since: DayArg | None = None, as_of: DayArg | None = None, forecast: bool = False) -> None:
        self.path = path
        self.request = SiteRequest(base_url, windows, since, forecast)
        """What is built: the same as `timeline build` is asked for."""
        self.as_of = as_of
        """`--as-of` (None: today in the calendar's zone), counted from each build's today."""
        self.clock = clock
        self.log = log
        self.files: dict[str, Entry] = {}
        self.error: str | None = None
        self.loaded_at: datetime | None = None
        self.max_age = 3600
        self._built: tuple[tuple[object, ...], str, date, date] | None = None
        """The file signature, calendar zone, the calendar's today and the day judged by of
        the site being served."""
        self._failed: tuple[object, ...] | None = None
        """The signature of the last file that failed (logged once)."""
        self._lock = threading.Lock()
        self.refresh()

    @property
    def today(self) -> date | None:
        """The day the site being served was judged by (None: nothing built yet)."""
        return self._built[3] if self._built is not None else None

    # -- loading ------------------------------------------------------------------------
    def _file_signature(self) -> tuple[object, ...]:
        try:
            st = os.stat(self.path)
        except OSError as e:
            return ("missing", e.errno)
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def refresh(self) -> None:
        """Rebuild when the events file or the calendar's today changed; keep the last good
        site on errors."""
        from .pipeline import load_schedule, today_in
        from .publish import site_files

        signature = self._file_signature()
        with self._lock:
            now = self.clock()
            last = self._built
            same_day = last is not None and today_in(last[1], now) == last[2]
            if same_day and last[0] == signature:  # type: ignore[index]
                return
            if self._failed == signature and (last is None or same_day):
                return  # the same invalid file: reported already
            try:
                schedule = load_schedule(self.path, now, self.as_of)
                files = site_files(schedule, self.request, os.environ.get("SOURCE_DATE_EPOCH"))
            except TimelineError as e:
                self._failed = signature
                self.error = str(e)
                what = "still serving the last good version" if self.files else "nothing to serve until it is fixed"
                for line in self.error.splitlines():
                    self.log(f"timeline serve: invalid events file, {what}: {line}")
                return
            first = not self.files
            stamp = now.replace(microsecond=0)
            if first and signature[0] != "missing":  # the first version dates from the file
                stamp = min(stamp, datetime.fromtimestamp(int(signature[0]) // 10**9, UTC))  # type: ignore[call-overload]
            entries = {}
            for path, body in files.items():
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                old = self.files.get(path)
                last_modified = old.last_modified if old is not None and old.etag == etag else stamp
                ext = path[path.rfind("."):]
                entries[path] = Entry(body, CONTENT_TYPES[ext], etag, last_modified)
            self.files = entries
            self.error = None
            self._failed = None
            self.loaded_at = stamp
            self.max_age = int(schedule.calendar.refresh.to_timedelta().total_seconds())
            self._built = (signature, schedule.calendar.timezone, today_in(schedule.calendar.timezone, now), schedule.today)
            if not first:
                self.log(f"timeline serve: reloaded {self.path} ({len(entries)} files)")

    # -- serving ------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI entry point."""
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        if method not in ("GET", "HEAD"):
            return self._plain(start_response, "405 Method Not Allowed", "only GET and HEAD\n", [("Allow", "GET, HEAD")], method)
        self.refresh()
        if path == "/healthz":
            return self._health(start_response, method)
        name = "index.html" if path in ("/", "/index.html") else path[1:]
        entry = self.files.get(name)
        if entry is None:
            status = "404 Not Found" if self.files else "503 Service Unavailable"
            return self._plain(start_response, status, "not found\n" if self.files else "no valid events file yet\n", [], method)
        headers = [
            ("ETag", entry.etag),
            ("Last-Modified", format_datetime(entry.last_modified, usegmt=True)),
            ("Cache-Control", f"public, max-age={self.max_age}"),
        ]
        if self._not_modified(environ, entry):
            start_response("304 Not Modified", headers)
            return [b""]
        headers += [("Content-Type", entry.content_type), ("Content-Length", str(len(entry.body)))]
        start_response("200 OK", headers)
        return [b""] if method == "HEAD" else [entry.body]

    @staticmethod
    def _not_modified(environ: dict[str, Any], entry: Entry) -> bool:
        """RFC 9110: If-None-Match wins over If-Modified-Since."""
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or entry.etag in tags or f"W/{entry.etag}" in tags
        ims = environ.get("HTTP_IF_MODIFIED_SINCE")
        if ims:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return entry.last_modified <= since
        return False

    def _health(self, start_response: StartResponse, method: str) -> Iterable[bytes]:
        # public: the state and how many problems, never the file's path or what it holds
        # (the problems themselves, located, are in the server's log)
        body = {
            "status": "ok" if self.error is None else ("degraded" if self.files else "error"),
            "problems": 0 if self.error is None else len(self.error.splitlines()),
            "loaded": self.loaded_at.isoformat() if self.loaded_at else None,
        }
        data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()
        status = "200 OK" if self.files else "503 Service Unavailable"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                                ("Cache-Control", "no-store")])
        return [b""] if method == "HEAD" else [data]

    @staticmethod
    def _plain(start_response: StartResponse, status: str, text: str, extra: list[tuple[str, str]], method: str) -> Iterable[bytes]:
        data = text.encode()
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data))), *extra])
        return [b""] if method == "HEAD" else [data]


def create_app(path: str | None = None, base_url: str | None = None) -> Site:
    """A WSGI application for `path` (default: `$TIMELINE_FILE`, else ./events.yaml), its
    subscribe links under `base_url` (default: `$TIMELINE_BASE_URL`, else `calendar.url`)."""
    from .errors import RequestError
    from .values import feed_url

    base_url = base_url or os.environ.get("TIMELINE_BASE_URL")
    if base_url:
        try:
            feed_url(base_url)
        except ValueError as e:
            raise RequestError(f"base URL: {e}") from None
    return Site(path or os.environ.get("TIMELINE_FILE", "events.yaml"), base_url)


_default: Site | None = None


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """`timeline.web:app` for WSGI servers: the site of `$TIMELINE_FILE`, built on first use."""
    global _default
    if _default is None:
        _default = create_app()
    return _default(environ, start_response)


READ_TIMEOUT = 5.0
"""Seconds a connection has to send its whole request head (and, after it, the longest
silence while the response is written) before the server closes it."""
MAX_CONNECTIONS = 256
"""Requests served at once, each on a thread; a complete request beyond them is closed."""
MAX_PENDING = 4096
"""Connections still sending their request head, watched by one thread, none holding a
request thread; more are closed as they arrive."""
MAX_HEAD = 65536
"""Bytes a request head may take."""
STOP_WITHIN = 3.0
"""Seconds `server_close` waits for requests in flight before it leaves them."""

_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}
"""Control characters, as the log writes them (a client's bytes never reach a terminal raw)."""


def closed(address: Any, why: str) -> str:
    """The log line of a connection closed without an answer."""
    return f"{escaped(str(address[0]))} - closed: {why}"


def escaped(text: str) -> str:
    """Text for the log: control characters (escape sequences, line breaks) as `\\xNN`, so
    that what a client sent is shown, never acted on (`render.text.printable` drops them)."""
    return text.translate(_CONTROL)


class _Heads:
    """One thread that reads each new connection's request head, up to its blank line,
    before the request takes a thread of its own: a client that trickles its head a byte at
    a time holds a socket here, never a request thread, and is closed `READ_TIMEOUT` seconds
    after it connected (one log line)."""

    def __init__(self, ready: Callable[[Any, Any, bytes], None], log: Callable[[str], None]) -> None:
        self.ready, self.log = ready, log
        self.selector = selectors.DefaultSelector()
        self.arrivals: queue.SimpleQueue[tuple[Any, Any]] = queue.SimpleQueue()
        self.wake_read, self.wake_write = socket.socketpair()
        self.wake_read.setblocking(False)
        self.selector.register(self.wake_read, selectors.EVENT_READ, None)
        self.pending: dict[Any, tuple[Any, bytearray, float]] = {}
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="request heads", daemon=True)
        self.thread.start()

    def add(self, sock: Any, address: Any) -> None:
        """Watch a new connection (called by the accepting thread)."""
        self.arrivals.put((sock, address))
        self.wake_write.send(b"\0")

    def stop(self) -> None:
        """End the thread and close every connection still sending its head."""
        self.stopped = True
        self.wake_write.send(b"\0")
        self.thread.join(STOP_WITHIN)

    def _run(self) -> None:
        while not self.stopped:
            for key, _ in self.selector.select(timeout=0.25):
                if key.fileobj is self.wake_read:
                    self._arrived()
                else:
                    self._read(key.fileobj)
            now = time.monotonic()
            for sock in [s for s, (_, _, deadline) in self.pending.items() if deadline <= now]:
                address = self.pending[sock][0]
                self._drop(sock, closed(address, f"no complete request within {READ_TIMEOUT:g} s"))
        for sock in list(self.pending):
            self._drop(sock, None)

    def _arrived(self) -> None:
        try:
            self.wake_read.recv(4096)
        except BlockingIOError:
            pass
        while not self.arrivals.empty():
            sock, address = self.arrivals.get()
            if len(self.pending) >= MAX_PENDING:
                sock.close()  # over the cap: close at once, hold nothing
                continue
            sock.setblocking(False)
            self.pending[sock] = (address, bytearray(), time.monotonic() + READ_TIMEOUT)
            self.selector.register(sock, selectors.EVENT_READ, None)

    def _read(self, sock: Any) -> None:
        address, head, _ = self.pending[sock]
        try:
            data = sock.recv(8192)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(sock, None)  # gone before its request: nothing to log
            return
        head += data
        end = head.find(b"\r\n\r\n")
        if end < 0:
            end = head.find(b"\n\n")
        if end >= 0:
            self.selector.unregister(sock)
            del self.pending[sock]
            sock.setblocking(True)
            self.ready(sock, address, bytes(head))
        elif len(head) > MAX_HEAD:
            self._drop(sock, closed(address, f"a request head over {MAX_HEAD} bytes"))

    def _drop(self, sock: Any, why: str | None) -> None:
        self.selector.unregister(sock)
        del self.pending[sock]
        sock.close()
        if why:
            self.log(why)


def make_http_server(site: Site, host: str, port: int, log: Callable[[str], None] = log_to_stderr):
    """A threaded HTTP server for the site (port 0: any free port), whose clients cannot hold
    it: a request takes a thread only once its head has arrived whole (`_Heads`), within
    `READ_TIMEOUT` seconds of connecting; threads and waiting connections are capped; one
    log line a request or a dropped connection, control characters escaped; closing waits
    at most `STOP_WITHIN` seconds for requests in flight."""
    import io
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True  # a client that never finishes cannot keep the process alive
        block_on_close = False  # server_close waits itself, with a deadline
        request_queue_size = 1024

        def server_activate(self) -> None:
            super().server_activate()
            self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
            self.live: set[threading.Thread] = set()
            self.heads_of: dict[Any, bytes] = {}
            self.heads = _Heads(self._head_arrived, log)

        def process_request(self, request, client_address):
            self.heads.add(request, client_address)  # a thread only once its head is whole

        def _head_arrived(self, request, client_address, head: bytes) -> None:
            if not self.slots.acquire(blocking=False):
                self.shutdown_request(request)  # every request thread busy: close, hold nothing
                log(closed(client_address, f"{MAX_CONNECTIONS} requests in flight"))
                return
            self.heads_of[request] = head
            ThreadingMixIn.process_request(self, request, client_address)

        def process_request_thread(self, request, client_address):
            self.live.add(threading.current_thread())
            try:
                super().process_request_thread(request, client_address)
            finally:
                self.live.discard(threading.current_thread())
                self.heads_of.pop(request, None)
                self.slots.release()

        def handle_error(self, request, client_address) -> None:  # one line, never a traceback
            error = sys.exc_info()[1]
            log(closed(client_address, f"{type(error).__name__}: {escaped(str(error))[:200]}"))

        def server_close(self) -> None:
            super().server_close()
            self.heads.stop()
            deadline = time.monotonic() + STOP_WITHIN
            for thread in list(self.live):
                thread.join(max(0.0, deadline - time.monotonic()))

    class Handler(WSGIRequestHandler):
        timeout = READ_TIMEOUT

        def setup(self) -> None:
            super().setup()
            self.rfile = io.BytesIO(self.server.heads_of.get(self.request, b""))  # type: ignore[attr-defined]

        def log_message(self, format: str, *args: Any) -> None:  # one access-log line per request
            log(escaped(f"{self.address_string()} - - [{self.log_date_time_string()}] {format % args}"))

    return make_server(host, port, site, server_class=Server, handler_class=Handler)


def serve(site: Site, host: str, port: int, ready: Callable[[str], None] = log_to_stderr) -> None:
    """Run the site in a threaded server until SIGINT or SIGTERM, then finish open requests."""
    import signal

    server = make_http_server(site, host, port)

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        ready(f"timeline serve: http://{host}:{server.server_port}/ (Ctrl-C to stop)")
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        for s, handler in previous.items():
            signal.signal(s, handler)
        log_to_stderr("timeline serve: stopped")
