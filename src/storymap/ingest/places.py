"""Finding the places an article names, each with its district and the evidence for both.

A pipeline of pure steps over each passage (read on a Simplified copy, so
offsets stay those of the printed text):

1. **Candidates**, from independent kinds of evidence:
   - the lexical analyser's place and organisation words (Baidu LAC's LOC/ORG,
     jieba's ns/nt/nz; and jieba's place words ending in a class word where LAC
     splits them differently), each cut off at a district name or the city's own name
     before it (松江区佘山 -> 佘山) and at a locative word after it (江畔, 一带);
   - the region's own names: its districts (long forms anywhere; short forms
     only as whole words), its 街道/镇/乡 from the official division list (full
     names, and their names without 街道/镇 as whole words), the gazetteer's
     names and aliases;
   - name shapes: a proper name ending in a class word (…公园, …湿地, …老街,
     …桥, …基地, …大学) and quoted names (“模速空间”) that are a place by
     their shape or their context (来到“…”, 走进“…”);
   - the setting: a noun printed right after a district the text names
     (…区的五里桥, 在…区，古文化坊) is its landmark whatever its shape.
2. **Filters**: figures of speech that only look like places (后花园, 会客厅,
   发展之路) and what a place is called (被称作“…”), generic class phrases
   (城市公园, 口袋公园), descriptions (老 + 洋楼, 一条…的老街), linear features
   that are no point (rivers, greenways, metro lines), regions, zones and
   peoples (…地区, …人), institutions whose officers speak, names of
   units outside the region, and words inside other words (青溪 in 青溪河 is
   not 青溪区; 一路向西 is no road).
3. **Overlaps**: the longest name wins; the shorter ones inside it are
   evidence for its district (松风 in 松风科学城 -> 松风镇 -> its district).
4. **District attribution**, strongest first: the gazetteer's sourced point;
   the chain (a district, or a township, printed right before the name:
   崇明区庙镇镇东村); the name is a township of one district; the sentence's
   district (or township); the paragraph's; a township name inside the name;
   the district the section was set in before. A district short form (青溪 of
   青溪区) counts only when the article also prints the district's full name,
   since such short forms are mostly the river, lake or hill the district is
   named after; a short form that is such a landmark's name (…山, …湖, …塔 of
   …山区) is that landmark, in its district. A township printed only as the
   setting or the address of another place is context, not a place
   (:func:`administrative_context`), unless it is a township of the district
   the article names first, named in full.
5. Names found once are looked for again in every passage (the analyser may
   tag a name in one sentence and not in the next), and a name printed with and
   without its class word is one place, named by the shorter form (by the
   longer where the shorter has two characters: an area's name, 云杉 of 云杉公园).

:func:`find_places` is pure given its :class:`Language`; each found place
carries every mention (passage, offsets, sentence) and where its district
came from, with the evidence sentence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .language import Language, Token
from .sequence import SequenceModel, character_features

_ADMIN_SUFFIXES = ("新区", "自治县", "自治旗", "区", "县", "市", "旗")
_TOWNSHIP_SUFFIXES = ("街道", "镇", "乡")
# A proper name ending in one of these is a place (longest first where one ends another).
# Class characters that end many a common word too (平台, 煤矿, 海关): a name ends in them only where they are not
# that word's end: a Taoist temple, a kiln, a mine, a palace hall, a terrace, a pass, a tomb, a hall (课堂 and 食堂 are
# no names).
_ENDS_OF_COMMON_WORDS = frozenset("观窑矿殿台关墓堂")
# One-character generic terms of villages, islets, shores, weirs, hills and old residences (…屯, …屿, …崮, …庐):
# weak class words, like every one-character term but a few.
_ONE_CHARACTER_TERMS = ("屯", "寨", "屿", "渚", "浦", "矶", "堰", "闸", "冈", "崮", "坪", "坳", "峪", "塬", "垵", "圩", "墟",
                        "庐", "宅")
CLASS_WORDS = tuple(sorted({
    "公园", "湿地", "湿地公园", "森林公园", "郊野公园", "遗址公园", "小镇", "古镇", "古城", "遗址", "新城", "社区",
    "未来社区", "老街", "直街", "步行街", "历史文化街区", "街区", "巷子", "胡同", "里弄", "桥", "大桥", "岛", "湖",
    "水库", "水厂", "码头", "基地", "园区", "产业园", "科技园", "创意园", "创谷", "广场", "大学", "学院", "中学",
    "小学", "医院", "博物馆", "博物院", "美术馆", "图书馆", "科技馆", "体育馆", "体育中心", "纪念馆", "展览馆",
    "艺术中心", "文化中心", "剧院", "大剧院", "书院", "大厦", "中心", "机场", "火车站", "高铁站", "港", "码头",
    "景区", "风景区", "植物园", "动物园", "寺", "塔", "楼", "阁", "宫", "祠", "故居", "城", "科学城", "商圈", "市场",
    "村", "新村", "小区", "山", "湾", "江滩", "滩", "池", "路", "大道", "大街", "街", "巷", "弄", "坊", "门",
    "空间", "工厂", "厂", "实验室", "港区", "片区", "书店", "站", "校区", "园", "风貌区", "历史风貌区", "超市",
    "庙", "陵", "泉", "坛", "苑", "亭", "洲", "堤", "府", "渡口", "古村", "商业街", "风情区", "风情街",
    # more of the generic terms of Chinese place names (通名): heritage, water, coast, hills, quarters
    "石窟", "大坝", "坝", "会馆", "教堂", "清真寺", "禅寺", "古寺", "旧址", "故城", "古街", "古道", "纪念碑", "陵园",
    "城楼", "瀑布", "故里", "衙署", "县衙", "府衙", "会址", "温泉", "海滩", "沙滩", "浴场", "半岛", "灯塔", "炮台", "牌坊", "旧居", "祠堂",
    "宗祠", "家祠", "会展中心", "体育场", "商务区", "开发区", "度假区", "旅游区", "山庄", "庄园", "农场", "茶园",
    "夜市", "窑址", "城址", "峰", "岭", "峡", "洞", "岩", "潭", "礁", "庵", "枢纽",
    "陈列馆", "文化馆", "艺术馆", "档案馆", "天文馆", "海洋馆", "水族馆", "规划馆", "展示馆", "音乐厅", "会堂",
    "礼堂", "公馆", "新区", "高新区", "旧址群", "遗址群", "建筑群", "度假村", "峡谷", "游园", "院区", "分院", "分校",
    *_ENDS_OF_COMMON_WORDS,
    "世界",  # a theme park's or a market's (…欢乐世界, …花卉世界)
    # more generic terms: villages and forts, islets and shores, hills and plateaus, weirs and locks, old halls and
    # residences, city walls, granaries, steles, ski runs and dams, zones
    *_ONE_CHARACTER_TERMS, "古寨", "船闸", "公所", "义仓", "祖居", "土楼", "楼群", "碑林", "城墙", "古城墙", "府城", "县城", "古县城", "墓群",
    "滑雪场", "水电站", "经开区", "中心区",
}, key=len, reverse=True))
_CLASS_WORD_SET = frozenset(CLASS_WORDS)
_ROAD_WORDS = ("大道", "大街", "路", "街", "巷", "弄")
# Class words that make an organisation's name the name of its building (a research centre or a base is
# an institution first: …中心, …基地 from the analyser's organisations are not drafted as places).
_FACILITY_WORDS = ("大学", "学院", "中学", "小学", "学校", "医院", "博物馆", "博物院", "美术馆", "图书馆", "科技馆",
                   "体育馆", "体育中心", "纪念馆", "展览馆", "艺术中心", "文化中心", "剧院", "书院", "机场", "火车站",
                   "高铁站", "公园", "广场", "大厦", "寺", "宫", "祠", "故居", "景区", "植物园", "动物园", "古镇", "古城")
# The hundred commonest Chinese surnames (2020 census ranking).
_LONGEST_PERSONAL_NAME = 4  # a surname of one or two characters and a given name of one or two
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
# Class characters of natural features a district and its subdistrict may both be named after.
_NATURAL_FEATURES = tuple("湖山江河湾岛洲泉潭溪峰岭池海丘屿矶岩洞滩")
# Class words of facilities whose official names begin with their city's name (…国际机场, …北站, …博物馆, …长江大桥).
_CITY_FACILITY_WORDS = frozenset({"机场", "火车站", "高铁站", "站", "博物馆", "博物院", "美术馆", "图书馆", "科技馆",
                                  "大剧院", "体育中心", "大学", "会展中心", "大桥"})
# One class word alone is too weak after a common noun (…中心, …空间, …站): the name must be proper.
_WEAK_CLASS_WORDS = {"中心", "空间", "城", "站", "门", "楼", "池", "滩", "山", "湾", "港", "塔", "宫", "坊", "社区",
                     "市场", "工厂", "厂", "片区", "街区", "小区", "新城", "基地", "园区", "广场", "湖", "岛", "桥",
                     "路", "街", "村", "大道", "大街", "巷", "弄", "实验室", "书店", "园", "超市",
                     "庙", "陵", "泉", "坛", "苑", "亭", "洲", "堤", "府",
                     "坝", "峰", "岭", "峡", "洞", "岩", "潭", "礁", "庵", "世界", *_ENDS_OF_COMMON_WORDS,
                     *_ONE_CHARACTER_TERMS}
# Metaphors of the genre that only look like places (a city's 后花园, 会客厅, 名片, 发展之路).
FIGURES_OF_SPEECH = frozenset({
    "后花园", "会客厅", "客厅", "桥头堡", "试验田", "排头兵", "大本营", "主阵地", "主战场",
    "新高地", "高地", "名片", "金名片", "窗口", "样板间", "发动机", "引擎", "加速器", "风景线", "生命线",
    "大动脉", "动脉", "心脏", "纽带", "橱窗", "舞台", "热土", "沃土", "福地", "港湾", "家园", "乐园", "花园",
    "后院", "前沿", "桥梁", "会场", "秀场", "磁场", "洼地", "高峰", "新地标", "地标",
    "老地方", "新天地", "大舞台", "朋友圈", "生活圈", "经济圈", "都市圈", "城市群", "一张网",
})
# What a common word before 之 makes a figure of speech of: the road, city, capital, window, heart... of it.
_ABSTRACT_HEADS = frozenset({"路", "城", "都", "窗", "心", "源", "美", "魂", "光", "道", "本", "基", "钥", "匙", "乡",
                             "地", "所", "家", "声", "约", "变", "治", "策", "力", "韵", "味"})
# Modifiers that make a class phrase generic (城市公园, 口袋公园, 老旧小区): a kind of place, not a name.
_GENERIC_MODIFIERS = frozenset({
    "城市", "湿地", "口袋", "社区", "街头", "郊野", "森林", "主题", "生态", "文化", "体育", "产业", "科技", "创新",
    "创业", "工业", "物流", "农业", "商业", "综合", "国家", "省级", "市级", "区级", "老旧", "老", "新", "小", "大",
    "各类", "各", "这", "那", "该", "本", "此", "一", "多", "两", "全", "整个", "沿江", "滨江", "滨水", "滨海", "新型",
    "特色", "城郊", "周边", "附近", "历史", "未来", "智慧", "数字", "国际", "现代", "传统", "美丽", "幸福", "和美",
    "乡村", "农村", "城乡", "城中", "一座", "一个", "一条", "一片", "这座", "这个", "这条", "这片", "座", "个", "条",
    "片", "处", "家", "公共", "开放", "休闲", "健身", "运动", "游乐", "街心", "中心", "核心", "重点", "人民", "群众",
    "居民", "市民", "百姓", "村民", "临街", "沿街", "背街", "老城", "新区", "城区", "市区", "郊区", "远郊", "近郊",
    "周末", "夜间", "夜", "旧", "古", "名", "网红", "热门", "知名", "著名", "首个", "首批", "第一", "全国", "全市",
    "全省", "全区", "当地", "本地", "附近", "服务", "党群", "邻里", "养老", "托育", "儿童", "青年", "孵化", "研发", "总部", "办公", "商务", "金融", "交通", "枢纽", "地铁", "公交", "轨道", "高速", "道路", "街道", "社会",
    "发展", "建设", "更新", "改造", "保护", "示范", "试点", "标杆", "样板", "模范", "先行", "东", "西", "南", "北",
    "上", "下", "前", "后", "内", "外", "里", "中", "两岸", "沿岸", "江边", "河边", "湖边", "岸边", "路边", "水", "绿色",
    "花园", "园林", "景观", "风景", "旅游", "观光", "度假", "研学", "教育", "医疗", "卫生", "科研", "实验", "创意",
    "艺术", "音乐", "文旅", "文创", "非遗", "民俗", "红色", "革命", "工人", "职工", "学生", "大型", "小型", "微型",
    "口子", "滨河", "临江", "临水", "亲水", "绿道", "碧道", "慢行", "步行", "骑行", "跑步", "健康", "平安",
    "江滩", "河岸", "湖畔", "江畔", "河畔", "环湖", "沿湖", "江面", "水面", "湖面", "岸线", "市集", "集市",
    "百年", "千年", "仿古", "航空", "丘陵", "山区", "养殖",
    "青石板", "石板", "楼阁", "堆场", "街镇", "镇村", "村居", "村镇", "公寓", "食堂", "驿站", "城墙", "江南", "水乡", "街巷", "小巷", "巷弄", "老巷", "街角", "巷口", "路口", "门口", "厂房", "老厂房",
})
_DIRECTIONS = frozenset("东西南北中前后")
_MODIFIERS_LONGEST_FIRST = sorted(_GENERIC_MODIFIERS, key=len, reverse=True)
# What a village's name ends in (竹林村, 松风庄, 云杉屯, 飞云寨).
_VILLAGE_WORDS = ("村", "庄", "屯", "寨")
# Class words of places named after a person or an event: the name without them is the person (林松山故居).
_MEMORIAL_WORDS = frozenset({"故居", "旧居", "故里", "纪念馆", "纪念碑", "陵园", "墓", "陵", "祠", "旧址", "会址"})
# What an institution, a venue or a station named after a place or a person ends in (某湾 + 大学, 某山 + 站,
# 某人 + 大剧院): another place.
_NAMED_AFTER_A_PLACE = frozenset({"大学", "学院", "中学", "小学", "学校", "医院", "机场", "火车站", "高铁站", "站",
                                  "剧院", "大剧院", "音乐厅", "体育馆", "体育场", "体育中心", "博物馆", "美术馆",
                                  "图书馆", "科技馆", "艺术馆"})
# What the name of a landmark a district is named after ends in (a hill, a lake, a tower, a pavilion: 松风山区,
# 云杉塔区); a district's short form ending otherwise (…门, …桥, …台, …岩, …城) is as often the district itself.
_NAMESAKE_ENDINGS = ("山", "岭", "峰", "洞", "湖", "塔", "楼", "阁", "寺")
# A name ending in one of these is a line on the map, not a point (rivers, greenways, avenues, highways, railways and
# metro lines, roads' ring).
_LINEAR = ("江", "河", "运河", "渠", "水系", "水道", "绿道", "碧道", "干线", "大道", "公路", "铁路", "高铁", "城际", "轻轨",
           "地铁", "高速", "环线", "线", "轴", "走廊", "廊道", "长廊", "步道", "栈道", "绿廊")
# What makes 长城 the whole wall, not a section of it: nothing, an epithet or the dynasty that built it (明长城).
_THE_WHOLE_WALL = frozenset({"", "万里", "古", "明", "明代", "秦", "汉", "北齐"})
# A name ending in one of these is an office, not a place (文旅部门, 区住建局).
_ORGANISATIONS = ("部门", "局", "委", "办", "政府", "委员会", "办公室", "集团", "公司", "协会", "组织", "联合会")
# What makes the words before it the start of an office's name: its suffix, or a second field and its suffix.
_OFFICE_AFTER = re.compile("(?:(?:和|与|及)[\u4e00-\u9fff]{1,4})?(?:" + "|".join(_ORGANISATIONS) + ")")
# A name ending in one of these is a part of the city, not a place (补齐郊区, 中心城区).
_GENERIC_AREAS = ("郊区", "城区", "市区", "老城区", "主城区", "中心区域")
# A name ending in one of these is a region (京津冀地区, 长三角地区, a mountain range, a plain) or a people (松风人),
# not a point. (A new district, …新区, is a place: an article's map marks it.)
_REGIONS = ("地区", "人", "山脉", "山区", "平原", "盆地", "高原", "丘陵")
# A province's one-character name (闽, 黔 …) with a direction is a part of the country, not a point (闽南, 黔北,
# 赣南); and so is the side of a river or lake (江北, 河西) where the region has no district of that name.
_PROVINCE_CHARACTERS = frozenset("京津沪渝冀豫云滇辽黑湘皖鲁苏浙赣鄂桂甘陇晋蒙陕秦吉闽贵黔粤青藏川蜀宁琼台港澳")
_DIRECTION_CHARACTERS = frozenset("东西南北")
# Words after a place name that say "beside / around it", not part of the name (青溪河畔, 老城一带).
_LOCATIVE_SUFFIXES = ("校园内", "校园", "校区内", "东北部", "西北部", "东南部", "西南部", "东部", "西部", "南部", "北部",
                      "中部", "北麓", "南麓", "东麓", "西麓", "山麓", "北邻", "南邻", "东邻", "西邻", "境内", "腹地",
                      "沿海", "沿岸", "两岸", "东岸", "西岸", "南岸", "北岸", "一带", "周边", "附近",
                      "沿线", "之畔", "畔",
                      "边", "旁", "前", "内", "里", "外", "上", "下", "段", "片区内")
# The mouth of a lane, a village or a street (竹溪巷口, 竹林村口): a spot at the place, not another name; a name
# with a one-character stem keeps it (新街口 is a name).
_ENTRANCE = re.compile(r"(?<=[\u3400-\u9fff]{2}[巷村街路])口$")
# A station's forecourt or side (青溪站站前广场, 青溪站东广场, 青溪站东) is the station.
# Class words of places named after the unit they are in, never after another (别市 + 港 is that city's port)
_NAMED_WHERE_THEY_ARE = frozenset({"港", "大学", "站", "火车站", "高铁站", "东站", "西站", "南站", "北站", "博物馆", "博物院"})
# A temple's gate (…寺山门, …庙后门)
_GATE_OF_A_TEMPLE = re.compile(r"(?<=[寺庙宫观祠])(?:山门|后门|正门|大门|侧门|东门|西门|南门|北门)$")
# The area around a place, named after it (…山景区, …湖片区)
_AREA_OF_A_PLACE = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:风景名胜区|旅游景区|风景区|景区|片区|旅游区)$")
# A township printed before a place's name (松风镇 + 竹林村…): two to four characters and its suffix, a name after it
_TOWNSHIP_CHAIN = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:镇|乡|街道)(?=[\u4e00-\u9fff]{2})")
_STATION_SQUARE = re.compile(r"(?<=[\u3400-\u9fff]{2}站)(?:(?:站前|[东西南北])?广场|[东西南北])$")
# Words before a quoted name that make it a location: one goes *to* or *into* it.
_LOCATIVE_BEFORE = re.compile(r"(?:来到|走进|步入|走入|落地|落户|入驻|位于|前往|探访|打卡|参观|造访|进入|坐落于|地处)"
                              r"[^，,。；;！？“”]{0,6}$")
# 一路 before a direction or a motion is "all the way" (一路向东), not the first road of a name (中山一路).
_ALL_THE_WAY = re.compile(r"一路(?:向|往|朝|前行|走|东|西|南|北|上|下|延伸|蜿蜒|跟随|相伴|小跑|狂奔)")
# Who speaks for an institution (…中心相关负责人说), and the names of institutions rather than buildings.
_SPOKESPERSON = re.compile(r"(?:的)?(?:一位|一名|几位)?(?:相关)?(?:负责人|工作人员|主任|副主任|党委|书记)")
_INSTITUTIONS = ("中心", "基地", "实验室", "研究院", "研究所")
# An indefinite description: a measure word before the name (一条…的老街, 一片城中村).
_INDEFINITE = re.compile(r"(?:^|[^\u3400-\u9fff0-9])?(?<![同另这那每哪唯统])[一两几]\s?[条座个片处栋间块家]"
                         r"[^，,。；;！？“”]{0,8}的$")  # not 同一条路上的… (on the same road)
# A relation around the measure phrase makes it where the name lies, not what it is (几条街之外的云杉巷, 隔着几条街的…,
# 同属一个景区的…), and so does a count the name is one of (两处：一处是松风县的…).
_RELATION = re.compile(r"(?:(?:之外|以外|外|之间|之中|对面|旁边|附近|尽头|深处|背后|后面|前面)的"
                       r"|(?:隔着?|相隔|同属|属于|距离?|离)[一两几][^，,。；;！？“”]{0,10}的"
                       r"|[一两几][条座个片处栋间块家]是[^，,。；;！？“”]{0,10}的)$")
_INDEFINITE_NAME = re.compile(r"[从在到向于]?[一两几][条座个片处栋间块家]")
# What may link a district to the landmark it sets (青溪区的…, 在青溪区，…).
_AFTER_LINK = re.compile(r"(?:的|，|,)$")
# Words before a quotation that make it what a place is called or was: a nickname or a description.
_DESCRIBED = re.compile(r"(?:称作|称为|誉为|叫作|叫做|号称|俗称|人称|昵称|称之为|被称|"
                        r"一[片座个条处块][^，,。；;！？“”]{0,8}的|"
                        # what something is or became (青溪是“江南第一城”, 成为市民的“后院”), not where one goes (便是“…”)
                        r"(?<![便就即正])(?:是|成为|成了|变成|还是)(?:[^，,。；;！？“”]{0,10}的)?)$")
_DESCRIBED_AFTER = re.compile(r"(?:之称|之说|之誉|的美誉|的美称|的称号|的雅称|的别称)")
# Words after a quotation that make it the name of an event, a programme or a brand (“夜游博物院”活动), not a place.
_PROGRAMME_AFTER = re.compile(r"[”’」』\"](?:活动|项目|品牌|工程|行动|计划|系列|模式|理念|主题|课程|大赛|比赛|展览|演出|工作法)")
_LOCATIVE_AFTER = re.compile(r"^(?:\d+层|\d+楼|[一二三四五六七八九十]+层|内|里|门口|园区|大楼|一楼|二楼|附近|周边|旁)")
# a year ends the name: punctuation, 的 or the end of the text follows (活动6862场 is a count)
_DOTTED = re.compile(r"(?:·(?:\d{4}|[A-Za-z]{2,8})|(?<=[\u3400-\u9fff])\d{4})(?=[^\u3400-\u9fffA-Za-z0-9.%％]|的|$)")
_QUOTATION = re.compile(r"[“‘「『]([^“”‘’「」『』]{2,24})[”’」』]")
_QUOTED = re.compile(r"[“‘「『\"]([\u3400-\u9fffA-Za-z0-9·]{2,12})[”’」』\"]")
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9·]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Before a two-character town name (庙镇), these make it part of a longer word (城镇, 乡镇, 古镇).
_BEFORE_SHORT_TOWN = "乡城村集古小新"
_LOCATIVE_CHARS = "上里内边旁"
# Tags that make a quotation a clause: verbs, adverbs, pronouns, prepositions, conjunctions, particles.
_CLAUSE_FLAGS = {"v", "vd", "d", "r", "p", "c", "u"}
_COUNT_CHARS = "一二三四五六七八九十两几多百千万"
_MEASURE_CHARS = "里个条座片处家间栋层块所位名米年"
_CLAUSE_END = re.compile(r"[，,；;：:]")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_PROPER_FLAGS = {"ns", "nr", "nrt", "nz", "nt", "j", "eng", "nw"}
_PLACE_FLAGS = {"ns"}
# The analyser's tags a township's short name may carry where it names the township (not nr 黄兴, v 云集, an 宜居).
_TOWNSHIP_WORD_FLAGS = {"ns", "nz", "nt", "n", "s", "j", "nw"}
# The analyser's tags of nouns that are no place and no organisation: common and proper nouns, works' titles.
_COMMON_NOUN_FLAGS = {"n", "nz", "nw"}
_NAME_FLAGS = _PROPER_FLAGS | {"n", "m", "s", "an", "ng", "nrfg", "x"}
_STOP_WORDS = {"的", "之", "在", "由", "从", "到", "于", "与", "和", "及", "或", "将", "把", "被", "向", "对", "是", "了",
               "也", "都", "还", "又", "就", "等", "让", "使", "给", "为", "以", "这", "那", "其", "每", "各", "该"}
_TRUSTED_KINDS = ("gazetteer", "district", "namesake", "township")
# One-character adjectives that, before common words, describe a place instead of naming it (老洋楼, 小渔村).
_DESCRIPTIVE = frozenset("老小大旧古新")
# Kinds of candidates, most trusted first (an equal span keeps the more trusted kind).
_KIND_PRIORITY = {"gazetteer": 0, "district": 1, "namesake": 2, "township": 3, "quoted": 4, "landmark": 5, "located": 6,
                  "named": 7, "read": 8, "read shape": 9, "between words": 10}
_MODEL_KINDS = frozenset({"sequence", "read", "read shape"})  # the sequence model's candidates
# Candidates that only fill a gap no rule's name covers: the model's, and a short name read between words.
_GAP_KINDS = _MODEL_KINDS | {"between words"}
# How sure the sequence model must be of a span (its least label marginal) for the span to be a name where no
# other source proposes one; chosen on the dev pages with models that never saw their city.
SEQUENCE_NAME_CONFIDENCE = 0.9
SEQUENCE_SHAPE_CONFIDENCE = 0.5  # the same for a span that ends in a class word (博物馆; 站 after two characters)
# What a landmark set right after its district may look like and still be a name (五里桥, 古文化坊, 青溪公园).
_SHAPES_A_NAME_MAY_HAVE = ("a count", "a kind of place")


@dataclass(frozen=True)
class Passage:
    """A piece of the article to search: an excerpt's text or a caption."""

    key: str  # excerpt or photo id
    text: str  # as printed
    section: int | None  # index of its section; None for captions
    credit: str | None = None  # a caption's photo credit (…区委宣传部供图): who supplied the photo


