"""Place edits on a story file, keeping its comments and layout (ruamel.yaml round trip).

A story file is read into ruamel's commented mappings and sequences, edited in
place and written back: untouched lines come out as they went in. ruamel keeps
a comment line with the key *before* it, so the comments above a place (the
draft's evidence) travel on the last key of the place before, and a comment
under a key travels on that key. The helpers here move those comments when a
key or a list item goes, so that the evidence stays above the place it is about
and nothing the editor wrote is lost. Pure: text in, text out.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from ..errors import StorymapError
from ..stories import ROLES

POINT_KEYS = ("gazetteer", "lon", "lat", "crs", "source", "precision")
# What the draft says about a place that a located place no longer needs.
TODO_COORDINATES = "# TODO coordinates"
TODO_DISTRICT = "# TODO district"
DISTRICT_POINT = "# a point inside the district polygon"
# The note `storymap ingest` writes above each place, and the mark of a place the editor accepted.
DRAFT_NOTE = re.compile(r"^# \d+ mention\(s\); ")
CHECKED = "# checked on the desk"
ADDED = "# added on the desk"
NO_STORY_PLACE = "# no story place named"  # ingest's note on a passage without a place


class UnknownPlace(StorymapError):
    """A place id the story file does not have."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never fold a long line the editor wrote on one
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str) -> CommentedMap:
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        raise StorymapError(f"cannot read the story file as YAML: {exc}") from exc
    if not isinstance(data, CommentedMap) or not isinstance(data.get("places"), CommentedSeq):
        raise StorymapError("the story file has no 'places' list; expected a story (docs/story-format.md)")
    return data


def dump(data: CommentedMap) -> str:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue()


def place_index(data: CommentedMap, place_id: str) -> int:
    for index, place in enumerate(data["places"]):
        if isinstance(place, CommentedMap) and place.get("id") == place_id:
            return index
    ids = ", ".join(str(p.get("id")) for p in data["places"] if isinstance(p, CommentedMap))
    raise UnknownPlace(f"no place {place_id!r} in the story; expected one of {ids}")


def find_place(data: CommentedMap, place_id: str) -> CommentedMap:
    return data["places"][place_index(data, place_id)]


# --- edits ----------------------------------------------------------------

def set_gazetteer_point(data: CommentedMap, place_id: str, row_id: str, district: str) -> None:
    """Locate a place by a gazetteer row: explicit coordinates and the draft's to-do notes go."""
    place = find_place(data, place_id)
    with _tail_kept(place):
        for key in POINT_KEYS:
            if key in place:
                _delete_key(place, key)
        _drop_comment_lines(place, (TODO_COORDINATES, TODO_DISTRICT, DISTRICT_POINT))
        after = "role" if "role" in place else "name"
        place.insert(list(place).index(after) + 1, "gazetteer", row_id)
        if place.get("district") != district:
            if "district" in place:
                _delete_key(place, "district")
            place["district"] = DoubleQuotedScalarString(district)


def rename(data: CommentedMap, place_id: str, name: str | None = None, name_en: str | None = None) -> None:
    place = find_place(data, place_id)
    with _tail_kept(place):
        if name is not None:
            if not name.strip():
                raise StorymapError("name is empty; expected the place's name as the article prints it")
            place["name"] = DoubleQuotedScalarString(name.strip())
        if name_en is not None:
            if name_en.strip():
                if "name_en" in place:
                    place["name_en"] = DoubleQuotedScalarString(name_en.strip())
                else:
                    place.insert(list(place).index("name") + 1, "name_en", DoubleQuotedScalarString(name_en.strip()))
            elif "name_en" in place:
                _delete_key(place, "name_en")


