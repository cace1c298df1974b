"""Import and export of the client list: upload → map columns → dry-run preview → import in one transaction;
export of the filtered list. The work is in spreadsheet.py."""
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField

from app.archive import bp, importing, spreadsheet
from app.archive.access import EDITORS, chooses_owner
from app.archive.forms import ImportMappingForm, ImportUploadForm
from app.archive.queries import ClientFilters, client_list
from app.core.clock import local_today
from app.core.forms import form_status
from app.core.htmx import render
from app.core.paging import in_chunks
from app.core.scoping import role_required
from app.extensions import db

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv"}  # Flask adds the charset to a text type
TEMPLATE = "archive/import.html"


def mapping_form(headers: list[str], rows: list[list[str]], **kwargs) -> ImportMappingForm:
    fields = [f for f in spreadsheet.IMPORT_FIELDS if f != "owner" or chooses_owner(current_user)]
    choices = [("", _l("— ignore this column —"))] + [(f, spreadsheet.LABELS[f]) for f in fields]
    suggested = importing.suggest_mapping(headers, importing.remembered_mapping())

    class Form(ImportMappingForm):
        pass

    for index, header in enumerate(headers):
        label = header or _("Column %(number)s", number=index + 1)
        default = suggested.get(index) if suggested.get(index) in fields else ""
        setattr(Form, f"col_{index}", SelectField(label, choices=choices, default=default))
    form = Form(**kwargs)
    for index, _header in enumerate(headers):  # a few values under each select show what the column holds
        form[f"col_{index}"].samples = " · ".join(row[index] for row in rows[:3] if row[index])[:80]
    return form


def _upload_dir() -> Path:
    return Path(current_app.instance_path) / "imports"


class Upload(NamedTuple):
    token: str
    filename: str
    headers: list[str]
    rows: list[list[str]]


def _load(token: str) -> Upload:
    """The current user's upload; 404 for someone else's, an unknown or a discarded one."""
    upload = importing.load_upload(_upload_dir(), token, current_user.id) or abort(404)
    return Upload(token, upload[0], *spreadsheet.read_table(*upload))


def _mapped(token: str) -> tuple[Upload, ImportMappingForm]:
    """The user's upload and the column mapping they posted for it."""
    upload = _load(token)
    return upload, mapping_form(upload.headers, upload.rows)


def _page(step: str, upload: Upload, form, status: int = 200, **context):
    return render(TEMPLATE, step=step, token=upload.token, filename=upload.filename, rows=upload.rows, form=form,
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
                    headers={"Content-Disposition": attachment_header(name)})


def attachment_header(name: str) -> str:
    """Content-Disposition for a download named in Chinese: an ASCII fallback and the RFC 5987 UTF-8 name."""
    fallback = name.encode("ascii", "ignore").decode().strip("-") or "export"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


@bp.route("/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        filename, data = form.file.data.filename, form.file.data.read()
        try:
            headers, rows = spreadsheet.read_table(filename, data)
        except spreadsheet.SpreadsheetError as error:
            form.file.errors.append(str(error))
        else:
            token = importing.store_upload(_upload_dir(), current_user.id, filename, data)
            return _page("mapping", Upload(token, filename, headers, rows),
                         mapping_form(headers, rows, formdata=None))
    return render(TEMPLATE, step="upload", form=form, status=form_status(form))


@bp.post("/import/<token>")
@role_required(*EDITORS)
def import_preview(token: str):
    upload, form = _mapped(token)
    if not form.validate_on_submit():
        return _page("mapping", upload, form, status=422)
    importing.remember_mapping(upload.headers, form.mapping)
    db.session.commit()
    return _page("preview", upload, form, checks=importing.check_rows(upload.rows, form.mapping, current_user))


@bp.post("/import/<token>/commit")
@role_required(*EDITORS)
def import_commit(token: str):
    """Checks again (the file or the users may have changed) and imports all rows or none."""
    upload, form = _mapped(token)
    if not form.validate_on_submit():
        return _page("mapping", upload, form, status=422)
    checks = importing.check_rows(upload.rows, form.mapping, current_user)
    if any(check.errors for check in checks):
        return _page("preview", upload, form, status=422, checks=checks)
    count = importing.import_rows(checks, current_user, form.skip_duplicates.data)
    db.session.commit()
    importing.discard_upload(_upload_dir(), token)
    flash(_("%(count)s clients imported.", count=count), "success")
    return redirect(url_for("archive.index"))