@dataclass(frozen=True)
class RegionNames:
    """The names a region's data knows."""

    region: tuple[str, ...]  # the city itself (上海市, 上海): a city-wide passage, not a place
    districts: dict[str, str]  # long and short names -> adcode
    district_names: dict[str, str]  # adcode -> long name
    gazetteer: dict[str, tuple[str, str]]  # name or alias -> (gazetteer id, district adcode)
    townships: dict[str, str | None] = field(default_factory=dict)  # full and short names -> adcode (None: ambiguous)
    elsewhere: frozenset[str] = frozenset()  # provinces, cities and districts outside the region (long and short)
    # units outside the region whose name before a place's sets it there (another province's or city's)
    outside_prefixes: frozenset[str] = frozenset()
    # units outside the region whose name sets a place there only before 的 (another province's county-level city by
    # its short name, 别县级市的 + 某书院): alone or run into a name, such a short name is as often a word or a name here
    outside_owners: frozenset[str] = frozenset()
    # the press's full names of autonomous counties (云杉县 of 云杉纳西族自治县) -> adcode (:func:`designation`)
    designations: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def in_full(self) -> dict[str, str]:
        """Every district's name as printed in full -> adcode: its long name, or its designation."""
        return {**{name: code for code, name in self.district_names.items()}, **self.designations}


@dataclass(frozen=True)
class Mention:
    passage: str
    start: int
    end: int
    name: str  # the text's own characters
    simple: str  # the name in Simplified characters, for matching
    kind: str
    sentence: str
    district: str | None = None  # adcode read from the text or the township list
    section: int | None = None  # the passage's section; None for a caption
    evidence: str | None = None  # how the district was read: chain, township, sentence, paragraph
    signals: frozenset[str] = frozenset()  # independent evidence that this mention names a place (:func:`signals`)


@dataclass
class FoundPlace:
    key: str  # gazetteer id, adcode, or the simplified name
    name: str
    kind: str
    gazetteer: str | None = None
    district: str | None = None
    district_evidence: str | None = None  # how its district was read, with the evidence
    district_read: str | None = None  # that way in one word: chain, township, sentence, …, name, article
    mentions: list[Mention] = field(default_factory=list)
    score: float = 0  # how much independent evidence says it is a place (:func:`evidence_score`)

    @property
    def confident(self) -> bool:
        """A name from the region's lists (a township printed in full: its short name, 云杉 of 云杉镇, is as
        often the area, hill or lake the township is named after), or one with enough evidence to be drafted."""
        return self.listed or self.score >= EVIDENCE_THRESHOLD

    @property
    def listed(self) -> bool:
        return self.kind in ("gazetteer", "district") or self.gazetteer is not None or (
            self.kind == "township" and any(m.simple.endswith(_TOWNSHIP_SUFFIXES) for m in self.mentions))


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    kind: str
    district: str | None = None  # adcode the candidate itself gives (a district, a township, a gazetteer row)


_EVIDENCE_RANK = {"gazetteer": 0, "district": 0, "chain": 1, "namesake": 1, "township": 2, "sentence": 3, "name": 4,
                  "credit": 5, "paragraph": 6, "contains township": 7, "section": 8, "article": 9}


