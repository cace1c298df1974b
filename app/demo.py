"""Deterministic, realistic demo data (`flask seed-demo`). Demo logins only: password demo12345."""
import random

import click
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.archive.models import Client, Contact
from app.core.models import Role, User
from app.extensions import db

DEMO_PASSWORD = "demo12345"
DEMO_USERS = (
    ("admin", "系统管理员", Role.ADMIN),
    ("manager", "王建国", Role.MANAGER),
    ("sales1", "李晓燕", Role.SALES),
    ("sales2", "张伟", Role.SALES),
    ("service1", "陈志强", Role.SERVICE),
)
CITIES = ("重庆", "成都", "绵阳", "南充", "宜宾", "泸州", "万州", "涪陵", "永川", "达州", "乐山", "自贡")
HOSPITAL_KINDS = ("市第一人民医院", "市中医院", "市妇幼保健院", "中心医院", "人民医院", "骨科医院", "第三人民医院",
                  "口腔医院", "康复医院", "精神卫生中心", "社区卫生服务中心", "健康体检中心", "仁爱医院", "博爱医院")
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
            "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("建华", "丽娟", "志明", "秀英", "海燕", "国强", "晓东", "静", "敏", "军", "芳", "涛", "霞", "勇", "喆",
         "堃", "珺", "镕", "德明", "春梅", "红霞", "玉兰", "文博", "子涵")
TITLES = ("院长", "副院长", "信息科主任", "设备科科长", "财务科科长", "医务科主任", "护理部主任", "药剂科主任",
          "采购主管")


def seed_demo(clients: int = 40, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one scrypt run serves every demo login
    users = {username: User(username=username, display_name=name, role=role, password_hash=password_hash)
             for username, name, role in DEMO_USERS}
    db.session.add_all(users.values())
    db.session.flush()
    reps = [users["sales1"], users["sales2"]]
    names: set[str] = set()
    contact_count = 0
    while len(names) < clients:
        city, kind = rng.choice(CITIES), rng.choice(HOSPITAL_KINDS)
        name = f"{city}{kind}" if len(names) < len(CITIES) * len(HOSPITAL_KINDS) else f"{city}{kind}{len(names)}号"
        if name in names:
            continue
        names.add(name)
        client = Client(name=name, short_name=city + kind.removeprefix("市")[:2], owner_id=reps[len(names) % 2].id,
                        notes="")
        db.session.add(client)
        db.session.flush()
        for _ in range(rng.randint(1, 3)):
            phone = f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}"
            db.session.add(Contact(client_id=client.id, name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                                   title=rng.choice(TITLES), phone=phone))
            contact_count += 1
    db.session.flush()
    return {"users": len(users), "clients": clients, "contacts": contact_count}


@click.command("seed-demo")
@click.option("--clients", default=40, show_default=True, help="How many demo clients.")
@click.option("--seed", default=1, show_default=True, help="Random seed; the same seed gives the same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo_command(clients, seed, if_empty):
    """Fill an empty database with demo data (demo-only logins, password demo12345)."""
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("database has data; demo seed skipped")
            return
        raise click.ClickException("the database already has users; seed-demo fills an empty database only")
    counts = seed_demo(clients=clients, seed=seed)
    db.session.commit()
    click.echo("seeded " + ", ".join(f"{n} {what}" for what, n in counts.items()))
