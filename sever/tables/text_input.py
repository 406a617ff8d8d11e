"""Opening text files whose encoding we were not told: UTF-8 by default, UTF-16 by its mark.

Python's ``open(..., encoding="utf-8")`` fails part-way with a ``UnicodeDecodeError`` that names a
byte offset but no file, and a Latin-1 or UTF-16 file then surfaces as a traceback. Here the
encoding is decided once, from the byte-order mark or the caller's ``encoding``, and the whole file
is checked before any row is used, so a bad byte is an :class:`~sever.errors.InputError` naming
the file, the line and the byte, and no row is half-read.

We do not guess among 8-bit code pages (chardet-style detection): Latin-1, CP1252 and
KOI8-R all decode any byte string, so a guess would silently mangle names. A file in one of them is
refused with a message telling the user to convert it or to declare its encoding.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from sever.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes, declared: str | None = None) -> str:
    """The codec to read a file with: the declared one, else the one its byte-order mark names,
    else UTF-8."""
    if declared:
        try:
            info = codecs.lookup(declared)
            b"a".decode(info.name, "ignore")  # rot13, base64, zlib… are codecs, not text encodings
        except LookupError:
            raise InputError(None, f"unknown text encoding {declared!r}") from None
        return info.name
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def read_text(path: str | Path, encoding: str | None = None, *, what: str = "file") -> str:
    """The whole text of ``path``, decoded strictly; a byte that does not decode is an InputError
    naming the line and byte, with a hint on how to fix the file."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, f"{what} not found")
    if path.is_dir():
        raise InputError(path, f"is a folder, not a {what}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        codec = detect_encoding(data[:4], encoding)
    except InputError as exc:
        raise InputError(path, exc.message) from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = (
            f"convert it to UTF-8, or declare its encoding (--encoding {encoding})"
            if encoding
            else "convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8), or declare its encoding"
        )
        raise InputError(
            path,
            f"byte {data[exc.start]:#04x} is not valid {codec} text; {hint}",
            row=line,
            offset=exc.start,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            path,
            "holds a NUL character: a binary file, or UTF-16 text without a byte-order mark?",
            row=text.count("\n", 0, nul) + 1,
        )
    return text
