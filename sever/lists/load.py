"""Load official files (or a user's watchlist) into the store as new snapshots.

Parsing happens fully in memory before anything is written; the write is one transaction. A bad
file therefore stores nothing, and an interrupted load leaves the previous snapshot in service.
Before the write, ``sever.lists.guard`` refuses what would leave the store serving less than the
user thinks: a cut official file, an entity past the name limits, a load that would remove more
than a set share of the list in service, a watchlist named like an official list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path

from sever.entities import Snapshot, Store
from sever.errors import InputError
from sever.home import Home
from sever.lists.crossref import refresh_crossrefs
from sever.lists.guard import (
    MAX_SHRINK_PERCENT,
    check_complete,
    check_dataset_name,
    check_entity_limits,
    check_shrink,
)
from sever.lists.scope import dprk_ids
from sever.lists.sources import SOURCES, ParsedList, Source, sniff
from sever.lists.sources.watchlist import WATCHLIST, parse_watchlist

_DATE_IN_NAME = re.compile(r"(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])")

BUNDLED = {
    "us_ofac_sdn-2024-05-03.csv": "ofac_csv",
    "un_sc_sanctions-2026-02-27.xml": "un_xml",
}
"""The built-in snapshot shipped with the package, so a fresh install works with no network."""

Progress = Callable[[str], None]


def detect(path: Path) -> Source:
    """The official format of a file, recognised from its content (the name breaks ties)."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a directory; name the files to load")
    head = sniff(path)
    if not head.strip(b"\x00\x1a \r\n\t"):
        raise InputError(path, "the file is empty", offset=0)
    for source in SOURCES.values():
        if source.name != WATCHLIST and source.detect(path, head):
            return source
    known = ", ".join(s.title for s in SOURCES.values() if s.name != WATCHLIST)
    raise InputError(
        path,
        f"not a recognised sanctions list format (known: {known}); "
        "for your own watchlist use `sever lists load --dataset NAME FILE`",
        row=1,
    )


def published_from_name(paths: Sequence[Path]) -> date | None:
    """A publication date written in a file or folder name (``sdn-2022-04-14/sdn.csv``)."""
    for path in paths:
        for part in reversed(path.parts):
            match = _DATE_IN_NAME.search(part)
            if match:
                year, month, day = (int(g) for g in match.groups())
                return date(year, month, day)
    return None


def store_parsed(
    home: Home,
    parsed_sets: Sequence[ParsedList],
    published: date | None = None,
    progress: Progress | None = None,
    *,
    max_shrink: float = MAX_SHRINK_PERCENT,
    allow_shrink: bool = False,
) -> list[Snapshot]:
    """Write each parsed list as a new snapshot of its dataset, with its DPRK scope flags, then
    link the parties listed on several lists.

    Every list is checked first (whole, within the name limits, not shrinking the list in service
    by more than ``max_shrink`` percent unless ``allow_shrink``): one refusal stores nothing."""
    say = progress or (lambda _msg: None)
    for parsed in parsed_sets:
        check_complete(parsed)
        check_entity_limits(parsed)
    snapshots = []
    with Store.open(home) as store:
        check_shrink(store, parsed_sets, max_shrink, allow_shrink)
        for parsed in parsed_sets:
            say(f"storing {len(parsed.entities):,} entities as {parsed.dataset}")
            snapshots.append(
                store.write_snapshot(
                    parsed.dataset,
                    parsed.source,
                    parsed.entities,
                    published=published or parsed.published or published_from_name(parsed.files),
                    files=[str(f) for f in parsed.files],
                    warnings=parsed.warnings,
                    dprk_ids=dprk_ids(parsed.entities),
                )
            )
        say("linking parties listed on several lists")
        refresh_crossrefs(store)
    return snapshots


def load_files(
    home: Home,
    paths: Sequence[Path],
    *,
    dataset: str | None = None,
    published: date | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
    max_shrink: float = MAX_SHRINK_PERCENT,
    allow_shrink: bool = False,
) -> list[Snapshot]:
    """Parse files and store each dataset they hold as a new snapshot.

    With ``dataset``, the files are the user's own watchlist (FtM JSON lines or the simple CSV, in
    UTF-8 unless ``encoding`` says otherwise), kept as their own dataset with the ids they came
    with. Without it, each file's official format is detected from its content; files of one
    format (e.g. SDN.CSV with ALT.CSV) form one set. See ``store_parsed`` for the shrink guard.
    """
    say = progress or (lambda _msg: None)
    if dataset is not None:
        parsed_sets = [parse_watchlist(paths, check_dataset_name(dataset), encoding=encoding)]
    else:
        if encoding is not None:
            raise InputError(
                None,
                "--encoding applies to your own watchlists (with --dataset); official files "
                "are read in their published encodings",
                field="--encoding",
            )
        groups: dict[str, list[Path]] = defaultdict(list)
        for path in paths:
            groups[detect(path).name].append(path)
        parsed_sets = []
        for name, group in groups.items():
            say(f"parsing {SOURCES[name].title}: {', '.join(p.name for p in group)}")
            parsed_sets.append(SOURCES[name].parse(group))
    return store_parsed(
        home,
        parsed_sets,
        published,
        progress,
        max_shrink=max_shrink,
        allow_shrink=allow_shrink,
    )


def bundled_paths() -> list[Path]:
    folder = resources.files("sever.lists.bundled")
    return [Path(str(folder / name)) for name in BUNDLED]


def ensure_loaded(home: Home, progress: Progress | None = None) -> list[Snapshot]:
    """Make sure the store serves something: load the built-in snapshot into an empty home."""
    if home.store_path.exists():
        current = _in_service(home)
        if current:
            return current
    return load_files(home, bundled_paths(), progress=progress)


def _in_service(home: Home) -> list[Snapshot]:
    """The snapshots in service, read without taking the write lock (so that many readers can
    look at once); none when the store was created but never written."""
    with Store.open(home, read_only=True) as store:
        if not store.sql(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'current_snapshots'"
        ):
            return []
        return store.current_snapshots()