def add_place(data: CommentedMap, place_id: str, name: str, role: str) -> None:
    """A place the draft missed, after the others, anchored where the story's passages name it.

    A story point becomes the place of each passage that has none and names it;
    otherwise the passages that name it mention it. Its point is still to be given.
    """
    name = name.strip()
    if not name:
        raise StorymapError("name is empty; expected the place's name as the article prints it")
    if role not in ROLES:
        raise StorymapError(f"role is {role!r}; expected {' or '.join(ROLES)}")
    places = data["places"]
    taken = {p.get("id"): p.get("name") for p in places if isinstance(p, CommentedMap)}
    if name in taken.values():
        raise StorymapError(f"name {name!r} is a place of the story already; expected a place it does not have")
    if place_id in taken:
        raise StorymapError(f"id {place_id!r} is taken by {taken[place_id]!r}; expected a new id")
    place = CommentedMap([("id", place_id), ("name", DoubleQuotedScalarString(name)), ("role", role)])
    if places and isinstance(places[-1], CommentedMap) and places[-1]:
        before = places[-1]
        last = list(before)[-1]
        eol, below = _split(_comment(before, last))
        inner, tail = _split_below(before, below)  # the tail belongs to what follows the list
        _set_comment(before, last, _join(eol, inner + f"{' ' * (before.lc.col - 2 if before.lc.col else 2)}{ADDED}\n"))
        if tail:
            _set_comment(place, "role", _join("", tail), like=_token(before, last))
    places.append(place)
    for excerpt in _records(data, "excerpts"):
        if name not in str(excerpt.get("text") or ""):
            continue
        if role == "story" and excerpt.get("place") is None:
            _insert_after(excerpt, "section", "place", place_id)
            _drop_comment_lines(excerpt, (NO_STORY_PLACE,))
        else:
            mentions = excerpt.get("mentions")
            if isinstance(mentions, list):
                if place_id not in mentions:
                    mentions.append(place_id)
            else:
                listed = CommentedSeq([place_id])
                listed.fa.set_flow_style()
                _insert_after(excerpt, "place" if "place" in excerpt else "section", "mentions", listed)


def _insert_after(mapping: CommentedMap, key, new_key, value) -> None:
    """Insert ``new_key`` after ``key`` (or first); the comment lines under ``key`` move under the new key."""
    keys = list(mapping)
    at = keys.index(key) + 1 if key in keys else 0
    mapping.insert(at, new_key, value)
    if key in keys:
        eol, below = _split(_comment(mapping, key))
        if below:
            _set_comment(mapping, key, eol, like=_token(mapping, key))
            _set_comment(mapping, new_key, _join("", below), like=_token(mapping, key))


def set_role(data: CommentedMap, place_id: str, role: str) -> None:
    if role not in ROLES:
        raise StorymapError(f"role is {role!r}; expected {' or '.join(ROLES)}")
    find_place(data, place_id)["role"] = role


def reject(data: CommentedMap, place_id: str) -> None:
    """Remove a place and every reference to it (excerpt anchors and mentions, facts, photos)."""
    _remove_place(data, place_id, replacement=None)


def merge(data: CommentedMap, place_id: str, into: str) -> None:
    """Fold place ``place_id`` into ``into``: its anchors and mentions become the other's."""
    if place_id == into:
        raise StorymapError(f"cannot merge place {place_id!r} into itself; expected another place id")
    find_place(data, into)
    _remove_place(data, place_id, replacement=into)


def _remove_place(data: CommentedMap, place_id: str, replacement: str | None) -> None:
    places = data["places"]
    index = place_index(data, place_id)
    for excerpt in _records(data, "excerpts"):
        mentions = excerpt.get("mentions")
        if excerpt.get("place") == place_id:
            if replacement is not None:
                excerpt["place"] = replacement
            else:
                _delete_key(excerpt, "place")
        if isinstance(mentions, list):
            kept = []
            for value in mentions:
                value = replacement if value == place_id else value
                if value is not None and value != excerpt.get("place") and value not in kept:
                    kept.append(value)
            if not kept:
                _delete_key(excerpt, "mentions")
            elif kept != list(mentions):
                mentions[:] = kept
    for key in ("facts", "photos"):
        for record in _records(data, key):
            if record.get("place") == place_id:
                if replacement is not None:
                    record["place"] = replacement
                else:
                    _delete_key(record, "place")
    _remove_item(places, index, data)


