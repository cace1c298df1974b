"""Importing the workbooks teams really keep: a title above the header, contacts in the clients' rows or on a
second sheet, Chinese dates, the words people type, updating the archive, formulas without a value."""
import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update

from app.archive import import_rows
from app.archive.enums import DecisionRole, LeadSource, Lifecycle
from app.archive.models import Client, Contact, SpecialDate, UnitLevel
from app.core.models import AuditEvent
from tests.archive.test_import_export import (
    TOKEN,
    browser_form,
    client_count,
    csv_file,
    instance_in_tmp,  # noqa: F401  (the uploads go to a temporary instance folder)
    line,
    preselected,
    upload,
    upload_and_preview,
    xlsx_file,
)
from tests.factories import ClientFactory, make_user


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit_level(db, name: str) -> UnitLevel:
    level = db.session.execute(select(UnitLevel).where(UnitLevel.name == name)).scalar_one_or_none()
    if level is None:  # the migration seeds the list; the per-test cleanup empties it
        level = UnitLevel(name=name)
        db.session.add(level)
        db.session.flush()
    return level


def archive_workbook() -> bytes:
    """How a team keeps its archive in Excel: a merged title, a blank row, the header; contacts on a sheet of
    their own, birthdays typed every which way (and one a real Excel date)."""
    book = Workbook()
    clients = book.active
    clients.title = "客户"
    clients.append(["四川康华信息技术有限公司客户档案 2024"])
    clients.merge_cells("A1:E1")
    clients.append([])
    clients.append(["客户名称", "地区", "单位级别", "客户经理", "状态"])
    clients.append(["达州市中心医院", "四川省", "三级甲等", "zhangwei", "老客户"])
    clients.append(["乐山市人民医院", "四川省", "二甲", "lina", "潜在客户"])
    contacts = book.create_sheet("联系人")
    contacts.append(["客户名称", "姓名", "职务", "手机", "决策角色", "生日"])
    contacts.append(["达州市中心医院", "王建国", "信息科主任", "138 0000 1111", "决策者", "1975年3月8日"])
    contacts.append(["达州市中心医院", "李芳", "护理部主任", "13900002222", "使用者", datetime(1980, 12, 1)])
    contacts.append(["达州市中心医院", "孙强", "设备科长", "", "采购者", "1972.6.30"])
    contacts.append(["乐山市人民医院（有限公司）", "陈明", "院长", "", "决策人", "农历 1968-08-15"])
    contacts.append(["乐山市人民医院", "赵丽", "信息科", "", "", "农历三月十五"])
    return workbook_bytes(book)


def birthdays(db) -> dict[str, tuple]:
    rows = db.session.execute(select(Contact.name, SpecialDate.month, SpecialDate.day, SpecialDate.year,
                                     SpecialDate.is_lunar).join(SpecialDate, SpecialDate.contact_id == Contact.id))
    return {name: (month, day, year, lunar) for name, month, day, year, lunar in rows}


