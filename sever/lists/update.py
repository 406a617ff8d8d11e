"""``sever lists update``: fetch the current official files, then load them.

Each file is fetched with a conditional request (ETag / Last-Modified kept from the last fetch),
retried with exponential backoff, written to a temporary file and checked (size against
Content-Length, SHA-256 recorded) before it replaces the last good copy. Only when every file of
a source arrived whole is the source parsed and stored, in one transaction. A failure at any point
leaves the last good snapshot in service.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sever.entities import Snapshot
from sever.errors import DownloadError, SeverError
from sever.home import Home
from sever.lists.guard import MAX_SHRINK_PERCENT
from sever.lists.load import store_parsed
from sever.lists.sources import SOURCES, Source

DEFAULT_SOURCES = ("ofac_csv", "ofac_cons", "un_xml", "eu_xml", "uk_fcdo")
"""What ``lists update`` fetches unless told otherwise (``ofac_xml`` duplicates ``ofac_csv``)."""

RETRIES = 4
BACKOFF_SECONDS = 1.0
TIMEOUT_SECONDS = 60.0
USER_AGENT = "sever-lists-update/0.1 (+https://github.com/sever-aml/sever)"

ByteProgress = Callable[[str, int, int | None], None]
"""Called with (file name, bytes so far, total bytes or None) while downloading."""


@dataclass
class FetchResult:
    url: str
    path: Path
    changed: bool
    sha256: str
    size: int


@dataclass
class SourceUpdate:
    source: str
    fetched: list[FetchResult] = field(default_factory=list)
    snapshot: Snapshot | None = None
    unchanged: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "files": [
                {"url": f.url, "changed": f.changed, "sha256": f.sha256, "bytes": f.size}
                for f in self.fetched
            ],
            "snapshot": self.snapshot.to_dict() if self.snapshot else None,
            "unchanged": self.unchanged,
            "error": self.error,
        }


def _file_name(url: str) -> str:
    name = url.rstrip("/").split("/")[-1].split("?")[0]
    return name if name not in ("", "content") else "download"


def _meta_path(target: Path) -> Path:
    return target.with_name(target.name + ".meta.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(
    client: httpx.Client,
    url: str,
    target: Path,
    progress: ByteProgress | None = None,
    retries: int = RETRIES,
    backoff: float = BACKOFF_SECONDS,
) -> FetchResult:
    """Download ``url`` to ``target`` unless unchanged since the last fetch; whole or not at all."""
    meta_file = _meta_path(target)
    meta = json.loads(meta_file.read_text()) if meta_file.exists() and target.exists() else {}
    headers = {}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    last_error = "no attempt made"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        partial = target.with_name(target.name + ".part")
        try:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return FetchResult(url, target, False, meta["sha256"], target.stat().st_size)
                if response.status_code >= 500 or response.status_code == 429:
                    last_error = f"HTTP {response.status_code}"
                    continue
                if response.status_code != 200:
                    raise DownloadError(f"{url}: HTTP {response.status_code}, not retrying")
                expected = response.headers.get("content-length")
                total = int(expected) if expected and expected.isdigit() else None
                received = 0
                with open(partial, "wb") as out:
                    for chunk in response.iter_bytes(1 << 16):
                        out.write(chunk)
                        received += len(chunk)
                        if progress:
                            progress(target.name, received, total)
                if total is not None and received != total:
                    last_error = f"truncated: got {received:,} of {total:,} bytes"
                    continue
                if received == 0:
                    last_error = "empty response"
                    continue
                sha = _sha256(partial)
                os.replace(partial, target)
                meta_file.write_text(
                    json.dumps(
                        {
                            "url": url,
                            "etag": response.headers.get("etag"),
                            "last_modified": response.headers.get("last-modified"),
                            "sha256": sha,
                            "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        }
                    )
                )
                changed = sha != meta.get("sha256")
                return FetchResult(url, target, changed, sha, received)
        except httpx.HTTPError as exc:
            last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        finally:
            partial.unlink(missing_ok=True)
    raise DownloadError(f"{url}: failed after {retries + 1} attempts ({last_error})")


def update_source(
    home: Home,
    source: Source,
    urls: Sequence[str],
    client: httpx.Client,
    progress: ByteProgress | None = None,
    force: bool = False,
    retries: int = RETRIES,
    *,
    max_shrink: float = MAX_SHRINK_PERCENT,
    allow_shrink: bool = False,
) -> SourceUpdate:
    """Fetch every file of one source, then load them as one snapshot if anything changed.

    The load is refused like ``lists load``'s (a cut file, or more than ``max_shrink`` percent of
    the list in service removed without ``allow_shrink``), leaving the last good snapshot."""
    result = SourceUpdate(source.name)
    folder = home.downloads / source.name
    folder.mkdir(parents=True, exist_ok=True)
    for url in urls:
        result.fetched.append(fetch(client, url, folder / _file_name(url), progress, retries))
    if not force and not any(f.changed for f in result.fetched):
        result.unchanged = True
        return result
    try:
        parsed = source.parse([f.path for f in result.fetched])
        [result.snapshot] = store_parsed(
            home, [parsed], max_shrink=max_shrink, allow_shrink=allow_shrink
        )
    except SeverError:
        # Forget the validators of files that were not loaded, so that the next update fetches
        # and checks them again instead of calling them unchanged.
        for fetched in result.fetched:
            _meta_path(fetched.path).unlink(missing_ok=True)
        raise
    return result


def update(
    home: Home,
    sources: Sequence[str] = DEFAULT_SOURCES,
    url_overrides: dict[str, list[str]] | None = None,
    progress: ByteProgress | None = None,
    force: bool = False,
    retries: int = RETRIES,
    *,
    max_shrink: float = MAX_SHRINK_PERCENT,
    allow_shrink: bool = False,
) -> list[SourceUpdate]:
    """Update each source independently: one failing source does not stop the others."""
    overrides = url_overrides or {}
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise SeverError(f"unknown source(s) {unknown}; known: {', '.join(SOURCES)}")
    results = []
    transport = httpx.HTTPTransport(retries=0)
    with httpx.Client(
        transport=transport,
        timeout=TIMEOUT_SECONDS,
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    ) as client:
        for name in sources:
            source = SOURCES[name]
            urls = overrides.get(name) or list(source.urls)
            try:
                results.append(
                    update_source(
                        home,
                        source,
                        urls,
                        client,
                        progress,
                        force,
                        retries,
                        max_shrink=max_shrink,
                        allow_shrink=allow_shrink,
                    )
                )
            except SeverError as exc:
                results.append(SourceUpdate(name, error=str(exc)))
    return results