def accept(data: CommentedMap, place_id: str) -> None:
    """Mark a candidate as checked by the editor: the note above the place says so (its evidence stays)."""
    places = data["places"]
    index = place_index(data, place_id)
    lines = _header(places, index).splitlines(keepends=True)
    if lines and lines[-1].strip().startswith(CHECKED):
        return
    if lines and DRAFT_NOTE.match(lines[-1].strip()):
        lines[-1] = lines[-1].replace("# ", f"{CHECKED}; ", 1)
    else:
        lines.append(f"  {CHECKED}\n")
    _set_header(places, index, "".join(lines), data)


def checked(data: CommentedMap) -> set[str]:
    """The ids of the places the editor has accepted on the desk."""
    return _marked(data, lambda note: note.startswith(CHECKED))


def unchecked(data: CommentedMap) -> set[str]:
    """The ids of the draft's candidates not accepted yet (``storymap ingest``'s note above them, unmarked).

    A place written by hand carries no such note: it is nobody's candidate.
    """
    return _marked(data, lambda note: bool(DRAFT_NOTE.match(note)))


def _marked(data: CommentedMap, says) -> set[str]:
    """The ids of the places whose note (the comment line right above them) ``says(note)``."""
    places = data["places"]
    return {place.get("id") for index, place in enumerate(places)
            if isinstance(place, CommentedMap) and says((_header(places, index).splitlines() or [""])[-1].strip())}


def _records(data: CommentedMap, key: str) -> list[CommentedMap]:
    items = data.get(key)
    return [item for item in items if isinstance(item, CommentedMap)] if isinstance(items, list) else []


# --- comments -------------------------------------------------------------
# ruamel keeps a key's comments in mapping.ca.items[key][2]: a token whose text
# is the end-of-line comment (if any) and then every whole comment line below
# the value, up to the next key or item. Lines indented like the mapping's keys
# belong to it; lines indented less belong to what follows (the next item).

def _token(mapping, key):
    return mapping.ca.items.get(key, [None, None, None, None])[2]


def _comment(mapping, key) -> str:
    token = _token(mapping, key)
    return token.value if token is not None else ""


def _set_comment(mapping, key, text: str, like=None) -> None:
    """Set a key's comment text, keeping the column of its token (or of ``like``'s) for the end-of-line part."""
    entry = mapping.ca.items.setdefault(key, [None, None, None, None])
    token = entry[2] or like
    if not text:
        entry[2] = None
    elif token is not None:
        entry[2] = CommentToken(text, token.start_mark, None)
    else:
        entry[2] = CommentToken(text, CommentMark(0), None)
    if not any(entry):
        del mapping.ca.items[key]


def _split(text: str) -> tuple[str, str]:
    """(end-of-line comment with its newline, the lines below it)."""
    if not text or text.startswith("\n"):
        return "", text[1:] if text.startswith("\n") else text
    first, _, rest = text.partition("\n")
    return first + "\n", rest


def _join(eol: str, below: str) -> str:
    if not below:
        return eol
    return (eol or "\n") + below


def _split_below(mapping: CommentedMap, below: str) -> tuple[str, str]:
    """(lines indented as the mapping's keys, the lines from the first one indented less on)."""
    column = mapping.lc.col if mapping.lc.col is not None else 4
    lines = below.splitlines(keepends=True)
    inner = []
    for number, line in enumerate(lines):
        if not line.strip() or len(line) - len(line.lstrip(" ")) < column:
            return "".join(inner), "".join(lines[number:])
        inner.append(line)
    return "".join(inner), ""


