"""Benchmark (not a test): import 1,000 clients from an .xlsx and export them again, on a fresh SQLite database.

    .venv/bin/python bench/import_export.py [rows]

Prints wall-clock seconds per step. The issue asks for a 1,000-row file to import in under 10 s.
"""
import io
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
from openpyxl import Workbook
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.archive import import_rows, importing, spreadsheet  # noqa: E402
from app.archive.models import Client, UnitLevel  # noqa: E402
from app.archive.queries import client_list  # noqa: E402
from app.core.audit import acting_as  # noqa: E402
from app.core.models import Role  # noqa: E402
from app.core.users import create_user  # noqa: E402
from app.extensions import db  # noqa: E402

HEADER = ["名称", "简称", "单位级别", "地区", "城市", "地址", "电话", "员工人数", "床位", "年收入（万元）",
          "成立年份", "生命周期状态", "类别", "需求", "备注"]
FIELDS = ["name", "short_name", "unit_level", "region", "city", "address", "phone", "employees", "beds",
          "annual_revenue", "established_year", "status", "category", "needs", "notes"]


def workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append([f"四川省测试医院{n:05d}", f"测试{n}", "三甲" if n % 3 else "二甲", "四川省", "成都市",
                      f"人民南路{n}号", f"028-{n:08d}", 100 + n, 50 + n % 500, 1234.5 + n, 1950 + n % 70,
                      "customer" if n % 2 else "lead", "public_hospital", "HIS 升级，移动护理", "备注 " * 10])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@contextmanager
def timed(label: str, results: dict):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start


def _steps(data: bytes, mapping: dict, manager, rows: int, results: dict) -> None:
    with timed("read .xlsx", results):
        table, _contacts = importing.read_upload("bench.xlsx", data, {})
    with timed("check rows (dry run)", results):
        plan = import_rows.check_file(table, mapping, None, {}, manager)
    assert not plan.has_errors, plan.rows[0].errors
    with timed("import rows + commit", results):
        import_rows.import_plan(plan, manager)
        db.session.commit()
    assert db.session.scalar(select(func.count(Client.id))) == rows
    with timed("export .xlsx (query + write)", results):
        xlsx = b"".join(spreadsheet.export_xlsx(db.session.execute(client_list(manager)).scalars()))
    with timed("export .csv (query + write)", results):
        b"".join(spreadsheet.export_csv(db.session.execute(client_list(manager)).scalars()))
    with timed("re-read the export and check it", results):
        table, _contacts = importing.read_upload("export.xlsx", xlsx, {})
        import_rows.check_file(table, importing.suggest_mapping(table.header, {}), None, {}, manager)


def main(rows: int = 1000) -> None:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}", "SECRET_KEY": "bench"})
        app.instance_path = tmp
        with app.test_request_context():  # a request context, as the routes run in
            flask_migrate.upgrade()
            manager = create_user("bench", "测试经理", Role.MANAGER, "bench-password-1")
            known = set(db.session.execute(select(UnitLevel.name)).scalars())
            db.session.add_all([UnitLevel(name=name) for name in ("三甲", "二甲") if name not in known])
            db.session.commit()
            mapping = dict(enumerate(FIELDS))
            data = workbook(rows)
            with acting_as(manager):
                _steps(data, mapping, manager, rows, results)
    print(f"{rows} rows, SQLite, Python {sys.version.split()[0]}")
    for label, seconds in results.items():
        print(f"  {label:<34} {seconds:6.2f} s")
    upload_total = results["read .xlsx"] + results["check rows (dry run)"] + results["import rows + commit"]
    print(f"  {'upload → import total':<34} {upload_total:6.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
