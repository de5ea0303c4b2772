"""Reference values from sources independent of the code under test."""

# The 16 districts of Shanghai with their official administrative division codes
# (GB/T 2260, as published by the Ministry of Civil Affairs) and official
# English names (as used by the Shanghai Municipal People's Government).
SHANGHAI_DISTRICTS = {
    "310101": ("黄浦区", "Huangpu District"),
    "310104": ("徐汇区", "Xuhui District"),
    "310105": ("长宁区", "Changning District"),
    "310106": ("静安区", "Jing'an District"),
    "310107": ("普陀区", "Putuo District"),
    "310109": ("虹口区", "Hongkou District"),
    "310110": ("杨浦区", "Yangpu District"),
    "310112": ("闵行区", "Minhang District"),
    "310113": ("宝山区", "Baoshan District"),
    "310114": ("嘉定区", "Jiading District"),
    "310115": ("浦东新区", "Pudong New Area"),
    "310116": ("金山区", "Jinshan District"),
    "310117": ("松江区", "Songjiang District"),
    "310118": ("青浦区", "Qingpu District"),
    "310120": ("奉贤区", "Fengxian District"),
    "310151": ("崇明区", "Chongming District"),
}

# The one bundled story file, relative to stories/.
STORY_RELPATH = ("shanghai", "people-city-shanghai.yaml")
