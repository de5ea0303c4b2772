"""Reading YAML while remembering the line of every value, for error messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import InvalidInputError, Problem


class Located(dict):
    """A mapping read from YAML that knows the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    line: int
    item_lines: list[int]


def read_yaml(path: Path):
    """Parse a YAML file into Located/LocatedList values (1-based lines).

    Raises
    ------
    InvalidInputError
        The file is unreadable, empty, not UTF-8 text, or not valid YAML.
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
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInputError([Problem(path, line, f"invalid YAML: {problem}")]) from exc
    if node is None:  # only comments or document markers
        raise InvalidInputError([Problem(path, None, "no content (only comments); expected a YAML mapping")])
    return _convert(node, path)


def _convert(node, path):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = Located()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path)
            if key in result:
                raise InvalidInputError(
                    [Problem(path, key_node.start_mark.line + 1, f"duplicate key {key!r}")]
                )
            result[key] = _convert(value_node, path)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LocatedList(_convert(item, path) for item in node.value)
        items.line = line
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    return _scalar(node, path)


def _scalar(node, path):
    if not isinstance(node, yaml.ScalarNode):
        raise InvalidInputError([Problem(path, node.start_mark.line + 1, "expected a plain value")])
    constructor = yaml.SafeLoader(node.value)
    try:
        return constructor.construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # e.g. an unquoted 2025-13-01 is read as a date and rejected by datetime
        raise InvalidInputError(
            [Problem(path, node.start_mark.line + 1, f"invalid value {node.value!r}: {exc}; "
                     "expected a valid date (YYYY-MM-DD), number or text (quote it)")]
        ) from exc
    finally:
        constructor.dispose()
