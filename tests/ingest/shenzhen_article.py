"""A short page text written for the tests (not a copied article), about 深圳 (440300).

It carries the print damage the cleaner must handle: a series line, 编者按, a
title with its subtitle on one line, a byline, a word split across a line
break (游|客), a passage cut off in print (推动城|区域), a paragraph printed
twice, photo captions with credits, and the page furniture with the issue date.
Its places, with the districts the text gives them, and WGS-84 points inside
those districts (checked by the spatial join in the tests). 粤海街道 is printed as the setting
of 湾区创新港 (context) and as where the caption's people work (a place the story reports on).
"""

PLACES = {
    # name: (district adcode, lon, lat) in WGS-84
    "华强北路": ("440304", 114.0855, 22.5435),
    "湾区创新港": ("440305", 113.9480, 22.5330),
    "莲花山公园": ("440304", 114.0590, 22.5540),
    "粤海街道": ("440305", 113.9390, 22.5270),
}
# Named as a whole district: located by the district polygon, not a to-do.
DISTRICT_PLACE = ("龙岗区", "440307")

TEXT = """\
人民城市建设巡礼

编者按

城市是人民的城市。本报推出“人民城市建设巡礼”系列报道,记录各地的探索与实践。

鹏城潮涌写新篇 老街焕新与科创同行

中国城市报记者 林晓 陈默

2025年,深圳市持续推进城市更新与科技创新,让市民在家门口感受城市的温度。

城市更新: 老街区焕发新活力

走进福田区华强北路,改造后的步行街整洁明亮,两侧商铺人流如织。“过去这里拥挤杂乱,如今环境好了,生意也更好做了。”店主老周笑着说。今年以来,街区吸引了大量游

客,累计接待市民游客12.6万人次。

华强北路的改造采取了微更新方式,共改造沿街立面80余栋,带动周边片区整体提升,推动城

区域协调发展。

科技创新: 产业生态持续壮大

在南山区粤海街道,“湾区创新港”里聚集着一批年轻的创业团队。记者走进“湾区创新港”,看到工程师正在调试新一代机器人。“我们在这里从研发到量产只需要几个月。”一位负责人介绍。

截至目前,“湾区创新港”已吸引近300家企业入驻,带动就业逾5000人。这是深圳市推动城市发展之路上的一个缩影。

生态宜居: 公园里的城市

福田区莲花山公园里,清晨锻炼的市民络绎不绝。全市PM2.5平均浓度降至16.8微克/立方米,较去年同期下降8.5%。

在龙岗区,社区口袋公园已建成120个,市民出门即可见绿。

福田区莲花山公园里,清晨锻炼的市民络绎不绝。全市PM2.5平均浓度降至16.8微克/立方米,较去年同期下降8.5%。

1. 福田区华强北路步行街夜景。中国城市报记者 林晓摄
2. 南山区粤海街道的创业者正在讨论方案。南山区委宣传部供图

中国城市报社出版 2025年12月8日 星期一 第5版 责编:王可 邮发代号1-123
"""
