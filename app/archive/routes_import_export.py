"""Import and export of the client list: upload → map columns → dry-run preview → import in one transaction;
export of the filtered list. The work is in spreadsheet.py."""
from pathlib import Path
from typing import NamedTuple

from flask import Response, abort, current_app, flash, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from app.archive import bp, import_rows, importing, spreadsheet
from app.archive.access import EDITORS, chooses_owner
from app.archive.forms import ImportMappingForm, ImportUploadForm
from app.archive.queries import ClientFilters, client_list
from app.core.clock import local_today
from app.core.forms import form_status, whole_number
from app.core.htmx import render
from app.core.paging import in_chunks
from app.core.pdf import content_disposition
from app.core.scoping import role_required
from app.extensions import db

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv"}  # Flask adds the charset to a text type
TEMPLATE = "archive/import.html"


def mapping_form(upload: "Upload", **kwargs) -> ImportMappingForm:
    """The form of the mapping step: the header row, a select per column of each sheet, the mode."""
    client_fields = [f for f in importing.CLIENT_SHEET_FIELDS if f != "owner" or chooses_owner(current_user)]
    remembered = importing.remembered_mapping()

    class Form(ImportMappingForm):
        pass

    sheets = [("col", upload.clients, client_fields)]
    if upload.contacts:
        sheets.append(("contact_col", upload.contacts, importing.CONTACT_SHEET_FIELDS))
    for prefix, table, fields in sheets:
        choices = [("", _l("— ignore this column —"))] + [(f, importing.FIELD_LABELS[f]) for f in fields]
        suggested = importing.suggest_mapping(table.header, remembered, fields)
        for index, header in enumerate(table.header):
            label = header or _("Column %(number)s", number=index + 1)
            setattr(Form, f"{prefix}_{index}", SelectField(label, choices=choices, default=suggested.get(index, "")))
    form = Form(**kwargs)
    form.header_line.choices = [(row.line, _("Line %(line)s: %(cells)s", line=row.line,
                                             cells=" · ".join(cell for cell in row if cell)[:60]))
                                for row in upload.clients.candidates]
    form.header_line.data = form.shown_line.data = upload.clients.header_line
    for prefix, table, _fields in sheets:  # a few values under each select show what the column holds
        for index, _header in enumerate(table.header):
            form[f"{prefix}_{index}"].samples = " · ".join(row[index] for row in table.body[:3] if row[index])[:80]
    return form


def _upload_dir() -> Path:
    return Path(current_app.instance_path) / "imports"


class Upload(NamedTuple):
    token: str
    filename: str
    clients: importing.Table
    contacts: importing.Table | None


def _load(token: str, header_line: int | None = None) -> Upload:
    """The current user's upload; 404 for someone else's, an unknown or a discarded one."""
    filename, data = importing.load_upload(_upload_dir(), token, current_user.id) or abort(404)
    return Upload(token, filename, *importing.read_upload(filename, data, importing.remembered_mapping(), header_line))


def _mapped(token: str) -> tuple[Upload, ImportMappingForm, bool]:
    """The user's upload, the mapping they posted for it, and whether they asked to see the columns of the header
    row they chose (rather than to check the rows). Another header row has other columns, so its selects start
    from what they seem to hold."""
    upload = _load(token, whole_number(request.form.get("header_line")))
    if request.form.get("shown_line", str(upload.clients.header_line)) != str(upload.clients.header_line):
        posted = request.form.items(multi=True)
        kept = MultiDict([(name, value) for name, value in posted if not name.startswith("col_")])
        return upload, mapping_form(upload, formdata=kept), True
    return upload, mapping_form(upload), "reread" in request.form


def _check(upload: Upload, form: ImportMappingForm, versions=None) -> import_rows.Plan:
    return import_rows.check_file(upload.clients, form.mapping, upload.contacts, form.contact_mapping, current_user,
                                  form.mode.data, versions)


def _page(step: str, upload: Upload, form, status: int = 200, **context):
    return render(TEMPLATE, step=step, token=upload.token, filename=upload.filename, upload=upload, form=form,
                  status=status, **context)


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    """The filtered list as a download that starts at once and never holds the whole archive in memory: both
    formats are streamed as the rows are read."""
    if fmt not in FORMATS:
        abort(404)
    clients = in_chunks(client_list(current_user, ClientFilters.from_args(request.args)))
    name = _("Client archive") + f"-{local_today().isoformat()}.{fmt}"
    chunks = spreadsheet.export_csv(clients) if fmt == "csv" else spreadsheet.export_xlsx(clients)
    return Response(stream_with_context(chunks), mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": content_disposition(name)})



@bp.route("/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        filename, data = form.file.data.filename, form.file.data.read()
        try:
            tables = importing.read_upload(filename, data, importing.remembered_mapping())
        except spreadsheet.SpreadsheetError as error:
            form.file.errors.append(str(error))
        else:
            upload = Upload(importing.store_upload(_upload_dir(), current_user.id, filename, data), filename, *tables)
            return _page("mapping", upload, mapping_form(upload, formdata=None))
    return render(TEMPLATE, step="upload", form=form, status=form_status(form))


@bp.post("/import/<token>")
@role_required(*EDITORS)
def import_preview(token: str):
    upload, form, reread = _mapped(token)
    if reread or not form.validate_on_submit():
        return _page("mapping", upload, form, status=200 if reread else 422)
    importing.remember_mapping((upload.clients.header, form.mapping),
                               *[(upload.contacts.header, form.contact_mapping)] if upload.contacts else [])
    db.session.commit()
    plan = _check(upload, form)
    form.versions.data = plan.versions
    return _page("preview", upload, form, plan=plan)


@bp.post("/import/<token>/commit")
@role_required(*EDITORS)
def import_commit(token: str):
    """Checks again (the file, the users or the clients may have changed) and imports all rows or none."""
    upload, form, reread = _mapped(token)
    if reread or not form.validate_on_submit():
        return _page("mapping", upload, form, status=422)
    versions = import_rows.parse_versions(form.versions.data)
    plan = _check(upload, form, versions)
    if plan.has_errors:
        return _page("preview", upload, form, status=422, plan=plan)
    try:
        import_rows.import_plan(plan, current_user)
        db.session.commit()
    except StaleDataError:  # a client was saved by someone else between the check and this write
        db.session.rollback()
        form.form_errors.append(_("A client was saved by someone else during the import, so nothing was imported: "
                                  "check the rows again."))
        return _page("preview", upload, form, status=409, plan=_check(upload, form, versions))
    importing.discard_upload(_upload_dir(), token)
    flash(_("Import done: %(created)s clients created, %(updated)s updated, %(contacts)s contacts added.",
            created=plan.count(import_rows.CREATE), updated=plan.count(import_rows.UPDATE),
            contacts=plan.contacts_added), "success")
    return redirect(url_for("archive.index"))
