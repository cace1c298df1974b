from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.admin.forms import ResetPasswordForm, UserCreateForm, UserEditForm
from app.admin.services import create_user, deleted_records, recyclable_model, update_user
from app.core.htmx import render
from app.core.locking import detect_conflict
from app.core.models import AuditEvent, Role, User
from app.core.scoping import get_or_404, role_required
from app.extensions import db

admin_only = role_required(Role.ADMIN)


@bp.get("/users")
@admin_only
def users():
    rows = db.session.execute(select(User).order_by(User.active.desc(), User.username)).scalars().all()
    return render("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        user = create_user(form.username.data, form.display_name.data, form.role.data, form.new_password.data,
                           form.locale.data)
        db.session.commit()
        flash(_("User %(name)s created.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return render("admin/user_new.html", form=form, status=422 if form.errors else 200)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form, conflict, problem = UserEditForm(obj=user), None, None
    if form.validate_on_submit():
        conflict = detect_conflict(user, form, UserEditForm.fields_compared)
        if not conflict and not (problem := update_user(user, form, current_user)):
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    status = 409 if conflict else 422 if (form.errors or problem) else 200
    return _user_page(user, form, ResetPasswordForm(formdata=None), status, conflict=conflict, problem=problem)


@bp.post("/users/<int:user_id>/password")
@admin_only
def user_password(user_id: int):
    user = db.get_or_404(User, user_id)
    password_form = ResetPasswordForm()
    if password_form.validate_on_submit():
        user.set_password(password_form.new_password.data)
        db.session.commit()
        flash(_("Password of %(name)s reset.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return _user_page(user, UserEditForm(obj=user, formdata=None), password_form, 422)


def _user_page(user, form, password_form, status, **context):
    events = db.session.execute(AuditEvent.for_record(user).limit(50)).scalars().all()
    return render("admin/user_edit.html", user=user, form=form, password_form=password_form, events=events,
                  model=User, status=status, **context)


@bp.get("/recycle-bin")
@role_required(Role.ADMIN, Role.MANAGER)
def recycle_bin():
    return render("admin/recycle_bin.html", bins=deleted_records(current_user))


@bp.post("/recycle-bin/<entity>/<int:record_id>/restore")
@role_required(Role.ADMIN, Role.MANAGER)
def restore(entity: str, record_id: int):
    model = recyclable_model(entity) or abort(404)
    record = get_or_404(model, record_id, deleted=True)
    record.restore()
    db.session.commit()
    flash(_("%(name)s restored.", name=str(record)), "success")
    return redirect(url_for("admin.recycle_bin"))