def test_a_titled_workbook_with_a_contacts_sheet_imports_whole_and_its_export_updates_it_back(client, login_as, db):
    login_as("manager")
    zhang, li = make_user("sales", username="zhangwei"), make_user("sales", username="lina")
    unit_level(db, "三甲"), unit_level(db, "二甲")
    db.session.commit()

    page = upload(client, archive_workbook(), "档案.xlsx").get_data(as_text=True)
    assert '<option selected value="3">' in page  # the header row is found under the title
    assert "联系人" in page and preselected(page) == {"col_0": "name", "col_1": "region", "col_2": "unit_level",
                                                     "col_3": "owner", "col_4": "status"}
    token = TOKEN.search(page).group(1)
    data = browser_form(page)
    assert [data[f"contact_col_{n}"] for n in range(6)] == [
        "name", "contact_name", "contact_title", "contact_mobile", "contact_decision_role", "contact_birthday"]
    preview = client.post(f"/clients/import/{token}", data=data).get_data(as_text=True)
    assert "row-error" not in preview, preview
    assert "将新建 2 个客户、更新 0 个客户，并添加 5 位联系人" in preview
    assert "新建" in line(preview, 4) and 'id="contact-line-5"' in preview

    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    owners = dict(db.session.execute(select(Client.name, Client.owner_id)).all())
    assert owners == {"达州市中心医院": zhang.id, "乐山市人民医院": li.id}
    dazhou = db.session.execute(select(Client).where(Client.name == "达州市中心医院")).scalar_one()
    assert dazhou.unit_level.name == "三甲" and dazhou.status == Lifecycle.CUSTOMER
    assert sorted(c.name for c in dazhou.contacts) == ["孙强", "李芳", "王建国"]
    assert all(c.still_at_client and c.client_id == dazhou.id for c in dazhou.contacts)
    assert db.session.execute(select(Contact.decision_role).where(Contact.name == "陈明")).scalar_one() \
        == DecisionRole.DECIDER
    assert db.session.execute(select(Contact.mobile).where(Contact.name == "王建国")).scalar_one() == "13800001111"
    assert birthdays(db) == {"王建国": (3, 8, 1975, False), "李芳": (12, 1, 1980, False),
                             "孙强": (6, 30, 1972, False), "陈明": (8, 15, 1968, True), "赵丽": (3, 15, None, True)}

    # The export reads back: mapped by itself, every row a duplicate, and update mode changes the kept clients.
    exported = load_workbook(io.BytesIO(client.get("/clients/export.xlsx").data))
    sheet = exported.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "达州市中心医院":
            row[header.index("城市")].value = "达州市"
            row[header.index("单位级别")].value = None  # an empty cell changes nothing
    content = workbook_bytes(exported)
    token, data, preview = upload_and_preview(client, content, "export.xlsx")
    html = preview.get_data(as_text=True)
    assert "row-error" not in html and html.count("row-duplicate") == 2
    token, data, preview = upload_and_preview(client, content, "export.xlsx", mode="update")
    html = preview.get_data(as_text=True)
    assert "更新" in line(html, 2) and f"/clients/{dazhou.id}" in html
    assert client.post(f"/clients/import/{token}/commit", data=browser_form(html, "update")).status_code == 302
    db.session.expire_all()
    assert client_count(db) == 2 and db.session.scalar(select(func.count(Contact.id))) == 5
    assert dazhou.city == "达州市" and dazhou.unit_level.name == "三甲" and dazhou.owner_id == zhang.id
    assert db.session.execute(select(AuditEvent).where(AuditEvent.entity == "clients", AuditEvent.action == "update",
                                                       AuditEvent.record_id == dazhou.id)).scalars().all()


def test_the_user_can_choose_another_header_row_and_lines_stay_the_files(client, login_as, db):
    login_as("manager")
    content = csv_file([["客户档案"], [], ["编号", "名称", "城市"], ["1", "达州市中心医院", "达州市"],
                        ["2", "乐山市人民医院", "乐山市"]])
    page = upload(client, content, "clients.csv").get_data(as_text=True)
    assert '<option selected value="3">' in page and preselected(page) == {"col_0": "", "col_1": "name",
                                                                           "col_2": "city"}
    token = TOKEN.search(page).group(1)

    # Another header row shows that row's columns (without JS: the form is posted and comes back)
    other = client.post(f"/clients/import/{token}", data=browser_form(page, header_line="4"))
    html = other.get_data(as_text=True)
    assert other.status_code == 200 and "Preview" not in html and "预览" not in html
    assert '<option selected value="4">' in html and '<label for="col_1">达州市中心医院</label>' in html
    back = client.post(f"/clients/import/{token}", data=browser_form(html, header_line="3", reread="1"))
    html = back.get_data(as_text=True)
    assert '<label for="col_1">名称</label>' in html and preselected(html)["col_1"] == "name"

    preview = client.post(f"/clients/import/{token}", data=browser_form(html)).get_data(as_text=True)
    assert "乐山市人民医院" in line(preview, 5) and 'id="line-3"' not in preview


