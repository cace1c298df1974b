"""The archive's part of `seed-demo`: catalogue, unit levels, Chongqing/Sichuan hospitals with contacts
(a share with lunar birthdays, a few with a recent or coming life event), installed modules and hardware, and
value assessments spread over A–D.

Plain rows inserted in bulk (core.demo.Bulk): no ORM objects, no flush per client, no audit events. A few
dozen clients are the city and district hospitals; thousands go on to township health centres, community
centres and private clinics, so names stay unique and real-looking at 50,000."""
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.archive import enums
from app.archive.models import (
    DEFAULT_UNIT_LEVELS,
    Assessment,
    Asset,
    Client,
    Contact,
    Product,
    SpecialDate,
    UnitLevel,
)
from app.archive.occurrences import refresh_next_occurrences
from app.archive.queries import assessment_settings
from app.archive.rules import CRITERIA, assessment_score, grade_for_score, name_pinyin, normalise_name
from app.archive.search import refresh_search_text
from app.core.demo import Bulk, record_stamps
from app.core.plugins import demo_seeder
from app.extensions import db

# Region → city → its districts and counties (for addresses, and for names once the city's hospitals are taken).
PLACES = {
    "重庆": {"重庆": ("渝中区", "江北区", "南岸区", "沙坪坝区", "九龙坡区", "大渡口区", "渝北区", "巴南区", "北碚区",
                      "万州区", "涪陵区", "永川区", "合川区", "江津区", "长寿区", "綦江区", "大足区", "璧山区",
                      "铜梁区", "潼南区", "荣昌区", "开州区", "梁平区", "武隆区", "黔江区", "南川区")},
    "四川": {
        "成都": ("锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区",
                 "双流区", "郫都区", "新津区", "都江堰市", "彭州市", "邛崃市", "崇州市", "简阳市", "金堂县"),
        "绵阳": ("涪城区", "游仙区", "安州区", "江油市", "三台县", "盐亭县", "梓潼县", "北川县"),
        "南充": ("顺庆区", "高坪区", "嘉陵区", "阆中市", "南部县", "营山县", "蓬安县", "仪陇县", "西充县"),
        "宜宾": ("翠屏区", "南溪区", "叙州区", "江安县", "长宁县", "高县", "珙县", "兴文县"),
        "泸州": ("江阳区", "纳溪区", "龙马潭区", "泸县", "合江县", "叙永县", "古蔺县"),
        "达州": ("通川区", "达川区", "万源市", "宣汉县", "开江县", "大竹县", "渠县"),
        "乐山": ("市中区", "沙湾区", "五通桥区", "犍为县", "井研县", "夹江县", "峨眉山市"),
        "自贡": ("自流井区", "贡井区", "大安区", "沿滩区", "荣县", "富顺县"),
    },
}
REGIONS = ("重庆", "四川", "四川")
CITIES = {region: tuple(cities) for region, cities in PLACES.items()}
HOSPITALS = (
    ("市第一人民医院", enums.ClientCategory.PUBLIC_HOSPITAL, "三甲"),
    ("市中医院", enums.ClientCategory.PUBLIC_HOSPITAL, "三甲"),
    ("市妇幼保健院", enums.ClientCategory.PUBLIC_HOSPITAL, "二甲"),
    ("市第三人民医院", enums.ClientCategory.PUBLIC_HOSPITAL, "二甲"),
    ("骨科医院", enums.ClientCategory.PRIVATE_HOSPITAL, "二乙"),
    ("仁爱医院", enums.ClientCategory.PRIVATE_HOSPITAL, "一级"),
    ("博爱医院", enums.ClientCategory.PRIVATE_HOSPITAL, "二乙"),
    ("钢铁集团职工医院", enums.ClientCategory.INDUSTRIAL_HOSPITAL, "一级"),
    ("社区卫生服务中心", enums.ClientCategory.CLINIC, "未定级"),
    ("口腔诊所", enums.ClientCategory.CLINIC, "未定级"),
    ("健康体检中心", enums.ClientCategory.ENTERPRISE, "未定级"),
    ("市卫生健康委员会", enums.ClientCategory.GOVERNMENT, "未定级"),
)
TOWNS = ("新场", "石桥", "龙泉", "白庙", "三汇", "太平", "永安", "青杠", "回龙", "双河", "高峰", "金山", "黄桷",
         "兴隆", "观音", "石龙", "河口", "马鞍", "清平", "复兴", "安居", "龙门", "白沙", "新店", "青龙", "高桥")
