"""Reading YAML while remembering the line of every value, for error messages.

Story files are parsed by libyaml (PyYAML's C parser) event by event and built
into plain mappings, lists and scalars here, with a line for every value. The
events come from a C state machine, so nothing recurses on the input's depth;
building from events (rather than composing nodes) lets the reader refuse an
alias before anything is expanded and stop at a nesting limit. Story files have
no use for aliases, and an alias "bomb" of a few hundred bytes would otherwise
expand to gigabytes.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .checks import UNPRINTABLE
from .errors import InvalidInputError, Problem

# A story nests four levels (story > facts > fact > change); this leaves room.
MAX_DEPTH = 32

_STR = "tag:yaml.org,2002:str"
_DECIMAL = re.compile(r"[-+]?[0-9]+\.[0-9]+\Z")
_DECIMAL_INT = re.compile(r"[-+]?[1-9][0-9]{0,17}\Z")  # no leading 0: YAML 1.1 reads 012 as octal
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", _STR,
}
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_IMPLICIT = Resolver.yaml_implicit_resolvers
_ABSENT = object()  # no value yet: no document, or no key waiting for its value


class Located(dict):
    """A mapping read from YAML that knows the line of itself and of each key."""

    __slots__ = ("line", "key_lines")
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    __slots__ = ("line", "item_lines")
    line: int
    item_lines: list[int]


def read_yaml(path: Path):
    """Parse a YAML file into Located/LocatedList values (1-based lines).

    Raises
    ------
    InvalidInputError
        The file is unreadable, empty, not UTF-8 text, not valid YAML, or uses
        what story files never need: aliases, tags other than the plain value
        types, more than one document, nesting deeper than ``MAX_DEPTH``.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInputError([Problem(path, None, f"cannot read file: {exc.strerror}")]) from exc
    if b"\x00" in raw:
        raise InvalidInputError([Problem(path, None, "binary file; expected UTF-8 YAML text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInputError(
            [Problem(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); expected UTF-8 YAML")]
        ) from exc
    if not text.strip():
        raise InvalidInputError([Problem(path, None, "empty file; expected a YAML mapping")])
    parser = yaml.CSafeLoader(raw)
    try:
        value = _Builder(path).build(parser.get_event)
    except yaml.YAMLError as exc:
        raise InvalidInputError([_yaml_problem(path, raw, exc)]) from exc
    finally:
        parser.dispose()
    if value is _ABSENT:  # only comments or document markers
        raise InvalidInputError([Problem(path, None, "no content (only comments); expected a YAML mapping")])
    return value


def _yaml_problem(path, raw: bytes, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml reports a byte offset, and no line, for a character it refuses
        line = raw[: exc.position].count(b"\n") + 1
        bad = raw[exc.position:][:4].decode("utf-8", "replace")[:1]
        code = f" (U+{ord(bad):04X})" if bad else ""
        return Problem(path, line, f"invalid YAML: {exc.reason}{code}; expected printable text")
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return Problem(path, mark.line + 1 if mark else None, f"invalid YAML: {problem}")


class _Builder:
    """Turns one document's parser events into Located/LocatedList/scalars."""

    def __init__(self, path):
        self.path = path
        self.constructor = SafeConstructor()

    def fail(self, line: int, message: str):
        raise InvalidInputError([Problem(self.path, line, message)])

    def build(self, next_event):
        """The document's value from libyaml's events, read until the stream ends."""
        # A story file is hundreds of thousands of events: the innermost open
        # collection lives in locals, and only the ones around it on the stack.
        root = _ABSENT
        stack: list[tuple] = []  # enclosing (container, lines, in_list, key, key line), innermost last
        container = lines = None  # the open collection, and its key_lines or item_lines
        in_list = False
        key, key_line = _ABSENT, 0  # a mapping's key waiting for its value
        documents = 0
        while True:
            event = next_event()
            kind = type(event)
            if kind is ScalarEvent:
                value = event.value
                # Most scalars are plain or quoted text and need no resolving; most
                # others are coordinates and adcodes, read here without the general
                # YAML 1.1 number syntax.
                if event.tag is not None or event.style == '"':
                    value = self.scalar(event)
                elif event.implicit[0] and value[:1] in _IMPLICIT:
                    if _DECIMAL.match(value):
                        value = float(value)
                    elif _DECIMAL_INT.match(value):
                        value = int(value)
                    else:
                        value = self.scalar(event)
                line = event.start_mark.line + 1
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                container, lines, in_list, key, key_line = stack.pop()
                continue
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                line = event.start_mark.line + 1
                if event.tag not in _COLLECTION_TAGS:
                    self.fail(line, f"tag {event.tag!r} is not supported; expected a plain mapping or list")
                if len(stack) >= MAX_DEPTH:
                    self.fail(line, f"nested more than {MAX_DEPTH} levels deep; expected a story file's few levels")
                if kind is MappingStartEvent:
                    value = Located()
                    value.key_lines = {}
                else:
                    value = LocatedList()
                    value.item_lines = []
                value.line = line
            elif kind is AliasEvent:
                self.fail(event.start_mark.line + 1,
                          f"alias *{event.anchor} is not allowed in story files; write the value out")
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.fail(event.start_mark.line + 1, "a second YAML document (---); expected one per file")
                continue
            elif kind is StreamEndEvent:
                return root
            else:  # stream start, document end
                continue

            if in_list:
                container.append(value)
                lines.append(line)
            elif container is None:
                root = value
            elif key is _ABSENT:
                if kind is not ScalarEvent:
                    self.fail(line, "expected a plain value as a key")
                if value in container:
                    self.fail(line, f"duplicate key {value!r}")
                key, key_line = value, line
                continue
            else:
                container[key] = value
                lines[key] = key_line
                key = _ABSENT
            if kind is not ScalarEvent:  # open it: what follows goes inside
                stack.append((container, lines, in_list, key, key_line))
                container, in_list, key = value, kind is SequenceStartEvent, _ABSENT
                lines = value.item_lines if in_list else value.key_lines

    def scalar(self, event: ScalarEvent):
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = _STR if tag == "!" or not event.implicit[0] else _resolve(value)
        if tag == _STR:
            if event.style == '"' and UNPRINTABLE.search(value):  # only escapes can put them there
                bad = UNPRINTABLE.search(value).group()
                self.fail(event.start_mark.line + 1,
                          f"text contains the unprintable character U+{ord(bad):04X}; expected printable text")
            return value
        if tag not in _SCALAR_TAGS:
            self.fail(event.start_mark.line + 1,
                      f"tag {tag!r} is not supported; expected text, a number, a date, true/false or null")
        node = ScalarNode(tag, value, event.start_mark, event.end_mark)
        try:
            return self.constructor.yaml_constructors[tag](self.constructor, node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            # e.g. an unquoted 2025-13-01 is read as a date and rejected by datetime
            short = value if len(value) <= 40 else value[:40] + "…"
            self.fail(event.start_mark.line + 1,
                      f"invalid value {short!r}: {exc}; expected a valid date (YYYY-MM-DD), number or text (quote it)")


@functools.lru_cache(maxsize=4096)
def _resolve_short(value: str) -> str:
    return _resolve_tag(value)


def _resolve(value: str) -> str:
    """The implicit tag of a plain scalar, as PyYAML's resolver gives it.

    Short values (keys such as ``name``, adcodes) repeat, so their answer is kept.
    """
    return _resolve_short(value) if len(value) <= 12 else _resolve_tag(value)


def _resolve_tag(value: str) -> str:
    """Plain ``=`` or ``<<`` (YAML 1.1 value and merge keys) stay text."""
    for tag, pattern in _IMPLICIT.get(value[:1] if value else "", ()):
        if pattern.match(value):
            return tag if tag in _SCALAR_TAGS else _STR
    return _STR

