"""render_pdf: Chinese in a real CJK font, and a character no font has fails the render instead of printing a box."""
import pytest
from flask import render_template_string

from app.core.pdf import MissingGlyphs, content_disposition, html_to_pdf
from tests.pdfcheck import check_pdf

DOCUMENT = """{% extends "print/base.html" %}{% block title %}服务月报{% endblock %}
{% block body %}<h1>{{ heading }}</h1><table><thead><tr><th>客户</th></tr></thead>
<tbody>{% for row in rows %}<tr><td>{{ row }}</td></tr>{% endfor %}</tbody></table>{% endblock %}"""


def test_chinese_renders_in_an_embedded_cjk_font_with_page_numbers(app, db, tmp_path):
    with app.test_request_context():
        pdf = html_to_pdf(render_template_string(DOCUMENT, heading="张喆 王堃 李珺 赵镕 直骨令门",
                                                 rows=[f"第{n}家医院" for n in range(120)]))
    checked = check_pdf(pdf, tmp_path)
    assert "张喆 王堃 李珺 赵镕 直骨令门" in checked.text
    assert checked.pages >= 3
    squeezed = "".join(checked.text.split())
    assert all(f"第{page}页/共{checked.pages}页" in squeezed for page in range(1, checked.pages + 1))
    assert checked.text.count("客户") >= checked.pages  # the table header repeats on every page


def test_a_character_no_font_has_fails_the_render(app, db):
    with app.test_request_context(), pytest.raises(MissingGlyphs):
        html_to_pdf(render_template_string(DOCUMENT, heading="客户 \U000F0001", rows=[]))


def test_file_names_keep_chinese_with_an_ascii_fallback():
    assert content_disposition("服务月报-2026-10.pdf", inline=True) == (
        "inline; filename=\"2026-10.pdf\"; filename*=UTF-8''%E6%9C%8D%E5%8A%A1%E6%9C%88%E6%8A%A5-2026-10.pdf")
    assert content_disposition("拜访计划-张三-2026-11-23至2026-11-29.pdf").startswith(
        'attachment; filename="2026-11-23_2026-11-29.pdf"')
    assert content_disposition("合同跟踪表-市一医院.pdf").startswith('attachment; filename="document.pdf"')
    assert content_disposition("“《》”.xlsx").startswith('attachment; filename="document.xlsx"')


def test_documents_render_in_a_child_process_so_the_worker_keeps_none_of_the_fonts(app, db):
    """The fonts and the layout (100-250 MB) live and die in a forked child: this process never builds
    WeasyPrint's font configuration."""
    from app.core import pdf
    with app.test_request_context():
        html_to_pdf(render_template_string(DOCUMENT, heading="客户", rows=["第1家医院"]))
    assert pdf._font_configuration.cache_info().currsize == 0