STREETS = ("东街", "南街", "北门", "西城", "龙井", "华阳", "新华", "和平", "光明", "长江", "建设", "朝阳", "文化",
           "红星", "胜利", "东风")
CLINICS = ("诊所", "口腔诊所", "中医诊所", "中西医结合诊所", "骨伤科诊所", "眼科诊所")
MODULE, SERVICE = enums.ProductCategory.MODULE, enums.ProductCategory.SERVICE
CATALOGUE = (
    ("HIS 医院信息系统", MODULE, 380000), ("LIS 检验信息系统", MODULE, 160000), ("PACS 影像系统", MODULE, 260000),
    ("EMR 电子病历", MODULE, 300000), ("药房管理", MODULE, 60000), ("体检系统", MODULE, 90000),
    ("手术麻醉系统", MODULE, 150000), ("移动护理", MODULE, 120000), ("合理用药", MODULE, 80000),
    ("院感管理", MODULE, 70000), ("年度运维服务", SERVICE, 45000), ("数据迁移服务", SERVICE, 30000),
)
HARDWARE = (("服务器 浪潮 NF5280", enums.AssetKind.HARDWARE), ("核心交换机 华为 S5735", enums.AssetKind.HARDWARE),
            ("条码打印机 斑马 ZD888", enums.AssetKind.PERIPHERAL), ("自助挂号机", enums.AssetKind.PERIPHERAL),
            ("全自动生化分析仪", enums.AssetKind.MEDICAL), ("DR 数字X线摄影系统", enums.AssetKind.MEDICAL))
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
            "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("建华", "丽娟", "志明", "秀英", "海燕", "国强", "晓东", "静", "敏", "军", "芳", "涛", "霞", "勇", "喆",
         "堃", "珺", "镕", "德明", "春梅", "红霞", "玉兰", "文博", "子涵")
TITLES = (("院长", enums.DecisionRole.DECIDER), ("副院长", enums.DecisionRole.DECIDER),
          ("信息科主任", enums.DecisionRole.INFLUENCER), ("设备科科长", enums.DecisionRole.BUYER),
          ("财务科科长", enums.DecisionRole.BUYER), ("医务科主任", enums.DecisionRole.INFLUENCER),
          ("护理部主任", enums.DecisionRole.USER), ("药剂科主任", enums.DecisionRole.USER),
          ("信息科工程师", enums.DecisionRole.USER))
CLINIC_TITLES = (("负责人", enums.DecisionRole.DECIDER), ("主任", enums.DecisionRole.DECIDER),
                 ("医生", enums.DecisionRole.USER), ("护士长", enums.DecisionRole.USER),
                 ("收费员", enums.DecisionRole.USER))
HOBBIES = ("钓鱼", "打羽毛球", "喝茶", "书法", "爬山", "摄影", "打乒乓球", "看川剧", "自驾游")
HOMETOWNS = ("四川南充", "重庆万州", "四川绵阳", "湖南衡阳", "")
# Life events (seed 004) around today: (kind, whose, days from today) — the happy ones often known ahead, the sad
# ones learned after the fact, so care days show both.
LIFE_EVENTS = ((enums.SpecialDateKind.MARRIAGE, ("", "儿子", "女儿"), (2, 20)),
               (enums.SpecialDateKind.NEW_CHILD, ("", "孙子", "外孙女"), (-6, 0)),
               (enums.SpecialDateKind.SCHOOL, ("儿子", "女儿"), (3, 14)),
               (enums.SpecialDateKind.BEREAVEMENT, ("父亲", "母亲", "岳父"), (-6, -1)),
               (enums.SpecialDateKind.ILLNESS, ("",), (-5, 0)))
