"""The screening index on disk as JSON: a file that can only ever give back data, never run code.

The index used to be a pickle, and loading a pickle runs whatever code the file names: anyone who
could write to the home could run code as every user of it. Here the index is written with orjson
as nested lists, and read back by decoders built from the type annotations of the index's own
dataclasses (``ScreeningIndex``, ``Entry``, ``Prepared``, ``PreparedName``…). What a file says can
therefore only fill in values of the types the code declares; it never chooses a class or a
function. A file that does not fit those types is unreadable and the index is rebuilt.

Fields whose names start with ``_`` are caches and are not written. A field declared
``Packed[X]`` is saved as one JSON string and decoded on first use: most listed entities are never
a candidate in a given run, and decoding their prepared features at load time would make loading
slower than the pickle it replaces.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson

from sever.errors import SeverError
from sever.tables.atomic import atomic_output

T = TypeVar("T")

Decoder = Callable[[Any], Any] | None
"""A function turning a JSON value into the declared type; None: the JSON value is it already."""

_PLAIN = (str, int, float, bool, type(None), Any)


class UnreadableIndex(SeverError, ValueError):
    """A saved index that does not fit the declared types (truncated, edited or older)."""


class Packed(Generic[T]):
    """A value kept as its saved JSON text until first used."""

    __slots__ = ("_build", "_text", "_value")

    def __init__(self, value: T | None = None) -> None:
        self._value = value
        self._text: str | None = None
        self._build: Callable[[Any], T] | None = None

    @classmethod
    def saved(cls, text: str, build: Callable[[Any], T]) -> Packed[T]:
        """A packed value read from a file, decoded by ``build`` on first use."""
        packed: Packed[T] = cls()
        packed._text, packed._build = text, build
        return packed

    def get(self) -> T:
        """The value, decoded now if it came from a file (UnreadableIndex if it does not fit)."""
        if self._value is None:
            assert self._text is not None and self._build is not None
            try:
                self._value = self._build(orjson.loads(self._text))
            except (orjson.JSONDecodeError, TypeError, ValueError, IndexError) as exc:
                raise UnreadableIndex(
                    f"the saved screening index is damaged ({exc}); run "
                    "`sever lists update` or delete $SEVER_HOME/indexes to rebuild it"
                ) from None
        return self._value

    def text(self) -> str:
        """The value as JSON text, for saving."""
        if self._text is None:
            self._text = encode(self._value).decode()
        return self._text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Packed) and self.get() == other.get()

    def __hash__(self) -> int:
        return hash(self.get())


@cache
def _public_fields(cls: type) -> tuple[dataclasses.Field, ...]:
    """The fields written to disk: the ones passed to ``__init__`` that are not caches. Cache
    fields must come last, since the others are passed by position."""
    fields = [f for f in dataclasses.fields(cls) if f.init]
    public = [f for f in fields if not f.name.startswith("_")]
    if fields[: len(public)] != public:
        raise TypeError(f"{cls.__name__}: cache fields (_name) must come after the others")
    return tuple(public)


@cache
def _field_values(cls: type) -> Callable[[Any], Any] | None:
    """For a dataclass, a function giving the values of its public fields in order (orjson
    writes the tuple as a list); None for any other type."""
    if not dataclasses.is_dataclass(cls):
        return None
    names = [f.name for f in _public_fields(cls)]
    if len(names) == 1:
        return lambda value: (getattr(value, names[0]),)
    return operator.attrgetter(*names)


def _encode_default(value: Any) -> Any:
    """How orjson writes what it cannot write itself: a dataclass as the list of its public
    field values, a set as a sorted list."""
    values = _field_values(type(value))
    if values is not None:
        return values(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Packed):
        return value.text()
    raise TypeError(f"cannot save a {type(value).__name__} in the screening index")


def encode(value: Any) -> bytes:
    """The JSON bytes of a dataclass tree."""
    return orjson.dumps(
        value,
        default=_encode_default,
        option=orjson.OPT_PASSTHROUGH_DATACLASS,
    )


def _datetime(value: Any) -> datetime:
    return datetime.fromisoformat(value)


def _optional(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else inner(value)


def _sequence(kind: type, item: Decoder) -> Decoder:
    if item is None:
        return None if kind is list else kind
    return lambda values: kind(map(item, values))


def _fixed_tuple(items: list[Decoder]) -> Callable[[Any], Any]:
    if all(item is None for item in items):
        return tuple
    return lambda values: tuple(
        v if item is None else item(v) for item, v in zip(items, values, strict=True)
    )


def _packed(item: Decoder) -> Callable[[Any], Any]:
    build = item if item is not None else (lambda value: value)
    return lambda text: Packed.saved(text, build)


def _mapping(item: Decoder) -> Decoder:
    if item is None:
        return None
    return lambda values: {key: item(v) for key, v in values.items()}


@cache
def decoder(tp: Any) -> Decoder:
    """The decoder for a declared type; TypeError for a type the index cannot hold."""
    if tp in _PLAIN:
        return None
    if tp is datetime:
        return _datetime
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Packed:
        return _packed(decoder(args[0]))
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"the screening index cannot hold a value of type {tp}")
        inner = decoder(rest[0])
        return None if inner is None else _optional(inner)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(tuple, decoder(args[0]))
        return _fixed_tuple([decoder(a) for a in args])
    if origin in (list, frozenset, set):
        return _sequence(origin, decoder(args[0]))
    if origin is dict:
        return _mapping(decoder(args[1]))
    raise TypeError(f"the screening index cannot hold a value of type {tp}")


_CHECKED = {str: "str", int: "int", float: "float", bool: "bool"}
"""Plain field types whose values are checked as they are read (a str field given a number)."""


def _plain_check(name: str, tp: Any) -> str | None:
    """Generated code that is true when the value ``name`` is not of the plain type ``tp``."""
    if tp in _CHECKED:
        return f"type({name}) is not {_CHECKED[tp]}"
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    rest = [a for a in args if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and len(rest) == 1 and rest[0] in _CHECKED:
        return f"({name} is not None and type({name}) is not {_CHECKED[rest[0]]})"
    return None


def _dataclass_decoder(cls: type) -> Callable[[Any], Any]:
    """``cls(v[0], decode1(v[1]), …)`` for a list of field values, with the plain fields'
    types checked. The function is generated from the class's field list (never from a file)
    because a loop over the fields costs twice as much per object, and an index holds over a
    million of them."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in _public_fields(cls)]
    decoders = {f"d{i}": decoder(hints[name]) for i, name in enumerate(names)}
    values = [f"a{i}" for i in range(len(names))]
    arguments = ", ".join(
        value if decoders[f"d{i}"] is None else f"d{i}({value})" for i, value in enumerate(values)
    )
    checks = [
        check
        for i, name in enumerate(names)
        if (check := _plain_check(values[i], hints[name])) is not None
    ]
    where = cls.__name__
    lines = [
        "def build(v):",
        f"    if type(v) is not list or len(v) != {len(names)}:",
        f"        raise UnreadableIndex('{where}: not a list of {len(names)} values')",
        f"    {', '.join(values)}{',' if len(values) == 1 else ''} = v",
    ]
    if checks:
        lines += [f"    if {' or '.join(checks)}:", f"        raise UnreadableIndex('{where}')"]
    lines.append(f"    return cls({arguments})")
    source = "\n".join(lines)
    namespace: dict[str, Any] = {"cls": cls, "UnreadableIndex": UnreadableIndex, **decoders}
    exec(compile(source, f"<decoder of {where}>", "exec"), namespace)
    return namespace["build"]  # type: ignore[no-any-return]


def save(path: Path, value: Any) -> None:
    """Write a dataclass tree as JSON, atomically."""
    with atomic_output(path) as temp:
        temp.write_bytes(encode(value))


def load(path: Path, cls: type[T]) -> T:
    """Read a dataclass tree of type ``cls``; UnreadableIndex when the file does not fit."""
    build = decoder(cls)
    assert build is not None
    try:
        data = orjson.loads(path.read_bytes())
        return build(data)  # type: ignore[no-any-return]
    except (orjson.JSONDecodeError, TypeError, ValueError, KeyError, IndexError, AttributeError):
        raise UnreadableIndex(f"{path} is not a screening index of this version") from None
