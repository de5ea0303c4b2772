"""Hostile and careless story and gazetteer files: a FILE:LINE problem each, never a crash or a hang.

Each case goes through ``storymap validate`` on a copy of the bundled data. The
alias bomb is small enough to run, and large enough that expanding it (as a
plain YAML loader would) takes minutes and gigabytes: refusing it is the only
way this test finishes. Expected lines are computed from the text written.
"""

from __future__ import annotations

import csv
import datetime
import os

import pytest
import yaml

from storymap.gazetteer import load_gazetteer
from storymap.yamlfile import MAX_DEPTH, Located, read_yaml

from ._helpers import assert_clean_error, line_no, minimal_story


def validate(cli, data):
    return cli("validate", *data.args)


def add_story(data, name: str, text: str):
    path = data.stories_dir / "shanghai" / name
    path.write_text(text, "utf-8")
    return path


def append_to_story(data, text: str):
    """Append top-level YAML to the bundled story; returns the file's new text."""
    full = data.story_file.read_text("utf-8") + text
    data.story_file.write_text(full, "utf-8")
    return full


def plain(value):
    """Located values as the plain dicts and lists yaml.safe_load gives."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# --- the reader reads what PyYAML reads -------------------------------------------


def test_bundled_story_reads_as_pyyaml_reads_it(story_file, story):
    assert plain(read_yaml(story_file)) == story


def test_yaml_1_1_scalars_read_as_pyyaml_reads_them(tmp_path):
    text = """\
plain: text
quoted: "12"
single: '2025-12'
int: 310106
negative: -42
plus: +5
zero: 0
big: 123456789012345678901234
octal: 012
hex: 0x1F
underscored: 1_000
float: 121.4575
exponent: 1.5e3
neg_float: -.5
leading_zero_float: 01.50
trailing_dot: 1.
no_dot_exponent: 1e3
infinity: .inf
not_a_number: .NaN
yes_word: yes
off_word: off
bool: true
null_word: null
tilde: ~
empty:
date: 2025-12-01
month: 2025-12
time: 2025-12-01 10:30:00
sexagesimal: 1:30
block: |
  line one
  line two
folded: >
  folded
  text
escaped: "tab\\there, \\u4e0a\\u6d77"
list: [1, two, 3.0]
nested: {a: [b, {c: d}]}
"""
    path = tmp_path / "values.yaml"
    path.write_text(text, "utf-8")
    expected = yaml.safe_load(text)
    got = plain(read_yaml(path))
    assert repr(got) == repr(expected)  # repr: nan != nan, and 1 == 1.0 == True would hide a wrong type
    assert isinstance(got["date"], datetime.date) and got["octal"] == 10 and got["hex"] == 31


def test_yaml_1_1_value_key_is_text(tmp_path):
    # PyYAML has no constructor for a plain "=" (YAML 1.1's value key); to a story it is text.
    path = tmp_path / "equals.yaml"
    path.write_text("unit: =\n", "utf-8")
    assert read_yaml(path) == {"unit": "="}


def test_lines_of_keys_and_items(tmp_path):
    path = tmp_path / "lines.yaml"
    path.write_text("a: 1\nlist:\n  - x\n  -\n    k: v\n\nlast: 2\n", "utf-8")
    data = read_yaml(path)
    assert isinstance(data, Located)
    assert (data.line, data.line_of("a"), data.line_of("list"), data.line_of("last")) == (1, 1, 2, 7)
    assert data["list"].item_lines == [3, 5]
    assert data["list"][1].line_of("k") == 5


# --- YAML that must be refused -----------------------------------------------------


def alias_bomb(depth: int) -> str:
    """Anchors nested ``depth`` deep, each a list of nine aliases of the previous: 9**depth leaves."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, depth + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_its_first_alias(cli, story_copy):
    bomb = alias_bomb(9)  # 387 million leaves if expanded, from 502 bytes
    text = append_to_story(story_copy, bomb)
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^a1: ')}: alias *a0 is not allowed in story files" in output


def test_self_referencing_alias_is_refused(cli, story_copy):
    text = append_to_story(story_copy, "loop: &a [*a]\n")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^loop: ')}: alias *a is not allowed" in output


def test_alias_of_a_scalar_is_refused_too(cli, story_copy):
    text = minimal_story("aliased", """\
  - id: &pid the-place
    name: 人民广场
    role: story
    gazetteer: *pid
    district: 310101""")
    second = add_story(story_copy, "aliased.yaml", text)
    line = line_no(text, r"gazetteer: \*pid")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{second}:{line}: alias *pid is not allowed" in output


@pytest.mark.parametrize(
    "depth, message",
    [
        (MAX_DEPTH + 1, f"nested more than {MAX_DEPTH} levels deep"),
        (500, f"nested more than {MAX_DEPTH} levels deep"),
        (100_000, "invalid YAML: exceeded maximum nesting depth"),  # libyaml's own limit, met while scanning ahead
    ],
    ids=["just-over", "500", "100k"],
)
def test_deep_nesting_is_refused(cli, story_copy, depth, message):
    text = append_to_story(story_copy, "deep: " + "[" * depth + "]" * depth + "\n")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^deep: ')}: {message}" in output