NO_BEDS = (enums.ClientCategory.GOVERNMENT, enums.ClientCategory.ENTERPRISE)
BEDS = {"三甲": (800, 2500), "三乙": (500, 1200), "二甲": (300, 800), "二乙": (100, 400), "一级": (20, 100),
        "未定级": (10, 29)}
# How promising a client is, around which its criteria are scored: with the default weights and thresholds
# about 10 % come out A, a quarter each B and C, a fifth D, and 15 % are not assessed yet.
PROMISE = (1.5, 2.5, 3, 3.5, 4, 4.5)
PROMISE_WEIGHTS = (2, 2, 3, 3, 2, 1)
ENUM_CHOICES = {e: tuple(e) for e in (enums.Gender, enums.LeadSource, enums.Lifecycle, enums.Relationship,
                                      enums.IncomeTier, enums.Expansion, enums.Demand, enums.DevelopmentType,
                                      enums.StrategyLayer, enums.Stance)}


def _pick(rng: random.Random, enum_cls, empty_share: float = 0.15):
    return None if rng.random() < empty_share else rng.choice(ENUM_CHOICES[enum_cls])


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _grassroots(rng: random.Random, city: str, district: str):
    """A township health centre or a community centre in the district (a few thousand in all)."""
    if rng.random() < .6:
        return f"{city}{district}{rng.choice(TOWNS)}镇卫生院", enums.ClientCategory.PUBLIC_HOSPITAL, "一级"
    return f"{city}{district}{rng.choice(STREETS)}街道社区卫生服务中心", enums.ClientCategory.CLINIC, "未定级"


def _clinic(rng: random.Random, city: str, district: str):
    """A private clinic named after its doctor: over a million names, so it rarely meets one taken."""
    doctor = rng.choice(SURNAMES) + ("氏" if rng.random() < .3 else rng.choice(GIVEN))
    return f"{city}{district}{doctor}{rng.choice(CLINICS)}", enums.ClientCategory.CLINIC, "未定级"


def _client_name(rng: random.Random, taken: set[str]):
    """A name no other demo client has: the city's hospital, else the district's, else a health centre or a
    clinic there, else a clinic numbered. Exactly one name per call, so it ends whatever the count."""
    region = rng.choice(REGIONS)
    city = rng.choice(CITIES[region])
    district = rng.choice(PLACES[region][city])
    suffix, kind, level = rng.choice(HOSPITALS)
    name = f"{city}{suffix}"
    if name in taken:
        name = f"{city}{district}{suffix.removeprefix('市')}"
    if name in taken:
        name, kind, level = (_grassroots if rng.random() < .3 else _clinic)(rng, city, district)
    if name in taken:
        name, kind, level = _clinic(rng, city, district)
    if name in taken:
        name = f"{name}（{len(taken) + 1}）"  # only this branch writes （n）, and n grows with every client
    taken.add(name)
    return name, kind, level, region, city, district


def _unit_levels(bulk: Bulk) -> dict[str, int]:
    """The migration seeds the list; an emptied database (the tests) gets it back."""
    levels = dict(db.session.execute(select(UnitLevel.name, UnitLevel.id)).all())
    for position, name in enumerate(DEFAULT_UNIT_LEVELS):
        if name not in levels:
            levels[name] = bulk.add(UnitLevel, name=name, position=position)
    return levels


def _assessment(rng: random.Random, weights, thresholds):
    """Scores clustered around how promising the client is, so grades A to D all occur. One in eight is missing
    a few criteria (信息不足), sometimes too many for a grade."""
    promise = rng.choices(PROMISE, PROMISE_WEIGHTS)[0]
    scores = {key: min(5, max(1, round(promise + rng.uniform(-1, 1)))) for key in CRITERIA}
    if rng.random() < .125:
        scores.update(dict.fromkeys(rng.sample(CRITERIA, rng.randint(2, 7))))
    score = assessment_score(scores, weights)
    return scores, score, None if score is None else enums.ValueGrade(grade_for_score(score, thresholds))