def test_contacts_in_the_clients_rows_one_client_several_contacts(client, login_as, db):
    login_as("sales")
    content = csv_file([["客户名称", "城市", "联系人", "职务", "手机", "决策角色", "生日", "农历"],
                        ["达州市中心医院", "达州市", "王建国", "信息科主任", "13800001111", "决策者", "1975/3/8", ""],
                        ["达州市中心医院", "", "李芳", "护理部主任", "", "使用者", "3月15日", "是"],
                        ["乐山市人民医院", "乐山市", "", "", "", "", "", ""]])
    token, data, preview = upload_and_preview(client, content, "clients.csv")
    html = preview.get_data(as_text=True)
    assert "row-error" not in html and "第 2 行的客户" in line(html, 3)
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    assert client_count(db) == 2
    dazhou = db.session.execute(select(Client).where(Client.name == "达州市中心医院")).scalar_one()
    assert [c.name for c in dazhou.contacts] == ["李芳", "王建国"] and dazhou.city == "达州市"
    assert birthdays(db) == {"王建国": (3, 8, 1975, False), "李芳": (3, 15, None, True)}


def test_a_contact_row_error_is_shown_and_nothing_is_saved(client, login_as, db):
    login_as("manager")
    book = Workbook()
    book.active.append(["名称", "城市"])
    book.active.append(["达州市中心医院", "达州市"])
    contacts = book.create_sheet("联系人")
    contacts.append(["客户名称", "姓名", "决策角色", "生日"])
    contacts.append(["达州市中心医院", "王建国", "决策者", "1975-02-30"])
    contacts.append(["达州市中心医院", "李芳", "领导", ""])
    contacts.append(["乐山市人民医院", "陈明", "", ""])
    contacts.append(["达州市中心医院", "", "", "农历二月三十"])
    token, data, preview = upload_and_preview(client, workbook_bytes(book), "clients.xlsx")
    html = preview.get_data(as_text=True)

    def contact_line(number):
        return html.split(f'id="contact-line-{number}"')[1].split("</tr>")[0]

    assert "row-error" not in line(html, 2)
    assert "“1975-02-30”" in contact_line(2) and "“领导”" in contact_line(3)
    assert "乐山市人民医院" in contact_line(4) and "联系人" in contact_line(5)
    commit = client.post(f"/clients/import/{token}/commit", data=data)
    assert commit.status_code == 422 and "“领导”" in commit.get_data(as_text=True)
    assert client_count(db) == 0 and db.session.scalar(select(func.count(Contact.id))) == 0


def test_a_contacts_sheet_can_add_to_clients_already_kept_but_not_twice(client, login_as, db):
    rep = login_as("sales")
    mine = ClientFactory(name="达州市中心医院", owner_id=rep.id)
    ClientFactory(name="乐山市人民医院", owner_id=make_user("sales").id)
    db.session.add(Contact(client_id=mine.id, name="王建国"))
    db.session.commit()
    book = Workbook()
    book.active.append(["名称"])
    book.active.append(["自贡市第一人民医院"])
    contacts = book.create_sheet("人员")
    contacts.append(["单位名称", "联系人姓名", "手机号"])
    contacts.append(["达州市中心医院", "王建国", "13800001111"])
    contacts.append(["达州市中心医院", "李芳", ""])
    contacts.append(["自贡市第一人民医院", "周涛", ""])
    content = workbook_bytes(book)
    token, data, preview = upload_and_preview(client, content, "clients.xlsx")
    assert 'id="contact-line-2"' in preview.get_data(as_text=True)
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    names = dict(db.session.execute(select(Contact.name, Client.name).join(Client)).all())
    assert names == {"王建国": "达州市中心医院", "李芳": "达州市中心医院", "周涛": "自贡市第一人民医院"}

    contacts.append(["乐山市人民医院", "陈明", ""])  # another rep's client: not to be written to
    token, data, preview = upload_and_preview(client, workbook_bytes(book), "again.xlsx")
    html = preview.get_data(as_text=True)
    assert "row-error" in html.split('id="contact-line-5"')[0].rsplit("<tr", 1)[1]
    assert html.split('id="contact-line-3"')[1].split("</tr>")[0].count("已是该客户的联系人") == 1


