"""A loopback load generator: concurrent clients, each making full and conditional GETs.

Used by tests/test_load.py (zero errors, bounded in time) and benchmarks/run.py
(requests per second). It only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field

PATHS = ("/calendar.ics", "/", "/tags/wgig.ics", "/kinds/meeting.ics", "/healthz")


@dataclass
class LoadResult:
    """What a load run saw."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_load(port: int, clients: int = 200, each: int = 50, timeout: float = 60.0) -> LoadResult:
    """`clients` threads make `each` requests to 127.0.0.1:`port`; every other one conditional."""
    result = LoadResult()
    lock = threading.Lock()
    start_gate = threading.Barrier(clients)

    def client(n: int) -> None:
        etags: dict[str, str] = {}
        try:
            start_gate.wait(timeout=timeout)
        except threading.BrokenBarrierError:
            pass
        for i in range(each):
            path = PATHS[(n + i) % len(PATHS)]
            headers = {"If-None-Match": etags[path]} if i % 2 and path in etags else {}
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                expected = 304 if headers else 200
                ok = response.status == expected
                if response.getheader("ETag"):
                    etags[path] = response.getheader("ETag")  # type: ignore[assignment]
                with lock:
                    result.requests += 1
                    result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
                    if not ok:
                        result.errors.append(f"{path}: {response.status}, expected {expected}")
            except OSError as e:
                with lock:
                    result.requests += 1
                    result.errors.append(f"{path}: {e!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - began
    return result
