"""Quiz generation on the real model, checked against the story file and the polygons."""

from __future__ import annotations

import json

import pytest

from storymap.classroom.quiz import OPTION_COUNT, QuizError, build_quiz, pool_size, quiz_markdown


@pytest.fixture(scope="module")
def every_question(bundled_model):
    """All questions the model supports, in both languages, for one seed."""
    total = pool_size(bundled_model)
    return {lang: build_quiz(bundled_model, 11, total, lang)["questions"] for lang in ("zh", "en")}


def test_same_seed_same_questions_and_other_seeds_differ(bundled_model):
    first = build_quiz(bundled_model, 42, 8)
    assert build_quiz(bundled_model, 42, 8) == first
    others = [build_quiz(bundled_model, seed, 8)["questions"] for seed in range(5)]
    assert any(q != first["questions"] for q in others)
    assert len(first["questions"]) == 8


def test_a_short_quiz_mixes_the_three_kinds(bundled_model):
    for seed in range(10):
        kinds = {q["kind"] for q in build_quiz(bundled_model, seed, 3)["questions"]}
        assert kinds == {"district", "excerpt", "fact"}


@pytest.mark.parametrize("count", [0, -1, 10_000])
def test_count_outside_the_pool_is_a_clear_error(bundled_model, count):
    with pytest.raises(QuizError, match=rf"number of questions is {count}; expected a whole number from 1 to \d+"):
        build_quiz(bundled_model, 1, count)


def test_every_question_has_one_right_option_among_distinct_ones(every_question):
    for questions in every_question.values():
        for q in questions:
            ids = [o["id"] for o in q["options"]]
            assert len(ids) == len(set(ids)) == OPTION_COUNT, q
            assert ids.count(q["answer"]) == 1, q
            assert q["answer_label"] == next(o["label"] for o in q["options"] if o["id"] == q["answer"])


def test_district_answers_are_where_the_polygons_put_the_place(every_question, bundled_model, places_by_id,
                                                                official_districts):
    """The answer is the district the point lies in (full-resolution polygons) and the one the story file names."""
    asked = [q for q in every_question["zh"] if q["kind"] == "district"]
    assert asked
    for q in asked:
        place = bundled_model.place(q["place"])
        found, _, _ = bundled_model.geodata.locate(place["lon"], place["lat"], "wgs84")
        assert q["answer"] == found.code == str(places_by_id[q["place"]]["district"])
        assert q["answer_label"] == official_districts[q["answer"]][0]
        # the question never names the district it asks for
        assert official_districts[q["answer"]][0] not in q["subject"]


def test_excerpt_questions_hide_every_place_and_district_name(every_question, excerpts_by_id, places_by_id,
                                                               official_districts):
    asked = [q for q in every_question["zh"] if q["kind"] == "excerpt"]
    assert len(asked) >= 5
    for q in asked:
        assert q["answer"] == excerpts_by_id[q["excerpt"]]["place"]
        names = [p["name"] for p in places_by_id.values()] + [zh for zh, _ in official_districts.values()]
        for name in names:
            assert name not in q["subject"], (name, q["subject"])
        assert q["explanation"] == excerpts_by_id[q["excerpt"]]["text"]
    english = [q for q in every_question["en"] if q["kind"] == "excerpt"]
    for q in english:
        for _, en in official_districts.values():
            assert en not in q["subject"]


def test_fact_questions_match_a_figure_to_its_label_once(every_question, story, bundled_model):
    facts = {f["id"]: f for f in story["facts"]}
    printed = {f["id"]: f["figure"] for f in bundled_model.facts}
    figures = {(f["value"], f["unit"], f.get("qualifier", "exact")) for f in facts.values()}
    asked = [q for q in every_question["zh"] if q["kind"] == "fact"]
    assert len(asked) == len(figures)  # one question per figure the article states
    for q in asked:
        fact = facts[q["answer"]]
        assert q["answer_label"] == fact["label"]
        assert q["explanation"] == fact["quote"]
        assert q["subject"].startswith(printed[fact["id"]])
        for option in q["options"]:
            other = facts[option["id"]]
            if option["id"] != q["answer"]:  # no distractor states the same figure
                assert (other["value"], other["unit"], other.get("qualifier")) != (
                    fact["value"], fact["unit"], fact.get("qualifier"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_set_shows_one_prompt_twice(bundled_model, lang):
    """Two facts of "10个" once gave one set the same prompt twice, with different answers."""
    total = pool_size(bundled_model)
    for seed in range(40):
        for count in (8, total):
            questions = build_quiz(bundled_model, seed, count, lang)["questions"]
            shown = [(q["prompt"], q["subject"]) for q in questions]
            assert len(shown) == len(set(shown)), (seed, count, shown)


def test_which_district_asks_only_about_places_the_map_marks(bundled_model):
    """The handout's map numbers its stops only: its "which district" questions are about those."""
    tour = bundled_model.tour
    marked = build_quiz(bundled_model, 3, pool_size(bundled_model, tour), "zh", marked=tour)["questions"]
    asked = {q["place"] for q in marked if q["kind"] == "district"}
    assert asked and asked <= set(tour)
    everything = build_quiz(bundled_model, 3, pool_size(bundled_model), "zh")["questions"]
    assert {q["place"] for q in everything if q["kind"] == "district"} - set(tour)  # the quiz page marks any place


def test_english_questions_use_the_english_fields(every_question, story):
    labels = {f["label_en"] for f in story["facts"]}
    for q in every_question["en"]:
        if q["kind"] == "fact":
            assert q["answer_label"] in labels
        assert q["prompt"].endswith("?") and q["prompt"].isascii()


def test_markdown_key_lists_every_answer(bundled_model):
    quiz = build_quiz(bundled_model, 5, 6)
    text = quiz_markdown(quiz)
    assert text.count("✔") == 6
    for q in quiz["questions"]:
        assert f"**答案:** {q['answer_label']}" in text


def test_cli_quiz_json_and_markdown(cli):
    result = cli("quiz", "--seed", 9, "--n", 5, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["seed"] == 9 and len(data["questions"]) == 5
    md = cli("quiz", "--seed", 9, "--n", 5)
    assert md.exit_code == 0 and md.output.startswith("# 测验答案")
    assert [line for line in md.output.splitlines() if line.startswith("## ")] == [
        f"## {q['number']}. {q['prompt']}" for q in data["questions"]]


def test_cli_quiz_too_many_questions_is_a_clean_error(cli):
    result = cli("quiz", "--seed", 1, "--n", 999)
    assert result.exit_code == 1
    assert "number of questions is 999; expected a whole number from 1 to" in result.output
    assert "Traceback" not in result.output


def test_fact_questions_show_the_sentence_that_states_the_figure(every_question, story):
    """The quiz page holds no article: the sentence with the figure is what makes the question answerable."""
    facts = {f["id"]: f for f in story["facts"]}
    for q in every_question["zh"]:
        if q["kind"] == "fact":
            assert facts[q["answer"]]["quote"] in q["context"], q
            assert len(q["context"]) < len(next(e["text"] for e in story["excerpts"]
                                                if e["id"] == facts[q["answer"]]["excerpt"])) + 1
    english = [q for q in every_question["en"] if q["kind"] == "fact"]
    assert english and all(q["context"] and not any("\u4e00" <= ch <= "\u9fff" for ch in q["context"])
                           for q in english)
