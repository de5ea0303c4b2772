"""A project folder with a draft story in the shape `storymap ingest` writes (written for the tests).

Shanghai's bundled district polygons, a one-row gazetteer, and a draft whose
places are in every state the desk shows: 模速空间 and 谈家桥路小区 are to be
placed (TODO, each with the district the text gives), 长宁区 is a whole
district (a point inside its polygon), 外滩 is in the gazetteer, and 同济大学
is a false candidate (a student's university, not a place of the story; no
district). The draft's comments (evidence, TODO notes) are what an editor
reads; the desk must keep them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from storymap.project import MARKER, MARKER_TEXT

STORY_ID = "shanghai-desk-draft"
REGION = "shanghai"
TODO_PLACES = {"mo-su-kongjian": ("模速空间", "310104"), "tan-jia-qiao-lu-xiaoqu": ("谈家桥路小区", "310106")}
FALSE_CANDIDATE = "tongji-daxue"

SOURCE = """\
人民城市建设巡礼

浦江两岸写新篇

走进静安区谈家桥路小区,崭新的外墙在阳光下格外醒目。

来到徐汇区的“模速空间”,大模型企业在这里集聚。模速空间已孵化企业超百家。

长宁区精准帮扶,让年轻妈妈重返职场。同济大学大一学生顾婧在外滩做志愿服务。
"""

GAZETTEER = (
    "id,name,aliases,lon,lat,crs,precision,district_code,source,note\n"
    "waitan,外滩,,121.486800,31.240600,wgs84,street,310101,test fixture: a point on 中山东一路,\n"
)

DRAFT = """\
# DRAFT story drafted by `storymap ingest` from raw.txt. Schema: docs/story-format.md
# Everything here was read mechanically from the page text: check titles, themes, roles,
# anchors and figures against the source.
id: shanghai-desk-draft
city: "310000"
series: "人民城市建设巡礼"
newspaper: "中国城市报"
title: "浦江两岸写新篇"
date: "2025-12-01"
reporters:
  - "测试"
source:
  file: "source-raw.txt"
  note: "Drafted from the raw page text by storymap ingest."

sections:
  - id: gengxin
    title: "城市更新"
    theme: renewal  # guessed from: 更新
  - id: chuangxin
    title: "创新驱动"
    theme: innovation  # guessed from: 企业

places:
  # 1 mention(s); first in gengxin-1 [2:8]: 走进静安区谈家桥路小区,崭新的外墙在阳光下格外醒目。
  - id: tan-jia-qiao-lu-xiaoqu
    name: "谈家桥路小区"
    role: story
    # TODO coordinates: not in the gazetteer. Add a sourced point with `storymap gazetteer add 谈家桥路小区 …`
    district: "310106"  # from text: 走进静安区谈家桥路小区
  # 2 mention(s); first in chuangxin-1 [6:10]: 来到徐汇区的“模速空间”,大模型企业在这里集聚。
  - id: mo-su-kongjian
    name: "模速空间"
    role: story
    # TODO coordinates: not in the gazetteer. Add a sourced point with `storymap gazetteer add 模速空间 …`
    district: "310104"  # from text: 来到徐汇区的“模速空间”
  # 1 mention(s); first in chuangxin-2 [0:3]: 长宁区精准帮扶,让年轻妈妈重返职场。
  - id: zhangningqu
    name: "长宁区"
    role: story
    # a point inside the district polygon: the story point is the whole district
    lon: 121.382306
    lat: 31.212815
    crs: wgs84
    precision: district
    source: "a point inside the 长宁区 polygon of shanghai/districts.full.geojson"
    district: "310105"  # from the district itself
  # 1 mention(s); first in chuangxin-2 [18:22]: 同济大学大一学生顾婧在外滩做志愿服务。
  - id: tongji-daxue
    name: "同济大学"
    role: mentioned
    # TODO coordinates: not in the gazetteer. Add a sourced point with `storymap gazetteer add 同济大学 …`
    # TODO district: the text does not say which district this is in; add its adcode
  # 1 mention(s); first in chuangxin-2 [29:31]: 同济大学大一学生顾婧在外滩做志愿服务。
  - id: waitan
    name: "外滩"
    role: mentioned
    gazetteer: waitan
    district: "310101"  # from the gazetteer

excerpts:
  # --- gengxin
  - id: gengxin-1
    section: gengxin
    place: tan-jia-qiao-lu-xiaoqu
    # source line 5
    text: |-
      走进静安区谈家桥路小区,崭新的外墙在阳光下格外醒目。
  # --- chuangxin
  - id: chuangxin-1
    section: chuangxin
    place: mo-su-kongjian
    # source line 7
    text: |-
      来到徐汇区的“模速空间”,大模型企业在这里集聚。模速空间已孵化企业超百家。
  - id: chuangxin-2
    section: chuangxin
    place: zhangningqu
    mentions: [tongji-daxue, waitan]
    # source line 9
    text: |-
      长宁区精准帮扶,让年轻妈妈重返职场。同济大学大一学生顾婧在外滩做志愿服务。

facts:
  - id: fact-1
    label: "模速空间已孵化企业"
    value: 100
    unit: "家"
    qualifier: over
    place: mo-su-kongjian
    excerpt: chuangxin-1
    quote: "超百家"

photos:
  - id: photo-1
    number: 1
    caption: "同济大学学生在外滩做志愿服务。"
    place: tongji-daxue
"""


def make_project(root: Path, repo_root: Path) -> Path:
    """Write the draft project under ``root`` (which need not exist); returns ``root``."""
    geodata = root / "geodata" / REGION
    stories = root / "stories" / REGION
    shutil.copytree(repo_root / "geodata" / REGION, geodata)
    (geodata / "gazetteer.csv").write_text(GAZETTEER, "utf-8")
    stories.mkdir(parents=True)
    (stories / "draft.yaml").write_text(DRAFT, "utf-8")
    (stories / "source-raw.txt").write_text(SOURCE, "utf-8")
    (root / MARKER).write_text(MARKER_TEXT, "utf-8")
    return root


def story_path(root: Path) -> Path:
    return root / "stories" / REGION / "draft.yaml"


def gazetteer_path(root: Path) -> Path:
    return root / "geodata" / REGION / "gazetteer.csv"
