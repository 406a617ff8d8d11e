"""`lists update` fetches conditionally, retries, and never replaces a good snapshot with a bad one.

The official servers are not reachable in tests: a real HTTP server on 127.0.0.1 plays them.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sever.entities import Store
from sever.home import Home
from sever.lists.sources import SOURCES
from sever.lists.update import update


class FakeOfficialServer:
    """Serves files by path; can answer 304 for ETags, fail N times, or cut the body short."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.failures_left = 0
        self.truncate = False
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("If-None-Match")))
                body = server.files.get(self.path)
                if server.failures_left > 0:
                    server.failures_left -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if server.truncate else body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server() -> Iterator[FakeOfficialServer]:
    fake = FakeOfficialServer()
    yield fake
    fake.httpd.shutdown()


def run(home: Home, server: FakeOfficialServer, **kwargs: object):
    [result] = update(
        home, ["ofac_csv"], {"ofac_csv": [server.url("/SDN.CSV")]}, retries=2, **kwargs
    )
    return result


def test_download_loads_then_an_unchanged_list_is_not_reloaded(
    home: Home, server: FakeOfficialServer, shared_data: Path
) -> None:
    server.files["/SDN.CSV"] = (shared_data / "ofac/sdn-2022-04-12/sdn.csv").read_bytes()
    first = run(home, server)
    assert first.error is None and first.snapshot is not None
    assert first.snapshot.entity_count > 10_000
    second = run(home, server)
    assert second.unchanged and second.snapshot is None
    assert server.requests[-1][1] is not None  # the second request was conditional
    server.files["/SDN.CSV"] = (shared_data / "ofac/sdn-2022-04-14/sdn.csv").read_bytes()
    third = run(home, server)
    assert third.snapshot is not None and third.snapshot.snapshot_id != first.snapshot.snapshot_id


def test_transient_server_errors_are_retried(
    home: Home, server: FakeOfficialServer, shared_data: Path
) -> None:
    server.files["/SDN.CSV"] = (shared_data / "ofac/sdn-2022-04-12/sdn.csv").read_bytes()
    server.failures_left = 2
    result = run(home, server)
    assert result.error is None and result.snapshot is not None
    assert len(server.requests) == 3


@pytest.mark.parametrize("failure", ["down", "truncated", "offline"])
def test_a_failed_download_keeps_the_last_good_snapshot(
    home: Home, server: FakeOfficialServer, shared_data: Path, failure: str
) -> None:
    server.files["/SDN.CSV"] = (shared_data / "ofac/sdn-2022-04-12/sdn.csv").read_bytes()
    good = run(home, server).snapshot
    server.files["/SDN.CSV"] = (shared_data / "ofac/sdn-2024-05-03/sdn.csv").read_bytes()
    if failure == "down":
        server.failures_left = 99
    elif failure == "truncated":
        server.truncate = True
    else:
        server.httpd.shutdown()
        server.httpd.server_close()
    result = run(home, server)
    assert result.error is not None and "failed after 3 attempts" in result.error
    with Store.open(home, read_only=True) as store:
        assert store.current("us_ofac_sdn") == good


def test_official_download_addresses() -> None:
    assert SOURCES["ofac_csv"].urls[0].startswith("https://sanctionslistservice.ofac.treas.gov/")
    assert SOURCES["un_xml"].urls[0].startswith("https://scsanctions.un.org/")


def test_an_update_that_would_shrink_the_list_is_refused_then_allowed(
    loaded_home: Home, server: FakeOfficialServer, shared_data: Path
) -> None:
    with Store.open(loaded_home, read_only=True) as store:
        in_service = store.current("us_ofac_sdn")
    server.files["/SDN.CSV"] = (shared_data / "ofac/sdn-2022-04-12/sdn.csv").read_bytes()
    refused = run(loaded_home, server)
    assert refused.error is not None and "would remove 20,843 of 49,697" in refused.error
    with Store.open(loaded_home, read_only=True) as store:
        assert store.current("us_ofac_sdn") == in_service
    # The refused file is not taken as "unchanged" next time: it is fetched and checked again.
    allowed = run(loaded_home, server, allow_shrink=True)
    assert allowed.error is None and allowed.snapshot is not None
    assert in_service is not None and allowed.snapshot.entity_count < in_service.entity_count
