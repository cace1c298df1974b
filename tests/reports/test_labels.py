"""Mailing labels (邮寄标签) for the filtered client list: exact label positions for common A4 stock, the first
contact as addressee, clients without an address skipped and named, the list's filters and scope, two queries."""
from urllib.parse import quote

import pytest

from app.archive.enums import Gender
from app.extensions import db
from app.reports.labels import LAYOUTS, addressee
from tests.factories import ClientFactory, ContactFactory, make_user
from tests.pdfcheck import check_pdf


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_labels_sit_where_the_stock_has_them():
    three_by_seven, two_by_seven = LAYOUTS["3x7"], LAYOUTS["2x7"]
    assert three_by_seven.per_sheet == 21 and LAYOUTS["3x8"].per_sheet == 24 and two_by_seven.per_sheet == 14
    assert three_by_seven.position(0) == (0, 0.45)
    assert three_by_seven.position(5) == (140, 42.75)  # row 2, column 3
    assert three_by_seven.position(21) == (0, 0.45)  # the next sheet starts over
    assert two_by_seven.position(13) == (106.25, 243.75)  # the last label: 4.65 + 101.6, 15.15 + 6 × 38.1
    for layout in LAYOUTS.values():  # the last label ends inside the A4 sheet
        left, top = layout.position(layout.per_sheet - 1)
        assert left + layout.width <= 210 and top + layout.height <= 297


@pytest.mark.parametrize("gender, title, expected", [(Gender.MALE, "院长", "张伟 先生 收"),
                                                     (Gender.FEMALE, "", "王珺 女士 收"),
                                                     (None, "信息科主任", "李娜 信息科主任 收"),
                                                     (None, "", "赵镕 收")])
def test_the_addressee_is_mr_or_ms_or_the_title(gender, title, expected):
    name = expected.split()[0]
    assert addressee(name, gender, title) == expected


@pytest.fixture
def rep(login_as):
    return login_as("sales")


def _hospitals(owner, count, **fields):
    return [ClientFactory(owner_id=owner.id, address=f"重庆市渝中区人民路{n}号", postcode="400010", **fields)
            for n in range(1, count + 1)]


def test_22_clients_on_3x7_take_two_sheets(client, rep, tmp_path):
    hospitals = _hospitals(rep, 22)
    ContactFactory(client_id=hospitals[0].id, name="刘主任", gender=Gender.MALE)
    ContactFactory(client_id=hospitals[0].id, name="王珺", gender=Gender.FEMALE, is_key_person=True)
    db.session.commit()

    response = client.get("/reports/labels.pdf?layout=3x7")

    assert response.status_code == 200
    checked = check_pdf(response.data, tmp_path)
    text = squeezed(checked.text)
    assert checked.pages == 2
    assert text.count("400010") == 22 and "重庆市渝中区人民路22号" in text
    assert "王珺女士收" in text and "刘主任" not in text  # the key person is the addressee
    assert response.headers["Content-Disposition"].startswith("inline")
    assert quote("邮寄标签-") in response.headers["Content-Disposition"]


def test_24_per_sheet_on_3x8_and_14_on_2x7(client, rep, tmp_path):
    _hospitals(rep, 24)
    db.session.commit()
    assert check_pdf(client.get("/reports/labels.pdf?layout=3x8").data, tmp_path).pages == 1
    assert check_pdf(client.get("/reports/labels.pdf?layout=2x7").data, tmp_path).pages == 2


def test_a_client_without_address_is_skipped_and_named_on_the_last_page(client, rep, tmp_path):
    _hospitals(rep, 3)
    ClientFactory(owner_id=rep.id, name="无地址卫生院", address="")
    db.session.commit()
    checked = check_pdf(client.get("/reports/labels.pdf").data, tmp_path)
    assert checked.pages == 2
    last_page = squeezed(checked.text.split("\f")[1])
    assert "1家客户没有地址，已跳过" in last_page and "无地址卫生院" in last_page and "已按3×7" in last_page


def test_the_labels_follow_the_lists_filters_and_scope(client, rep, tmp_path):
    _hospitals(rep, 2, city="重庆")
    ClientFactory(owner_id=rep.id, name="成都某医院", city="成都", address="成都市武侯区1号")
    other = make_user("sales")
    ClientFactory(owner_id=other.id, name="别人的医院", city="重庆", address="重庆市江北区1号")
    db.session.commit()

    text = squeezed(check_pdf(client.get("/reports/labels.pdf?city=重庆").data, tmp_path).text)
    assert text.count("400010") == 2 and "成都某医院" not in text and "别人的医院" not in text


def test_an_unknown_layout_is_refused_with_a_reason(client, rep):
    response = client.get("/reports/labels.pdf?layout=9x9")
    assert response.status_code == 400 and "请选择列出的标签版式之一" in response.get_data(as_text=True)


def test_the_client_list_offers_the_labels_with_its_filters(client, rep):
    page = client.get("/clients/?city=重庆").get_data(as_text=True)
    assert 'action="/reports/labels.pdf"' in page and 'name="city" value="重庆"' in page and 'value="2x7"' in page


def _label_queries(client, query_counter) -> int:
    with query_counter() as statements:
        assert client.get("/reports/labels.pdf").status_code == 200
    return len(statements)


def test_the_labels_take_the_same_queries_for_3_clients_as_for_30(client, rep, query_counter):
    for hospital in _hospitals(rep, 3):
        ContactFactory(client_id=hospital.id)
    db.session.commit()
    few = _label_queries(client, query_counter)
    for hospital in _hospitals(rep, 27):
        ContactFactory(client_id=hospital.id)
    db.session.commit()
    assert _label_queries(client, query_counter) == few


def test_more_clients_than_a_print_run_takes_are_refused_with_the_count(app, client, rep):
    _hospitals(rep, 3, city="重庆")
    db.session.commit()
    app.config["LABELS_MAX"] = 2
    try:
        response = client.get("/reports/labels.pdf?city=重庆")
    finally:
        app.config["LABELS_MAX"] = 1000
    assert response.status_code == 400
    assert "当前列表有 3 个客户，标签一次最多打印 2 张" in response.get_data(as_text=True)
