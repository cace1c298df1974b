"""The archive's settings pages (admin): the product catalogue, unit levels, assessment weights and thresholds."""
from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.archive.forms import AssessmentSettingsForm, ProductForm, UnitLevelsForm
from app.archive.models import Product, UnitLevel
from app.archive.queries import assessment_settings
from app.archive.services import save_unit_levels
from app.core.access import ADMINS
from app.core.errors import Refused
from app.core.forms import edit_page, form_status
from app.core.htmx import render, saved
from app.core.models import put_setting
from app.core.scoping import role_required
from app.extensions import db

settings_bp = Blueprint("archive_settings", __name__, url_prefix="/admin", template_folder="templates")
admin_only = role_required(*ADMINS)


@settings_bp.get("/catalogue")
@admin_only
def catalogue():
    products = db.session.execute(select(Product).order_by(Product.active.desc(), Product.category,
                                                           Product.name)).scalars().all()
    return render("archive/settings/catalogue.html", products=products)


@settings_bp.route("/catalogue/new", methods=["GET", "POST"], defaults={"product_id": None})
@settings_bp.route("/catalogue/<int:product_id>", methods=["GET", "POST"])
@admin_only
def product_edit(product_id: int | None):
    return edit_page(Product, product_id, ProductForm, "archive/settings/product.html",
                     url_for("archive_settings.catalogue"), "product")


def _grading_form(**kwargs) -> AssessmentSettingsForm:
    weights, thresholds = assessment_settings()
    return AssessmentSettingsForm(prefix="grading", data={
        "weights": weights, "threshold_a": thresholds["A"], "threshold_b": thresholds["B"],
        "threshold_c": thresholds["C"]}, **kwargs)


@settings_bp.route("/settings", methods=["GET", "POST"])
@admin_only
def grading():
    form = _grading_form()
    if form.validate_on_submit():
        put_setting("assessment_weights", form.weights.data)
        put_setting("assessment_thresholds", {"A": form.threshold_a.data, "B": form.threshold_b.data,
                                              "C": form.threshold_c.data})
        return saved(url_for("archive_settings.grading"),
                     _("Saved. New assessments use these weights; earlier ones keep theirs."))
    return _settings_page(form, _unit_levels_form())


@settings_bp.post("/settings/unit-levels")
@admin_only
def unit_levels():
    form = UnitLevelsForm(prefix="levels")
    if form.validate_on_submit():
        try:
            save_unit_levels(form.names.data.splitlines())
        except Refused as refused:
            refused.show_on(form)
        else:
            return saved(url_for("archive_settings.grading"))
    return _settings_page(_grading_form(formdata=None), form)


def _unit_levels_form() -> UnitLevelsForm:
    names = db.session.execute(select(UnitLevel.name).order_by(UnitLevel.position)).scalars()
    return UnitLevelsForm(prefix="levels", data={"names": "\n".join(names)})


def _settings_page(grading_form, levels_form):
    return render("archive/settings/grading.html", form=grading_form, levels_form=levels_form,
                  status=max(form_status(grading_form), form_status(levels_form)))
