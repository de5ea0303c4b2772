"""Place edits on a story file keep its comments and layout (ruamel.yaml round trip)."""

from __future__ import annotations

import difflib

import pytest
import yaml

from storymap.desk import storyfile
from storymap.errors import StorymapError

from .draft_project import DRAFT


def edited(edit) -> str:
    data = storyfile.load(DRAFT)
    edit(data)
    return storyfile.dump(data)


def removed_and_added(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines a line diff removes and adds."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def test_an_unedited_file_comes_back_byte_for_byte():
    assert storyfile.dump(storyfile.load(DRAFT)) == DRAFT


def test_placing_names_the_row_and_drops_only_the_todo_note():
    after = edited(lambda d: storyfile.set_gazetteer_point(d, "mo-su-kongjian", "mo-su-kongjian", "310104"))
    removed, added = removed_and_added(DRAFT, after)
    assert removed == ["    # TODO coordinates: not in the gazetteer. Add a sourced point with "
                       "`storymap gazetteer add 模速空间 …`"]
    assert added == ["    gazetteer: mo-su-kongjian"]
    lines = after.splitlines()
    at = lines.index("  - id: mo-su-kongjian")
    # The evidence above the place stays above it; the district keeps its end-of-line comment.
    assert lines[at - 1].startswith("  # 2 mention(s); first in chuangxin-1")
    assert lines[at + 3:at + 5] == ["    gazetteer: mo-su-kongjian", '    district: "310104"  # from text: 来到徐汇区的“模速空间”']
    assert lines[at + 5].startswith("  # 1 mention(s); first in chuangxin-2 [0:3]")


def test_placing_a_place_without_a_district_adds_it_and_keeps_the_next_places_evidence():
    after = edited(lambda d: storyfile.set_gazetteer_point(d, "tongji-daxue", "tongji", "310110"))
    removed, added = removed_and_added(DRAFT, after)
    assert [line.strip()[:16] for line in removed] == ["# TODO coordinat", "# TODO district:"]
    assert added == ["    gazetteer: tongji", '    district: "310110"']
    lines = after.splitlines()
    at = lines.index('    district: "310110"')
    assert lines[at + 1].startswith("  # 1 mention(s); first in chuangxin-2 [29:31]")
    assert lines[at + 2] == "  - id: waitan"


def test_replacing_explicit_coordinates_by_a_row():
    after = edited(lambda d: storyfile.set_gazetteer_point(d, "zhangningqu", "changning", "310105"))
    removed, added = removed_and_added(DRAFT, after)
    assert len(removed) == 6 and added == ["    gazetteer: changning"]
    place = yaml.safe_load(after)["places"][2]
    assert place == {"id": "zhangningqu", "name": "长宁区", "role": "story", "gazetteer": "changning",
                     "district": "310105"}


def test_reject_removes_the_place_its_evidence_and_every_reference():
    after = edited(lambda d: storyfile.reject(d, "tongji-daxue"))
    story = yaml.safe_load(after)
    assert "tongji-daxue" not in after and "同济大学\n" not in after
    assert [p["id"] for p in story["places"]] == ["tan-jia-qiao-lu-xiaoqu", "mo-su-kongjian", "zhangningqu", "waitan"]
    assert story["excerpts"][2]["mentions"] == ["waitan"]
    assert "place" not in story["photos"][0]
    lines = after.splitlines()
    # The evidence of the next place (外滩) is still right above it, and nothing else moved.
    assert lines[lines.index("  - id: waitan") - 1].startswith("  # 1 mention(s); first in chuangxin-2 [29:31]")
    removed, added = removed_and_added(DRAFT, after)
    assert added == ["    mentions: [waitan]"]
    # the place's evidence and its 5 lines, the old mentions line, the photo's place
    assert len(removed) == 8 and "    mentions: [tongji-daxue, waitan]" in removed


def test_reject_the_first_place_keeps_the_next_evidence_as_the_lists_header():
    after = edited(lambda d: storyfile.reject(d, "tan-jia-qiao-lu-xiaoqu"))
    lines = after.splitlines()
    at = lines.index("places:")
    assert lines[at + 1].startswith("  # 2 mention(s); first in chuangxin-1") and lines[at + 2] == "  - id: mo-su-kongjian"
    excerpt = yaml.safe_load(after)["excerpts"][0]
    assert "place" not in excerpt
    assert "    # source line 5" in lines  # the comment under the removed anchor moved up, not away


def test_merge_moves_anchors_and_mentions():
    after = edited(lambda d: storyfile.merge(d, "tongji-daxue", "waitan"))
    story = yaml.safe_load(after)
    assert story["excerpts"][2]["mentions"] == ["waitan"]
    assert story["photos"][0]["place"] == "waitan"
    assert "tongji-daxue" not in after


def test_rename_and_role():
    def edit(data):
        storyfile.rename(data, "mo-su-kongjian", "模速空间大模型创新生态社区", "Modu Space")
        storyfile.set_role(data, "mo-su-kongjian", "mentioned")

    after = edited(edit)
    removed, added = removed_and_added(DRAFT, after)
    assert removed == ['    name: "模速空间"', "    role: story"]
    assert added == ['    name: "模速空间大模型创新生态社区"', '    name_en: "Modu Space"', "    role: mentioned"]


@pytest.mark.parametrize("edit, message", [
    (lambda d: storyfile.set_role(d, "waitan", "hero"), "role is 'hero'; expected story or mentioned"),
    (lambda d: storyfile.rename(d, "waitan", "  "), "name is empty"),
    (lambda d: storyfile.reject(d, "nowhere"), "no place 'nowhere'"),
    (lambda d: storyfile.merge(d, "waitan", "waitan"), "into itself"),
])
def test_bad_edits_are_refused_with_the_reason(edit, message):
    with pytest.raises(StorymapError, match=message):
        edited(edit)


def test_accept_marks_the_drafts_note_and_keeps_its_evidence():
    def edit(data):
        storyfile.accept(data, "tan-jia-qiao-lu-xiaoqu")  # the first place: its note heads the list
        storyfile.accept(data, "waitan")
        storyfile.accept(data, "waitan")  # twice is once

    after = edited(edit)
    removed, added = removed_and_added(DRAFT, after)
    assert [line.replace("  # ", "  # checked on the desk; ", 1) for line in removed] == added
    assert len(added) == 2
    assert storyfile.checked(storyfile.load(after)) == {"tan-jia-qiao-lu-xiaoqu", "waitan"}
    assert storyfile.checked(storyfile.load(DRAFT)) == set()


def test_accept_in_a_hand_written_story_adds_a_note(story_file):
    text = story_file.read_text("utf-8")
    data = storyfile.load(text)
    first, third = data["places"][0]["id"], data["places"][2]["id"]
    storyfile.accept(data, first)
    storyfile.accept(data, third)
    after = storyfile.dump(data)
    removed, added = removed_and_added(text, after)
    assert removed == [] and added == ["  # checked on the desk"] * 2
    assert storyfile.checked(storyfile.load(after)) == {first, third}
    assert yaml.safe_load(after) == yaml.safe_load(text)



def test_add_a_place_the_draft_missed():
    """Appended after the last place (the lines that follow the list stay there), anchored where passages name it."""
    data = storyfile.load(DRAFT)
    storyfile.add_place(data, "xu-hui-qu", "徐汇区", "mentioned")
    text = storyfile.dump(data)
    assert '  # added on the desk\n  - id: xu-hui-qu\n    name: "徐汇区"\n    role: mentioned\n\nexcerpts:\n  # --- gengxin\n' in text
    # Mentioned where a passage names it; the draft's note stays right above the text.
    assert "    place: mo-su-kongjian\n    mentions: [xu-hui-qu]\n    # source line 7\n    text: |-\n" in text
    assert [e["id"] for e in yaml.safe_load(text)["excerpts"] if "xu-hui-qu" in e.get("mentions", [])] == ["chuangxin-1"]
    assert "xu-hui-qu" not in storyfile.checked(data) | storyfile.unchecked(data)  # the editor's own: no candidate
    with pytest.raises(StorymapError, match="is a place of the story already"):
        storyfile.add_place(data, "other", "徐汇区", "story")
    with pytest.raises(StorymapError, match="id 'waitan' is taken"):
        storyfile.add_place(data, "waitan", "外滩源", "story")


def test_an_added_story_point_is_the_place_of_a_passage_without_one():
    data = storyfile.load(DRAFT)
    storyfile.reject(data, "tan-jia-qiao-lu-xiaoqu")
    storyfile.add_place(data, "jing-an-qu", "静安区", "story")
    text = storyfile.dump(data)
    assert "  - id: gengxin-1\n    section: gengxin\n    place: jing-an-qu\n    # source line 5\n" in text
