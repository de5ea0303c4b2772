"""The ingest steps on their own: decoding, cleaning, place finding, figures."""

from __future__ import annotations

import pytest

from storymap.errors import StorymapError
from storymap.ingest.clean import clean_article
from storymap.ingest.facts import find_facts
from storymap.ingest.language import Language
from storymap.ingest.places import Passage, find_places, region_names
from storymap.ingest.textfile import decode_raw_text

from .shenzhen_article import TEXT

SHENZHEN = [("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区"), ("440307", "龙岗区")]


@pytest.fixture(scope="module")
def language():
    return Language()


@pytest.fixture(scope="module")
def article(language):
    return clean_article(TEXT, language)


# --- decoding ---------------------------------------------------------------

def test_gb18030_text_is_decoded_and_named():
    raw = decode_raw_text(TEXT.encode("gb18030"))
    assert raw.text == TEXT
    assert raw.encoding == "gb18030" and raw.converted


def test_utf8_with_bom_and_crlf_is_plain_text():
    raw = decode_raw_text(b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert raw.text == TEXT and not raw.converted


@pytest.mark.parametrize("data, expected", [
    (b"", "empty file"),
    (b"  \n\t\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00e0 la carte".encode("latin-1"), "not UTF-8 text"),
])
def test_bad_bytes_are_refused_with_what_was_found(data, expected):
    with pytest.raises(StorymapError, match=expected) as info:
        decode_raw_text(data, "raw.txt")
    assert "\n" not in str(info.value)


# --- cleaning ---------------------------------------------------------------

def test_head_of_the_article(article):
    assert article.series == "人民城市建设巡礼"
    assert article.title == "鹏城潮涌写新篇"
    assert article.subtitle == "老街焕新与科创同行"
    assert article.reporters == ("林晓", "陈默")
    assert article.newspaper == "中国城市报"
    assert article.date == "2025-12-08"
    assert [p.text for p in article.editor_note] == ["城市是人民的城市。本报推出“人民城市建设巡礼”系列报道,记录各地的探索与实践。"]
    assert [p.text[:5] for p in article.lede] == ["2025年"]


def test_sections_and_paragraphs(article):
    assert [s.heading.text for s in article.sections] == [
        "城市更新: 老街区焕发新活力", "科技创新: 产业生态持续壮大", "生态宜居: 公园里的城市",
    ]
    renewal = article.sections[0].paragraphs
    # 游|客 is one word split by the line break: joined, one paragraph.
    assert "吸引了大量游客,累计接待" in renewal[0].text and not renewal[0].truncated
    # 推动城|区域协调发展: no word spans the break, 城 is left alone -> text is missing.
    assert renewal[1].text.endswith("推动城") and renewal[1].truncated
    assert renewal[2].text == "区域协调发展。" and renewal[2].truncated


def test_duplicate_paragraph_kept_once_and_furniture_dropped(article):
    texts = [p.text for s in article.sections for p in s.paragraphs]
    assert sum(t.startswith("福田区莲花山公园里") for t in texts) == 1
    assert not any("邮发代号" in t or "责编" in t for t in texts)
    assert any("printed twice" in n for n in article.notes)
    assert any("page furniture" in n for n in article.notes)


def test_captions_and_credits(article):
    assert [(c.number, c.caption, c.credit) for c in article.captions] == [
        (1, "福田区华强北路步行街夜景。", "中国城市报记者 林晓摄"),
        (2, "南山区粤海街道的创业者正在讨论方案。", "南山区委宣传部供图"),
    ]


# An invented page: numbered headings that open on a quoted figure, a paragraph that mentions an office's
# 主管, and a caption credited 资料图片.
FIGURES_PAGE = """中国城市报
2030年5月6日 星期一 第5版
本版编辑：方知远

人民城市建设巡礼

数字里的云杉
——松风区城市更新一瞥

本报记者 林一舟

一、“800年”与“5公里”：把老街还给居民

“800年”，是竹溪书院的年龄。书院坐落在青螺山上，三面环水。

园区一家企业的研发主管，是云杉大学毕业的本地人。行业主管部门说，园区今年新招了四十名研发人员。

二、“12公顷”：让公园走进社区

“12公顷”，是竹溪公园的面积，公园去年完成了提质改造。

▲竹溪公园的荷塘。资料图片
"""


def test_figure_headings_running_text_with_furniture_words_and_archive_credits(language):
    article = clean_article(FIGURES_PAGE, language)
    assert [s.heading.text for s in article.sections] == ["一、“800年”与“5公里”：把老街还给居民", "二、“12公顷”：让公园走进社区"]
    # 主管 marks a masthead line (人民日报社主管), not a sentence that mentions an office's director
    assert any("云杉大学" in p.text for p in article.sections[0].paragraphs)
    assert [(c.caption, c.credit) for c in article.captions] == [("▲竹溪公园的荷塘。", "资料图片")]
    assert not any("breaks off" in n or "furniture" in n for n in article.notes)


def test_line_break_verdicts(language):
    assert language.line_break("社区就业服", "务站点,结合") == "join"
    assert language.line_break("将人工智能等列", "为重点发展领域") == "join"
    assert language.line_break("是上海市近年来推动城", "区域规划,采取了") == "cut"


def test_traditional_text_matches_in_simplified_and_keeps_its_characters(language):
    traditional = "走進福田區華強北路,改造後的步行街整潔明亮。"
    assert language.is_traditional(traditional)
    assert not language.is_traditional("走进福田区华强北路,改造后的步行街整洁明亮。")
    names = region_names("深圳市", SHENZHEN, [])
    found = find_places([Passage("p-1", traditional, 0)], names, Language())
    by_name = {p.name: p for p in found}
    assert "華強北路" in by_name and by_name["華強北路"].district == "440304"
    assert by_name["華強北路"].mentions[0].simple == "华强北路"


# --- places: tests/ingest/test_places.py -------------------------------------

# --- figures ----------------------------------------------------------------

def test_figures_with_units_qualifiers_and_change():
    facts = find_facts("全市PM2.5平均浓度降至16.8微克/立方米,较去年同期下降8.5%。已吸引近300家企业入驻,"
                       "带动就业逾5000人,家庭964万户,已开发逾千个岗位。今年4月29日在3层,前9个月。")
    assert [(f.value, f.unit, f.qualifier) for f in facts] == [
        (16.8, "μg/m³", "exact"), (300, "家", "approx"), (5000, "人", "over"),
        (9640000, "户", "exact"), (1000, "个", "over"),
    ]
    assert facts[0].change == {"value": -8.5, "unit": "%", "basis": "较去年同期"}
    assert facts[0].quote == "全市PM2.5平均浓度降至16.8微克/立方米,较去年同期下降8.5%"
    assert facts[1].quote == "已吸引近300家企业入驻"


def test_traditional_print_text_is_read_and_kept_as_printed(language):
    import opencc

    article = clean_article(opencc.OpenCC("s2t").convert(TEXT), language)
    assert (article.series, article.title, article.newspaper) == ("人民城市建設巡禮", "鵬城潮湧寫新篇", "中國城市報")
    assert article.reporters == ("林曉", "陳默") and article.date == "2025-12-08"
    assert article.captions[1].credit == "南山區委宣傳部供圖"
    assert not any("郵發代號" in p.text for s in article.sections for p in s.paragraphs)
    facts = find_facts("帶動就業逾5000人,已吸引近300家企業入駐", "带动就业逾5000人,已吸引近300家企业入驻")
    assert [(f.value, f.qualifier, f.quote, f.label) for f in facts] == [
        (5000, "over", "帶動就業逾5000人", "帶動就業"), (300, "approx", "已吸引近300家企業入駐", "企業入駐"),
    ]


WRAPPED = """\
锦江之畔烟火浓

本报记者 张蓉

　　初夏,锦江区的老街巷里飘着茶香。走进春熙路,改造后的街区整洁明
亮,游客络绎不绝。
　　春熙路片区累计完成老旧院落改造120余个。今年以来,片区共接待游客
50万人次。“以前这里车多人挤,现在走路都舒服了。”
在这里开了二十年茶馆的王大爷说。

社区治理

　　在武侯区玉林街道,居民有了新去处。
　　图为玉林街道居民在学习插花。张蓉 摄
"""


def test_paragraphs_wrapped_over_lines_with_indents(language):
    article = clean_article(WRAPPED, language)
    assert article.title == "锦江之畔烟火浓" and article.reporters == ("张蓉",) and article.newspaper is None
    assert [p.text for p in article.lede] == [
        "初夏,锦江区的老街巷里飘着茶香。走进春熙路,改造后的街区整洁明亮,游客络绎不绝。",
        "春熙路片区累计完成老旧院落改造120余个。今年以来,片区共接待游客50万人次。"
        "“以前这里车多人挤,现在走路都舒服了。”在这里开了二十年茶馆的王大爷说。",
    ]
    assert not any(p.truncated for p in article.lede)
    assert [s.heading.text for s in article.sections] == ["社区治理"]
    assert [(c.caption, c.credit) for c in article.captions] == [("图为玉林街道居民在学习插花。", "张蓉 摄")]


# An invented page whose numbered captions print broken across lines (a word split, once with a blank line
# between), and a numbered line of the running text that ends its sentence.
SPLIT_CAPTIONS = """松风日报

湖光里的老城

本报记者 林一舟

松风区的竹溪公园去年完成改造。
1.竹溪公园的面积扩大了一倍。
2.云杉湖的水质达到三类。

图①：夜幕下的竹溪公
园流光溢彩。松风区委宣传部供图
②清晨，市民在云杉

湖步道晨练。 本报记者 林一舟 摄
"""


def test_numbered_captions_broken_across_lines_are_joined(language):
    article = clean_article(SPLIT_CAPTIONS, language)
    assert [(c.number, c.caption, c.credit) for c in article.captions] == [
        (1, "夜幕下的竹溪公园流光溢彩。", "松风区委宣传部供图"),
        (2, "清晨，市民在云杉湖步道晨练。", "本报记者 林一舟 摄"),
    ]
    assert sum("photo caption split across lines joined" in n for n in article.notes) == 2
    # numbered lines of the running text that end their sentence stay text
    assert [p.text[:2] for p in article.sections[0].paragraphs] == ["松风", "1.", "2."]


# An invented page: a title with a comma, a byline with what the reporter made (文/图), headings by their form
# (a mark, a colon before two phrases) printed after a passage cut off, a speaker's label under a heading, a
# jump line and the label over the captions.
HEADINGS_BY_FORM = """松风日报

人民城市建设巡礼

一座城，一场梦
——青溪老城留住烟火，新城长出诗意

本报记者 林晓 陈默 文/图

▌清晨：湖边的步道

云杉湖的步道去年贯通，计划在三年内完成

湖城相依:推窗见水,出门进园

竹溪公园是青溪人心中的“绿肺”。

■ 在云杉山：“让山回到城里”

受访人：林一舟，退休教师

记者：云杉山变了吗？

离老街不远的竹溪公

园，是居民散步的地方。

（下转第8版）

【图片说明】
"""


def test_headings_by_their_form_a_byline_with_its_credit_and_a_title_with_a_comma(language):
    article = clean_article(HEADINGS_BY_FORM, language)
    assert (article.title, article.subtitle) == ("一座城，一场梦", "青溪老城留住烟火，新城长出诗意")
    assert article.reporters == ("林晓", "陈默")
    assert [s.heading.text for s in article.sections] == [
        "清晨：湖边的步道", "湖城相依:推窗见水,出门进园", "在云杉山：“让山回到城里”"]  # the print marks dropped
    # the passage cut off before a heading stays cut off; the heading is not run into it, nor the text into the heading
    first, park, hill = article.sections
    assert [(p.text, p.truncated) for p in first.paragraphs] == [("云杉湖的步道去年贯通，计划在三年内完成", True)]
    assert [p.text for p in park.paragraphs] == ["竹溪公园是青溪人心中的“绿肺”。"]
    # a label right under a heading is a paragraph of its section; jump lines and caption labels are furniture
    assert [p.text for p in hill.paragraphs] == ["受访人：林一舟，退休教师", "记者：云杉山变了吗？",
                                                # a short first line whose word runs on is no heading
                                                "离老街不远的竹溪公园，是居民散步的地方。"]


MARKED_BYLINE = """\
青溪日报

山水之间的新城

文/青溪日报记者 林晓 陈默

引子

初夏的青溪区，河边的步道上满是晨练的人。

老城 · 烟火

竹溪街道的老街修缮一新。

二、“竹溪”焕新颜

竹溪河畔的步道连成了环。

记者手记

采访中，记者最深的感受是居民的笑容。
"""


def test_a_byline_after_its_mark_and_headings_a_byline_is_not(language):
    article = clean_article(MARKED_BYLINE, language)
    assert article.reporters == ("林晓", "陈默") and article.title == "山水之间的新城"
    # 记者手记 is a column's heading, not a byline: the sections before it stay in the body
    # a numbered heading may open with a quotation mark: the paragraph after it is not run into it
    assert [s.heading.text for s in article.sections] == ["引子", "老城 · 烟火", "二、“竹溪”焕新颜", "记者手记"]
    assert [len(s.paragraphs) for s in article.sections] == [1, 1, 1, 1]


def test_periods_of_figures():
    text = ("2025年前9个月,全市PM2.5平均浓度降至25.3微克/立方米。目前已形成“家+书屋”237家,截至今年11月底,"
            "共开展活动6862场。2025年“打造200个‘家+书屋’”被纳入项目。")
    assert [(f.value, f.period) for f in find_facts(text, year="2025")] == [
        (25.3, "2025-01/2025-09"), (237, None), (6862, "截至2025-11"), (200, "2025"),
    ]
    # Without the year, 今年 stays unresolved rather than guessed.
    assert [f.period for f in find_facts(text)][2] is None


def test_a_name_with_too_little_evidence_is_listed_for_the_editor_not_drafted(article):
    from storymap.ingest.draft import plan_story, render_yaml
    from storymap.ingest.places import FoundPlace, Mention

    def place(name, score):
        mention = Mention("p-1", 0, len(name), name, name, "landmark", f"{name}很美。", "440305", 0, "sentence")
        return FoundPlace(name, name, "landmark", district="440305", mentions=[mention], score=score)

    draft = plan_story(article, [place("云杉公园", 3), place("白鹭", -1)], story_id="s", city="440300",
                       source_file="s.txt", district_points={}, taken_ids=set())
    assert [p.found.name for p in draft.places] == ["云杉公园"]
    assert [p.name for p in draft.doubtful] == ["白鹭"]
    yaml_text = render_yaml(draft, raw_name="s.txt", encoding_note=None)
    assert "too little evidence" in yaml_text and "#   白鹭 (score -1;" in yaml_text
