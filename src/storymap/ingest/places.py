"""Finding the places an article names, each with its evidence.

Names come from four kinds of evidence, never from a bare suffix regex (which
would take 发展之路 for a road):

1. the region's own names, loaded into jieba as dictionary words: its
   districts (long and short forms, 静安区/静安) and the gazetteer's names and
   aliases;
2. administrative chains read right after a district name: a town or
   subdistrict (庙镇, …街道, …乡), a village (镇东村), a road or lane
   (谈家桥路, 蕃瓜弄) and the estate named after it (谈家桥路小区);
3. jieba's words and tags: a road or subdistrict suffix after a proper-name
   word (华强北路, 外滩街道), a facility word after a name (同济大学,
   515咖啡艺术中心, 自然博物馆);
4. quoted names (“模速空间”) that the text treats as a location at least
   once (来到…, 走进…, 落地…, 在“…”3层).

:func:`find_places` is pure given its :class:`Language`; each found place
carries every mention (passage, offsets, sentence) and where its district
came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .language import Language, Token

_ADMIN_SUFFIXES = ("新区", "自治县", "自治旗", "区", "县", "市", "旗")
_CJK_RUN = "[\u3400-\u9fff]"
_TOWN = re.compile(rf"^({_CJK_RUN}{{1,4}}?(?:街道|镇|乡))")
_VILLAGE = re.compile(rf"^({_CJK_RUN}{{1,4}}?村)")
_ROAD = re.compile(rf"^({_CJK_RUN}{{1,6}}?(?:大道|大街|路|街|弄|巷))(\d+(?:号|弄))?")
_ESTATE = re.compile(r"^(小区|新村|社区|花园|里弄)")
_QUOTED = re.compile(r"[“‘「『\"]([\u3400-\u9fffA-Za-z0-9·]{2,12})[”’」』\"]")
# Words before a quoted name that make it a location: one goes *to* or *into* it.
_LOCATIVE_BEFORE = re.compile(r"(?:来到|走进|步入|走入|落地|落户|入驻|位于|前往|探访|打卡|参观|造访)[^，,。；;！？]{0,8}$")
_LOCATIVE_AFTER = re.compile(r"^(?:\d+层|\d+楼|[一二三四五六七八九十]+层|内|里|门口|园区|大楼)")
_ROAD_SUFFIXES = {"路", "街", "大道", "大街", "弄", "巷"}
_TOWN_SUFFIXES = {"街道", "镇", "乡"}
# A facility word names a place by itself after any name (自然博物馆, 同济大学) ...
_STRONG_FACILITIES = (
    "大学", "学院", "中学", "小学", "医院", "博物馆", "美术馆", "图书馆", "科技馆", "体育馆", "纪念馆",
    "展览馆", "大厦", "机场", "火车站", "高铁站", "植物园", "动物园",
)
# ... a weak one only after a proper name (515咖啡艺术中心, not 社区事务受理服务中心).
_WEAK_FACILITIES = ("中心", "超市", "商场", "市场", "小区", "新村", "园区", "产业园", "书店", "酒店", "剧院", "体育场",
                    "公园", "广场", "码头", "湿地")
_PROPER_FLAGS = {"ns", "nr", "nrt", "nz", "nt", "j", "eng", "m"}
_STOP_FLAGS = {"x", "p", "u", "uj", "ul", "uz", "ug", "ud", "uv", "c", "r", "y", "e", "f", "q", "t", "w"}
_STOP_WORDS = {"的", "之", "在", "由", "从", "到", "于", "与", "和", "及", "或", "将", "把", "被", "向", "对", "是"}
# Common nouns that end up before 路/街道 without being a name (发展新路, 社区街道).
_GENERIC = {
    "城市", "发展", "道路", "产业", "社区", "服务", "工作", "人民", "生活", "创新", "未来", "幸福", "转型", "振兴",
    "基层", "乡村", "农村", "城乡", "全市", "全区", "各", "所在", "老", "新", "小", "大", "街", "镇", "乡", "村",
}
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_KIND_PRIORITY = {"gazetteer": 0, "district": 1, "town": 2, "village": 2, "road": 2, "estate": 2,
                  "landmark": 3, "facility": 4}


@dataclass(frozen=True)
class Passage:
    """A piece of the article to search: an excerpt's text or a caption."""

    key: str  # excerpt or photo id
    text: str  # as printed
    section: int | None  # index of its section; None for captions