def test_deep_block_nesting_is_refused(cli, story_copy):
    block = "".join("  " * level + f"k{level}:\n" for level in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "x\n"
    text = append_to_story(story_copy, block)
    output = assert_clean_error(validate(cli, story_copy))
    # The story is the first level; a mapping value starts on the line of its first key.
    line = line_no(text, rf"^ *k{MAX_DEPTH}:")
    assert f"{story_copy.story_file}:{line}: nested more than {MAX_DEPTH} levels deep" in output


@pytest.mark.parametrize(
    "escape, code",
    [("\\x07", "U+0007"), ("\\a", "U+0007"), ("\\0", "U+0000"), ("\\e", "U+001B"), ("\\x9b", "U+009B")],
    ids=["bell-hex", "bell", "nul", "escape", "c1-csi"],
)
def test_control_character_escape_is_refused(cli, story_copy, escape, code):
    text = append_to_story(story_copy, f'reporters_note: "a{escape}b"\n')
    output = assert_clean_error(validate(cli, story_copy))
    assert (f"{story_copy.story_file}:{line_no(text, r'^reporters_note:')}: text contains the unprintable "
            f"character {code}; expected printable text") in output


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\U0010ffff\\ud83d"], ids=["high", "low", "after-valid"])
def test_surrogate_escape_is_refused(cli, story_copy, escape):
    text = append_to_story(story_copy, f'bad: "{escape}"\n')
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^bad:')}: invalid YAML" in output


def test_raw_control_character_names_its_line(cli, story_copy):
    text = append_to_story(story_copy, "note: before\x07after\n")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^note: before')}: invalid YAML: control characters are not " \
           "allowed (U+0007); expected printable text" in output


@pytest.mark.parametrize(
    "value",
    ["!!python/object/apply:os.system ['true']", "!!binary aGVsbG8=", "!!set {a, b}", "!custom x"],
    ids=["python-object", "binary", "set", "local-tag"],
)
def test_tags_other_than_plain_values_are_refused(cli, story_copy, value):
    text = append_to_story(story_copy, f"tagged: {value}\n")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^tagged:')}: tag " in output
    assert "is not supported" in output


def test_second_document_is_refused(cli, story_copy):
    text = append_to_story(story_copy, "---\nid: another\n")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^---$')}: a second YAML document" in output


def test_complex_key_is_refused(cli, story_copy):
    text = append_to_story(story_copy, "? [a, b]\n: c\n")
    line = line_no(text, r"^\? ")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line}: expected a plain value as a key" in output


# --- values of the wrong kind ------------------------------------------------------


