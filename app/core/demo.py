"""`flask seed-demo`: deterministic, realistic demo data. Core seeds the demo users; each domain registers its
part with core.plugins.demo_seeder and runs in order. Demo logins only: password demo12345."""
import random
from dataclasses import dataclass
from datetime import date

import click
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.core.clock import local_today
from app.core.models import Role, User
from app.core.plugins import DEMO_SEEDERS
from app.extensions import db

DEMO_PASSWORD = "demo12345"
DEMO_USERS = (
    ("admin", "系统管理员", Role.ADMIN),
    ("manager", "王建国", Role.MANAGER),
    ("sales1", "李晓燕", Role.SALES),
    ("sales2", "张伟", Role.SALES),
    ("service1", "陈志强", Role.SERVICE),
)


@dataclass
class Demo:
    """What every domain's seeder gets: the size asked for, the day, the demo users, and its own random stream."""

    clients: int
    seed: int
    today: date
    users: dict[str, User]

    def rng(self, domain: str) -> random.Random:
        """A stream per domain, so one domain's data does not shift when another's changes."""
        return random.Random(f"{self.seed}:{domain}")


def _seed_users() -> dict[str, User]:
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one scrypt run serves every demo login
    users = {username: User(username=username, display_name=name, role=role, password_hash=password_hash)
             for username, name, role in DEMO_USERS}
    db.session.add_all(users.values())
    db.session.flush()
    return users


def seed_demo(clients: int = 40, seed: int = 1) -> dict[str, int]:
    demo = Demo(clients=clients, seed=seed, today=local_today(), users=_seed_users())
    counts = {"users": len(demo.users)}
    for _order, seeder in DEMO_SEEDERS:
        counts.update(seeder(demo))
    db.session.flush()
    return counts


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