@dataclass(frozen=True)
class RegionNames:
    """The names a region's data knows."""

    region: tuple[str, ...]  # the city itself (上海市, 上海): a city-wide passage, not a place
    districts: dict[str, str]  # long and short names -> adcode
    district_names: dict[str, str]  # adcode -> long name
    gazetteer: dict[str, tuple[str, str]]  # name or alias -> (gazetteer id, district adcode)


@dataclass(frozen=True)
class Mention:
    passage: str
    start: int
    end: int
    name: str  # the text's own characters
    simple: str  # the name in Simplified characters, for matching
    kind: str
    sentence: str
    district: str | None = None  # adcode read from the text around it
    parent: str | None = None  # a place name it sits in (外滩街道 for 善淘慈善超市)
    section: int | None = None  # the passage's section; None for a caption


@dataclass
class FoundPlace:
    key: str  # gazetteer id, adcode, or the simplified name
    name: str
    kind: str
    gazetteer: str | None = None
    district: str | None = None
    district_evidence: str | None = None
    mentions: list[Mention] = field(default_factory=list)


def region_names(region_name_zh: str, districts, gazetteer_entries) -> RegionNames:
    """Collect the names of a region (pure): ``districts`` are (adcode, name) pairs."""
    by_name: dict[str, str] = {}
    for code, name in districts:
        by_name[name] = code
        short = _short_form(name)
        if short:
            by_name.setdefault(short, code)
    region = tuple(n for n in (region_name_zh, _short_form(region_name_zh)) if n)
    gazetteer = {}
    for entry in gazetteer_entries:
        for name in entry.names:
            cleaned = name.strip("“”\"‘’「」『』 ")
            if cleaned and _CJK_NAME.search(cleaned):
                gazetteer.setdefault(cleaned, (entry.id, entry.district_code))
    return RegionNames(region, by_name, {code: name for code, name in districts}, gazetteer)


_CJK_NAME = re.compile(r"[\u3400-\u9fff]")


def _short_form(name: str) -> str | None:
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def find_places(passages: list[Passage], names: RegionNames, language: Language) -> list[FoundPlace]:
    """Every place the passages name, in order of first mention.

    Parameters
    ----------
    passages : list of Passage
        Excerpts and captions, in article order.
    names : RegionNames
        The region's districts and gazetteer names.
    language : Language
        Its tokenizer learns the region's names here.
    """
    simplified = {p.key: language.simplified(p.text) for p in passages}
    for word in [*names.region, *names.districts, *names.gazetteer]:
        language.add_word(word, "ns")
    landmarks = quoted_landmarks(simplified.values())
    for word in landmarks:
        language.add_word(word, "nz")
    mentions = []
    for passage in passages:
        mentions += _passage_mentions(passage, simplified[passage.key], names, landmarks, language)
    return _group(mentions, names)


def quoted_landmarks(texts) -> set[str]:
    """Quoted names that the text treats as somewhere one goes or is (pure)."""
    found = set()
    for text in texts:
        for match in _QUOTED.finditer(text):
            before = _after_last_punct(text[max(0, match.start() - 16): match.start()])
            after = text[match.end(): match.end() + 4]
            if _LOCATIVE_BEFORE.search(before) or (before.endswith("在") and _LOCATIVE_AFTER.match(after)):
                found.add(match.group(1))
    return found


def _after_last_punct(text: str) -> str:
    return re.split(r"[，,。；;！？!?”“]", text)[-1]


