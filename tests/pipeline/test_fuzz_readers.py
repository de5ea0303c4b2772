"""Fuzzing the story reader and the gazetteer reader (Hypothesis, bounded for CI).

Whatever the bytes, reading them ends in a story list or an InvalidInputError
whose every problem names the file (and a line, when there is one) with a
message: never another exception, never a hang. Hypothesis's ``deadline`` is
the time limit per input; it is generous, so a slow machine does not fail it,
but an input that makes the reader expand or loop blows through it.

Inputs: raw bytes; arbitrary text; the bundled files with random edits
(characters, lines and YAML/CSV syntax spliced in, lines dropped or repeated);
and generated YAML documents shaped like stories, with hostile scalars.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storymap.errors import InvalidInputError
from storymap.gazetteer import COLUMNS, Gazetteer, load_gazetteer
from storymap.stories import KEYS, load_stories
from tests.conftest import REPO_ROOT
from tests.reference import STORY_RELPATH

STORY_TEXT = REPO_ROOT.joinpath("stories", *STORY_RELPATH).read_text("utf-8")
SOURCE_FILE = REPO_ROOT / "stories" / STORY_RELPATH[0] / "source-000_9ef9a491ed0e4555.txt"
GAZETTEER_TEXT = (REPO_ROOT / "geodata" / "shanghai" / "gazetteer.csv").read_text("utf-8")

FUZZ = settings(
    # A longer hunt: STORYMAP_FUZZ_EXAMPLES=2000 pytest tests/pipeline/test_fuzz_readers.py
    max_examples=int(os.environ.get("STORYMAP_FUZZ_EXAMPLES", "60")),
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

YAML_SYNTAX = [
    "&a ", "*a", "&a [*a, *a]", "!!python/object/apply:os.system ['true']", "!!binary aGk=", "!custom ",
    "[" * 50, "]", "{", "}", "? ", ": ", "- ", "---\n", "...\n", "|\n", ">-\n", "\t", "#", "%YAML 1.1\n",
    '"\\x07"', '"\\ud800"', '"\\U0010ffff"', '"\\0"', ".inf", ".nan", "9" * 400, "0x" + "f" * 500, "7" * 5000,
    "2025-13-45", "~", "null", "yes", "=", "<<: *a", "'", '"', "\\", "\x85", "\u2028", "\ufeff", "\x00",
]
CSV_SYNTAX = [
    '"', '""', ",", "\n", "\r\n", "\r", "\x00", "\ufeff", "|", "gcj02", "wgs84", "bd09", "nan", "inf", "-0",
    "1e400", "9" * 400, "121.47", "31.23", "310101", "x" * 140_000, "\u2028", "\t", "\x1b",
]

KEY_NAMES = sorted({key for keys in KEYS.values() for key in keys})
HOSTILE_SCALARS = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(["310101", "310000", "wgs84", "gcj02", "story", "mentioned", "point", "renewal", "2025-12"]),
)


def story_shaped():
    """YAML documents with the story format's keys and anything as values."""
    return st.recursive(
        HOSTILE_SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.sampled_from(KEY_NAMES) | st.text(max_size=8), children, max_size=6),
        ),
        max_leaves=40,
    ).map(lambda value: yaml.safe_dump(value, allow_unicode=True, sort_keys=False))


@st.composite
def edited(draw, text: str, syntax: list[str]):
    """``text`` after a few random edits at random places."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(st.sampled_from(["insert", "replace-line", "drop-line", "repeat-line", "truncate"]))
        index = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        if not lines:
            lines = [""]
        piece = draw(st.sampled_from(syntax) | st.text(max_size=12))
        if kind == "insert":
            line = lines[index]
            at = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:at] + piece + line[at:]
        elif kind == "replace-line":
            lines[index] = piece + "\n"
        elif kind == "drop-line":
            del lines[index]
        elif kind == "repeat-line":
            lines.insert(index, lines[index])
        else:
            lines = lines[: index + 1]
            lines[-1] = lines[-1][: draw(st.integers(min_value=0, max_value=len(lines[-1])))]
    return "".join(lines)


def encoded(texts):
    """Text as UTF-8, sometimes with a byte-order mark or a stray invalid byte."""
    return st.tuples(texts, st.sampled_from([b"", b"\xef\xbb\xbf"]), st.sampled_from([b"", b"\xff", b"\xc3"])).map(
        lambda parts: parts[1] + parts[0].encode("utf-8", "surrogatepass") + parts[2]
    )


STORY_INPUTS = st.one_of(
    st.binary(max_size=3000),
    encoded(st.text(max_size=2000)),
    encoded(edited(STORY_TEXT, YAML_SYNTAX)),
    encoded(story_shaped()),
)
GAZETTEER_INPUTS = st.one_of(
    st.binary(max_size=3000),
    encoded(st.text(max_size=2000)),
    encoded(edited(GAZETTEER_TEXT, CSV_SYNTAX)),
    encoded(st.lists(st.lists(st.sampled_from(CSV_SYNTAX) | st.text(max_size=20), max_size=12), max_size=10).map(
        lambda rows: ",".join(COLUMNS) + "\n" + "\n".join(",".join(row) for row in rows)
    )),
)


def assert_clean_problems(exc: InvalidInputError, path: Path) -> None:
    assert exc.problems, "an InvalidInputError must list at least one problem"
    for problem in exc.problems:
        assert str(problem.file) in (str(path), str(path.parent)), problem
        assert problem.line is None or (isinstance(problem.line, int) and problem.line >= 1), problem
        assert problem.message.strip(), problem
        str(problem).encode("utf-8")  # printable: no lone surrogates reach a message


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="storymap-fuzz-") as tmp:
        yield Path(tmp)


@FUZZ
@given(content=STORY_INPUTS)
def test_story_reader_gives_stories_or_a_clean_problem_list(workdir, content):
    stories_dir = workdir / "stories"
    shutil.rmtree(stories_dir, ignore_errors=True)
    (stories_dir / "shanghai").mkdir(parents=True)
    shutil.copy(SOURCE_FILE, stories_dir / "shanghai" / SOURCE_FILE.name)
    path = stories_dir / "shanghai" / "story.yaml"
    path.write_bytes(content)
    try:
        stories = load_stories(stories_dir)
    except InvalidInputError as exc:
        assert_clean_problems(exc, path)
    else:
        assert [s.file for s in stories] == [path]


@FUZZ
@given(content=GAZETTEER_INPUTS)
def test_gazetteer_reader_gives_entries_or_a_clean_problem_list(workdir, content):
    path = workdir / "gazetteer.csv"
    path.write_bytes(content)
    try:
        gazetteer = load_gazetteer(path)
    except InvalidInputError as exc:
        assert_clean_problems(exc, path)
    else:
        assert isinstance(gazetteer, Gazetteer)
        for entry in gazetteer.entries:
            assert entry.id and entry.name and entry.line >= 2
