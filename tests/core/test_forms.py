"""The shared form kit: status rule, form data, refusals shown by their field."""
from flask_wtf import FlaskForm
from wtforms import StringField

from app.core.errors import Refused
from app.core.forms import form_data, form_status


class NameForm(FlaskForm):
    name = StringField()
    notes = StringField()
    data_fields = ("name", "missing")


def make(app, **data):
    with app.test_request_context(method="POST", data=data):
        form = NameForm(meta={"csrf": False})
        form.validate()
        return form


def test_form_status_is_409_for_a_conflict_422_for_errors_else_200(app):
    form = make(app, name="华西医院")
    assert form_status(form) == 200
    assert form_status(form, ["a duplicate"]) == 422
    form.name.errors.append("错")
    assert form_status(form) == 422
    form.conflict = object()
    assert form_status(form) == 409


def test_form_data_takes_the_data_fields_the_form_has(app):
    assert form_data(make(app, name="华西医院", notes="x")) == {"name": "华西医院"}
    assert form_data(make(app, name="a", notes="b"), ("notes",)) == {"notes": "b"}


def test_a_refusal_shows_by_its_field_or_above_the_form(app):
    form = make(app, name="x")
    Refused("名称已占用", "name").show_on(form)
    Refused("无权操作").show_on(form)
    assert form.name.errors == ["名称已占用"] and form.form_errors == ["无权操作"]
    assert form_status(form) == 422


def test_whole_numbers_are_ascii_digits_within_an_integer():
    from app.core.forms import whole_number

    assert [whole_number(v) for v in ("42", " 7 ", "-3", 5, "٣", "²", "1e3", "", None, True, "99999999999")] == [
        42, 7, -3, 5, None, None, None, None, None, None, None]