def _passage_mentions(passage: Passage, text: str, names: RegionNames, landmarks, language) -> list[Mention]:
    tokens = language.tokens(text)
    found: list[tuple[int, int, str, str | None]] = []  # start, end, kind, district
    for token in tokens:
        word = token.word
        if word in names.gazetteer:
            found.append((token.start, token.end, "gazetteer", names.gazetteer[word][1]))
        elif word in names.districts:
            found.append((token.start, token.end, "district", names.districts[word]))
        elif word in landmarks:
            found.append((token.start, token.end, "landmark", None))
        if word in names.districts or word in names.region:
            found += _chain(text, token.end, names.districts.get(word), language)
    found += _token_patterns(tokens, text, set(names.districts) | set(names.region))
    found = _without_overlaps(found)
    return [_mention(passage, text, start, end, kind, district, found) for start, end, kind, district in found]


def _chain(text: str, position: int, district: str | None, language: Language):
    """Town, village, road and estate names printed right after a district (崇明区庙镇镇东村)."""
    found = []
    rest = text[position:]
    town = _TOWN.match(rest)
    if town and _is_name(town.group(1)[:-2 if town.group(1).endswith("街道") else -1], language):
        found.append((position, position + town.end(), "town", district))
        position += town.end()
        rest = text[position:]
    village = _VILLAGE.match(rest)
    if village and _is_name(village.group(1)[:-1], language):
        found.append((position, position + village.end(1), "village", district))
        return found
    road = _ROAD.match(rest)
    if road and _is_name(road.group(1)[:-1].removesuffix("大"), language):
        end = position + road.end(1)
        estate = _ESTATE.match(text[end:])
        kind = "road"
        if estate:
            end += estate.end()
            kind = "estate"
        found.append((position, end, kind, district))
    return found


def _is_name(stem: str, language: Language) -> bool:
    """Whether the words before a suffix can be a proper name (no verb, particle, number word)."""
    if not stem or stem in _GENERIC:
        return False
    for word, flag in language.tag(stem):
        if word in _STOP_WORDS or flag in _STOP_FLAGS or (flag.startswith("v") and len(word) > 1):
            return False
        if flag.startswith(("a", "d")) and len(word) > 1:
            return False
    return True


def _token_patterns(tokens: list[Token], text: str, boundaries: set[str]):
    """Names printed before a road, subdistrict or facility word; a district name ends the search."""
    found = []
    for index, token in enumerate(tokens):
        word = token.word
        if word in _ROAD_SUFFIXES or word in _TOWN_SUFFIXES:
            start = _name_before(tokens, index, boundaries, strict=True, common_noun_ok=True)
            if start is not None:
                kind = "road" if word in _ROAD_SUFFIXES else "town"
                end = token.end
                estate = _ESTATE.match(text[end:]) if kind == "road" else None
                if estate:
                    end, kind = end + estate.end(), "estate"
                found.append((start, end, kind, None))
            continue
        suffix = next((s for s in _STRONG_FACILITIES + _WEAK_FACILITIES if word.endswith(s)), None)
        if suffix is None:
            continue
        strong = suffix in _STRONG_FACILITIES
        if len(word) > len(suffix) and token.flag in ("nt", "ns", "nz"):
            found.append((token.start, token.end, "facility", None))  # 同济大学 is one word
            continue
        start = _name_before(tokens, index, boundaries, strict=not strong)
        if start is not None:
            found.append((start, token.end, "facility", None))
    return found


def _name_before(tokens: list[Token], index: int, boundaries: set[str], strict: bool,
                 common_noun_ok: bool = False) -> int | None:
    """Start of the name printed before tokens[index], or None when there is none.

    strict: the name must carry a sign of being proper -- a place or person
    tag, digits or Latin letters, or characters jieba does not know as words
    (or, with common_noun_ok, one two-character noun: 外滩街道).
    """
    name: list[Token] = []
    for token in reversed(tokens[max(0, index - 3): index]):
        if token.word in boundaries or token.word in _STOP_WORDS or token.flag in _STOP_FLAGS - {"m"} or not re.match(r"[\u3400-\u9fffA-Za-z0-9]", token.word):
            break
        if token.flag.startswith("v") and len(token.word) > 1:
            break
        name.insert(0, token)
    while name and name[0].word in _GENERIC:
        name.pop(0)
    text = "".join(t.word for t in name)
    if len(text) < 2 or text in _GENERIC:
        return None
    if strict:
        proper = any(t.flag in _PROPER_FLAGS or (common_noun_ok and t.flag == "n" and len(name) == 1 and len(t.word) >= 2)
                     for t in name)
        unknown = sum(1 for t in name if len(t.word) == 1) >= 2
        if not (proper or unknown):
            return None
        if any(t.flag == "m" and not t.word.isdigit() for t in name):
            return None
    return name[0].start