def test_skipping_a_kept_client_skips_its_contacts_too(client, login_as, db):
    rep = login_as("sales")
    ClientFactory(name="达州市中心医院", owner_id=rep.id)
    db.session.commit()
    book = Workbook()
    book.active.append(["名称", "联系人"])
    book.active.append(["达州市中心医院", "王建国"])
    book.active.append(["乐山市人民医院", "陈明"])
    contacts = book.create_sheet("联系人")
    contacts.append(["客户名称", "姓名"])
    contacts.append(["达州市中心医院", "李芳"])
    token, data, preview = upload_and_preview(client, workbook_bytes(book), "clients.xlsx")
    html = preview.get_data(as_text=True)
    assert "跳过" in line(html, 2) and "其客户已跳过" in line(html, 2)
    assert "其客户已跳过" in html.split('id="contact-line-2"')[1].split("</tr>")[0]
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    assert db.session.execute(select(Contact.name)).scalars().all() == ["陈明"]


@pytest.mark.parametrize(("column", "typed", "field", "expected"), [
    ("线索来源", "客户推荐", "lead_source", LeadSource.REFERRAL),
    ("线索来源", "展会", "lead_source", LeadSource.EXHIBITION),  # one part of 展会/研讨会
    ("线索来源", "协会", "lead_source", LeadSource.GOVERNMENT),  # one part of 政府/协会
    ("状态", "老客户", "status", Lifecycle.CUSTOMER),
    ("单位级别", "三级甲等", "unit_level", "三甲"),
    ("单位级别", "三甲", "unit_level", "三甲"),
    ("单位级别", "二级甲等", "unit_level", "二甲"),
])
def test_the_words_people_type_import_as_the_choice_they_mean(client, login_as, db, column, typed, field, expected):
    login_as("manager")
    unit_level(db, "三甲"), unit_level(db, "二甲")
    db.session.commit()
    token, data, preview = upload_and_preview(client, csv_file([["名称", column], ["达州市中心医院", typed]]), "c.csv")
    assert "row-error" not in preview.get_data(as_text=True)
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    saved = db.session.execute(select(Client)).scalar_one()
    assert (saved.unit_level.name if field == "unit_level" else getattr(saved, field)) == expected


def test_a_contacts_words_and_lunar_column_are_understood(client, login_as, db):
    login_as("manager")
    content = csv_file([["名称", "联系人", "决策角色", "生日", "是否农历"],
                        ["达州市中心医院", "王建国", "拍板人", "1968-08-15", "是"],
                        ["乐山市人民医院", "陈明", "采购", "1970年1月2日", "否"]])
    token, data, _preview = upload_and_preview(client, content, "c.csv")
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 302
    roles = dict(db.session.execute(select(Contact.name, Contact.decision_role)).all())
    assert roles == {"王建国": DecisionRole.DECIDER, "陈明": DecisionRole.BUYER}
    assert birthdays(db) == {"王建国": (8, 15, 1968, True), "陈明": (1, 2, 1970, False)}


def test_update_mode_changes_only_the_mapped_non_empty_cells(client, login_as, db):
    rep = login_as("sales")
    mine = ClientFactory(name="达州市中心医院", owner_id=rep.id, city="达州", phone="0818-1111111",
                         status=Lifecycle.PROSPECT, notes="老备注")
    db.session.commit()
    content = csv_file([["名称", "城市", "电话", "状态", "联系人"],
                        ["达州市中心医院（有限公司）", "达州市", "", "老客户", "王建国"],
                        ["自贡市第一人民医院", "自贡市", "", "", ""]])
    token, data, preview = upload_and_preview(client, content, "c.csv", mode="update")
    html = preview.get_data(as_text=True)
    assert "更新" in line(html, 2) and "新建" in line(html, 3)
    assert "将新建 1 个客户、更新 1 个客户，并添加 1 位联系人" in html
    version = mine.version
    assert client.post(f"/clients/import/{token}/commit", data=browser_form(html, "update")).status_code == 302
    db.session.expire_all()
    assert (mine.name, mine.city, mine.phone, mine.status, mine.notes) == (
        "达州市中心医院", "达州市", "0818-1111111", Lifecycle.CUSTOMER, "老备注")
    assert mine.version == version + 1 and [c.name for c in mine.contacts] == ["王建国"]
    assert client_count(db) == 2


