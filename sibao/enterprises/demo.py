"""Demo registry (EN-1, EN-2): ~340 plausible enterprises and key projects in the four seed counties.

Everything here is fictional: names are a county prefix + a generic 字号 + an industry word, people
are common Chinese names, phone numbers are random digits. The generator is deterministic: a
``random.Random`` with a fixed seed, so every run (and every machine) produces the same rows as
long as the region tree is the same. Dates are relative to a fixed reference date, never "today".

Two steps:

* ``build_demo(townships)`` is pure (no database): it returns specs for enterprises, dated
  records, supply-chain links and pairings. ``townships`` maps each county code to its township
  ``(code, name)`` pairs; the township of each enterprise is drawn from those.
* ``load_demo_enterprises()`` reads the townships from ``Region``, builds the specs and writes
  what is missing, in one transaction. Enterprises are keyed by 统一社会信用代码 and never
  overwritten, so edits made in a demo survive a re-run; records, links and pairings are keyed by
  their natural keys. A second run creates nothing.

USCC organisation bodies are ``MA`` + 6 characters (post-2015 style) or 8 digits (the old
organisation code). Test factories use bodies starting with ``T``, so they never collide.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management import CommandError
from django.db import transaction

from sibao.core.sectors import Sector
from sibao.core.validators import uscc_with_check_digits
from sibao.enterprises.models import (
    CreditStatus,
    Enterprise,
    EnterpriseRecord,
    EntityKind,
    OperatingStatus,
    Pairing,
    PairingKind,
    RecordKind,
    RecordSeverity,
    ServiceLevel,
    SupplyChainLink,
)
from sibao.enterprises.search import name_initials, name_pinyin
from sibao.regions.models import Region, RegionLevel

SEED = 20220415
# Records are dated relative to this day, so "within the last 3 years" is stable whatever today is.
REFERENCE_DATE = date(2026, 6, 1)
BATCH_SIZE = 500

# 统一社会信用代码 alphabet (GB 32100: no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

Township = tuple[str, str]  # (code, name)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class County:
    code: str
    name: str
    parks: tuple[str, ...]  # industrial parks (产业集聚区 etc.)
    service_park: str  # logistics / e-commerce park
    # How many of each sector: industry, commerce, transport, culture_tourism, key_project.
    quota: tuple[int, int, int, int, int]
    scale: float  # multiplies output values: 新郑 is richer than 新县
    industry_words: tuple[str, ...]  # local specialities, drawn more often than the shared ones
    tourism_words: tuple[str, ...]
    # Key-project products: (product, unit, the owner's industry word).
    project_products: tuple[tuple[str, str, str], ...]
    tourism_project: str


COUNTIES: tuple[County, ...] = (
    County(
        code="410222",
        name="通许县",
        parks=("通许县产业集聚区", "通许县食品产业园", "通许县家居产业园"),
        service_park="通许县商贸物流园",
        quota=(50, 30, 15, 10, 15),
        scale=1.0,
        industry_words=("食品", "家居", "木业", "纺织服饰", "机械制造", "粉业"),
        tourism_words=("文化旅游开发", "农耕文化园", "旅行社"),
        project_products=(
            ("食品加工", "万吨", "食品"),
            ("实木家具", "万套", "家居"),
            ("纺织面料", "万米", "纺织服饰"),
            ("淀粉制品", "万吨", "粉业"),
            ("农机装备", "台", "机械制造"),
        ),
        tourism_project="乡村旅游综合开发项目",
    ),
    County(
        code="410184",
        name="新郑市",
        parks=("新郑市新港产业集聚区", "新郑市食品工业园"),
        service_park="新郑市现代物流园",
        quota=(38, 25, 15, 10, 12),
        scale=1.6,
        industry_words=("枣业", "食品", "药业", "服饰", "电子科技", "新材料科技", "智能装备"),
        tourism_words=("黄帝文化传播", "文化旅游开发", "旅行社", "文化传媒"),
        project_products=(
            ("红枣深加工", "万吨", "枣业"),
            ("休闲食品", "万吨", "食品"),
            ("医药中间体", "吨", "药业"),
            ("电子元器件", "万件", "电子科技"),
            ("智能装备", "台", "智能装备"),
        ),
        tourism_project="黄帝文化旅游综合开发项目",
    ),
    County(
        code="411322",
        name="方城县",
        parks=("方城县产业集聚区", "方城县装备制造产业园", "方城县农产品加工园"),
        service_park="方城县商贸物流园",
        quota=(24, 14, 8, 6, 8),
        scale=0.9,
        industry_words=("粉业", "中药材", "装备制造", "新型建材", "纺织", "农产品加工"),
        tourism_words=("楚长城文化旅游", "生态旅游开发", "旅行社"),
        project_products=(
            ("红薯粉条", "万吨", "粉业"),
            ("中药饮片", "吨", "中药材"),
            ("新型建材", "万吨", "新型建材"),
            ("机械零部件", "万件", "装备制造"),
            ("饲料", "万吨", "饲料"),
        ),
        tourism_project="楚长城文化旅游开发项目",
    ),
    County(
        code="411523",
        name="新县",
        parks=("新县产业集聚区", "新县茶产业园"),
        service_park="新县电商产业园",
        quota=(16, 14, 7, 15, 8),
        scale=0.6,
        industry_words=("茶业", "油茶", "葛业", "服饰", "电子科技", "食品"),
        tourism_words=("红色文化教育培训", "大别山旅游开发", "民宿管理", "研学旅行", "乡村旅游开发"),
        project_products=(
            ("茶叶精深加工", "吨", "茶业"),
            ("山茶油", "吨", "油茶"),
            ("葛根制品", "吨", "葛业"),
            ("服装", "万件", "服饰"),
            ("农副产品加工", "万吨", "食品"),
        ),
        tourism_project="红色旅游景区提升项目",
    ),
)
COUNTY_BY_CODE = {county.code: county for county in COUNTIES}

# 字号: generic trade names. Well-known brands (牧原, 正大, 光明 …) are left out on purpose, and so are the names the
# shared test personas use (恒达, 惠民, 华信), so a test never finds two of "its" enterprise.
TRADE_NAMES = _words(
    "宏泰 鑫源 瑞丰 金鼎 永盛 佳禾 豫丰 汇通 昌隆 康源 盛世 嘉禾 润泽 广源 兴旺 博远 辰星 德信 福星 锦程 "
    "隆达 明辉 鹏程 庆丰 顺发 泰和 祥瑞 怡和 永安 志诚 卓越 金穗 丰硕 禾润 恒信 宏图 华鑫 聚鑫 凯瑞 利民 "
    "茂源 宁泰 启航 森茂 天宇 维康 祥和 益民 中泰 兆丰 振兴 众诚 百川 倍力 大成 鼎盛 富源 冠宇 海川 浩宇 "
    "金诺 坤元 立新 联创 美佳 宁远 普惠 奇峰 瑞祥 天成 同心 伟业 新峰 旭日 耀华 源丰 众鑫 安泰 宝丰 昌盛 "
    "诚达 东升 丰源 国泰 和顺 弘毅 华驰 吉祥 嘉诚 金桥 久盛 骏达 开元 力拓 龙腾 茂盛 民安 铭泰 "
    "鹏飞 启明 融通 瑞康 尚品 盛源 四通 泰丰 天润 万通 文汇 鑫达 信诚 兴隆 旭升 亚星 阳光 业兴 亿丰 "
    "永兴 裕丰 远航 跃进 泽润 卓信 恒泰 丰华 金阳 绿野 禾丰 福润 豫龙 豫星 淮源 嵩岳"
)

SURNAMES = (
    "王王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙胡朱高林何郭郭马罗梁宋郑谢韩唐冯于董程曹袁邓许"
    "沈彭吕苏卢蒋蔡贾丁魏薛叶闫余潘杜戴夏田任姜范方石姚谭邹熊金陆郝孔白崔康毛邱秦史侯邵孟段雷尹常"
    "武乔贺牛葛耿翟楚靳"
)
GIVEN_NAMES = _words(
    "建国 国强 伟 志强 秀英 丽 军 磊 洋 勇 艳 杰 涛 明 超 秀兰 霞 平 刚 桂英 红 玉兰 建华 建军 海燕 "
    "丽娟 春生 卫东 振华 晓东 晓燕 俊杰 浩 鹏 宇 帅 静 敏 娜 婷 晨 博 鑫 亚楠 文博 书华 金凤 玉梅 新民 "
    "志刚 长青 保国 永强 红梅 翠兰 国庆 朝阳 军伟 东亮 海涛 小利 少华 素珍 爱萍 建设 宏伟 亚伟 向阳 "
    "卫国 瑞 凯 彬 慧 琳 莉 旭 龙 鹤 书文 德胜 广军 中华 玉龙 满仓 铁柱 春燕 秋菊 彩霞 利娟"
)
MOBILE_PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "152", "155", "158", "159", "186", "187", "188")
ROADS = _words(
    "建设路 人民路 解放路 文化路 迎宾大道 工业大道 创业路 兴业路 滨河路 光明路 团结路 振兴路 车站路 新华路 "
    "商贸大道 未来路 健康路 长安路 育才路 和平路 富民路 产业大道 科技路 通达路"
)
VILLAGE_SUFFIXES = ("庄", "营", "楼", "寨", "岗", "店", "集", "湾", "屯", "园")
MOUNTAIN_VILLAGE_SUFFIXES = ("家湾", "畈", "冲", "家岗", "河", "山")

# Industry kinds: word, product the firm supplies to others, likely 专精特新.
INDUSTRY_KINDS: dict[str, tuple[str, bool]] = {
    "机械制造": ("机械零部件", True),
    "装备制造": ("专用设备", True),
    "智能装备": ("自动化设备", True),
    "食品": ("食品原料", False),
    "纺织": ("纱线面料", False),
    "纺织服饰": ("服装辅料", False),
    "服饰": ("服装", False),
    "木业": ("板材", False),
    "家居": ("家具配件", False),
    "新型建材": ("建筑材料", False),
    "包装材料": ("纸箱包装", False),
    "电子科技": ("电子元器件", True),
    "汽车零部件": ("汽车配件", True),
    "农产品加工": ("初加工农产品", False),
    "新材料科技": ("新材料", True),
    "塑业": ("塑料制品", False),
    "药业": ("原料药", True),
    "印务": ("印刷包装", False),
    "钢结构": ("钢结构件", False),
    "饲料": ("饲料", False),
    "面业": ("面粉", False),
    "环保科技": ("环保设备", True),
    "枣业": ("红枣原料", False),
    "粉业": ("淀粉", False),
    "中药材": ("中药材", False),
    "茶业": ("茶叶", False),
    "油茶": ("山茶油", False),
    "葛业": ("葛根粉", False),
}
SHARED_INDUSTRY_WORDS = (
    "机械制造",
    "食品",
    "新型建材",
    "包装材料",
    "电子科技",
    "汽车零部件",
    "农产品加工",
    "塑业",
    "印务",
    "钢结构",
    "饲料",
    "面业",
    "环保科技",
)
# City-operation utilities (电力、热力、燃气及水生产和供应业 are industry in the statistics).
UTILITY_WORDS = ("水务", "燃气", "热力")


@dataclass(frozen=True)
class CommerceKind:
    word: str
    livelihood: bool
    city_operation: float  # probability
    catering: bool = False  # accommodation/catering: pairing partners of that kind
    productivity: tuple[float, float] = (60, 200)  # revenue per employee, 万元


COMMERCE_KINDS = (
    CommerceKind("商贸", False, 0.0),
    CommerceKind("超市", True, 0.4, productivity=(30, 80)),
    CommerceKind("购物广场", True, 0.2, productivity=(30, 80)),
    CommerceKind("农副产品批发市场", True, 0.8),
    CommerceKind("生鲜配送", True, 0.9, productivity=(40, 120)),
    CommerceKind("电子商务", True, 0.1, productivity=(50, 150)),
    CommerceKind("医药连锁", True, 0.3, productivity=(30, 80)),
    CommerceKind("粮油贸易", True, 0.6),
    CommerceKind("农资", True, 0.0),
    CommerceKind("建材贸易", False, 0.0),
    CommerceKind("汽车销售服务", False, 0.0),
    CommerceKind("家电销售", False, 0.0),
)
CATERING_KINDS = (
    CommerceKind("餐饮管理", False, 0.0, catering=True, productivity=(8, 25)),
    CommerceKind("酒店管理", False, 0.0, catering=True, productivity=(10, 30)),
    CommerceKind("宾馆", False, 0.0, catering=True, productivity=(8, 20)),
    CommerceKind("大酒店", False, 0.0, catering=True, productivity=(10, 30)),
)
# Transport kinds: word, probability of city operation.
TRANSPORT_KINDS = (
    ("物流", 0.3),
    ("运输", 0.1),
    ("汽车运输", 0.1),
    ("冷链物流", 0.8),
    ("快递服务", 0.8),
    ("货运", 0.0),
    ("供应链管理", 0.2),
    ("仓储服务", 0.3),
    ("城乡配送", 0.9),
)
ONCE_PER_COUNTY_TRANSPORT = ("公共交通", "汽车客运")
PROJECT_SIZES = {
    "万吨": (1, 2, 3, 5, 8, 10, 15, 20),
    "万套": (5, 10, 20, 30, 50),
    "万米": (500, 1000, 2000, 3000),
    "万件": (100, 300, 500, 1000),
    "台": (500, 1000, 2000, 3000, 5000),
    "吨": (500, 1000, 2000, 5000),
}
# Projects that are not about one product: (name body, may sit in an industrial park).
GENERIC_PROJECTS = (
    ("{mw}兆瓦分布式光伏发电项目", True),
    ("智能仓储物流园项目", False),
    ("冷链物流中心建设项目", False),
    ("标准化厂房建设项目", True),
    ("农产品批发市场升级改造项目", False),
    ("污水处理厂提标改造项目", False),
)

# Record texts: (description, severity, source). The severity follows from what happened.
RECORD_TEXT: dict[str, tuple[tuple[str, str, str], ...]] = {
    RecordKind.SAFETY_ACCIDENT: (
        ("生产车间发生机械伤害事故，1人受伤", RecordSeverity.GENERAL, "县应急管理局"),
        ("仓库发生火灾，过火面积约200平方米，无人员伤亡", RecordSeverity.GENERAL, "县消防救援大队"),
        ("高处坠落事故，1人死亡", RecordSeverity.SERIOUS, "县应急管理局"),
        ("有限空间作业中毒窒息事故，3人死亡", RecordSeverity.MAJOR, "市应急管理局"),
    ),
    RecordKind.QUALITY_ACCIDENT: (
        ("产品监督抽查不合格，责令整改", RecordSeverity.GENERAL, "县市场监督管理局"),
        ("批次产品质量问题引发召回", RecordSeverity.SERIOUS, "县市场监督管理局"),
        ("产品质量事故造成下游企业重大损失", RecordSeverity.MAJOR, "市市场监督管理局"),
    ),
    RecordKind.ENVIRONMENTAL_VIOLATION: (
        ("废气超标排放，处罚款5万元", RecordSeverity.GENERAL, "市生态环境局县分局"),
        ("未批先建，责令停止建设", RecordSeverity.GENERAL, "市生态环境局县分局"),
        ("废水未经处理直排河道，处罚款20万元", RecordSeverity.SERIOUS, "市生态环境局县分局"),
        ("非法倾倒危险废物，移送公安机关", RecordSeverity.MAJOR, "市生态环境局"),
    ),
    RecordKind.DISHONESTY: (
        ("被列入经营异常名录", RecordSeverity.GENERAL, "县市场监督管理局"),
        ("被列入失信被执行人名单", RecordSeverity.SERIOUS, "县人民法院"),
        ("拖欠农民工工资被列入失信联合惩戒对象名单", RecordSeverity.SERIOUS, "信用中国（河南）"),
    ),
    RecordKind.LAW_VIOLATION: (
        ("未依法为职工缴纳社会保险，被责令改正", RecordSeverity.GENERAL, "县人力资源和社会保障局"),
        ("违法占用耕地建设厂房，被行政处罚", RecordSeverity.SERIOUS, "县自然资源局"),
    ),
    RecordKind.APPLICATION_FRAUD: (("申报材料弄虚作假，取消申报资格", RecordSeverity.SERIOUS, "县工业和信息化局"),),
}
SEVERITY_WEIGHT: dict[str, int] = {RecordSeverity.GENERAL: 5, RecordSeverity.SERIOUS: 4, RecordSeverity.MAJOR: 1}
# Records only a producer can have; the others (dishonesty, law, fraud) can hit anyone.
PRODUCTION_RECORDS = {
    RecordKind.SAFETY_ACCIDENT,
    RecordKind.QUALITY_ACCIDENT,
    RecordKind.ENVIRONMENTAL_VIOLATION,
}

# Supply-chain plausibility: which customers (industry words) a supplier's product goes to.
FOOD_WORDS = frozenset({"食品", "枣业", "粉业", "面业", "农产品加工", "饲料", "茶业", "油茶", "葛业", "药业", "中药材"})
TEXTILE_WORDS = frozenset({"纺织", "纺织服饰", "服饰", "家居"})
PRODUCT_CUSTOMERS: dict[str, frozenset[str]] = {
    "食品原料": FOOD_WORDS,
    "初加工农产品": FOOD_WORDS,
    "红枣原料": FOOD_WORDS,
    "淀粉": FOOD_WORDS,
    "面粉": FOOD_WORDS,
    "中药材": frozenset({"药业", "中药材", "食品"}),
    "茶叶": FOOD_WORDS,
    "山茶油": FOOD_WORDS,
    "葛根粉": FOOD_WORDS,
    "饲料": frozenset({"农产品加工", "食品"}),
    "原料药": frozenset({"药业"}),
    "纱线面料": TEXTILE_WORDS,
    "服装辅料": TEXTILE_WORDS,
    "服装": frozenset({"服饰", "纺织服饰"}),
    "板材": frozenset({"家居", "木业"}),
    "家具配件": frozenset({"家居", "木业"}),
    "汽车配件": frozenset({"汽车零部件", "机械制造", "装备制造"}),
    "电子元器件": frozenset({"电子科技", "智能装备", "装备制造", "机械制造", "汽车零部件", "环保科技"}),
}
# Anything else (packaging, parts, equipment, materials) may go to any industrial customer.

# For the summary line; fixed Chinese so the output does not depend on the active language.
SECTOR_NAMES = {
    Sector.INDUSTRY: "工业生产",
    Sector.COMMERCE: "商贸流通",
    Sector.TRANSPORT: "交通运输",
    Sector.CULTURE_TOURISM: "文化旅游",
    Sector.KEY_PROJECT: "重点项目",
}
PAIRING_NOTES = {
    PairingKind.TRANSPORT: ("负责原材料和产成品运输", "保障封闭生产期间物流畅通", "承担职工通勤接送"),
    PairingKind.COMMERCE: ("保障职工生活物资供应", "供应粮油蔬菜等生活必需品", "代销产品，拓宽销售渠道"),
    PairingKind.ACCOMMODATION_CATERING: ("封闭管理期间提供职工食宿", "承担外地来厂人员集中住宿", "提供职工团餐配送"),
}


@dataclass
class EnterpriseSpec:
    county_code: str
    region_code: str
    fields: dict[str, Any]
    category: str = ""  # "catering" for accommodation/catering commerce; the industry word otherwise
    product: str = ""  # what it supplies to others (supply-chain links)

    @property
    def uscc(self) -> str:
        return str(self.fields["uscc"])


@dataclass(frozen=True)
class RecordSpec:
    uscc: str
    kind: str
    severity: str
    occurred_on: date
    description: str
    source: str


@dataclass(frozen=True)
class LinkSpec:
    supplier_uscc: str
    customer_uscc: str
    product: str
    is_key: bool


@dataclass(frozen=True)
class PairingSpec:
    enterprise_uscc: str
    partner_uscc: str
    kind: str
    note: str


@dataclass
class DemoData:
    enterprises: list[EnterpriseSpec] = field(default_factory=list)
    records: list[RecordSpec] = field(default_factory=list)
    links: list[LinkSpec] = field(default_factory=list)
    pairings: list[PairingSpec] = field(default_factory=list)


def _money(value: float) -> Decimal:
    """万元 with one significant decimal, as the statistics bureau reports."""
    return Decimal(f"{max(value, 1.0):.1f}").quantize(Decimal("0.01"))


def _place(township: Township) -> str:
    """The town name inside a company name: 八里畈 for 八里畈镇; empty for a 街道, where it reads oddly."""
    name = township[1]
    if name.endswith(("镇", "乡")) and len(name) >= 3:
        return name[:-1]
    return ""


def _round_to(value: float, step: int) -> int:
    return int(round(value / step) * step)


class _Generator:
    def __init__(self, townships: Mapping[str, Sequence[Township]]) -> None:
        self.rng = random.Random(SEED)
        self.townships = townships
        self.names: set[str] = set()
        self.usccs: set[str] = set()

    # --- small pieces -------------------------------------------------------------------------

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + "".join(self.rng.choice("0123456789") for _ in range(8))

    def uscc(self, county_code: str) -> str:
        while True:
            if self.rng.random() < 0.65:
                body = "MA" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(6))
            else:
                body = self.rng.choice(("05", "06", "07", "08", "17", "73", "75", "78")) + "".join(
                    self.rng.choice("0123456789") for _ in range(6)
                )
            code = uscc_with_check_digits(f"91{county_code}{body}")
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def unique_name(self, make: Callable[[], str]) -> str:
        for _ in range(200):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("demo name space exhausted")  # pragma: no cover - a bug in the word lists

    def township(self, county: County, park: str = "") -> Township:
        """A random township of the county; a park's enterprises all sit in the park's township."""
        options = self.townships[county.code]
        # Always one draw, so the sequence does not depend on how many townships there are.
        drawn = options[int(self.rng.random() * len(options))]
        if not park:
            return drawn
        parks = (*county.parks, county.service_park)
        # Parks lie in the county seat's 街道 and the towns next to them: the first townships by code.
        return options[parks.index(park) % len(options)]

    def address(self, county: County, township: Township, park: str) -> str:
        number = self.rng.randint(1, 299)
        if park:
            return f"{park}{self.rng.choice(ROADS)}{number}号"
        if township[1].endswith("街道") or self.rng.random() < 0.3:
            return f"{county.name}{township[1]}{self.rng.choice(ROADS)}{number}号"
        suffixes = MOUNTAIN_VILLAGE_SUFFIXES if county.code == "411523" else VILLAGE_SUFFIXES
        return f"{county.name}{township[1]}{self.rng.choice(SURNAMES)}{self.rng.choice(suffixes)}村"

    def lognormal(self, median: float, sigma: float) -> float:
        return self.rng.lognormvariate(math.log(median), sigma)

    def base_fields(self, county: County, township: Township, park: str) -> dict[str, Any]:
        legal = self.person()
        contact = legal if self.rng.random() < 0.2 else self.person()
        return {
            "uscc": self.uscc(county.code),
            "legal_representative": legal,
            "contact_name": contact,
            "contact_phone": self.phone(),
            "address": self.address(county, township, park),
            "park": park,
        }

    def problems(self, fields: dict[str, Any]) -> None:
        """About 5 % are not whitelist material today; about 6 % more have only 'ordinary' credit."""
        draw = self.rng.random()
        if draw < 0.055:
            problem = self.rng.choice(("dishonest", "environment", "safety", "suspended", "suspended"))
            if problem == "dishonest":
                fields["credit_status"] = CreditStatus.DISHONEST
            elif problem == "environment":
                fields["environmental_compliant"] = False
            elif problem == "safety":
                fields["safety_compliant"] = False
            else:
                fields["operating_status"] = OperatingStatus.SUSPENDED
        elif draw < 0.115:
            fields["credit_status"] = CreditStatus.ORDINARY

    def capacities(self, fields: dict[str, Any], dormitory_share: tuple[float, float], min_staff: int) -> None:
        staff = fields["employee_count"]
        if staff < min_staff or self.rng.random() < 0.15:
            fields["dormitory_capacity"] = 0
        else:
            fields["dormitory_capacity"] = max(10, _round_to(staff * self.rng.uniform(*dormitory_share), 10))
        if staff < min_staff // 2:
            fields["canteen_capacity"] = 0
        else:
            fields["canteen_capacity"] = max(20, _round_to(staff * self.rng.uniform(0.3, 0.9), 10))

    @staticmethod
    def service_level(value: float) -> str:
        """分级保障: the biggest are served by the province, the big ones by the city."""
        if value >= 100_000:
            return ServiceLevel.PROVINCE
        if value >= 30_000:
            return ServiceLevel.CITY
        return ServiceLevel.COUNTY

    # --- one enterprise per sector ----------------------------------------------------------

    def industry(self, county: County, utility: str | None) -> EnterpriseSpec:
        if utility:
            word, product, tech = utility, "", False
            name = self.unique_name(lambda: f"{county.name}{self.rng.choice(TRADE_NAMES)}{word}有限公司")
            park = ""
            output = self.lognormal(6000 * county.scale, 0.5)
        else:
            local = self.rng.random() < 0.55
            word = self.rng.choice(county.industry_words if local else SHARED_INDUSTRY_WORDS)
            product, tech = INDUSTRY_KINDS[word]
            output = self.lognormal(5000 * county.scale, 1.25)
            suffix = "股份有限公司" if output > 40_000 and self.rng.random() < 0.6 else "有限公司"
            name = self.unique_name(lambda: f"{county.name}{self.rng.choice(TRADE_NAMES)}{word}{suffix}")
            park = self.rng.choice(county.parks) if self.rng.random() < 0.65 else ""
        township = self.township(county, park)
        fields = self.base_fields(county, township, park)
        employees = max(8, int(output / self.rng.uniform(40, 120)))
        fields.update(
            kind=EntityKind.ENTERPRISE,
            name=name,
            sector=Sector.INDUSTRY,
            output_value=_money(output),
            employee_count=employees,
            # 规上: main-business revenue ≥ 2000万元; a few just above it are not yet in the 库.
            above_designated_size=output >= 2000 and self.rng.random() < 0.93,
            specialised_sme=output >= 1000 and self.rng.random() < (0.35 if tech else 0.08),
            leader_linked=self.rng.random() < min(0.6, 0.1 + output / 100_000),
            city_operation=bool(utility),
            service_level=self.service_level(output),
        )
        self.capacities(fields, (0.2, 0.8), 30)
        if not utility:
            self.problems(fields)
        return EnterpriseSpec(county.code, township[0], fields, category=word, product=product)

    def commerce(self, county: County, kind: CommerceKind) -> EnterpriseSpec:

        def make() -> str:
            trade = self.rng.choice(TRADE_NAMES)
            if kind.word == "农资":
                return f"{county.name}{trade}农资有限公司"
            return f"{county.name}{trade}{kind.word}有限公司"

        name = self.unique_name(make)
        park = county.service_park if kind.word == "电子商务" and self.rng.random() < 0.5 else ""
        township = self.township(county, park)
        fields = self.base_fields(county, township, park)
        output = self.lognormal(1500 * county.scale, 1.2 if not kind.catering else 0.8)
        if kind.catering:
            output = min(output, 12_000.0)
        employees = max(5, int(output / self.rng.uniform(*kind.productivity)))
        fields.update(
            kind=EntityKind.ENTERPRISE,
            name=name,
            sector=Sector.COMMERCE,
            output_value=_money(output),
            employee_count=employees,
            leader_linked=self.rng.random() < 0.08,
            livelihood=kind.livelihood,
            city_operation=self.rng.random() < kind.city_operation,
            service_level=self.service_level(output),
        )
        if kind.catering:
            # Hotels have guest rooms that can house another enterprise's staff in closed-loop mode.
            fields["dormitory_capacity"] = _round_to(self.rng.uniform(40, 260), 10)
            fields["canteen_capacity"] = _round_to(self.rng.uniform(60, 400), 10)
        else:
            self.capacities(fields, (0.1, 0.4), 40)
        self.problems(fields)
        category = "catering" if kind.catering else kind.word
        return EnterpriseSpec(county.code, township[0], fields, category=category)

    def transport(self, county: County, word: str, city_operation: float) -> EnterpriseSpec:
        name = self.unique_name(lambda: f"{county.name}{self.rng.choice(TRADE_NAMES)}{word}有限公司")
        park = county.service_park if self.rng.random() < 0.3 else ""
        township = self.township(county, park)
        fields = self.base_fields(county, township, park)
        output = self.lognormal(1800 * county.scale, 1.1)
        employees = max(6, int(output / self.rng.uniform(25, 80)))
        fields.update(
            kind=EntityKind.ENTERPRISE,
            name=name,
            sector=Sector.TRANSPORT,
            output_value=_money(output),
            employee_count=employees,
            leader_linked=self.rng.random() < 0.1,
            city_operation=self.rng.random() < city_operation,
            service_level=self.service_level(output),
        )
        self.capacities(fields, (0.2, 0.6), 30)
        self.problems(fields)
        return EnterpriseSpec(county.code, township[0], fields, category=word)

    def culture_tourism(self, county: County) -> EnterpriseSpec:
        township = self.township(county)
        word = self.rng.choice((*county.tourism_words, "文化旅游开发", "旅行社", "景区管理", "文化传媒"))

        def make() -> str:
            trade = self.rng.choice(TRADE_NAMES)
            if word in {"民宿管理", "乡村旅游开发"} and self.rng.random() < 0.6:
                return f"{county.name}{_place(township)}{trade}{word}有限公司"
            return f"{county.name}{trade}{word}有限公司"

        name = self.unique_name(make)
        fields = self.base_fields(county, township, "")
        output = self.lognormal(700 * county.scale * (1.8 if county.code == "411523" else 1.0), 1.1)
        employees = max(5, int(output / self.rng.uniform(12, 40)))
        fields.update(
            kind=EntityKind.ENTERPRISE,
            name=name,
            sector=Sector.CULTURE_TOURISM,
            output_value=_money(output),
            employee_count=employees,
            leader_linked=self.rng.random() < 0.15,
            service_level=self.service_level(output),
        )
        self.capacities(fields, (0.3, 1.0), 20)
        self.problems(fields)
        return EnterpriseSpec(county.code, township[0], fields, category=word)

    def key_project(self, county: County) -> EnterpriseSpec:
        draw = self.rng.random()
        if draw < 0.6:  # a product line: 年产5万吨食品加工项目, owned by a company of that trade
            product, unit, word = self.rng.choice(county.project_products)
            if self.rng.random() < 0.75:
                body = f"年产{self.rng.choice(PROJECT_SIZES[unit])}{unit}{product}项目"
            else:
                body = f"{product}生产线技术改造项目"
            parkable = True
        elif draw < 0.85:
            body, parkable = self.rng.choice(GENERIC_PROJECTS)
            body = body.format(mw=self.rng.choice((5, 10, 20, 30)))
            product, word = "", ""
        else:
            body, parkable, product, word = county.tourism_project, False, "", ""
        park = self.rng.choice(county.parks) if parkable and self.rng.random() < 0.6 else ""
        township = self.township(county, park)

        def make() -> str:
            trade = self.rng.choice(TRADE_NAMES)
            if word and self.rng.random() < 0.6:
                return f"{county.name}{trade}{word}有限公司{body}"
            if not park and _place(township) and self.rng.random() < 0.4:
                return f"{county.name}{_place(township)}{body}"
            return f"{county.name}{trade}{body}"

        name = self.unique_name(make)
        fields = self.base_fields(county, township, park)
        investment = self.lognormal(25_000 * max(county.scale, 0.8), 0.85)
        investment = max(2_000.0, float(_round_to(investment, 100)))
        employees = max(20, min(600, int(investment / self.rng.uniform(80, 250))))
        fields.update(
            kind=EntityKind.KEY_PROJECT,
            name=name,
            sector=Sector.KEY_PROJECT,
            investment=Decimal(f"{investment:.2f}"),
            output_value=Decimal("0.00"),  # under construction: no output yet; coverage uses investment
            employee_count=employees,
            leader_linked=self.rng.random() < 0.5,
            service_level=self.service_level(investment),
        )
        # Construction sites: workers' dormitories (工棚) and a canteen for most of the crew.
        fields["dormitory_capacity"] = _round_to(employees * self.rng.uniform(0.5, 1.0), 10)
        fields["canteen_capacity"] = _round_to(employees * self.rng.uniform(0.4, 0.9), 10)
        if self.rng.random() < 0.04:
            fields["safety_compliant"] = False
        return EnterpriseSpec(county.code, township[0], fields, category="project", product=product)

    # --- relations -----------------------------------------------------------------------------

    def records(self, enterprises: list[EnterpriseSpec], count: int = 15) -> list[RecordSpec]:
        anyone = [spec for spec in enterprises if spec.fields["kind"] == EntityKind.ENTERPRISE]
        producers = [spec for spec in anyone if spec.fields["sector"] == Sector.INDUSTRY]
        kinds = (
            [RecordKind.SAFETY_ACCIDENT] * 4
            + [RecordKind.ENVIRONMENTAL_VIOLATION] * 4
            + [RecordKind.DISHONESTY] * 3
            + [RecordKind.QUALITY_ACCIDENT] * 2
            + [RecordKind.LAW_VIOLATION] * 2
            + [RecordKind.APPLICATION_FRAUD]
        )
        chosen: set[str] = set()
        result = []
        for index in range(count):
            kind = kinds[index % len(kinds)]
            pool = producers if kind in PRODUCTION_RECORDS else anyone
            spec = self.rng.choice(pool)
            while spec.uscc in chosen:
                spec = self.rng.choice(pool)
            chosen.add(spec.uscc)
            texts = RECORD_TEXT[kind]
            description, severity, source = self.rng.choices(texts, [SEVERITY_WEIGHT[text[1]] for text in texts])[0]
            # Alternate: inside the 3-year window of 003#二, then 3-5 years back (outside it).
            days = self.rng.randint(45, 1000) if index % 2 == 0 else self.rng.randint(1130, 1800)
            result.append(
                RecordSpec(spec.uscc, kind, severity, REFERENCE_DATE - timedelta(days=days), description, source)
            )
            if kind == RecordKind.DISHONESTY and severity != RecordSeverity.GENERAL and days <= 3 * 365:
                spec.fields["credit_status"] = CreditStatus.DISHONEST
        return result

    def links(self, enterprises: list[EnterpriseSpec], count: int = 60) -> list[LinkSpec]:
        industry = [
            spec
            for spec in enterprises
            if spec.fields["sector"] == Sector.INDUSTRY and not spec.fields.get("city_operation")
        ]
        traders = [spec for spec in enterprises if spec.category in {"商贸", "建材贸易", "粮油贸易", "农资"}]
        customer_weights = [math.log(float(spec.fields["output_value"]) + 10) for spec in industry]
        seen: set[tuple[str, str]] = set()
        result: list[LinkSpec] = []
        while len(result) < count:
            customer = self.rng.choices(industry, customer_weights)[0]
            if self.rng.random() < 0.8:
                pool = [
                    spec
                    for spec in industry
                    if customer.category in PRODUCT_CUSTOMERS.get(spec.product, frozenset({customer.category}))
                ]
            else:
                pool = traders
            same_county = [spec for spec in pool if spec.county_code == customer.county_code]
            if same_county and self.rng.random() < 0.85:
                pool = same_county
            if not pool:
                continue
            supplier = self.rng.choice(pool)
            key = (supplier.uscc, customer.uscc)
            if supplier is customer or key in seen:
                continue
            seen.add(key)
            if supplier.product:
                product = supplier.product
            elif supplier.category == "粮油贸易":
                product = "粮油原料"
            else:
                product = self.rng.choice(("原辅材料", "包装物", "生产物料"))
            result.append(LinkSpec(supplier.uscc, customer.uscc, product, self.rng.random() < 0.8))
        return result

    def pairings(self, enterprises: list[EnterpriseSpec], count: int = 30) -> list[PairingSpec]:
        producers = [
            spec
            for spec in enterprises
            if spec.fields["sector"] in {Sector.INDUSTRY, Sector.CULTURE_TOURISM, Sector.KEY_PROJECT}
            and not spec.fields.get("city_operation")
        ]
        partners: dict[str, list[EnterpriseSpec]] = {
            PairingKind.TRANSPORT: [spec for spec in enterprises if spec.fields["sector"] == Sector.TRANSPORT],
            PairingKind.COMMERCE: [
                spec
                for spec in enterprises
                if spec.fields["sector"] == Sector.COMMERCE
                and spec.category != "catering"
                and spec.fields.get("livelihood")
            ],
            PairingKind.ACCOMMODATION_CATERING: [spec for spec in enterprises if spec.category == "catering"],
        }
        kinds = [PairingKind.TRANSPORT] * 4 + [PairingKind.COMMERCE] * 3 + [PairingKind.ACCOMMODATION_CATERING] * 3
        seen: set[tuple[str, str, str]] = set()
        result: list[PairingSpec] = []
        while len(result) < count:
            enterprise = self.rng.choice(producers)
            kind = self.rng.choice(kinds)
            local = [spec for spec in partners[kind] if spec.county_code == enterprise.county_code]
            partner = self.rng.choice(local or partners[kind])
            key = (enterprise.uscc, partner.uscc, kind)
            if key in seen:
                continue
            seen.add(key)
            result.append(PairingSpec(enterprise.uscc, partner.uscc, kind, self.rng.choice(PAIRING_NOTES[kind])))
        return result

    # --- everything -----------------------------------------------------------------------------

    def build(self) -> DemoData:
        data = DemoData()
        for county in COUNTIES:
            n_industry, n_commerce, n_transport, n_tourism, n_projects = county.quota
            utilities = [*UTILITY_WORDS[: 3 if county.scale > 1 else 2]]
            for index in range(n_industry):
                utility = utilities[index] if index < len(utilities) else None
                data.enterprises.append(self.industry(county, utility))
            for index in range(n_commerce):
                if index < 3:  # every county has hotels and restaurants to pair with
                    kind = CATERING_KINDS[index % len(CATERING_KINDS)]
                elif self.rng.random() < 0.15:
                    kind = self.rng.choice(CATERING_KINDS)
                else:
                    kind = self.rng.choice(COMMERCE_KINDS)
                data.enterprises.append(self.commerce(county, kind))
            for index in range(n_transport):
                if index < len(ONCE_PER_COUNTY_TRANSPORT):
                    data.enterprises.append(self.transport(county, ONCE_PER_COUNTY_TRANSPORT[index], 1.0))
                else:
                    word, city_operation = self.rng.choice(TRANSPORT_KINDS)
                    data.enterprises.append(self.transport(county, word, city_operation))
            for _ in range(n_tourism):
                data.enterprises.append(self.culture_tourism(county))
            for _ in range(n_projects):
                data.enterprises.append(self.key_project(county))
        data.records = self.records(data.enterprises)
        data.links = self.links(data.enterprises)
        data.pairings = self.pairings(data.enterprises)
        return data


def build_demo(townships: Mapping[str, Sequence[Township]]) -> DemoData:
    """The demo data set for the given townships per seed county (pure; same input → same output)."""
    missing = [county.code for county in COUNTIES if not townships.get(county.code)]
    if missing:
        raise ValueError(f"no townships for counties {missing}")
    return _Generator(townships).build()


def seed_townships() -> dict[str, list[Township]]:
    """Townships of the seed counties from ``Region``, in code order.

    Township-like units (NBS codes 4xx/5xx: farms, forest parks, development zones) are skipped
    when the county has real 街道/镇/乡.
    """
    result: dict[str, list[Township]] = {}
    for county in COUNTIES:
        region = Region.objects.filter(code=county.code, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"找不到 {county.name}（{county.code}），请先运行 manage.py load_regions")
        rows = list(
            Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP, is_active=True)
            .order_by("code")
            .values_list("code", "name")
        )
        proper = [row for row in rows if row[0][6:7] in {"0", "1", "2", "3"}]
        if not (proper or rows):
            raise CommandError(f"{county.name}（{county.code}）没有乡镇（街道），请先运行 manage.py load_regions")
        result[county.code] = proper or rows
    return result


def _missing(keys: Iterable[Any], existing: set[Any]) -> list[Any]:
    return [key for key in keys if key not in existing]


def load_demo_enterprises(*, stdout: Any = None) -> dict[str, int]:
    """Write the demo registry idempotently, in one transaction; return how many rows were created.

    Creation uses ``bulk_create``, which sends no model signals: these rows are therefore not in
    the audit log (X-3). That is acceptable for seed data, which no user changed; every later edit
    goes through the services and is logged.
    """
    data = build_demo(seed_townships())
    with transaction.atomic():
        region_ids = dict(
            Region.objects.filter(code__in={spec.region_code for spec in data.enterprises}).values_list("code", "pk")
        )
        wanted = [spec.uscc for spec in data.enterprises]
        existing = set(Enterprise.objects.filter(uscc__in=wanted).values_list("uscc", flat=True))
        new_enterprises = []
        for spec in data.enterprises:
            if spec.uscc in existing:
                continue  # never overwrite: demo edits survive a re-run
            enterprise = Enterprise(region_id=region_ids[spec.region_code], **spec.fields)
            enterprise.name_initials = name_initials(enterprise.name)
            enterprise.name_pinyin = name_pinyin(enterprise.name)
            new_enterprises.append(enterprise)
        Enterprise.objects.bulk_create(new_enterprises, batch_size=BATCH_SIZE)
        ids = dict(Enterprise.objects.filter(uscc__in=wanted).values_list("uscc", "pk"))

        record_keys = {(ids[record.uscc], record.kind, record.occurred_on): record for record in data.records}
        existing_records = set(
            EnterpriseRecord.objects.filter(enterprise_id__in={key[0] for key in record_keys}).values_list(
                "enterprise_id", "kind", "occurred_on"
            )
        )
        new_records = [
            EnterpriseRecord(
                enterprise_id=key[0],
                kind=key[1],
                occurred_on=key[2],
                severity=record_keys[key].severity,
                description=record_keys[key].description,
                source=record_keys[key].source,
            )
            for key in _missing(record_keys, existing_records)
        ]
        EnterpriseRecord.objects.bulk_create(new_records, batch_size=BATCH_SIZE)

        link_keys = {(ids[link.supplier_uscc], ids[link.customer_uscc]): link for link in data.links}
        existing_links = set(
            SupplyChainLink.objects.filter(customer_id__in={key[1] for key in link_keys}).values_list(
                "supplier_id", "customer_id"
            )
        )
        new_links = [
            SupplyChainLink(
                supplier_id=key[0], customer_id=key[1], product=link_keys[key].product, is_key=link_keys[key].is_key
            )
            for key in _missing(link_keys, existing_links)
        ]
        SupplyChainLink.objects.bulk_create(new_links, batch_size=BATCH_SIZE)

        pairing_keys = {
            (ids[pairing.enterprise_uscc], ids[pairing.partner_uscc], pairing.kind): pairing
            for pairing in data.pairings
        }
        existing_pairings = set(
            Pairing.objects.filter(enterprise_id__in={key[0] for key in pairing_keys}).values_list(
                "enterprise_id", "partner_id", "kind"
            )
        )
        new_pairings = [
            Pairing(enterprise_id=key[0], partner_id=key[1], kind=key[2], note=pairing_keys[key].note)
            for key in _missing(pairing_keys, existing_pairings)
        ]
        Pairing.objects.bulk_create(new_pairings, batch_size=BATCH_SIZE)

    counts = {
        "enterprises": len(new_enterprises),
        "records": len(new_records),
        "supply_links": len(new_links),
        "pairings": len(new_pairings),
    }
    if stdout is not None:
        by_sector = Counter(enterprise.sector for enterprise in new_enterprises)
        detail = "，".join(f"{name} {by_sector[sector]}" for sector, name in SECTOR_NAMES.items() if by_sector[sector])
        stdout.write(
            f"演示企业：新建 {counts['enterprises']} 家（已有 {len(existing)} 家）{('：' + detail) if detail else ''}；"
            f"记录 {counts['records']} 条，供应链 {counts['supply_links']} 条，结对 {counts['pairings']} 对"
        )
    return counts