def _without_overlaps(found):
    """Keep dictionary and chain names; drop pattern names that overlap them."""
    kept: list = []
    for item in sorted(found, key=lambda f: (_KIND_PRIORITY[f[2]], f[0], -(f[1] - f[0]))):
        start, end, kind, _ = item
        clash = [k for k in kept if k[0] < end and start < k[1]]
        if any((k[0], k[1]) == (start, end) for k in clash):
            continue
        if kind in ("facility", "landmark", "road", "town", "estate", "village") and any(
            _KIND_PRIORITY[k[2]] <= _KIND_PRIORITY[kind] and not (k[0] <= start and end <= k[1] and k[2] == "gazetteer")
            for k in clash
        ):
            continue
        kept.append(item)
    return sorted(kept)


def _mention(passage: Passage, text: str, start, end, kind, district, found) -> Mention:
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    sentence_end = next((m.end() for m in _SENTENCE_END.finditer(text, end)), len(text))
    parent = None
    # 外滩街道的善淘慈善超市: the place just before (with or without 的) contains this one.
    for other in found:
        if other[1] in (start, start - 1) and (other[1] == start or text[other[1]] == "的") and other[2] != "district":
            parent = text[other[0]: other[1]]
    if district is None:
        before = [f for f in found if f[2] == "district" and f[1] <= start and f[0] >= sentence_start]
        if before:
            district = before[-1][3]
    return Mention(passage.key, start, end, passage.text[start:end], text[start:end], kind,
                   passage.text[sentence_start:sentence_end].strip(), district, parent, passage.section)


def _group(mentions: list[Mention], names: RegionNames) -> list[FoundPlace]:
    places: dict[str, FoundPlace] = {}
    keys: dict[str, str] = {}  # simplified name -> place key
    for mention in mentions:
        simple = mention.simple
        gazetteer = names.gazetteer.get(simple.strip("“”"))
        if mention.kind == "district":
            key = names.districts[simple]
        elif gazetteer:
            key = gazetteer[0]
        else:
            key = simple
        place = places.get(key)
        if place is None:
            name = names.district_names.get(key, mention.name) if mention.kind == "district" else mention.name
            place = places[key] = FoundPlace(key, name, "gazetteer" if gazetteer else mention.kind,
                                             gazetteer=gazetteer[0] if gazetteer else None)
            if mention.kind == "district":
                place.district, place.district_evidence = key, "the district itself"
            elif gazetteer:
                place.district, place.district_evidence = gazetteer[1], "gazetteer"
        place.mentions.append(mention)
        keys[simple] = key
    # A later short form (这里…慈善超市) is the place named in full before (善淘慈善超市).
    for key, place in list(places.items()):
        if place.gazetteer or place.kind == "district":
            continue
        full = next((p for k, p in places.items() if k != key and len(p.name) > len(place.name)
                     and p.name.endswith(place.name) and p.mentions[0].start <= place.mentions[0].start
                     and (p.mentions[0].passage, p.mentions[0].start) < (place.mentions[0].passage, place.mentions[0].start)), None)
        if full is not None:
            full.mentions.extend(place.mentions)
            keys[place.mentions[0].simple] = full.key
            del places[key]
    # Districts read from the text: the first mention that has one, or the place it sits in.
    for place in places.values():
        if place.district is None:
            for mention in place.mentions:
                parent = places.get(keys.get(mention.parent, "")) if mention.parent else None
                if mention.district:
                    place.district = mention.district
                    place.district_evidence = f"text: {mention.sentence[:40]}"
                    break
                if parent is not None and parent.district:
                    place.district = parent.district
                    place.district_evidence = f"inside {parent.name}"
                    break
    return list(places.values())