def _delete_key(mapping: CommentedMap, key) -> None:
    """Delete a key; the comment lines under it move to the key before (its own end-of-line comment goes)."""
    keys = list(mapping)
    token = _token(mapping, key)
    _, below = _split(_comment(mapping, key))
    position = keys.index(key)
    del mapping[key]
    mapping.ca.items.pop(key, None)
    if below and position > 0:
        previous = keys[position - 1]
        eol, previous_below = _split(_comment(mapping, previous))
        _set_comment(mapping, previous, _join(eol, previous_below + below), like=token)


@contextmanager
def _tail_kept(mapping: CommentedMap):
    """Keep the comment lines that follow a list item (the next item's header) after its last key."""
    last = list(mapping)[-1]
    token = _token(mapping, last)
    eol, below = _split(_comment(mapping, last))
    inner, tail = _split_below(mapping, below)
    _set_comment(mapping, last, _join(eol, inner))
    try:
        yield
    finally:
        new_last = list(mapping)[-1]
        own_eol, own_below = _split(_comment(mapping, new_last))
        _set_comment(mapping, new_last, _join(own_eol, own_below + tail), like=token)


def _drop_comment_lines(mapping: CommentedMap, starts: tuple[str, ...]) -> None:
    """Remove whole comment lines starting with any of ``starts`` from the mapping's keys."""
    for key in list(mapping):
        eol, below = _split(_comment(mapping, key))
        lines = below.splitlines(keepends=True)
        kept = [line for line in lines if not line.strip().startswith(starts)]
        if len(kept) != len(lines):
            _set_comment(mapping, key, _join(eol, "".join(kept)))


def _header(items: CommentedSeq, index: int) -> str:
    """The comment lines right above list item ``index`` (each with its indentation)."""
    if index == 0:
        tokens = (items.ca.comment or [None, None])[1] or []
        return "".join(" " * t.column + t.value if not t.value.startswith(" ") else t.value for t in tokens)
    before = items[index - 1]
    if not isinstance(before, CommentedMap) or not before:
        return ""
    _, below = _split(_comment(before, list(before)[-1]))
    return _split_below(before, below)[1]


def _set_header(items: CommentedSeq, index: int, text: str, parent: CommentedMap) -> None:
    if index > 0:
        before = items[index - 1]
        last = list(before)[-1]
        eol, below = _split(_comment(before, last))
        _set_comment(before, last, _join(eol, _split_below(before, below)[0] + text))
        return
    column = len(text) - len(text.lstrip(" "))
    old = (items.ca.comment or [None, None])[1]
    header = [CommentToken(text[column:], old[0].start_mark if old else CommentMark(column), None)]
    if items.ca.comment:
        items.ca.comment[1] = header
    else:
        items.ca.comment = [None, header]
    for key, value in parent.items():
        if value is items and key in parent.ca.items and len(parent.ca.items[key]) > 3:
            parent.ca.items[key][3] = header


def _remove_item(items: CommentedSeq, index: int, parent: CommentedMap) -> None:
    """Remove a list item with the comment lines above it; those below it now follow the item before."""
    item = items[index]
    tail = ""
    if isinstance(item, CommentedMap) and item:
        _, below = _split(_comment(item, list(item)[-1]))
        tail = _split_below(item, below)[1]
    if index > 0 and isinstance(items[index - 1], CommentedMap):
        before = items[index - 1]
        last = list(before)[-1]
        eol, below = _split(_comment(before, last))
        inner = _split_below(before, below)[0]  # the lines above the removed item go with it
        _set_comment(before, last, _join(eol, inner + tail))
    elif index == 0:
        # The lines above the first item hang on the list itself (and on its key in the parent).
        old = (items.ca.comment or [None, None])[1]
        column = len(tail) - len(tail.lstrip(" "))
        header = [CommentToken(tail[column:], old[0].start_mark if old else CommentMark(column), None)] \
            if tail.strip() else None
        if items.ca.comment:
            items.ca.comment[1] = header
        for key, value in parent.items():
            if value is items and key in parent.ca.items and len(parent.ca.items[key]) > 3:
                parent.ca.items[key][3] = header
    del items[index]