def region_names(region_name_zh: str, districts, gazetteer_entries, townships=(), elsewhere=(),
                 outside_prefixes=(), outside_owners=()) -> RegionNames:
    """Collect the names of a region (pure).

    ``districts`` are (adcode, name) pairs, ``townships`` objects with ``name``
    and ``district_code``, ``elsewhere`` names of administrative units outside
    the region, ``outside_prefixes`` those of them whose name before a place's sets the place outside,
    ``outside_owners`` those that set it outside only before 的.
    """
    region = tuple(n for n in (region_name_zh, _short_form(region_name_zh, _ADMIN_SUFFIXES)) if n)
    by_name: dict[str, str] = {}
    designations = {}
    for code, name in districts:
        by_name[name] = code
        # an autonomous county is known by its designation (云杉县); its own name alone (云杉) is as often the
        # landmark it is named after
        if pressed := designation(name):
            by_name.setdefault(pressed, code)
            designations[pressed] = code
            continue
        short = _short_form(name, _ADMIN_SUFFIXES)
        # a county named like its city (松风县 of 松风市): the bare name is the city, as a reader takes it
        if short and short not in region:
            by_name.setdefault(short, code)
    gazetteer = {}
    for entry in gazetteer_entries:
        for name in entry.names:
            cleaned = name.strip("“”\"‘’「」『』 ")
            if cleaned and _CJK.search(cleaned):
                gazetteer.setdefault(cleaned, (entry.id, entry.district_code))
    township_names: dict[str, str | None] = {}
    long_names = {name for _, name in districts}
    landmarks = _landmark_forms(townships)
    for township in townships:
        forms = [township.name]
        short = _short_form(township.name, _TOWNSHIP_SUFFIXES)
        if short and len(short) >= 2:
            forms.append(short)
        for form in forms:
            if form in long_names or form in region or (form in by_name and form not in landmarks):
                continue
            known = township_names.get(form, township.district_code)
            township_names[form] = township.district_code if known == township.district_code else None
    # A subdistrict named like a district's short form (a 湖 district with its 湖街道) shows the bare name is the
    # lake or hill both are named after: it is read as that subdistrict's name, not as the district. Other bare
    # names (a district and its seat's subdistrict named after an old town) stay the district's, and so does a
    # town named like its county (松风镇 of 松风区, the county's seat).
    for form in landmarks & set(by_name) & set(township_names):
        if form not in long_names and form.endswith(_NATURAL_FEATURES):
            del by_name[form]
    own = set(by_name) | set(region)
    outside = frozenset(n for n in elsewhere if n not in own)
    return RegionNames(region, by_name, {code: name for code, name in districts}, gazetteer, township_names, outside,
                       frozenset(n for n in outside_prefixes if n not in own),
                       frozenset(n for n in outside_owners if n not in own and n not in township_names), designations)


def _landmark_forms(townships) -> set[str]:
    return {t.name.removesuffix("街道") for t in townships if t.name.endswith("街道")}


def _short_form(name: str, suffixes) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


# China's 55 minority nationalities, whose names (…族) stand between an autonomous unit's own name and its suffix
# (云杉 + 纳西族 + 自治县, 竹溪 + 哈尼族彝族 + 自治县).
_NATIONALITY_NAMES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 "
    "达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 "
    "赫哲 门巴 珞巴 基诺").split()
_NATIONALITIES = tuple(sorted((f"{n}族" for n in _NATIONALITY_NAMES), key=len, reverse=True))
# How an autonomous unit's name may name its nationalities: with 族, without it where the name is long enough to
# be no ordinary end of a place's name (察布查尔 + 锡伯 + 自治县), or all of them at once (龙胜 + 各族 + 自治县).
_IN_AN_AUTONOMOUS_NAME = tuple(sorted({*_NATIONALITIES, *(n for n in _NATIONALITY_NAMES if len(n) >= 2), "各族"},
                                      key=len, reverse=True))
_AUTONOMOUS_UNITS = {"自治县": "县", "自治旗": "旗"}
# An ethnic township's nationalities and suffix (…鄂伦春族乡), which a division list may leave out of its name
_ETHNIC_TOWNSHIP = re.compile(f"(?:{'|'.join(_NATIONALITIES)})+[乡镇]")


def designation(name: str) -> str | None:
    """How the press names an autonomous county or banner in full (pure): its own name and 县 or 旗, the
    nationalities and 自治 left out (云杉纳西族自治县: 云杉县), or its nationality's when that is all its name
    (鄂温克族自治旗: 鄂温克旗). None for any other unit."""
    suffix = next((s for s in _AUTONOMOUS_UNITS if name.endswith(s)), None)
    if suffix is None:
        return None
    own, first = name[: -len(suffix)], None
    while (nationality := next((n for n in _IN_AN_AUTONOMOUS_NAME if own.endswith(n)), None)) is not None:
        own, first = own[: -len(nationality)], nationality
    if not own and first:
        own = first.removesuffix("族")
    return own + _AUTONOMOUS_UNITS[suffix] if len(own) >= 2 else None


def find_places(passages: list[Passage], names: RegionNames, language: Language,
                model: SequenceModel | None = None) -> list[FoundPlace]:
    """Every place the passages name, in order of first mention, each with its district and evidence.

    ``model`` is the learned sequence model: a name it reads too has one more piece of evidence, and a name it
    is sure of is a candidate where no other source proposes one (:func:`choose_names`)."""
    simplified = {p.key: language.simplified(p.text) for p in passages}
    full_forms = {code for name, code in names.in_full.items() if any(name in t for t in simplified.values())}
    first = []
    tokens_of = {p.key: language.place_tokens(simplified[p.key]) for p in passages}
    repeated = repeated_words(tokens_of.values(), language.common_word)
    proposed = []
    for passage in passages:
        text = simplified[passage.key]
        tokens = tokens_of[passage.key]
        read = model.spans(sequence_features(text, tokens, names, language, repeated)) if model else []
        from_model = sequence_candidates(text, read, names)
        sure = {(c.start, c.end) for c in from_model if c.kind == "read"}
        proposed.append((passage, text, tokens, sure, [*_candidates(text, tokens, names, full_forms, language.common_word,
                                                                   second_opinion(text, language)), *from_model]))
    # a name printed once as a person's (七十岁的茶农 + 林松山) is that person's wherever the article prints it
    people = {text[c.start: c.end] for _, text, _, _, candidates in proposed for c in candidates
              if said_of_a_person(c, text)}
    for passage, text, tokens, sure, candidates in proposed:
        first.append((passage, text, tokens, [
            c for c in candidates if text[c.start: c.end] not in people
            and _passes_filters(c, text, tokens, names, language, (c.start, c.end) in sure)]))
    known = echo_names([(text, choose_names(candidates, text)) for _, text, _, candidates in first], names)
    read = []
    for passage, text, tokens, candidates in first:
        candidates = candidates + echo_candidates(text, tokens, known)
        read.append((passage, text, candidates, choose_names(candidates, text)))
    # the districts each section names, in order, for places whose paragraph names none
    section_districts: dict[int, list[tuple[int, str]]] = {}
    for order, (passage, _text, _candidates_, chosen) in enumerate(read):
        if passage.section is not None:
            section_districts.setdefault(passage.section, []).extend(
                (order, c.district) for c in chosen if c.kind == "district" and not someones_origin(c, _text, chosen))
    story_district = next((c.district for _, _, _, chosen in read for c in chosen if c.kind == "district"), None)
    mentions: list[Mention] = []
    for order, (passage, text, candidates, chosen) in enumerate(read):
        context = section_districts.get(passage.section, []) if passage.section is not None else []
        credited = credit_district(passage.credit, names)
        mentions += [_mention(passage, text, c, chosen, candidates, section_district(context, order),
                              tokens_of[passage.key], credited, language, names.region) for c in chosen
                     if not (c.kind == "township" and administrative_context(c, text, chosen, story_district))
                     and not part_of(c, text, chosen) and not a_roads_address(c, text, chosen)]
    places = _group(mentions, names, language.common_word)
    main = main_district(places)
    urban = next((p.key for p in places if p.kind == "district" and names.district_names.get(p.key, "").endswith("区")),
                 None)
    for place in places:
        named_after = district_named_in(place.name, names, full_forms)
        if named_after and _EVIDENCE_RANK.get(place.district_read, 99) > _EVIDENCE_RANK["name"]:
            place.district, place.district_read = named_after, "name"
            place.district_evidence = (f"the name begins with {names.district_names[named_after]}'s, which the "
                                       "article prints in full")
        if place.district is None and main is not None:
            place.district, place.district_read = main, "article"
            place.district_evidence = (f"the district the article names first ({names.district_names.get(main, main)}): "
                                       "nothing near the name sets it")
        if urban is not None and _county_for_a_city_name(place, names):
            place.district, place.district_read = urban, "city's name"
            place.district_evidence = (f"named after the city, so in one of its urban districts: the first the article "
                                       f"names ({names.district_names.get(urban, urban)})")
        place.score = evidence_score(place)
    return places


def choose_names(candidates: list[Candidate], text: str) -> list[Candidate]:
    """The names among the candidates (:func:`choose`). The sequence model's spans are evidence; the ones it reads
    as names (kinds "read", "read shape") are names where no other source proposes one (so is a short name read
    between words, kind "between words"): they fill gaps, and the model's give back
    the one or two first characters a rule's name lost to the word before it, or the class word it lost to the word
    after it, never cut a name the rules found (a span it is not sure of gives back first characters only where a
    name may open)."""
    rules = [c for c in candidates if c.kind not in _GAP_KINDS]
    chosen = choose(rules + _from_listed_start(rules, text))
    # a span read at even odds that ends in a weak class word only fills a gap: it runs over a rule's name into the
    # word before (把 + 飞云街) or after it (云杉崮 + 山) as often as it mends one
    for read in (c for c in candidates if c.kind == "read" or (
            c.kind == "read shape" and _class_word(text[c.start: c.end]) not in _WEAK_CLASS_WORDS)):
        cut = _cut_at_its_start(read, chosen, text) or _cut_before_its_class_word(read, chosen, text)
        if cut is not None:
            chosen = [read if k is cut else k for k in chosen]
    # any span of the model that opens where a name may open (after 的, a list's comma, a sentence's start) gives a
    # name back the first characters the analyser split off as a word of their own (附近的 + 白鹭 + 云杉塔), but
    # not a describing word (的 + 大 + 公园, 的 + 著名 + …); the name keeps its kind
    for read in (c for c in candidates if c.kind == "sequence" and (
            c.start == 0 or text[c.start - 1] in _NAME_OPENS_AFTER)):
        cut = _cut_at_its_start(read, chosen, text)
        if cut is not None and text[read.start: cut.start] not in _GENERIC_MODIFIERS:
            chosen = [Candidate(read.start, read.end, cut.kind, cut.district) if k is cut else k for k in chosen]
    gaps = [c for c in candidates if c.kind in _GAP_KINDS - {"sequence"}
            and all(c.end <= k.start or k.end <= c.start for k in chosen)]
    return sorted(chosen + choose(gaps), key=lambda c: c.start)


