"""`flask seed-demo`: deterministic, realistic demo data. Core seeds the demo users; each domain registers its
part with core.plugins.demo_seeder and runs in order. Demo logins only: password demo12345.

The domains write plain rows in bulk (Bulk below: SQLAlchemy Core inserts in chunks), so 50,000 clients with
their contacts and two years of visits take a few minutes rather than half an hour. Core inserts bypass the
ORM session, and with it two things the ORM would have done:
- the before_flush stamps and the column defaults: Bulk starts every row from the column defaults the ORM
  would apply (blank_row) and checks that no NOT NULL column is left empty; each seeder sets the computed
  ones itself (version, created_at/updated_at, created_by_id, name_key, ...);
- the audit trail, written by after_flush for ORM flushes only: demo data has no audit events (the five demo
  users, still added through the ORM, do), which is fine for data nobody typed in."""
import random
from dataclasses import dataclass
from datetime import date, datetime

import click
from sqlalchemy import Table, func, insert, select, text
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
# A team grows with its archive: one more rep for every CLIENTS_PER_REP clients beyond the first two reps' share
# (sales3, sales4, … at 1,000 clients and more), so a rep's pages carry a rep's book, not half the company's.
CLIENTS_PER_REP = 250
SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
CHUNK = 5000  # rows per INSERT batch: big enough to be fast, small enough to keep memory flat at 50k clients


@dataclass
class Demo:
    """What every domain's seeder gets: the size asked for, the day, the demo users, and its own random stream."""

    clients: int
    seed: int
    today: date
    users: dict[str, User]

    @property
    def reps(self) -> list[int]:
        """The ids of the sales reps the clients are shared out among: sales1, sales2, then any added for size."""
        return [user.id for name, user in self.users.items() if user.role is Role.SALES]

    def rng(self, domain: str) -> random.Random:
        """A stream per domain, so one domain's data does not shift when another's changes."""
        return random.Random(f"{self.seed}:{domain}")


def record_stamps(at: datetime, by_id: int | None) -> dict:
    """The RecordMixin columns an ORM insert fills (default version and times, the before_flush stamp)."""
    return {"version": 1, "created_at": at, "created_by_id": by_id, "updated_at": at, "updated_by_id": None}


def blank_row(table: Table) -> dict:
    """Every column of `table` at the default an ORM insert would give it: "" for text, False, 1, the enum's
    default... Computed defaults (utcnow, list) come out None: the seeder sets those, Bulk checks it did."""
    return {column.key: column.default.arg if column.default is not None and column.default.is_scalar else None
            for column in table.columns}


class Bulk:
    """Rows for a few tables, inserted with Core in chunks of CHUNK, parents before children: list the tables
    in that order. Rows get explicit ids counted on from max(id), so a child row can point at its parent before
    either is written; close() then moves PostgreSQL's sequences past them. Meant for an empty database with no
    other writer (seed-demo), like any explicit-id import.

        with Bulk(Client, Contact) as bulk:
            client_id = bulk.add(Client, name=..., ...)
            bulk.add(Contact, client_id=client_id, ...)
        bulk.counts  # {"clients": 1, "contacts": 1}
    """

    def __init__(self, *models_or_tables, chunk: int = CHUNK):
        self.tables = [getattr(m, "__table__", m) for m in models_or_tables]
        self.chunk = chunk
        self._rows: dict[Table, list[dict]] = {t: [] for t in self.tables}
        self._blank = {t: blank_row(t) for t in self.tables}
        self._next_id: dict[Table, int] = {}
        self._checked: set[Table] = set()
        self.counts: dict[str, int] = {t.name: 0 for t in self.tables}

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()

    def add(self, model_or_table, **values) -> int | None:
        """Queue a row (the column defaults, then `values`); returns its id when the table has one."""
        table = getattr(model_or_table, "__table__", model_or_table)
        blank = self._blank[table]
        row = blank | values
        if len(row) != len(blank):  # a misspelt column would otherwise be dropped or fail far from here
            unknown = ", ".join(sorted(row.keys() - blank.keys()))
            raise ValueError(f"demo rows for {table.name} name no such columns: {unknown}")
        if "id" in row and row["id"] is None:
            row["id"] = self._take_id(table)
        rows = self._rows[table]
        rows.append(row)
        if len(rows) >= self.chunk:
            self.flush()
        return row.get("id")

    def _take_id(self, table: Table) -> int:
        if table not in self._next_id:
            self._next_id[table] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        self._next_id[table] += 1
        return self._next_id[table] - 1

    def flush(self) -> None:
        """Write what is queued, every table in the order given, so rows that others point at go first."""
        for table in self.tables:
            rows = self._rows[table]
            if not rows:
                continue
            if table not in self._checked:  # the first batch of each table: a forgotten column fails here
                self._check(table, rows)
            db.session.execute(insert(table), rows)
            self.counts[table.name] += len(rows)
            rows.clear()

    def _check(self, table: Table, rows: list[dict]) -> None:
        required = [c.key for c in table.columns if not c.nullable]
        for row in rows:
            missing = [key for key in required if row[key] is None]
            if missing:
                raise ValueError(f"demo rows for {table.name} leave NOT NULL columns empty: {', '.join(missing)}")
        self._checked.add(table)

    def close(self) -> None:
        self.flush()
        if db.engine.dialect.name == "postgresql":  # explicit ids do not move the sequences
            for table, next_id in self._next_id.items():
                db.session.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                                   {"table": table.name, "last": next_id - 1})


def _seed_users(clients: int, seed: int) -> dict[str, User]:
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one scrypt run serves every demo login
    users = {username: User(username=username, display_name=name, role=role, password_hash=password_hash)
             for username, name, role in DEMO_USERS}
    rng = random.Random(f"{seed}:users")
    for number in range(3, -(-clients // CLIENTS_PER_REP) + 1):
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        users[f"sales{number}"] = User(username=f"sales{number}", display_name=name, role=Role.SALES,
                                       password_hash=password_hash)
    db.session.add_all(users.values())
    db.session.flush()
    return users


def seed_demo(clients: int = 40, seed: int = 1) -> dict[str, int]:
    demo = Demo(clients=clients, seed=seed, today=local_today(), users=_seed_users(clients, seed))
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
    db.session.execute(text("ANALYZE"))  # fresh statistics for the planner, on SQLite and PostgreSQL alike
    db.session.commit()
    click.echo("seeded " + ", ".join(f"{n} {what}" for what, n in counts.items()))
