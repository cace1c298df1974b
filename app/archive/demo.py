"""The archive's part of `seed-demo`: catalogue, unit levels, Chongqing/Sichuan hospitals with contacts
(a share with lunar birthdays), installed modules and hardware, and value assessments spread over A–D."""
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.archive import enums
from app.archive.models import DEFAULT_UNIT_LEVELS, Asset, Client, Contact, Product, SpecialDate, UnitLevel
from app.archive.rules import CRITERIA, normalise_name
from app.archive.services import assess_client
from app.core.plugins import demo_seeder
from app.extensions import db

PLACES = {"重庆": ("重庆",), "四川": ("成都", "绵阳", "南充", "宜宾", "泸州", "达州", "乐山", "自贡")}
DISTRICTS = {"重庆": ("渝中区", "万州区", "涪陵区", "永川区", "江北区", "沙坪坝区")}
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
HOBBIES = ("钓鱼", "打羽毛球", "喝茶", "书法", "爬山", "摄影", "打乒乓球", "看川剧", "自驾游")


def _pick(rng: random.Random, enum_cls, empty_share: float = 0.15):
    return None if rng.random() < empty_share else rng.choice(list(enum_cls))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _seed_catalogue() -> list[Product]:
    products = [Product(name=name, category=category, list_price=Decimal(price)) for name, category, price in CATALOGUE]
    db.session.add_all(products)
    db.session.flush()
    return products


def _seed_client(rng: random.Random, name: str, kind, level, region, city, owner, levels, modules, today) -> Client:
    district = rng.choice(DISTRICTS.get(region, ("高新区", "顺庆区", "翠屏区", "江阳区")))
    client = Client(
        name=name, name_key=normalise_name(name), short_name=city + name.removeprefix(city).removeprefix("市")[:2],
        category=kind, unit_level_id=levels[level].id, region=region, city=city,
        address=f"{city}市{district}{rng.choice(('人民路', '解放路', '建设路', '滨江路'))}{rng.randint(1, 300)}号",
        postcode=f"{rng.randint(400000, 649999)}",
        phone=f"0{rng.choice((23, 28, 816, 817, 831))}-{rng.randint(60000000, 89999999)}",
        legal_representative=_person(rng), beds=rng.choice((None, 50, 120, 300, 500, 800, 1200)),
        employees=rng.randint(20, 2000), annual_revenue=Decimal(rng.randint(500, 200000)),
        established_year=rng.randint(1950, 2015), lead_source=rng.choice(list(enums.LeadSource)),
        status=rng.choices(list(enums.Lifecycle), weights=(1, 2, 8, 1, 1))[0], owner_id=owner.id,
        relationship_class=_pick(rng, enums.Relationship), income_tier=_pick(rng, enums.IncomeTier),
        expansion=_pick(rng, enums.Expansion), demand=_pick(rng, enums.Demand),
        development_type=_pick(rng, enums.DevelopmentType), strategy_layer=_pick(rng, enums.StrategyLayer),
        business_situation=rng.choice(("门诊量稳步增长，新院区在建。", "以体检和慢病管理为主。",
                                       "医保控费压力大，关注成本。")),
        after_sales_situation=rng.choice(("系统运行稳定，偶有打印问题。", "去年升级后响应速度有投诉。", "")),
        it_situation=rng.choice(("信息科 5 人，机房去年改造。", "网络老旧，需综合布线。", "")),
        needs=rng.choice(("希望上线移动护理和互联网医院。", "关注电子病历评级。", "")),
        competitors=rng.choice(("东软、卫宁在接触。", "创业慧康曾投标。", "")))
    db.session.add(client)
    db.session.flush()
    for _ in range(rng.randint(1, 4)):
        title, role = rng.choice(TITLES)
        contact = Contact(client_id=client.id, name=_person(rng), gender=rng.choice(list(enums.Gender)), title=title,
                          department=title.split("科")[0] + "科" if "科" in title else "院办", decision_role=role,
                          is_key_person=role == enums.DecisionRole.DECIDER or rng.random() < .2,
                          is_inside_contact=rng.random() < .15, stance=_pick(rng, enums.Stance, .3),
                          mobile=f"1{rng.choice((35, 38, 39, 58, 77, 86))}{rng.randint(10**7, 10**8 - 1):08d}",
                          hometown=rng.choice(("四川南充", "重庆万州", "四川绵阳", "湖南衡阳", "")),
                          hobbies=rng.choice(HOBBIES), tenure=f"{rng.randint(1, 20)} 年")
        db.session.add(contact)
        db.session.flush()
        if rng.random() < .7:
            lunar = rng.random() < .4
            db.session.add(SpecialDate(client_id=client.id, contact_id=contact.id,
                                       kind=enums.SpecialDateKind.BIRTHDAY, month=rng.randint(1, 12),
                                       day=rng.randint(1, 30 if lunar else 28), is_lunar=lunar,
                                       year=rng.choice((None, rng.randint(1960, 1990)))))
    if rng.random() < .3:
        db.session.add(SpecialDate(client_id=client.id, kind=enums.SpecialDateKind.ORG_EVENT, label="建院纪念日",
                                   month=rng.randint(1, 12), day=rng.randint(1, 28), year=client.established_year))
    for product in rng.sample(modules, rng.randint(0, 5)):
        installed = today - timedelta(days=rng.randint(200, 2500))
        db.session.add(Asset(client_id=client.id, kind=enums.AssetKind.SOFTWARE, product_id=product.id,
                             name=product.name, module_version=f"V{rng.randint(3, 8)}.{rng.randint(0, 9)}",
                             installed_on=installed, maintenance_until=today + timedelta(days=rng.randint(-60, 500))))
    for hw_name, hw_kind in rng.sample(HARDWARE, rng.randint(0, 2)):
        db.session.add(Asset(client_id=client.id, kind=hw_kind, name=hw_name, quantity=rng.randint(1, 6),
                             maintenance_until=today + timedelta(days=rng.randint(-30, 700))))
    return client