def _from_listed_start(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Names that begin inside a listed short name (a township's, a district's) and run past it, given back the
    listed name's start: the analyser cut the listed name (向 + 阳湖 of a township named 向阳湖), and a name does not
    begin in the middle of another. A full form (松风镇) ends a chain: what begins inside it is no name (镇 + 竹林村)."""
    listed = [c for c in candidates if c.kind in _TRUSTED_KINDS
              and not text.endswith(_ADMIN_SUFFIXES + _TOWNSHIP_SUFFIXES, c.start, c.end)]
    return [Candidate(listed_name.start, c.end, c.kind) for c in candidates if c.kind not in _TRUSTED_KINDS
            for listed_name in listed if listed_name.start < c.start < listed_name.end < c.end]


def _cut_at_its_start(read: Candidate, chosen: list[Candidate], text: str) -> Candidate | None:
    """The rules' name that a span of the sequence model restores the start of: the analyser split its
    first one or two characters off as a word of their own (深 + 秀湖, 拟 + 岘台, 衡阳 + 松木经济开发区). Not a
    name from the region's lists, nor across 的, nor a verb that goes there (参观)."""
    overlapping = [k for k in chosen if k.start < read.end and read.start < k.end]
    if len(overlapping) != 1:
        return None
    name = overlapping[0]
    restored = text[read.start: name.start]
    if name.end != read.end or not 1 <= len(restored) <= 2 or "的" in restored or name.kind in _TRUSTED_KINDS:
        return None
    if _FRAME_BEFORE.search(restored):
        return None  # 参观 + 云杉陵: the verb that goes to a place is no part of its name
    return name


def _cut_before_its_class_word(read: Candidate, chosen: list[Candidate], text: str) -> Candidate | None:
    """The rules' name that a span the sequence model is sure of gives back its class word: the analyser read the
    name without it (云杉府 + 书院), and nothing else was found there. Not a name from the region's lists."""
    overlapping = [k for k in chosen if k.start < read.end and read.start < k.end]
    if len(overlapping) != 1:
        return None
    name = overlapping[0]
    added = text[name.end: read.end]
    if name.start != read.start or not added or name.kind in _TRUSTED_KINDS or not _NAME_CHAR.fullmatch(added[0]):
        return None
    return name if _class_word(added) is not None and added[0] != text[name.end - 1] else None


def sequence_candidates(text: str, spans: list[tuple[int, int, float]], names: RegionNames) -> list[Candidate]:
    """The sequence model's spans, with the chain that sets them cut off (松风区 + 飞云路, 枫林街道 + 竹溪村), so
    they match the names the other sources propose without it: each is evidence (kind "sequence"); one the
    model is sure of (``SEQUENCE_NAME_CONFIDENCE``) is a name too (kind "read"), and so is one it reads at even odds
    that ends in a strong class word, or in a weak one with three characters or more in all (kind "read shape":
    御风 + 博物馆, which the analyser reads as a common noun; 春风 + 楼, which it splits), but that one must pass every
    filter a rule's name passes. A span run over a conjunction is two names, as a rule's is
    (:func:`_conjoined`)."""
    found = []
    pieces = [(start, end, sure) for span_start, span_end, sure in spans
              for start, end in _conjoined(text, span_start, span_end)]
    for start, end, sure in pieces:
        start, end = _trim(text, start, end, names)
        end = university_of_school(text, start, end)
        township = next((t for t in _by_length(frozenset(names.townships)) if t.endswith(_TOWNSHIP_SUFFIXES)
                         and text.startswith(t, start) and end - start - len(t) >= 2), None)
        if township is not None:
            start += len(township)
        if end - start >= 2:
            found.append(Candidate(start, end, "sequence"))
            klass = _class_word(text[start:end])
            if sure >= SEQUENCE_NAME_CONFIDENCE:
                found.append(Candidate(start, end, "read"))
            elif sure >= SEQUENCE_SHAPE_CONFIDENCE and klass is not None and (
                    klass not in _WEAK_CLASS_WORDS or end - start >= 3):
                found.append(Candidate(start, end, "read shape"))
    return found


def sequence_features(text: str, tokens: list[Token], names: RegionNames, language: Language,
                      repeated: frozenset[str]) -> list[list[str]]:
    """The sequence model's features of one passage (:func:`.sequence.character_features`), with the region's own
    names (districts and townships printed in full, the city), the class words of this module and the article's
    repeated words (:func:`repeated_words`)."""
    listed = {*names.in_full, *names.region,
              *(n for n in names.townships if n.endswith(_TOWNSHIP_SUFFIXES))}
    return character_features(text, tokens, language.common_word, listed, _CLASS_WORD_SET, language.tokens(text),
                              names.outside_prefixes, repeated)


def repeated_words(token_lists: Iterable[list[Token]], common_word: Callable[[str], bool]) -> frozenset[str]:
    """The analyser's words of two characters or more, not common words of the dictionary, that an article prints
    more than once (pure): a proper name is named again, a passing word seldom is."""
    counts = Counter(t.word for tokens in token_lists for t in tokens if len(t.word) >= 2)
    return frozenset(w for w, n in counts.items() if n >= 2 and not common_word(w))


def district_named_in(name: str, names: RegionNames, full_forms: set[str]) -> str | None:
    """The district whose short form begins a place's name (美兰 + 国际机场), when the article prints that district's
    full name (a short form is no district where the article never names it: a hill named like a county) and no
    other district's form is in the name."""
    if name.endswith(_LINEAR):
        return None
    name = next((name[len(city):] for city in names.region if name.startswith(city)), name)  # 青溪 + 松风国际机场
    inside = {code: form for form, code in names.districts.items()
              if code in full_forms and form not in names.in_full and len(form) >= 2 and form in name}
    # a name with two districts' forms in it (青溪大学松风校区) is not named after either
    first = [code for code, form in inside.items() if name.startswith(form) and len(name) > len(form)]
    return first[0] if len(inside) == 1 and first else None


def _county_for_a_city_name(place: FoundPlace, names: RegionNames) -> bool:
    """Whether a place named after the city (青溪站, 青溪博物馆, 青溪学院 of 青溪市) took a county's district from its paragraph,
    section or article: what bears the city's name lies in the city's own districts; a county's bears the county's."""
    return (place.name.startswith(names.region) and place.district_read in ("paragraph", "section", "article")
            and not names.district_names.get(place.district or "", "").endswith("区"))


def main_district(places: list[FoundPlace]) -> str | None:
    """The district the article names first, or None when it names none (``places`` are in order of first
    mention)."""
    return next((p.key for p in places if p.kind == "district"), None)


# Each kind of evidence that a name is a place, and its weight: the features of a found name
# (:func:`place_features`) add up, and a name is drafted when its score reaches EVIDENCE_THRESHOLD. Weights and
# threshold are learned by `benchmarks/ingest_weights_cv.py` on the dev pages (a logistic regression of "a key
# place" on the features; the threshold that removes most false places for each key place lost, one lost counted
# as three removed), which also checks by cross-validation over cities that they do better on unseen cities than
# the hand-set weights they replaced.
EVIDENCE_WEIGHTS = {
    "sequence model": 2.0, "sequence only": 0.6, "class word": 1.5, "weak class word": 0.5, "common words only": -0.6,
    "kind of place": -0.6, "two characters": -1.0, "tagged whole": 0.2, "organisation tag": 0.8, "place tag": 0.1,
    "sources agree": 0.1, "listed": -0.3, "quoted": -0.6, "repeated": 1.2, "caption or opening": 0.1,
    "locative frame": 0.2, "township's short name": 0.6,
    # how the district was read
    "district: chain": 0.7, "district: township": 1.1, "district: paragraph": -0.1, "district: section": -0.2,
    "district: contains township": -0.5, "district: sentence": -0.1, "district: credit": -0.2, "district: article": -0.8,
    "district: namesake": 1.1,
}
EVIDENCE_THRESHOLD = 0.8


def place_features(place: FoundPlace) -> frozenset[str]:
    """The evidence a found name carries (pure): its mentions' signals, being named more than once, and how its
    district was read (``place.district_read``)."""
    found = set().union(*(m.signals for m in place.mentions))
    if len({(m.passage, m.start) for m in place.mentions}) >= 2:
        found.add("repeated")
    if place.district_read is not None:
        found.add(f"district: {place.district_read}")
    if place.kind == "township" and not place.listed:
        found.add("township's short name")
    return frozenset(found)


def evidence_score(place: FoundPlace) -> float:
    """How much independent evidence says a found name is a place (pure): the weights of its features."""
    return round(sum(EVIDENCE_WEIGHTS.get(feature, 0) for feature in place_features(place)), 2)


def credit_district(credit: str | None, names: RegionNames) -> str | None:
    """The district whose office supplied a photo (…区委宣传部供图, …区融媒体中心供图): the district the caption's
    places lie in, when the credit names exactly one district of the region in full."""
    if not credit:
        return None
    codes = {code for name, code in names.in_full.items() if name in credit}
    return codes.pop() if len(codes) == 1 else None


# Words after a township that set a scene in it (一处老小区, 一带) or describe it as a place (是…片区之一).
_SCENE_IN_IT = re.compile(r"(?:的)?一(?:处|带|条|个)|是")


def administrative_context(township: Candidate, text: str, chosen: list[Candidate], story_district: str | None = None) -> bool:
    """Whether a township is printed only as the administrative setting of another place, not as a place:
    setting the scene of a place its sentence names (在松风镇，云杉古镇…), a town owning a place (松风镇的云杉古镇),
    a subdistrict printed as a place's address (枫林街道竹溪村), a short form owning a place (位于枫林的…), or a town
    before its village (松风区松风镇竹林村: the village is the place, the town its address). A township one is in
    stays a place (在枫林街道的云杉超市), and so does a subdistrict the story reports on (枫林街道推动…, 家住枫林街道的…).
    So does a township of ``story_district`` (the district the article names first) named in full, also as an
    address (位于枫林街道的青溪站, 松风镇竹林村 in a story of 松风区): the story's own towns are points on its map.
    A town of another district stays the address of a sight the story only visits (往西，云杉县云杉镇的…)."""
    starts = {c.start for c in chosen if c is not township}
    end = township.end
    name = text[township.start: end]
    if name.endswith(_TOWNSHIP_SUFFIXES) and story_district is not None and township.district == story_district:
        return False
    if name.endswith(_TOWNSHIP_SUFFIXES) and _SCENE_IN_IT.match(text, end):
        return False  # 枫林街道一处老小区里, 枫林街道是老城最密的片区之一: the scene is there
    before = [c for c in chosen if c.end == township.start and c.kind == "district"]
    opening = before[0].start if before else township.start  # 在青溪区松风镇，…
    at = text[max(0, opening - 1): opening] == "在"
    # a township whose sentence names no other place is where the story happens (在枫林街道，一片老小区…)
    sentence_end = next((m.start() for m in _SENTENCE_END.finditer(text, end)), len(text))
    sets_a_place = any(end < c.start < sentence_end and c.kind != "district" for c in chosen if c is not township)
    if text[end: end + 1] in ("，", ",") and at and sets_a_place or (name.endswith("街道") and end in starts):
        return True
    if name.endswith(_TOWNSHIP_SUFFIXES) and not at and _owns_next(text, end, starts):
        return True  # 松风镇的云杉古镇: the town sets the scene for the place in it
    if name.endswith(_TOWNSHIP_SUFFIXES) and any(
            c.start in (end, end + 1) and text[c.start - 1: c.start] in (name[-1], "的") and text[c.start:c.end].endswith(_VILLAGE_WORDS)
            for c in chosen):
        return True  # 松风镇竹林村: the village is the place, its town the address
    if name.endswith(("镇", "乡")) and any(c.start == end and c.kind not in ("district", "township") for c in chosen):
        return True  # 松风镇云杉陵: the landmark is the place, its town the address
    short = not text[township.start: end].endswith(_TOWNSHIP_SUFFIXES)
    return short and text[end: end + 1] == "的" and end + 1 in starts


# Places whose parts an article lists inside them (a park's pavilions, a palace's gates, an old town's temples),
# and the words that link a place to its parts (…里的, …内的, …保留着).
_ENCLOSURES = ("公园", "古镇", "古城", "景区", "风景区", "博物院", "故宫", "植物园", "动物园", "寺", "宫", "园")
_PART_LINK = re.compile(r"^(?:(?:里|内|中)?的|(?:里|内)?(?:保留着|保存着|还有|有))$")
_LIST_LINK = re.compile(r"^(?:、|和|与|及|以及)$")


def part_of(candidate: Candidate, text: str, chosen: list[Candidate]) -> bool:
    """Whether a name is listed as a part of a place printed before it (云杉公园里的竹亭、松阁; 松风古镇保留着
    云杉塔、竹溪庙等古建筑): the map's point is the place, not each of its parts."""
    if candidate.kind in _TRUSTED_KINDS:
        return False
    before = [c for c in chosen if c.end <= candidate.start]
    link_end = candidate.start
    for previous in reversed(before):
        gap = text[previous.end: link_end]
        name = text[previous.start: previous.end]
        if previous.kind not in _TRUSTED_KINDS and name.endswith(_ENCLOSURES) and _PART_LINK.match(gap):
            return True
        if not _LIST_LINK.match(gap):
            return False
        link_end = previous.start  # one more part of the same list (竹亭、松阁)
    return False


def _addresses_a_place(district: Candidate, text: str, chosen: list[Candidate]) -> bool:
    """Whether a district is printed right before a place of its own, as its address (松风区云杉寺, 青溪县的竹林村)."""
    starts = {c.start for c in chosen if c.kind != "district"}
    return district.end in starts or _owns_next(text, district.end, starts)


# What links a road to a place printed on it (…路上的, …路旁的, …大道一侧的).
_ON_THE_ROAD = re.compile(r"(?:上|旁|边|一侧|两侧|沿线|口)?的")


# One unnamed place counted (一家, 三处), not many of them over the street (一座座, 一家家 describe the street).
_A_COUNT = re.compile(r"[一两几三四五六七八九十多数]([家处座间栋所])(?!\1)")


def a_roads_address(candidate: Candidate, text: str, chosen: list[Candidate]) -> bool:
    """Whether a road is printed as the address of a place on it (松风路上的云杉医院, 竹溪大街旁的青溪公园), of an unnamed
    one (竹溪街上的一家面馆) or of whatever 位于 places on it (位于松风路上的…; 位于松风路的尽头 is a point of the
    road): the map's point is the place; the road is a line, and a place of the story only where the story walks it."""
    name = text[candidate.start: candidate.end]
    # a street whose class word is a strong one is a sight the story walks (云杉老街, 云杉步行街), not an address; a
    # subdistrict's short name (松风路 of 松风路街道) is as untrusted as any name, and may be an address too
    if not _untrusted(candidate, text) or not name.endswith(_ROAD_WORDS) or _class_word(name) not in _WEAK_CLASS_WORDS:
        return False
    link = _ON_THE_ROAD.match(text, candidate.end)
    if link is None:
        return False
    return (any(c.start == link.end() and c.kind != "district" for c in chosen)
            or (text.endswith("位于", 0, candidate.start) and link.group().startswith("上"))
            or _A_COUNT.match(text, link.end()) is not None)


def _owns_next(text: str, end: int, starts: set[int]) -> bool:
    """Whether a place follows ``end`` as the thing owned (…的, …境内的): 松风镇的云杉古镇."""
    for link in ("境内的", "境内", "的"):
        if text.startswith(link, end):
            return end + len(link) in starts
    return False


def section_district(districts: list[tuple[int, str]], order: int) -> str | None:
    """The district a section set the scene in before passage ``order``: the last one named before it (a district
    the section names only later is where its later places lie, not its earlier ones)."""
    before = [code for at, code in districts if at < order]
    return before[-1] if before else None


# --- 1. candidates ---------------------------------------------------------

def _candidates(text: str, tokens: list[Token], names: RegionNames, full_forms: set[str],
                common_word, second: list[Token] = ()) -> list[Candidate]:
    boundaries = {0, len(text)} | {t.start for t in tokens} | {t.end for t in tokens}
    not_names = {(t.start, t.end) for t in tokens if t.flag not in _TOWNSHIP_WORD_FLAGS}
    common_nouns = [(t.start, t.end, t.flag) for t in tokens if t.flag in _COMMON_NOUN_FLAGS]
    found = [*analyser_candidates(text, tokens, names, common_word),
             *analyser_candidates(text, second, names, common_word),
             *shape_candidates(text, tokens, names, common_word),
             *located_candidates(text, tokens, names, common_word)]
    found = [Candidate(start, start + len(object_cut(text[start: university_of_school(text, start, end)], common_word)),
                       c.kind)
             for c in found for s, e in _conjoined(text, c.start, c.end) for start, end in _chained(text, s, e, common_word)]
    return [*dictionary_candidates(text, boundaries, names, full_forms, not_names, common_nouns, common_word), *found,
            *quoted_candidates(text, tokens), *dotted_candidates(text, tokens), *station_candidates(text, names),
            *between_words_candidates(text, tokens, boundaries, names, common_word)]


# The analyser's tags of words no short name is made of (prepositions, pronouns, numbers, measures, adverbs,
# conjunctions, particles, adjectives, verbs), and of words none begins with (time words, locatives: 近两年, 其中).
_NOT_IN_A_SHORT_NAME = frozenset("prmqdcuav")
_NOT_FIRST_IN_A_SHORT_NAME = frozenset("tf")
# What a name begins after (one printed between words, one whose start a span of the model restores): a
# punctuation mark, 的, a conjunction, 了, 是.
_NAME_OPENS_AFTER = frozenset("，。、；：！？“”（）,;:!?的和与及了是")


def between_words_candidates(text: str, tokens: list[Token], boundaries: set[int], names: RegionNames,
                             common_word) -> list[Candidate]:
    """A short name the analyser breaks up (林肇 + 中 + 祖居: a person's name and a locative): two or three
    characters that are no common word, no generic modifier and no name of the city, made of nouns, between a
    punctuation mark or a function word and a class word the analyser ends a word with. Such a name only fills a
    gap (:func:`choose_names`)."""
    found = []
    for end in sorted(boundaries):
        klass = next((w for w in CLASS_WORDS if text.endswith(w, 0, end) and end - len(w) in boundaries), None)
        if klass is None:
            continue
        class_start = end - len(klass)
        for start in (class_start - 3, class_start - 2):
            stem = text[start: class_start]
            if start < 1 or start not in boundaries or text[start - 1] not in _NAME_OPENS_AFTER:
                continue
            words = [t for t in tokens if start <= t.start < class_start]
            if (not all(_CJK.match(ch) and ch not in _NAME_OPENS_AFTER for ch in stem) or common_word(stem)
                    or _generic(stem) or stem in names.region or words[0].flag[:1] in _NOT_FIRST_IN_A_SHORT_NAME
                    or any(t.flag[:1] in _NOT_IN_A_SHORT_NAME for t in words)):
                continue
            found.append(Candidate(start, end, "between words"))
            break
    return found


def second_opinion(text: str, language: Language) -> list[Token]:
    """The dictionary tokenizer's (jieba's) place words of three characters or more that end in a class word: where
    it and the place tagger split a name differently (深 + 霞湖 for one, 深霞湖 for the other), both spans are
    candidates and the longest wins (:func:`choose`). Not across 的 or from a function word on (的 + 云杉苑)."""
    return [t for t in language.tokens(text) if t.flag in ("ns", "nt") and len(t.word) >= 3 and _class_word(t.word)
            and "的" not in t.word and t.word[0] not in _STOP_WORDS]


def station_candidates(text: str, names: RegionNames) -> list[Candidate]:
    """The city's railway stations, named after it (青溪站, 青溪东站), whatever the analyser makes of 站 (a verb
    in 从青溪站出来)."""
    return [Candidate(m.start(), m.end(), "named") for city in names.region
            for m in re.finditer(re.escape(city) + r"[东西南北]?站", text)]


def dictionary_candidates(text: str, boundaries: set[int], names: RegionNames, full_forms: set[str],
                          not_names: set[tuple[int, int]] = frozenset(),
                          common_nouns: list[tuple[int, int, str]] = (),
                          common_word=lambda word: False) -> list[Candidate]:
    """The region's districts, townships and gazetteer names printed in ``text``.

    Long forms count anywhere; a short form (青溪, 松风) only as a whole word of
    the analyser and not run into a geographic word (青溪河); a district's short
    form only when the article prints its full name somewhere (``full_forms``), and
    a township's short form gives a district only if the article names that district. A short form the
    analyser reads as a time, person, verb or adjective (``not_names``: a town named 云集 in 高校云集, a district
    named after a dynasty in …时期) is that word. A district's name inside a longer word the analyser reads as a
    common or proper noun, not a place or an organisation (``common_nouns``, with their tags: a product named
    after a county, 青溪黄酒), is part of that word, and one it reads whole as a proper noun (nz) names a brand.
    A district named with a common word (城区, 郊区, 矿区) is that word inside a longer one (:func:`_generic_area`).
    """
    found = []
    for name, code in names.districts.items():
        short = name not in names.in_full
        if short and code not in full_forms:
            continue
        for start in _occurrences(text, name):
            end = start + len(name)
            if short and (not _whole_word(text, start, end, boundaries) or (start, end) in not_names):
                continue  # 青溪 + 河; or a dynasty, a person, a verb the analyser reads (西夏 + 时期)
            if start not in boundaries and end not in boundaries:
                continue  # a long form across two words (浙江 + 县域 is no 江县)
            if any(s <= start and end <= e and (e - s > end - start or flag == "nz") for s, e, flag in common_nouns):
                continue
            if _generic_area(name, text, start, end, boundaries, names, common_word):
                continue
            # a district named after a landmark (松风山区 after 松风山): the short form alone is the landmark
            namesake = short and name.endswith(_NAMESAKE_ENDINGS)
            found.append(Candidate(start, end, "namesake" if namesake else "district", code))
    for name, code in names.townships.items():
        full = name.endswith(_TOWNSHIP_SUFFIXES)
        for start in _occurrences(text, name):
            end = start + len(name)
            ethnic = None if full else _ETHNIC_TOWNSHIP.match(text, end)
            if ethnic and start in boundaries and not _suffix_begins_a_word(text, ethnic.end(), common_word):
                # 云杉 + 鄂伦春族乡 of a list's 云杉乡: the township's name in full
                found.append(Candidate(start, ethnic.end(), "township", code))
                continue
            if full and len(name) == 2 and start > 0 and text[start - 1] in _BEFORE_SHORT_TOWN:
                continue
            if full and _suffix_begins_a_word(text, end, common_word):
                continue  # 青溪乡 + 村振兴, 青溪乡 + 亲们: the suffix begins a word (乡村, 乡亲); 青溪镇 + 上 is the town
            if not full and (not _whole_word(text, start, end, boundaries) or (start, end) in not_names):
                continue
            # a short name shared with a township (枫林 of 枫林街道) gives its district only in an article that is
            # set in that district: elsewhere a landmark of the same name is as likely
            found.append(Candidate(start, end, "township", code if full or code in full_forms else None))
    for name, (_, code) in names.gazetteer.items():
        for start in _occurrences(text, name):
            found.append(Candidate(start, start + len(name), "gazetteer", code))
    return found


def _generic_area(name: str, text: str, start: int, end: int, boundaries: set[int], names: RegionNames,
                  common_word) -> bool:
    """Whether a district named with a two-character common word (城区, 郊区, 矿区) is printed as that word inside a
    longer one: run into a word of the place tagger (老矿区, 采矿区) or making a common word with the one or two
    characters before it (近郊区, 主城区). Right after the city's name (青溪市郊区) it is the district."""
    if len(name) != 2 or not common_word(name) or any(text[:start].endswith(city) for city in names.region):
        return False
    return (not _whole_word(text, start, end, boundaries)
            or any(start >= k and common_word(text[start - k: end]) for k in (1, 2)))


def _whole_word(text: str, start: int, end: int, boundaries: set[int]) -> bool:
    if start not in boundaries or end not in boundaries:
        return False
    following = text[end: end + 2]
    return not any(following.startswith(w) for w in CLASS_WORDS + _LINEAR + ("畔", "边"))


def analyser_candidates(text: str, tokens: list[Token], names: RegionNames,
                        common_word=lambda word: False) -> list[Candidate]:
    """The analyser's place words (and organisations or proper nouns ending in a class word).

    A place word without a class word that the dictionary knows as a common word (科学, 河岸:
    ``common_word``) is the analyser's guess from its context, not a name.
    """
    found = []
    for token in tokens:
        if token.flag not in ("ns", "nt", "nz"):
            continue
        start, end = _trim(text, token.start, token.end, names)
        if text.startswith("而", end) and end - start >= 4:
            end -= 2  # the analyser ran the name into an idiom's verb (云杉老街依山 + 而建, 青溪穿城 + 而过)
        if end - start < 2:
            continue
        word = text[start:end]
        if token.flag != "ns" and not word.endswith(_FACILITY_WORDS):
            continue  # an organisation is a place only when its name is its building (…大学, …医院, …博物馆)
        if not _class_word(word) and common_word(word):
            continue
        found.append(Candidate(start, end, "landmark"))
    return found


def _conjoined(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Two names the analyser ran into one word over a conjunction (云杉老街 + 和 + 松风): each on its own; only
    where the first ends in a class word, so a name with 和 inside stays whole."""
    for at in range(start + 2, end - 2):
        if text[at] in "和与及、" and _class_word(text[start:at]):
            return [(start, at), (at + 1, end)]
    return [(start, end)]


# What a container's name ends in when an article names a part of it right after it (云杉公园竹亭湖, 松风岛竹林村).
_CONTAINERS = (*_ENCLOSURES, "景区", "岛", "山", "港", "古港", "老街", "古村")
# What a part's name ends in that takes its container's name as its own (云杉大学 + 松风校区 is one campus).
_PARTS_NAMED_WITH_WHOLE = ("校区", "分院", "院区", "分校", "分馆")
# Class words that name a part of a city, not a sight: the city's 老城 is its old town.
_PARTS_OF_A_CITY = ("老城", "新城", "湿地")


# A university's or a college's name run into one of its schools' (云杉大学 + 美术学院, 松风学院 + 文学院).
_SCHOOL_OF = re.compile(r"(.{2,}?(?:大学|学院))[\u4e00-\u9fff]{1,6}学院")


def university_of_school(text: str, start: int, end: int) -> int:
    """The end of a name as a place: a school's name run after its university's ends at the university, which is
    on the map (its schools are parts of one campus); any other name ends where it ends."""
    school = _SCHOOL_OF.fullmatch(text, start, end)
    return school.end(1) if school else end


def _chained(text: str, start: int, end: int, common_word) -> list[tuple[int, int]]:
    """A container's name run into the name of a part of it (云杉公园 + 竹亭湖, 松风古城 + 云杉路, 竹溪岛 + 竹林村):
    two places, where each is three characters or more and the part is a name of its own: a stem of two
    characters or more before its class word, not a kind of place (a common word opening the stem of a class
    word of two characters: 矿山 + 遗址公园) and not a part named with its whole (大学 + 校区)."""
    for at in range(start + 3, end - 2):
        head, tail = text[start:at], text[at:end]
        klass = _class_word(tail)
        if not head.endswith(_CONTAINERS) or klass in (None, tail) or tail.endswith(_PARTS_NAMED_WITH_WHOLE):
            continue
        if tail.startswith(_TOWNSHIP_SUFFIXES + _VILLAGE_WORDS):
            continue  # 云杉港 + 镇…: the container's name is a town's or a village's, cut in the middle
        stem = tail[: -len(klass)]
        kind_of_place = len(klass) >= 2 and any(common_word(stem[:i]) for i in range(2, len(stem) + 1))
        if len(stem) >= 2 and not _generic(stem) and not kind_of_place:
            return [(start, at), (at, end)]
    return [(start, end)]


def object_cut(word: str, common_word) -> str:
    """A place name run into a common thing after it (云杉街 + 石板, 松风古镇 + 水巷, 竹溪公园 + 管理处) is the
    place: the name ends at its last inner class word when what follows is one or two common words that are
    no class word themselves (竹溪湿地 + 公园 stays whole) and do not end in a strong one (竹溪 + 国际机场).
    A class character printed twice is the name and the next word (竹溪湖 + 湖水)."""
    if len(word) >= 3 and word[-1] == word[-2] and _class_word(word[:-1]):
        return word[:-1]
    for cut in range(len(word) - 2, 2, -1):
        head, tail = word[:cut], word[cut:]
        if _class_word(head) is None or tail in CLASS_WORDS:
            continue
        if _class_word(tail) not in (None, *_WEAK_CLASS_WORDS):
            return word
        if common_word(tail) or any(common_word(tail[:i]) and common_word(tail[i:]) and tail[i:] not in CLASS_WORDS
                                    for i in range(1, len(tail))):
            return head
        return word
    return word


# A rail line's name (京沪高铁, 城际铁路, 地铁2号线) printed before a station's.
_LINE_BEFORE_STATION = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:高铁|城际|铁路|地铁\d*号线|\d+号线)")


# A category a name is set in apposition to (千年古刹 + 云杉寺, 木构建筑 + 竹溪殿, 世界文化遗产 + 松风陵): what the place
# is, printed before its name.
_APPOSITION = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:古刹|名刹|建筑|遗产|古迹|名胜|地标|景点|胜地)")


# A direction and a verb of bordering before a name (北连…, 东临…, 南依…): where something reaches, not the name's start.
_BORDERING = re.compile(r"[东西南北](?:连|接|临|邻|依|靠|濒|倚|枕)")
# A place, then a direction and 至 (老街 + 东至 + 云杉学院): how far the place reaches. The analyser may print the
# place and the verb as one word; only the name after them is a name.
_REACHES = re.compile(r"(?P<place>[\u4e00-\u9fff]{2,}?)[东西南北]至")


def _trim(text: str, start: int, end: int, names: RegionNames) -> tuple[int, int]:
    """Cut a district's or a township's name off the front (松江区佘山: the district is a chain, not part of the name) and a
    locative word off the end (青溪河畔). The city's own name stays: it is often part of the proper name
    (本市大熊猫繁育基地)."""
    for prefix in sorted(names.in_full, key=len, reverse=True):
        if text.startswith(prefix, start) and end - start - len(prefix) >= 2:
            if not _generic_kind(text[start + len(prefix): end]) or text.startswith(_ROAD_WORDS, end):
                start += len(prefix)  # but 松风县 + 博物馆 is the county's museum (松风区 + 学院路 a road's start)
            break
    line = _LINE_BEFORE_STATION.match(text, start, end)
    if line is not None and end - line.end() >= 3 and text.endswith(("站", "机场"), start, end):
        start = line.end()  # 京沪高铁 + 青溪东站: the line a station is on is no part of its name
    category = _APPOSITION.match(text, start, end)
    if category is not None and _class_word(text[category.end(): end]) not in (None, text[category.end(): end]) \
            and end - category.end() >= 3:
        start = category.end()  # 千年古刹 + 云杉寺: the category is what the place is, not its name
    bordering = _BORDERING.match(text, start, end)
    if bordering is not None and end - bordering.end() >= 3:
        start = bordering.end()  # 北连 + 云杉森林公园: what a place borders on, after a direction and a verb
    reaches = _REACHES.match(text, start, end)
    if reaches is not None and end - reaches.end() >= 3 and _class_word(reaches["place"]) is not None:
        start = reaches.end()  # 老街东至 + 云杉学院; a name that begins with 东至 (a county's: 东至县博物馆) has no place before
    township = _TOWNSHIP_CHAIN.match(text, start, end)
    if township is not None and text[township.end(): end] not in CLASS_WORDS:
        start = township.end()  # 松风镇竹林村云杉故居: the town is the chain; but 松风镇 + 中学 is the town's school
    for suffix in _LOCATIVE_SUFFIXES:
        # a word of two or more characters is locative whatever ends it (云杉大学校园); one character only
        # where it ends no class word (云杉园 keeps its 园)
        if text.endswith(suffix, start, end) and end - start - len(suffix) >= 2 and (
                len(suffix) >= 2 or not _class_word(text[start:end])):
            rest = text[start: end - len(suffix)]
            if suffix == "里" and not rest.endswith(CLASS_WORDS + _LINEAR):
                break  # 里 ends many a lane's or a mall's name (云杉里, 太平里): only 公园里, 河里 are "inside"
            end -= len(suffix)
            break
    if _ENTRANCE.search(text[start:end]):
        end -= 1
    if text.startswith(("一路", "一街"), end - 2) and _class_word(text[start: end - 2]) not in (None, text[start: end - 2]):
        end -= 2  # 从云杉大街 + 一路步行, 与云杉大街 + 一街之隔: all the way, one street away
    gate = _GATE_OF_A_TEMPLE.search(text, start, end)
    if gate is not None and gate.start() - start >= 2:
        end = gate.start()  # 云杉寺 + 山门: a temple's gate is where the temple is
    area = _AREA_OF_A_PLACE.search(text, start, end)
    if area is not None and _class_word(text[start: area.start()]) not in (None, text[start: area.start()]):
        end = area.start()  # 云杉山 + 景区, 竹溪湖 + 片区: the area around a place is that place
    forecourt = _STATION_SQUARE.search(text[start:end])
    if forecourt:
        end -= len(forecourt.group())
    return start, end


def shape_candidates(text: str, tokens: list[Token], names: RegionNames,
                     common_word=lambda word: False) -> list[Candidate]:
    """Proper names ending in a class word (竹溪 + 公园, 云杉 + 历史风貌区, 松风人工智能 + 岛上).

    The class word ends where a word of the analyser ends (or one locative character before: 岛上,
    城内); it may span words (风貌 + 区) or end one (西溪湿地). The name before it is up to four
    name-like words, with generic modifiers and counts (一座, 城市) taken off its front.
    """
    found = []
    for index, token in enumerate(tokens):
        end = token.end - 1 if token.word[-1] in _LOCATIVE_CHARS and len(token.word) > 1 else token.end
        klass = next((w for w in CLASS_WORDS if text.endswith(w, 0, end) and end - len(w) >= token.start - 6), None)
        if klass is None:
            continue
        class_start = end - len(klass)
        holder = next((i for i in range(index, -1, -1) if tokens[i].start <= class_start), 0)
        head = tokens[holder]
        if head.flag.startswith(("v", "a", "d", "p", "c", "u", "r")) and not (
                klass in _ROAD_WORDS and head.end - head.start >= 3 and _after_district(text, head.start, names)):
            continue  # a verb or adjective that happens to end in a class character (就是好山); but a
            # road printed right after its district is a name whatever its tag (静安区谈家桥路)
        stem_in_token = text[head.start: class_start]
        name_tokens: list[Token] = []
        for before in reversed(tokens[max(0, holder - 4): holder]):
            if before.word in names.region and klass in _CITY_FACILITY_WORDS and (name_tokens or stem_in_token):
                name_tokens.insert(0, before)  # the city's name begins its airport's or museum's (青溪 + 云杉机场)
                break
            if (before.word in names.region or before.word in names.in_full) and _generic_kind(
                    "".join(t.word for t in name_tokens) + text[head.start: end]):
                name_tokens.insert(0, before)  # the city's old street, the county's museum (青溪 + 老街, 松风县 + 博物馆)
                break
            if not _name_like(before, names, text) or (before.flag == "s" and common_word(before.word)):
                break  # a locative word (远处, 上游, 山下) says where the name is; it is no part of it
            if before.word in _PERSON_ROLES and _a_person_after_a_role(text[before.end: end], common_word):
                break  # 竹林村 + 村民 + 林松山: a village and a villager; but 市民 + 广场, 游客 + 中心 are names
            name_tokens.insert(0, before)
        while name_tokens and (name_tokens[0].word in _GENERIC_MODIFIERS or _count_word(name_tokens[0])):
            name_tokens.pop(0)
        stem = "".join(t.word for t in name_tokens) + stem_in_token
        if len(stem) < 2 or _generic(stem):
            continue
        first = name_tokens[0].start if name_tokens else head.start
        proper = (any(t.flag in _PROPER_FLAGS for t in name_tokens) or (stem_in_token and head.flag in _PROPER_FLAGS)
                  or re.search(r"[A-Za-z0-9]", stem) is not None or stem in names.townships
                  or sum(1 for t in name_tokens if len(t.word) == 1) >= 2
                  or _after_district(text, first, names))
        if not proper and (klass in _WEAK_CLASS_WORDS or not name_tokens or common_word(stem)):
            continue
        if _ALL_THE_WAY.match(text, class_start - 1):
            continue  # 从云杉门一路向西: "all the way", not a road named 云杉门一路
        start, end = _trim(text, first, end, names)
        if end - start >= 2:
            found.append(Candidate(start, end, "named"))
    return found


def located_candidates(text: str, tokens: list[Token], names: RegionNames, common_word) -> list[Candidate]:
    """A noun the text sets right after a district it names (青溪区的五里桥, 在青溪区，古文化坊…): a landmark
    of that district, even when its shape alone would be a count or a kind of place. The analyser's place
    words count whatever the dictionary says; a locality word or another noun only with a class word or
    when it is no common word."""
    found = []
    for token, following in zip(tokens, [*tokens[1:], None]):
        if len(token.word) < 2 or not _CJK.match(token.word) or token.word in names.districts:
            continue
        if following is not None and following.flag in ("n", "ns", "nz", "vn"):
            continue  # it modifies the noun after it (青溪区社区口袋公园): it ends no name
        if not (token.flag == "ns" or (token.flag in ("s", "n", "nz") and (
                _class_word(token.word) or not common_word(token.word)))):
            continue  # 沿海 (s), 居民 (n): common words
        if text.startswith(_ORGANISATIONS, token.end):
            continue  # 青溪区文旅部门: an office's name
        before = _AFTER_LINK.sub("", text[max(0, token.start - 10): token.start])
        if before.endswith(tuple(names.in_full)):
            start, end = _trim(text, token.start, token.end, names)
            found.append(Candidate(start, end, "located"))
    return found


def _count_word(token: Token) -> bool:
    """一位, 10个, 两座: a number with its measure word starts no name (515 does: 515咖啡艺术中心)."""
    return token.flag in ("m", "q") and _CJK.search(token.word) is not None


def _after_district(text: str, start: int, names: RegionNames) -> bool:
    """Whether a district (or a township) is printed right before ``start`` (青溪区枫林门, 青溪区的枫林门,
    枫林街道的云杉小镇): the name is proper."""
    before = text[max(0, start - 8): start].removesuffix("的")
    return any(before.endswith(name) for name in names.in_full) or any(
        before.endswith(name) for name in names.townships if name.endswith(_TOWNSHIP_SUFFIXES))


def _a_listed_town(name: str, names: RegionNames) -> bool:
    """Whether a name is a township of the region's official list, named in full (松风镇, 枫林街道)."""
    return name.endswith(_TOWNSHIP_SUFFIXES) and name in names.townships


def _name_like(token: Token, names: RegionNames, text: str) -> bool:
    word = token.word
    if word in _STOP_WORDS or word in names.region or word in names.in_full:
        return False
    if _a_listed_town(word, names):
        return False  # a town before a name is a chain (庙镇 + 镇东村), not part of it
    if not all(_NAME_CHAR.match(ch) for ch in word):
        return False
    if word.endswith(_ROAD_WORDS) and len(word) >= 3 and _after_district(text, token.start, names):
        return True  # 静安区谈家桥路 + 小区
    if token.flag.startswith(("v", "a", "d", "p", "c", "u", "r", "q", "f", "t", "w", "xc")) and token.flag not in _NAME_FLAGS:
        return False
    return token.flag in _NAME_FLAGS or len(word) == 1


def dotted_candidates(text: str, tokens: list[Token]) -> list[Candidate]:
    """A noun joined to a year or, by a middle dot, a Latin word (丝厂·1928, 纱厂1921): the brand name of a place."""
    ends = {t.end: t for t in tokens}
    found = []
    for match in _DOTTED.finditer(text):
        word = ends.get(match.start())
        if word is not None and len(word.word) >= 2 and word.flag in _NAME_FLAGS and _CJK.match(word.word):
            found.append(Candidate(word.start, match.end(), "named"))
    return found


def quoted_candidates(text: str, tokens: list[Token]) -> list[Candidate]:
    """Quoted names that are places by their shape (“…公园”) or their context (走进“…”, 在“…”3层)."""
    found = []
    for match in _QUOTED.finditer(text):
        inner = match.group(1)
        start, end = match.start(1), match.end(1)
        klass = _class_word(inner)
        shaped = klass is not None and not _generic(inner[: -len(klass)])
        # the words before the class word (an unknown coined class word may be tagged a verb: 创谷)
        before_class = end - len(klass) if shaped else end
        inside = [t for t in tokens if start <= t.start and t.end <= before_class]
        if any(t.flag in _CLAUSE_FLAGS or t.word in _STOP_WORDS for t in inside):
            continue  # a slogan or a saying (“好山好水就是财富”), not a name (“云杉创新港” is: 创新 is a noun here)
        if _described(match, text):
            continue  # what a place is called or was (称作“水上之城”, 一片…的“臭水塘”): a description, not its name
        located = _LOCATIVE_BEFORE.search(text[max(0, match.start() - 12): match.start()]) is not None \
            or _LOCATIVE_AFTER.match(text[match.end(): match.end() + 4]) is not None
        if shaped or located:
            found.append(Candidate(start, end, "quoted"))
    return found


def _described(quotation: re.Match, text: str) -> bool:
    """Whether a quotation is what something is called (称作“水上之城”, 有“江南第一街”之称), not a name."""
    return bool(_DESCRIBED.search(text[max(0, quotation.start() - 12): quotation.start()])
                or _DESCRIBED_AFTER.match(text, quotation.end()))


def _class_word(name: str) -> str | None:
    return next((w for w in CLASS_WORDS if name.endswith(w) and len(name) > len(w)), None) or (
        name if name in CLASS_WORDS else None)


def _generic_kind(name: str) -> bool:
    """Whether a name is a kind of facility or sight alone, which a city or a county names after itself (老街,
    博物馆, 历史文化公园): a class word of two characters or more, alone or after generic modifiers. Not a weak class
    word (…广场, …中心), a part of another place (…校区), a part of the city (老城, 湿地), or a name a direction
    makes (南城, 西关)."""
    klass = name if name in CLASS_WORDS else _class_word(name)
    if klass is None or len(klass) < 2 or klass in _WEAK_CLASS_WORDS or klass in _PARTS_NAMED_WITH_WHOLE + _PARTS_OF_A_CITY:
        return False
    stem = name[: -len(klass)]
    return not any(ch in _DIRECTIONS for ch in stem) and (not stem or _generic(stem))


def _generic(stem: str) -> bool:
    """A stem made only of generic modifiers (城市, 口袋, 老旧小) names a kind of place, not a place."""
    return stem in _GENERIC_MODIFIERS or bool(_generic_parts(stem))


def _kinds_only(name: str) -> bool:
    """Whether a name is two or more class words of two characters or more, with generic modifiers between them
    (古镇 + 老街, 温泉 + 小镇): kinds of place listed, not a name. A street named after one (公园 + 大街) is a name."""
    if name.endswith("大街"):  # an avenue (…大道) is refused before, as a line
        return False
    kinds, rest = 0, name
    while rest:
        head = next((w for w in CLASS_WORDS if len(w) >= 2 and rest.startswith(w)), None)
        if head is None:
            head = next((m for m in _MODIFIERS_LONGEST_FIRST if rest.startswith(m)), None) if kinds else None
            if head is None:
                return False  # a word of its own, or a modifier first (新 + 渡口码头 is a ferry's name)
        else:
            kinds += 1
        rest = rest[len(head):]
    return kinds >= 2


def _generic_parts(stem: str) -> list[str]:
    """The generic modifiers a stem is made of, longest first (老旧 + 小); [] when it is not made of them."""
    parts, rest = [], stem
    while rest:
        head = next((m for m in _MODIFIERS_LONGEST_FIRST if rest.startswith(m)), None)
        if head is None:
            return []
        parts.append(head)
        rest = rest[len(head):]
    return parts


def _suffix_begins_a_word(text: str, end: int, common_word) -> bool:
    """Whether a township's suffix, the last character before ``end``, begins a word with the next one (乡 + 村)."""
    return end < len(text) and text[end] not in _LOCATIVE_CHARS and common_word(text[end - 1: end + 1])


def _occurrences(text: str, name: str):
    start = text.find(name)
    while start >= 0:
        yield start
        start = text.find(name, start + 1)


def echo_names(found: list[tuple[str, list[Candidate]]], names: RegionNames) -> set[str]:
    """Names found somewhere in the article, and their stems without a class word (云杉记忆园区 -> 云杉记忆):
    the article's own vocabulary, to find them where the analyser did not tag them."""
    known = set()
    for text, chosen in found:
        for c in chosen:
            if c.kind not in ("landmark", "located", "named", "quoted"):
                continue
            name = text[c.start: c.end]
            klass = _class_word(name)
            stem = name[: -len(klass)] if klass and len(klass) >= 2 else None
            known |= {n for n in (name, stem) if n and len(n) >= 3 and not refused(n, names)}
    return known


def echo_candidates(text: str, tokens: list[Token], known: set[str]) -> list[Candidate]:
    """The known names printed here as whole words; not where the analyser reads the word as a company or a
    person (a museum's stem 云杉啤酒 printed alone is the brewery)."""
    boundaries = {t.start for t in tokens} | {t.end for t in tokens} | {len(text)}
    actors = {(t.start, t.end) for t in tokens if t.flag in ("nt", "nr")}
    return [Candidate(start, start + len(name), "landmark") for name in known for start in _occurrences(text, name)
            if start in boundaries and start + len(name) in boundaries and (start, start + len(name)) not in actors]


def _vouched_name(candidate: Candidate, text: str, tokens: list[Token]) -> bool:
    """A word the analyser tags whole as a place, a stem of two characters or more before a strong class word
    (新市 + 古镇, not 大 + 公园): a name, whatever adjective it begins with."""
    name = text[candidate.start: candidate.end]
    klass = _class_word(name)
    return klass is not None and klass not in _WEAK_CLASS_WORDS and len(name) - len(klass) >= 2 and any(
        (t.start, t.end) == (candidate.start, candidate.end) and t.flag == "ns" for t in tokens)


# What is said of a person right before or after their name (七十岁的 + 茶农 + name, 他叫 + name, name + 笑着说,
# name + 口中的): a surname and a given name that happen to end like a place (林松山) name that person.
_PERSON_BEFORE = re.compile(r"(?:(?:\d+|[一二三四五六七八九十百]+)多?岁的(?:(?![在到去来从进往游逛])[\u4e00-\u9fff]){0,4}"
                            r"|[他她]叫)$")
# What a person is, printed right before the person's name (村民 + 林松山, 讲解员 + 白云山): the name is the person's
# whatever the surname
_PERSON_ROLES = ("村民", "居民", "市民", "游客", "摊主", "店主", "老板", "渔民", "农民", "茶农", "果农", "菜农", "讲解员",
                 "志愿者", "传承人", "书记", "主任", "馆长", "站长", "经理", "负责人", "老师", "教师", "师傅", "船工",
                 "导游", "厨师", "社长", "村医")
_PERSON_AFTER = re.compile(r"说|告诉|介绍|表示|笑着|回忆|坦言|感慨|口中|年轻时|照例|收了")


def said_of_a_person(candidate: Candidate, text: str) -> bool:
    """Whether a short name is printed as a person's: any right after a person's role (村民 + 濮松山), one of a
    common surname and a given name where what is said around it is said of a person (五十岁的茶农 + 林松山,
    林松山 + 笑着说)."""
    name = text[candidate.start: candidate.end]
    if len(name) > 3 or candidate.kind in _TRUSTED_KINDS:
        return False
    if text.endswith(_PERSON_ROLES, 0, candidate.start):
        return True
    return name[0] in COMMON_SURNAMES and bool(_PERSON_BEFORE.search(text, max(0, candidate.start - 12), candidate.start)
                                               or _PERSON_AFTER.match(text, candidate.end))


def names_a_person(candidate: Candidate, tokens: list[Token]) -> bool:
    """Whether a name ends where a person's name the analyser reads ends (教师 + 林松山, 居民 + 王白湖): its
    class character is a given name's (a place named after a person goes on: 张氏 + 帅府, 中山 + 公园). A name
    the analyser reads whole as a person's is one only if it begins with a common surname (not 飞云塔) and is no
    longer than a person's name (not 林松山纪念馆)."""
    if candidate.kind in _TRUSTED_KINDS:
        return False
    for t in tokens:
        if t.flag == "nr" and t.end == candidate.end and t.start < candidate.end and len(t.word) >= 2:
            return t.start > candidate.start or (t.word[0] in COMMON_SURNAMES and len(t.word) <= _LONGEST_PERSONAL_NAME)
    return False


def _a_person_after_a_role(rest: str, common_word) -> bool:
    """Whether what follows a person's role (村民 + …) is that person's name, whatever the surname: up to three
    characters, no class word and no common word (村民 + 林松山; but 市民 + 广场, 游客 + 中心, 游客 + 驿站)."""
    return len(rest) <= 3 and rest not in CLASS_WORDS and not (len(rest) >= 2 and common_word(rest))


def _a_role_and_person(candidate: Candidate, text: str, common_word) -> bool:
    """Whether a name is a person's role and the person's name after it (居民 + 林松山), whoever proposes it."""
    role = next((r for r in _PERSON_ROLES if text.startswith(r, candidate.start)), None)
    return role is not None and _a_person_after_a_role(text[candidate.start + len(role): candidate.end], common_word)


def in_saying(candidate: Candidate, text: str, tokens: list[Token]) -> bool:
    """Whether a name is a word inside a quoted saying (“山高水长，人杰地灵”, “好山好水就是财富”) or inside
    what a place is called (被称作“云上水乡”)."""
    if candidate.kind in ("district", "gazetteer"):
        return False
    for match in _QUOTATION.finditer(text):
        if match.start(1) <= candidate.start and candidate.end <= match.end(1) and _described(match, text):
            return True
    if candidate.kind == "quoted":
        return False
    for match in _QUOTATION.finditer(text):
        inner_start, inner_end = match.start(1), match.end(1)
        if inner_start <= candidate.start and candidate.end <= inner_end and (candidate.start, candidate.end) != (
                inner_start, inner_end):
            inside = [t for t in tokens if inner_start <= t.start and t.end <= inner_end]
            return "，" in match.group(1) or "," in match.group(1) or any(t.flag in _CLAUSE_FLAGS for t in inside)
    return False


# --- 2. filters ---------------------------------------------------------

def _after_unit_elsewhere(text: str, start: int, names: RegionNames, common_word,
                          tagged: dict[tuple[int, int], str]) -> bool:
    """Whether the name at ``start`` follows a unit outside the region (别省 + 某山, 别市的 + 某街); not the tail of
    one of the region's own districts or townships (宜丰县 is no 丰县 of another province, 鹤丰镇 no 丰镇), nor, before
    的, a unit's name that is a common word (城区的) unless the analyser tags it a place there (``tagged``)."""
    own = [name for name in (*names.districts, *names.townships) if len(name) > 2]
    owned = start - 1 if text.startswith("的", start - 1) else None
    for unit in names.outside_prefixes | names.outside_owners:
        for unit_end in (start if unit in names.outside_prefixes else None, owned):
            if unit_end is None or not text.endswith(unit, 0, unit_end):
                continue
            if unit_end != start and common_word(unit) and tagged.get((unit_end - len(unit), unit_end)) != "ns":
                continue
            if any(len(name) > len(unit) and text.endswith(name, 0, unit_end) for name in own):
                continue
            return True
    return False


# Words right before a name that make it what something is compared with (不比某村差, 有点像某路, 比在某塔上), and
# words after one that make it an example of the kind instead (像某园这样的…).
_COMPARED_WITH = re.compile(r"(?:像|堪比|媲美|不输|不比|比肩|好比|不亚于|赛过|胜过|比)(?:在|于)?$")
_EXAMPLE_AFTER = re.compile(r"(?:这样|这类|这些|那样|等)")


def _district_of_another_city(text: str, start: int, names: RegionNames) -> bool:
    """Whether the district name at ``start`` follows another city's or province's name (别市 + 某区: a visitor's
    home district, named like one of the region's), not the tail of the region's own name; a district's, a county's or
    a banner's name (…区, …县, …旗) is no district's city (a county-level …市 is named like one, and counts as one)."""
    own = [name for name in names.region if text.endswith(name, 0, start)]
    return any(text.endswith(unit, 0, start) and not unit.endswith(("区", "县", "旗"))
               and not any(len(name) > len(unit) for name in own) for unit in names.outside_prefixes)


# Someone who comes from elsewhere (来自别市的游客, 别省来探亲的女士, 别国来的学者): what such a visitor names next in the
# sentence is, as often as not, a sight of their home they compare this city with.
_VISITOR = re.compile(r"游客|旅客|客人|学者|朋友|网友|爱好者|女士|先生|老人|夫妇|姑娘|小伙")
_VISITOR_ORIGIN_GAP = 7  # characters between a unit's name and the visitor (来探亲的, 专程赶来的)


def _after_a_visitor_from_elsewhere(text: str, start: int, names: RegionNames) -> bool:
    """Whether the name at ``start`` follows, in its sentence, a visitor from a unit outside the region (从别市来的游客说：
    "在…"), and not a district's or a township's name of the region printed right before it (别市来的游客去了松风区的某山:
    that one is here)."""
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    for visitor in _VISITOR.finditer(text, sentence_start, start):
        before = text[max(sentence_start, visitor.start() - _VISITOR_ORIGIN_GAP - 8): visitor.start()]
        for unit_start in range(len(before)):
            for unit_end in range(unit_start + 2, min(len(before), unit_start + 8) + 1):
                unit = before[unit_start:unit_end]
                if ((unit in names.elsewhere or unit in names.outside_owners)
                        and len(before) - unit_end <= _VISITOR_ORIGIN_GAP and not _CLAUSE_END.search(before, unit_end)):
                    return not _after_district(text, start, names)
    return False


def tagged_whole(tokens: list[Token]) -> dict[tuple[int, int], str]:
    """The spans the analyser tags whole as a place or an organisation, with the tag."""
    return {(t.start, t.end): t.flag for t in tokens if t.flag in ("ns", "nt")}


def _keep(candidate: Candidate, text: str, names: RegionNames, common_word,
          tagged: dict[tuple[int, int], str] | None = None) -> bool:
    if candidate.kind == "district":
        return not _district_of_another_city(text, candidate.start, names)
    if candidate.kind in ("gazetteer", "namesake"):
        return True
    if text.startswith("而", candidate.end) and candidate.end - candidate.start >= 4:
        return False  # run into an idiom's verb (云杉老街依山 + 而建): the name without it is a candidate of its own
    if _SPOKESPERSON.match(text, candidate.end) and text.endswith(_INSTITUTIONS, candidate.start, candidate.end):
        return False  # 云杉保护中心相关负责人: a centre whose officer speaks is an institution, not a place
    if _OFFICE_AFTER.match(text, candidate.end) and _class_word(
            text[candidate.start: candidate.end]) in (None, *_WEAK_CLASS_WORDS):
        return False  # 区农业农村 + 局, …文化广电 + 和旅游局: the start of an office's name (a university's 党委
        # leaves it a place)
    if _after_unit_elsewhere(text, candidate.start, names, common_word, tagged or {}):
        return False  # 来自别省 + 某山, 别市的 + 某街: a place of another province or city
    if candidate.kind != "township" and _after_a_visitor_from_elsewhere(text, candidate.start, names):
        return False  # 来自别市的游客说，在某塔…: a sight of the visitor's home
    if candidate.start > 0 and text[candidate.start - 1] in "“‘「『\"" and _PROGRAMME_AFTER.match(text, candidate.end):
        return False  # 推出“夜游博物院”活动: an event's or a programme's name
    if _COMPARED_WITH.search(text, max(0, candidate.start - 4), candidate.start) and not _EXAMPLE_AFTER.match(
            text, candidate.end):
        return False  # 一点不比 + 某村, 有点像 + 某路: what a place is compared with, most often a famous one elsewhere
    before = text[max(0, candidate.start - 12): candidate.start]
    if (_INDEFINITE.search(before) and not _RELATION.search(before)) or _INDEFINITE_NAME.match(text, candidate.start):
        return False  # 一条依崖而建的步道老街, 从一片城中村: a kind of place said of another, not a name
    if _INDEFINITE_NAME.search(text, candidate.start + 1, candidate.end):
        return False  # 青溪从一座小镇: a measure phrase inside runs a clause into a class word, not a name
    why = refused(text[candidate.start: candidate.end], names, common_word)
    if why is None or (candidate.kind == "located" and why.startswith(_SHAPES_A_NAME_MAY_HAVE)):
        return True
    # The analyser vouches for a word it tags whole: an organisation named after its building (…大学, …医院),
    # or a place whose stem is made of directions only (南 + 后 + 街, 西 + 湖), not of other modifiers
    # (城市 + 公园, 文化创意 + 产业园, 上 + 洲).
    name = text[candidate.start: candidate.end]
    klass = _class_word(name)
    flag = (tagged or {}).get((candidate.start, candidate.end))
    if not why.startswith("a kind of place") or flag is None or klass is None:
        return False
    parts = _generic_parts(name[: -len(klass)])
    # 大 + 东 + 巷, 老 + 北 + 门: a direction, with at most an age or a size before it, is how old streets and gates
    # are named
    return (flag == "nt" and name.endswith(_FACILITY_WORDS)) or (
        any(p in _DIRECTIONS for p in parts) and all(p in _DIRECTIONS or p in _DESCRIPTIVE for p in parts))


def _passes_filters(candidate: Candidate, text: str, tokens: list[Token], names: RegionNames, language: Language,
                    model_is_sure: bool) -> bool:
    """Whether a candidate is kept by the filters (step 2). A span the sequence model is sure of outweighs the
    filters that judge a name by its shape alone (沿江 + 公园, 个 + 园: a kind of place), by the analyser's person
    tag (a pavilion named after an immortal) or as a description; the others (a saying, another region's unit, an
    office, a county's product, a person's role and the person after it) still hold."""
    if not _keep(candidate, text, names, language.common_word, tagged_whole(tokens)):
        why = refused(text[candidate.start: candidate.end], names, language.common_word)
        if not (model_is_sure and why is not None and why.startswith(_SHAPES_A_NAME_MAY_HAVE)):
            return False
    if in_saying(candidate, text, tokens) or a_things_origin(candidate, text, tokens) or _a_role_and_person(
            candidate, text, language.common_word):
        return False
    if model_is_sure:
        return True
    return not names_a_person(candidate, tokens) and not (
        _untrusted(candidate, text) and description(text[candidate.start: candidate.end], language)
        and not _vouched_name(candidate, text, tokens))


def a_things_origin(candidate: Candidate, text: str, tokens: list[Token]) -> bool:
    """Whether a district is printed as the origin of a thing (pure): after a verb that does not go there, or a
    count, or listed among things (和 + 松风县 + 黄酒、…), and right before a plain noun that is no place (炒 + 松风县 +
    香干, 一坛 + 松风县 + 黄酒). A county's product says nothing of where the story is set."""
    if candidate.kind != "district":
        return False
    # the word before it, which the analyser may have run into the district's name (炒松风区)
    before = next((t for t in tokens if t.start < candidate.start <= t.end), None)
    after = next((t for t in tokens if t.start == candidate.end), None)
    if before is None or after is None or after.flag not in ("n", "nz"):
        return False
    word = text[before.start: candidate.start]
    acts = before.flag.startswith("v") and not _FRAME_BEFORE.search(word) or before.flag == "m"
    return (acts or _among_things(before, after, text, tokens)) and _class_word(after.word) is None and not (
        after.word.endswith(_REGIONS + _GENERIC_AREAS))


def _among_things(link: Token, after: Token, text: str, tokens: list[Token]) -> bool:
    """Whether a district and the noun after it are one of a list of things (茶叶 + 和 + 松风县 + 黄酒 + 、…): a
    thing, not a place, before the link (和, 与, 、), and the list going on after the noun."""
    if not (link.flag == "c" or link.word in ("和", "与", "、")):
        return False
    thing = next((t for t in tokens if t.end == link.start), None)
    return (thing is not None and thing.flag in _COMMON_NOUN_FLAGS and _class_word(thing.word) is None
            and text.startswith(("、", "等", "和", "与"), after.end))


def _untrusted(candidate: Candidate, text: str) -> bool:
    """A name not from the region's lists, or a township's short name (a town named 老码头 is as likely an old pier)."""
    return candidate.kind not in _TRUSTED_KINDS or (
        candidate.kind == "township" and not text[candidate.start: candidate.end].endswith(_TOWNSHIP_SUFFIXES))


def description(name: str, language: Language) -> bool:
    """Whether a name is an adjective before common words (老 + 洋楼, 小 + 渔村, 老 + 港区 + 码头): an old
    house, a small fishing village, not a proper name (a word the analyser's dictionary knows whole stays a name)."""
    words = [t.word for t in language.tokens(name)]
    if len(words) == 1 and len(name) >= 3 and name[0] in _DESCRIPTIVE:
        # one word the dictionary does not know, made of an adjective and a common word (老 + 茶客: an old tea drinker)
        return language.common_word(name[1:]) and not language.common_word(name)
    return len(words) >= 2 and words[0] in _DESCRIPTIVE and all(
        language.common_word(w) or w in CLASS_WORDS for w in words[1:])


def refused(name: str, names: RegionNames, common_word=lambda word: False) -> str | None:
    """Why a name is not a place (None when it may be one): a figure of speech, a line, a unit elsewhere...

    ``common_word`` tells a dictionary's common word (发展) from a name.
    """
    if name in FIGURES_OF_SPEECH or any(name.endswith(f) and _generic(name[: -len(f)]) for f in FIGURES_OF_SPEECH):
        return "figure of speech"
    head, _, tail = name.partition("之")
    if head and tail in _ABSTRACT_HEADS and (common_word(head) or _generic(head)) and head not in names.townships:
        return "figure of speech"  # 发展之路, 创新之城; a proper name before 之 stays a name (青溪之眼)
    if name in names.region or name in names.elsewhere:
        return "an administrative unit, not a place in the region"
    unit = next((u for u in _by_length(names.outside_prefixes) if name.startswith(u) and len(name) > len(u)), None)
    rest = name[len(unit):] if unit is not None else ""
    if rest in _NAMED_WHERE_THEY_ARE or len(rest) >= 2 and not rest.startswith((*CLASS_WORDS, *names.region)):
        # 别省 + 某湖, 别市 + 某岛, 别市 + 港: a place of another unit; but a place named after one (别市 + 路, 别市 +
        # 公园), or after it and the region (别市 + 青溪 + 国际机场), is not
        return "a place in another province or city"
    if name in names.districts and name not in names.in_full:
        # a district's short form never printed in full: the river, hill or old name it comes from (青溪 of 青溪区)
        return "the short form of a district the text does not name"
    after = next((d for d in _by_length(frozenset(names.districts) | frozenset(names.region))
                  if name.startswith(d) and len(name) > len(d)), None)
    if (after is not None and _class_word(name) is None and name not in names.townships
            and not name.endswith(_TOWNSHIP_SUFFIXES + _ADMIN_SUFFIXES) and common_word(name[len(after):])):
        return "a thing named after a district or the city (…蜜橘, …黄酒), not a place"
    if name[0] in _COUNT_CHARS and len(name) <= 3 and _counted(name.lstrip(_COUNT_CHARS), common_word):
        return "a count (三村, 两岸), not a name"
    # a township named after its river (浦江镇) is printed as 浦江 only for the river; the Great Wall, and the national
    # cultural parks along it, the Grand Canal, the Long March, the Yellow River and the Yangtze, cross provinces (a
    # section of the wall is named after its pass or hill: 某岭 + 长城)
    if (name.endswith(_LINEAR) and name not in names.gazetteer) or (
            name.endswith("长城") and name[:-2] in _THE_WHOLE_WALL) or name.endswith("国家文化公园"):
        return "a line on the map (river, greenway, route), not a point"
    if name.endswith(_ORGANISATIONS):
        return "an organisation, not a place"
    if any(name.endswith(s) for s in _LOCATIVE_SUFFIXES if len(s) >= 2) and _class_word(name) is None:
        return "a side of something (…西岸, …一带), not a name"  # what the locative is of was cut off (江 + 西岸)
    if _BORDERING.fullmatch(name):
        return "a direction and a verb of bordering (北连, 东临), not a name"
    if len(name) == 2 and name not in names.districts and name not in names.townships and (
            name[0] in _PROVINCE_CHARACTERS | frozenset("江河湖") and name[1] in _DIRECTION_CHARACTERS
            or name[0] in _DIRECTION_CHARACTERS and name[1] in _PROVINCE_CHARACTERS):
        return "a part of the country or a side of a river (闽南, 江北), not a point"
    if name.endswith(_REGIONS) and name not in names.districts:
        return "a region or a people, not a point"
    if name.endswith(_GENERIC_AREAS) and name not in names.districts:
        return "a kind of area (郊区, 城区), not a place"
    if name.endswith("城") and name[:-1] in names.in_full and name[:-1].endswith("县"):
        return "a county's town (松风县城): the county, not a place in it"
    klass = _class_word(name)
    if (_generic(name) or name in CLASS_WORDS) and not _a_listed_town(name, names):
        return "a common word"  # but a township of the region's list is its name (a subdistrict named 江边街道)
    if _kinds_only(name):
        return "kinds of place run together (古镇 + 老街), not a name"
    if klass is not None and _generic(name[: -len(klass)]):
        return "a kind of place, not a name"
    if klass in _ENDS_OF_COMMON_WORDS and len(name) > 2 and common_word(name[-2:]) and name[-2:] not in CLASS_WORDS:
        return "a kind of place, not a name"  # 观江 + 平台, 露天 + 煤矿: the common word, not the class character, ends it
    if not _CJK.search(name) or len(name) > 20:
        return "not a name"
    city = next((r for r in names.region if name.startswith(r)), None)
    if (city is not None and len(name) - len(city) < 2 and name[len(city):] not in CLASS_WORDS
            and not _a_listed_town(name, names)):
        return "the city's name run into a word (…主城区), not a name"  # but a town of the list named after it is one
    return None


@functools.lru_cache(maxsize=8)
def _by_length(units: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(units, key=len, reverse=True))


def _counted(rest: str, common_word) -> bool:
    """Whether what follows a number is what is counted (三 + 村, 两 + 岸, 三 + 里桥): one character, a measure word
    first, a class word or a common word; a number before a name (千 + 竹山) begins a name."""
    return len(rest) <= 1 or rest[0] in _MEASURE_CHARS or rest in CLASS_WORDS or common_word(rest)


# --- 3. overlaps ---------------------------------------------------------

def choose(candidates: list[Candidate]) -> list[Candidate]:
    """The longest names that do not overlap (an equal span keeps the most trusted kind), in text order."""
    kept: list[Candidate] = []
    for candidate in sorted(set(candidates), key=lambda c: (-(c.end - c.start), _KIND_PRIORITY[c.kind], c.start)):
        if all(candidate.end <= k.start or k.end <= candidate.start for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.start)


# --- 4. districts ---------------------------------------------------------

def _mention(passage: Passage, text: str, candidate: Candidate, chosen: list[Candidate],
             candidates: list[Candidate], in_section: str | None, tokens: list[Token] = (),
             credited: str | None = None, language: Language | None = None, region: tuple[str, ...] = ()) -> Mention:
    start, end = candidate.start, candidate.end
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    sentence_end = next((m.end() for m in _SENTENCE_END.finditer(text, end)), len(text))
    district, evidence = attribute_district(candidate, chosen, candidates, sentence_start, sentence_end, text)
    if district is None and in_section is not None:
        district, evidence = in_section, "section"
    if district is None and credited is not None:
        district, evidence = credited, "credit"
    return Mention(passage.key, start, end, passage.text[start:end], text[start:end], candidate.kind,
                   passage.text[sentence_start:sentence_end].strip(), district, passage.section, evidence,
                   signals(candidate, text, candidates, tokens, passage, language, region))


# A locative frame: words that put one *at* or *into* a place before its name (在, 走进), or beside it after (…旁, …一带).
_FRAME_BEFORE = re.compile(r"(?:在|到|去|至|于|走进|来到|步入|走入|位于|前往|探访|打卡|参观|造访|进入|坐落于|地处|漫步|登上|游览|"
                           r"途经|经过|沿着|穿过|走出|离开|回到|搬到|从)$")
_FRAME_AFTER = re.compile(r"^(?:里|内|旁|边|一带|附近|周边|周围|畔|前|门口|脚下|对面|东侧|西侧|南侧|北侧|入口|沿线|一侧|外)")


def signals(candidate: Candidate, text: str, candidates: list[Candidate], tokens, passage: Passage,
            language: Language | None = None, region: tuple[str, ...] = ()) -> frozenset[str]:
    """The independent kinds of evidence that a mention names a place (pure): its shape (a class word, strong
    or weak), the analyser's place tag (on part of it, or on all of it as a place or an organisation), a locative
    frame (在…, 走进…, …旁, …一带), quotation marks, two candidate sources agreeing on its span, being named in
    a caption or the opening, in a list (…、…), in two characters, or made of common words only (人才 + 公寓,
    海滨 + 公园: as often a kind of place as a name), or a class word of two characters or more after one or two
    common words (都城 + 遗址, 社区 + 公园: a kind of place more often than a name)."""
    start, end = candidate.start, candidate.end
    name = text[start:end]
    found = set()
    klass = _class_word(name)
    if klass is not None and klass != name:
        # a weak class word after the city's own name is its facility's official name (青溪 + 东站)
        city_facility = klass in _CITY_FACILITY_WORDS and any(name.startswith(r) for r in region)
        found.add("weak class word" if klass in _WEAK_CLASS_WORDS and not city_facility else "class word")
    if any(t.flag == "ns" and t.start < end and start < t.end and min(end, t.end) - max(start, t.start) >= 2
           for t in tokens):
        found.add("place tag")
    if _FRAME_BEFORE.search(text[max(0, start - 3): start].rstrip("“「")) or _FRAME_AFTER.match(
            text[end: end + 2].lstrip("”」")):
        found.add("locative frame")
    if text[start - 1: start] in "“「『" and start > 0 and text[end: end + 1] in "”」』" and end < len(text):
        found.add("quoted")
    same_span = {c.kind for c in candidates if (c.start, c.end) == (start, end)}
    if len(same_span - _MODEL_KINDS) >= 2:
        found.add("sources agree")
    if "sequence" in same_span:
        found.add("sequence model")
    if same_span <= _MODEL_KINDS:
        found.add("sequence only")
    if passage.section is None or passage.key.startswith("lede-"):
        found.add("caption or opening")
    whole = {t.flag for t in tokens if (t.start, t.end) == (start, end)}
    if whole & {"ns", "nt"}:
        found.add("tagged whole")
    if "nt" in whole:
        found.add("organisation tag")
    if text[start - 1: start] == "、" or text[end: end + 1] == "、":
        found.add("listed")
    if len(name) == 2:
        found.add("two characters")
    if language is not None and all(language.common_word(t.word) or t.word in CLASS_WORDS
                                    for t in language.tokens(name)):
        found.add("common words only")
    if language is not None and klass is not None and len(klass) >= 2 and len(name) > len(klass) and _common_words(
            name[: -len(klass)], language.common_word):
        found.add("kind of place")
    return frozenset(found)


# Words before a unit that make it where someone comes from or lives (来自松风区的游客, 家住青溪市竹溪街道的…), not the
# scene of the places around it.
_ORIGIN = re.compile(r"(?:来自|家住|老家在|老家是)(?:[\u4e00-\u9fff]{1,4}?[市省])?$")


def someones_origin(unit: Candidate, text: str, chosen: list[Candidate]) -> bool:
    """Whether a district is printed as where someone comes from or lives (来自松风区的摄影爱好者说…), not as the
    address of a place a thing comes from (灵感来自松风区的云杉寺)."""
    return bool(_ORIGIN.search(text, max(0, unit.start - 8), unit.start)) and not _addresses_a_place(unit, text, chosen)


def _sets_a_later_scene(district: Candidate, candidate: Candidate, chosen: list[Candidate], sentence_end: int,
                        text: str) -> bool:
    """Whether a district printed after a name, past the end of the name's clause, sets the scene for a place of
    its own clause (游云杉古城、看松风楼，下午再去青溪县的竹林村, …的老城): it says nothing of the name. A district that ends
    its clause (…，如今归青溪区管辖) still speaks of it."""
    if district.start < candidate.end or district.start >= sentence_end:
        return False
    if not _CLAUSE_END.search(text, candidate.end, district.start):
        return False
    clause_end = _CLAUSE_END.search(text, district.end, sentence_end)
    limit = clause_end.start() if clause_end else sentence_end
    return text.startswith("的", district.end) or any(
        district.end <= c.start < limit and c.kind != "district" for c in chosen)


def attribute_district(candidate: Candidate, chosen: list[Candidate], candidates: list[Candidate],
                       sentence_start: int, sentence_end: int, text: str) -> tuple[str | None, str | None]:
    """A mention's district and how it was read (pure): chain > township > sentence > paragraph > inner township."""
    if candidate.kind in ("district", "gazetteer", "namesake"):
        return candidate.district, candidate.kind
    # districts, and townships of one district printed as such (庙镇, 在淳溪街道，…), set the scene for the
    # names around them; a landmark that only shares a township's name (a tower that gave a subdistrict its name) does not
    districts = [c for c in chosen if c.kind in ("district", "namesake") or (
        c.kind == "township" and c.district and text[c.start: c.end].endswith(_TOWNSHIP_SUFFIXES))]
    # the chain: a district (and its township) printed right before the name (崇明区庙镇镇东村)
    before = [c for c in chosen if c.end == candidate.start]
    while before:
        link = before[0]
        if link.kind == "district":
            return link.district, "chain"
        if link.kind != "township" or link.district is None:
            break
        before = [c for c in chosen if c.end == link.start]
    if candidate.kind == "township" and candidate.district:
        return candidate.district, "township"
    # a district printed after the name, past a clause's end (游云杉古城、看飞云楼，下午再去松风县的…), sets the
    # scene for what follows it, not for the name: as often wrong as right on the dev pages
    districts = [d for d in districts if not _sets_a_later_scene(d, candidate, chosen, sentence_end, text)
                 and not someones_origin(d, text, chosen)]
    in_sentence = [d for d in districts if sentence_start <= d.start < sentence_end]
    codes = {d.district for d in in_sentence}
    if len(codes) == 1:
        return codes.pop(), "sentence"
    nearest = [d for d in in_sentence if d.end <= candidate.start]
    if nearest:
        return nearest[-1].district, "sentence"
    # districts printed as the addresses of places of their own (松风县的云杉山和青溪区的竹林寺) speak of those places:
    # a paragraph that names two such sets no scene for the others
    addresses = [d for d in districts if _addresses_a_place(d, text, chosen)]
    if len({d.district for d in addresses}) >= 2:
        districts = [d for d in districts if d not in addresses]
    codes = {d.district for d in districts}
    if len(codes) == 1:
        return codes.pop(), "paragraph"
    nearest = [d for d in districts if d.end <= candidate.start]
    if nearest:
        return nearest[-1].district, "paragraph"
    inner = [c for c in candidates if c.kind == "township" and c.district and c is not candidate
             and candidate.start <= c.start and c.end <= candidate.end]
    if inner and len({c.district for c in inner}) == 1:
        return inner[0].district, "contains township"
    return None, None


def _common_words(text: str, common_word) -> bool:
    """Whether ``text`` is one common word or two of two characters or more (古刹, 世界 + 文化遗产; not 模 + 速)."""
    return common_word(text) or any(common_word(text[:i]) and common_word(text[i:]) for i in range(2, len(text) - 1))


def _best_district_mention(mentions: list[Mention]) -> Mention | None:
    """The mention whose district a place takes: the strongest evidence; among equals, the district most of them
    give, then the first in the text (云杉塔 … 松风区 once, 青溪区 … 云杉塔公园 twice: 青溪区)."""
    read = [m for m in mentions if m.district]
    if not read:
        return None
    strongest = min(_EVIDENCE_RANK[m.evidence] for m in read)
    equals = [m for m in read if _EVIDENCE_RANK[m.evidence] == strongest]
    votes = {d: sum(1 for m in equals if m.district == d) for d in {m.district for m in equals}}
    return max(equals, key=lambda m: votes[m.district])  # max keeps the first of a tie


def _group(mentions: list[Mention], names: RegionNames, common_word=lambda word: False) -> list[FoundPlace]:
    places: dict[str, FoundPlace] = {}
    for mention in mentions:
        simple = mention.simple
        gazetteer = names.gazetteer.get(simple)
        if mention.kind == "district":
            key = mention.district
        elif gazetteer:
            key = gazetteer[0]
        else:
            key = simple
        place = places.get(key)
        if place is None:
            name = names.district_names.get(key, mention.name) if mention.kind == "district" else mention.name
            kind = "gazetteer" if gazetteer else mention.kind
            place = places[key] = FoundPlace(key, name, kind, gazetteer=gazetteer[0] if gazetteer else None)
        place.mentions.append(mention)
    # 千年古刹云杉寺 … 云杉寺, 登云杉山 … 云杉山: a name run into common words before it (a description, a verb)
    # is the same place as the name found on its own.
    for key, place in list(places.items()):
        if place.gazetteer or place.kind == "district":
            continue
        bare = next((p for k, p in places.items() if k != key and p.kind != "district" and len(p.name) >= 3
                     and place.name.endswith(p.name) and _common_words(place.name[: -len(p.name)], common_word)), None)
        if bare is not None:
            bare.mentions.extend(place.mentions)
            del places[key]
    # A later short form (这里…慈善超市) is the place named in full before (善淘慈善超市).
    for key, place in list(places.items()):
        if place.gazetteer or place.kind == "district":
            continue
        full = next((p for k, p in places.items() if k != key and p.kind != "district" and len(p.name) > len(place.name)
                     and p.name.endswith(place.name) and len(place.name) >= 3
                     and (p.mentions[0].passage, p.mentions[0].start) < (place.mentions[0].passage, place.mentions[0].start)),
                    None)
        if full is not None:
            full.mentions.extend(place.mentions)
            del places[key]
    # 云杉记忆 … 云杉记忆园区: the name with a class word added is the same place, named by the shorter form;
    # but a two-character stem is most often the name of the area or old town the place takes its name
    # from (云杉 … 云杉公园): the place is named in full. A township's name with a class word added is
    # another place (松风 + 村 is a village, not the town), and so is a memorial of the person or event the
    # shorter form names (林松山 + 故居).
    for key, place in list(places.items()):
        if place.gazetteer or place.kind == "district":
            continue
        shorter = next((p for k, p in places.items() if k != key and p.kind not in ("district", "namesake", "township")
                        and not p.gazetteer and len(p.name) >= 2 and place.name.startswith(p.name)
                        and place.name[len(p.name):] in CLASS_WORDS
                        and place.name[len(p.name):] not in _MEMORIAL_WORDS
                        and place.name[len(p.name):] not in _NAMED_AFTER_A_PLACE), None)
        if shorter is not None:
            shorter.mentions.extend(place.mentions)
            if len(shorter.name) == 2:
                shorter.key, shorter.name = place.key, place.name
            del places[key]
    order = {id(m): i for i, m in enumerate(mentions)}
    for place in places.values():
        place.mentions.sort(key=lambda m: order[id(m)])  # in text order again, after the merges
        best = _best_district_mention(place.mentions)
        if best is None:
            continue
        place.district, place.district_read = best.district, best.evidence
        place.district_evidence = {
            "district": "the district itself",
            "namesake": f"the district named after it: {names.district_names.get(best.district, best.district)}",
            "gazetteer": "gazetteer",
            "chain": f"chain: {best.sentence[:60]}",
            "township": f"the township list: {place.name} lies in {names.district_names.get(best.district, best.district)}",
            "sentence": f"sentence: {best.sentence[:60]}",
            "paragraph": f"paragraph of: {best.sentence[:60]}",
            "contains township": f"the township list: a township name inside {place.name}",
            "section": f"the district its section is set in, before: {best.sentence[:60]}",
            "credit": f"the photo's credit names {names.district_names.get(best.district, best.district)}: {best.sentence[:60]}",
        }[best.evidence]
    return list(places.values())