def test_huge_number_in_a_fact_is_a_problem_not_an_overflow(cli, story_copy):
    text = story_copy.story_file.read_text("utf-8")
    fact_value = next(line for line in text.splitlines() if line.startswith("    value: "))
    text = text.replace(fact_value + "\n", "    value: " + "9" * 400 + "\n", 1)
    story_copy.story_file.write_text(text, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    line = line_no(text, r"^    value: 9{400}$")
    assert f"{story_copy.story_file}:{line}: field 'facts[" in output
    assert "value' is a number of 400 digits; expected a number" in output


def test_integer_too_long_to_read_is_a_problem(cli, story_copy):
    text = append_to_story(story_copy, "big: " + "7" * 5000 + "\n")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^big: ')}: invalid value '7777" in output


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_title_that_is_not_a_finite_number_is_not_a_title(cli, story_copy, value):
    text = story_copy.story_file.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    text = text.replace(title + "\n", f"title: {value}\n", 1)
    story_copy.story_file.write_text(text, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^title: ')}: field 'title' is " in output
    assert "; expected text" in output


@pytest.mark.parametrize(
    "reporters, bad_index, described",
    [
        ("\n  - 杜英姿\n  - {name: 王迪}\n", 1, "a mapping"),
        ("\n  - 杜英姿\n  - [王迪]\n", 1, "a list"),
        ("\n  - true\n", 0, "the boolean True"),
        ("\n  - ''\n", 0, "''"),
    ],
    ids=["mapping", "nested-list", "boolean", "empty"],
)
def test_reporters_must_be_a_list_of_names(cli, story_copy, reporters, bad_index, described):
    text = story_copy.story_file.read_text("utf-8")
    start = text.index("reporters:\n")
    end = text.index("\nsource:", start)
    text = text[:start] + "reporters:" + reporters.rstrip("\n") + text[end:]
    story_copy.story_file.write_text(text, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    line = line_no(text, r"^reporters:") + 1 + bad_index
    assert (f"{story_copy.story_file}:{line}: field 'reporters[{bad_index}]' is {described}; "
            "expected a list of names (text)") in output


def test_english_reporters_must_be_names_too(cli, story_copy):
    text = story_copy.story_file.read_text("utf-8")
    english = text[text.index("reporters_en:\n"):text.index("\nsource:")]
    text = text.replace(english, "reporters_en:\n  - Du Yingzi\n  - 42", 1)
    story_copy.story_file.write_text(text, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    line = line_no(text, r"^  - 42$")
    assert (f"{story_copy.story_file}:{line}: field 'reporters_en[1]' is the number 42; "
            "expected a list of names (text)") in output


def test_reporters_given_as_text_is_reported(cli, story_copy):
    text = story_copy.story_file.read_text("utf-8")
    start = text.index("reporters:\n")
    end = text.index("\nsource:", start)
    text = text[:start] + "reporters: 杜英姿、王迪" + text[end:]
    story_copy.story_file.write_text(text, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^reporters:')}: field 'reporters' is '杜英姿、王迪'; " \
           "expected a list" in output


def test_long_value_is_shortened_in_the_message(cli, story_copy):
    text = append_to_story(story_copy, "")
    text = text.replace('date: "2025-12"\n', f'date: "{"x" * 100_000}"\n', 1)
    story_copy.story_file.write_text(text, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^date: ')}: field 'date' is 'xxx" in output
    assert "… (100,002 characters); expected YYYY-MM-DD or YYYY-MM" in output
    assert len(output) < 2_000


def test_source_file_name_too_long_for_the_file_system_is_a_missing_file(cli, story_copy):
    name = "a" * 300 + ".txt"
    text = story_copy.story_file.read_text("utf-8")
    text = text.replace("  file: source-000_9ef9a491ed0e4555.txt\n", f"  file: {name}\n", 1)
    story_copy.story_file.write_text(text, "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.story_file}:{line_no(text, r'^  file: a{300}')}: field 'source.file' is 'aaa" in output
    assert "but no such file is next to the story" in output


# --- story files that are links ----------------------------------------------------


def test_dangling_symlink_is_reported(cli, story_copy):
    link = story_copy.stories_dir / "shanghai" / "moved.yaml"
    os.symlink("no-such-story.yaml", link)
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{link}: symbolic link to 'no-such-story.yaml' points to a file that does not exist" in output


def test_looping_symlink_is_reported(cli, story_copy):
    link = story_copy.stories_dir / "shanghai" / "loop.yaml"
    os.symlink("loop.yaml", link)
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{link}: symbolic link to 'loop.yaml' loops back on itself" in output


def test_symlink_to_a_story_is_read(cli, story_copy, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(minimal_story("linked-story", """\
  - id: the-place
    name: 人民广场
    role: story
    lon: 121.4737
    lat: 31.2304
    crs: wgs84
    source: test
    precision: point
    district: 310101"""), "utf-8")
    os.symlink(outside, story_copy.stories_dir / "shanghai" / "linked.yaml")
    result = validate(cli, story_copy)
    assert result.exit_code == 0, result.output
    assert "OK: 2 stories" in result.output


# --- gazetteer ---------------------------------------------------------------------


def test_gazetteer_saved_with_a_byte_order_mark_is_accepted(cli, story_copy, bundled_geodata_dir):
    raw = story_copy.gazetteer.read_bytes()
    story_copy.gazetteer.write_bytes(b"\xef\xbb\xbf" + raw)
    result = validate(cli, story_copy)
    assert result.exit_code == 0, result.output
    with_bom = load_gazetteer(story_copy.gazetteer)
    without = load_gazetteer(bundled_geodata_dir / "gazetteer.csv")
    assert [e.id for e in with_bom.entries] == [e.id for e in without.entries]


def test_gazetteer_cell_over_the_csv_field_limit_is_a_clear_error(cli, story_copy):
    rows = story_copy.gazetteer.read_text("utf-8").splitlines(keepends=True)
    limit = csv.field_size_limit()
    rows.insert(2, f'huge,巨大,,121.47,31.23,wgs84,point,310101,"{"x" * (limit + 1)}",\n')
    story_copy.gazetteer.write_text("".join(rows), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:3: unreadable CSV (field larger than field limit ({limit}))" in output
    assert f"expected cells of at most {limit:,} characters" in output


def test_gazetteer_unclosed_quote_is_a_clear_error(cli, story_copy):
    rows = story_copy.gazetteer.read_text("utf-8").splitlines(keepends=True)
    rows.append('broken,破,,121.47,31.23,wgs84,point,310101,"an unclosed quote\n')
    broken_line = len(rows)
    rows.append("x" * csv.field_size_limit() + "\n")
    story_copy.gazetteer.write_text("".join(rows), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert f"{story_copy.gazetteer}:{broken_line}: unreadable CSV (field larger than field limit" in output
    assert "an unclosed quote makes one cell of everything after it" in output


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"], ids=["nul", "escape", "delete"])
def test_gazetteer_control_character_is_a_clear_error(cli, story_copy, character):
    rows = story_copy.gazetteer.read_text("utf-8").splitlines(keepends=True)
    rows[3] = rows[3].replace(",", f",{character}", 1)
    story_copy.gazetteer.write_text("".join(rows), "utf-8")
    output = assert_clean_error(validate(cli, story_copy))
    assert (f"{story_copy.gazetteer}:4: column 'name' contains the unprintable character U+{ord(character):04X}; "
            "expected printable text") in output