@demo_seeder(order=20)
def seed_archive(demo) -> dict[str, int]:
    rng, today, users = demo.rng("archive"), demo.today, demo.users
    products = _seed_catalogue()
    modules = [p for p in products if p.category == enums.ProductCategory.MODULE]
    levels = {u.name: u for u in db.session.execute(select(UnitLevel)).scalars()}
    for position, name in enumerate(DEFAULT_UNIT_LEVELS):
        levels.setdefault(name, UnitLevel(name=name, position=position))
    db.session.add_all(levels.values())
    reps = [users["sales1"], users["sales2"]]
    names: set[str] = set()
    while len(names) < demo.clients:
        region = rng.choice(("重庆", "四川", "四川"))
        city = rng.choice(PLACES[region])
        suffix, kind, level = rng.choice(HOSPITALS)
        name = f"{city}{suffix}"
        if name in names:
            district = rng.choice(DISTRICTS.get(region, ("高新区", "东城区", "西城区")))
            name = f"{city}{district}{suffix.removeprefix('市')}"
            if name in names:
                name = f"{name}（{len(names)}）"
        names.add(name)
        client = _seed_client(rng, name, kind, level, region, city, reps[len(names) % 2], levels, modules, today)
        if rng.random() < .85:  # a client's scores cluster around how promising it is: grades A to D all occur
            level = rng.choice((1.5, 2.5, 3.5, 4.5, 5))
            scores = {key: min(5, max(1, round(level + rng.uniform(-1, 1)))) for key in CRITERIA}
            assess_client(client, scores, None, "", users["manager"])
        client.created_at = datetime.combine(today - timedelta(days=800), time(9))
    db.session.flush()
    count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
    return {"clients": demo.clients, "contacts": count(Contact), "special dates": count(SpecialDate),
            "assets": count(Asset), "products": len(products)}