def _seed_client(bulk: Bulk, rng: random.Random, client_no: int, taken: set[str], context: dict) -> None:
    today, owner_id = context["today"], context["reps"][client_no % len(context["reps"])]
    name, kind, level, region, city, district = _client_name(rng, taken)
    created = context["created"]
    stamps = record_stamps(created, owner_id)
    low, high = BEDS[level]
    beds = None if kind in NO_BEDS or level == "未定级" and rng.random() < .5 else rng.randint(low, high) // 10 * 10
    size = beds or 5
    established = rng.randint(1950, 2015)
    assessed = _assessment(rng, *context["settings"]) if rng.random() < .85 else None
    spelled = name_pinyin(name)
    client_id = bulk.add(
        Client, name=name, name_key=normalise_name(name), pinyin=spelled[0], pinyin_initials=spelled[1],
        short_name=city + name.removeprefix(city).removeprefix("市").removeprefix(district)[:2],
        category=kind, unit_level_id=context["levels"][level], region=region, city=city,
        address=f"{city}市{district}{rng.choice(('人民路', '解放路', '建设路', '滨江路'))}{rng.randint(1, 300)}号",
        postcode=f"{rng.randint(400000, 649999)}",
        phone=f"0{rng.choice((23, 28, 816, 817, 831))}-{rng.randint(60000000, 89999999)}",
        legal_representative=_person(rng), beds=beds, employees=int(size * rng.uniform(1.2, 1.8)) + 5,
        annual_revenue=Decimal(int(size * rng.uniform(40, 90)) + 50),  # 万元
        established_year=established, lead_source=rng.choice(ENUM_CHOICES[enums.LeadSource]),
        status=rng.choices(ENUM_CHOICES[enums.Lifecycle], weights=(1, 2, 8, 1, 1))[0], owner_id=owner_id,
        relationship_class=_pick(rng, enums.Relationship), income_tier=_pick(rng, enums.IncomeTier),
        expansion=_pick(rng, enums.Expansion), demand=_pick(rng, enums.Demand),
        development_type=_pick(rng, enums.DevelopmentType), strategy_layer=_pick(rng, enums.StrategyLayer),
        business_situation=rng.choice(("门诊量稳步增长，新院区在建。", "以体检和慢病管理为主。",
                                       "医保控费压力大，关注成本。")),
        after_sales_situation=rng.choice(("系统运行稳定，偶有打印问题。", "去年升级后响应速度有投诉。", "")),
        it_situation=rng.choice(("信息科 5 人，机房去年改造。", "网络老旧，需综合布线。", "")),
        needs=rng.choice(("希望上线移动护理和互联网医院。", "关注电子病历评级。", "")),
        competitors=rng.choice(("东软、卫宁在接触。", "创业慧康曾投标。", "")),
        value_grade=assessed[2] if assessed else None, assessment_score=assessed[1] if assessed else None,
        **stamps)
    titles = CLINIC_TITLES if kind == enums.ClientCategory.CLINIC else TITLES
    for _ in range(rng.randint(1, 4)):
        title, role = rng.choice(titles)
        contact_id = bulk.add(
            Contact, client_id=client_id, name=_person(rng), gender=rng.choice(ENUM_CHOICES[enums.Gender]),
            title=title, department=title.split("科")[0] + "科" if "科" in title else "院办", decision_role=role,
            is_key_person=role == enums.DecisionRole.DECIDER or rng.random() < .2,
            is_inside_contact=rng.random() < .15, stance=_pick(rng, enums.Stance, .3),
            mobile=f"1{rng.choice((35, 38, 39, 58, 77, 86))}{rng.randint(10**7, 10**8 - 1):08d}",
            hometown=rng.choice(HOMETOWNS), hobbies=rng.choice(HOBBIES), tenure=f"{rng.randint(1, 20)} 年",
            **stamps)
        if rng.random() < .7:
            lunar = rng.random() < .4  # 农历 birthdays: the care list has to convert them every year
            bulk.add(SpecialDate, client_id=client_id, contact_id=contact_id, kind=enums.SpecialDateKind.BIRTHDAY,
                     month=rng.randint(1, 12), day=rng.randint(1, 30 if lunar else 28), is_lunar=lunar,
                     year=rng.choice((None, rng.randint(1960, 1990))), **stamps)
        life = context["life"]  # a stream of its own, so the life events leave the rest of the demo as it was
        if life.random() < .08:
            event, whose, (first, last) = life.choice(LIFE_EVENTS)
            on = context["today"] + timedelta(days=life.randint(first, last))
            bulk.add(SpecialDate, client_id=client_id, contact_id=contact_id, kind=event, whose=life.choice(whose),
                     month=on.month, day=on.day, year=on.year, **stamps)
    if rng.random() < .3:
        bulk.add(SpecialDate, client_id=client_id, kind=enums.SpecialDateKind.ORG_EVENT, label="建院纪念日",
                 month=rng.randint(1, 12), day=rng.randint(1, 28), year=established, **stamps)
    for product_id, product_name in rng.sample(context["modules"], rng.randint(0, 5)):
        bulk.add(Asset, client_id=client_id, kind=enums.AssetKind.SOFTWARE, product_id=product_id, name=product_name,
                 module_version=f"V{rng.randint(3, 8)}.{rng.randint(0, 9)}",
                 installed_on=today - timedelta(days=rng.randint(200, 2500)),
                 maintenance_until=today + timedelta(days=rng.randint(-60, 500)), **stamps)
    for hw_name, hw_kind in rng.sample(HARDWARE, rng.randint(0, 2)):
        bulk.add(Asset, client_id=client_id, kind=hw_kind, name=hw_name, quantity=rng.randint(1, 6),
                 maintenance_until=today + timedelta(days=rng.randint(-30, 700)), **stamps)
    if assessed:  # what assess_client would write, without a flush per client
        scores, score, grade = assessed
        weights, thresholds = context["settings"]
        bulk.add(Assessment, client_id=client_id, scores=scores, weights=dict(weights), thresholds=dict(thresholds),
                 score=score, computed_grade=grade, grade=grade, override_grade=None, previous_grade=None,
                 assessed_at=created + timedelta(days=rng.randint(30, 700)), assessed_by_id=context["manager"])


