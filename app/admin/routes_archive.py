"""Admin settings the archive reads: the product catalogue, unit levels, assessment weights and thresholds."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.admin import bp
from app.admin.routes import admin_only
from app.archive.forms import AssessmentSettingsForm, ProductForm, UnitLevelsForm
from app.archive.models import Product, UnitLevel
from app.archive.services import assessment_settings, save_record, save_unit_levels
from app.core.htmx import render
from app.core.locking import edit_page
from app.core.models import put_setting
from app.extensions import db


@bp.get("/catalogue")
@admin_only
def catalogue():
    products = db.session.execute(select(Product).order_by(Product.active.desc(), Product.category,
                                                           Product.name)).scalars().all()
    return render("admin/catalogue.html", products=products)


@bp.route("/catalogue/new", methods=["GET", "POST"], defaults={"product_id": None})
@bp.route("/catalogue/<int:product_id>", methods=["GET", "POST"])
@admin_only
def product_edit(product_id: int | None):
    return edit_page(Product, product_id, ProductForm, save_record, "admin/product.html",
                     url_for("admin.catalogue"), "product")


@bp.route("/settings", methods=["GET", "POST"])
@admin_only
def settings():
    weights, thresholds = assessment_settings()
    form = AssessmentSettingsForm(prefix="grading", data={
        "weights": weights, "threshold_a": thresholds["A"], "threshold_b": thresholds["B"],
        "threshold_c": thresholds["C"]})
    if form.validate_on_submit():
        put_setting("assessment_weights", form.weights.data)
        put_setting("assessment_thresholds", {"A": form.threshold_a.data, "B": form.threshold_b.data,
                                              "C": form.threshold_c.data})
        db.session.commit()
        flash(_("Saved. New assessments use these weights; earlier ones keep theirs."), "success")
        return redirect(url_for("admin.settings"))
    return _settings_page(form, _unit_levels_form(), 422 if form.errors else 200)


@bp.post("/settings/unit-levels")
@admin_only
def unit_levels():
    form = UnitLevelsForm(prefix="levels")
    if form.validate_on_submit():
        if problem := save_unit_levels(form.names.data.splitlines()):
            form.names.errors.append(problem)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.settings"))
    weights, thresholds = assessment_settings()
    grading = AssessmentSettingsForm(prefix="grading", formdata=None, data={
        "weights": weights, "threshold_a": thresholds["A"], "threshold_b": thresholds["B"],
        "threshold_c": thresholds["C"]})
    return _settings_page(grading, form, 422)


def _unit_levels_form() -> UnitLevelsForm:
    names = db.session.execute(select(UnitLevel.name).order_by(UnitLevel.position)).scalars()
    return UnitLevelsForm(prefix="levels", data={"names": "\n".join(names)})


def _settings_page(grading_form, levels_form, status):
    return render("admin/settings.html", form=grading_form, levels_form=levels_form, status=status)