def test_update_mode_refuses_a_client_the_user_cannot_see(client, login_as, db):
    login_as("sales")
    theirs = ClientFactory(name="乐山市人民医院", owner_id=make_user("sales").id, city="乐山")
    db.session.commit()
    content = csv_file([["名称", "城市"], ["乐山市人民医院", "成都市"], ["达州市中心医院", "达州市"]])
    token, _data, preview = upload_and_preview(client, content, "c.csv", mode="update")
    html = preview.get_data(as_text=True)
    assert "row-error" in line(html, 2) and "看不到" in line(html, 2) and f"/clients/{theirs.id}" not in html
    assert client.post(f"/clients/import/{token}/commit", data=browser_form(html, "update")).status_code == 422
    db.session.expire_all()
    assert theirs.city == "乐山" and client_count(db) == 1


def a_kept_client_previewed_for_update(client, login_as, db):
    """达州市中心医院 kept (in 达州) and a file that would move it to 达州市 and add 自贡: previewed in update mode,
    with the form the browser would post to import it."""
    rep = login_as("manager")
    kept = ClientFactory(name="达州市中心医院", owner_id=rep.id, city="达州")
    db.session.commit()
    content = csv_file([["名称", "城市"], ["自贡市第一人民医院", "自贡市"], ["达州市中心医院", "达州市"]])
    token, _data, preview = upload_and_preview(client, content, "c.csv", mode="update")
    return kept, token, browser_form(preview.get_data(as_text=True), "update")


def test_a_client_changed_after_the_preview_is_not_overwritten(client, login_as, db):
    kept, token, posted = a_kept_client_previewed_for_update(client, login_as, db)
    db.session.execute(update(Client).where(Client.id == kept.id).values(city="通川区", version=Client.version + 1))
    db.session.commit()  # someone else saved it meanwhile

    commit = client.post(f"/clients/import/{token}/commit", data=posted)
    assert commit.status_code == 422 and "预览之后" in line(commit.get_data(as_text=True), 3)
    db.session.expire_all()
    assert kept.city == "通川区" and client_count(db) == 1


def test_a_save_that_turns_stale_while_importing_saves_nothing(client, login_as, db, monkeypatch):
    kept, token, posted = a_kept_client_previewed_for_update(client, login_as, db)
    save_client = import_rows.save_client

    def saved_meanwhile(record, data, user):  # as if another request saved it between the check and this write
        if record.id:
            db.session.connection().execute(update(Client.__table__).where(Client.id == record.id)
                                            .values(version=Client.version + 1))
        return save_client(record, data, user)

    monkeypatch.setattr(import_rows, "save_client", saved_meanwhile)
    commit = client.post(f"/clients/import/{token}/commit", data=posted)
    assert commit.status_code == 409 and "导入期间" in commit.get_data(as_text=True)
    db.session.expire_all()
    assert client_count(db) == 1 and kept.city == "达州"  # the new client of line 2 is not kept either


def test_a_formula_without_a_value_is_named_not_taken_as_empty(client, login_as, db):
    login_as("manager")
    content = xlsx_file([["名称", "床位", "城市"], ["达州市中心医院", "=100+200", "达州市"],
                         ["乐山市人民医院", 300, "乐山市"]])
    token, data, preview = upload_and_preview(client, content, "clients.xlsx")
    html = preview.get_data(as_text=True)
    assert "第 2 行「床位」是公式，没有计算结果：请在 Excel 中打开并保存后再导入，或粘贴为数值" in line(html, 2)
    assert "row-error" not in line(html, 3)
    assert client.post(f"/clients/import/{token}/commit", data=data).status_code == 422 and client_count(db) == 0


def test_headers_people_write_by_hand_map_to_their_fields(app):
    from app.archive.importing import suggest_mapping

    with app.test_request_context():
        mapping = suggest_mapping(["客户名称", "医院级别", "客户来源", "手机号码", "出生日期", "备注说明"], {})
    assert mapping == {0: "name", 1: "unit_level", 2: "lead_source", 3: "contact_mobile", 4: "contact_birthday"}