@demo_seeder(order=20)
def seed_archive(demo) -> dict[str, int]:
    rng, today, users = demo.rng("archive"), demo.today, demo.users
    created = datetime.combine(today - timedelta(days=800), time(1))  # 09:00 in Chongqing, stored as UTC
    with Bulk(UnitLevel, Product, Client, Contact, SpecialDate, Asset, Assessment) as bulk:
        products = [(bulk.add(Product, name=name, category=category, list_price=Decimal(price),
                              **record_stamps(created, users["admin"].id)), name, category)
                    for name, category, price in CATALOGUE]
        context = {
            "today": today, "created": created, "reps": demo.reps,
            "manager": users["manager"].id, "levels": _unit_levels(bulk), "settings": assessment_settings(),
            "life": demo.rng("life events"),
            "modules": [(product_id, name) for product_id, name, category in products if category == MODULE],
        }
        taken: set[str] = set()
        for client_no in range(1, demo.clients + 1):
            _seed_client(bulk, rng, client_no, taken, context)
    counts = bulk.counts
    refresh_next_occurrences(demo.today)  # the rows went in with Core: no save hook set their next date
    refresh_search_text(db.session.connection())  # nor their search text
    return {"clients": counts["clients"], "contacts": counts["contacts"], "special dates": counts["special_dates"],
            "assets": counts["assets"], "products": counts["products"], "assessments": counts["assessments"]}
