"""What the bureau sets up: the annual task list, the templates and their versions, the case-file register."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from models.inspections import AREAS, TARGET_KINDS, CaseFile, CaseFileImport, InspectionTemplate, TemplateVersion
from models.org import Section, Squad
from webapp.db import session
from webapp.extensions import actor
from webapp.inspections.common import XLSX, attachment_name, bp, require_staff
from webapp.inspections.forms import TaskForm, TemplateForm, UploadForm, VersionForm
from webapp.paging import paginate
from workflows.calendar import LOCAL_TZ
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.inspections import access, tasklist
from workflows.inspections import register as register_ops
from workflows.inspections import templates as template_ops


def _year() -> int:
    year = request.args.get("year", type=int) or datetime.now(UTC).astimezone(LOCAL_TZ).year
    if not 2000 <= year <= 2099:
        abort(400, "年度不正确")
    return year


def _task_form(db, formdata=None) -> TaskForm:
    form = TaskForm(formdata=formdata)
    form.owner_section_id.choices = [(s.id, s.name) for s in db.scalars(select(Section).order_by(Section.id))]
    form.template_id.choices = [(t.id, t.name) for t in db.scalars(select(InspectionTemplate)
                                                                   .order_by(InspectionTemplate.id))]
    return form


def _upload(form) -> tuple[str, bytes] | None:
    files = [f for f in (form.file.data or []) if f and f.filename]
    return (files[0].filename, files[0].read()) if files else None


@bp.route("/tasks", methods=["GET", "POST"])
@login_required
def tasks():
    db, me = session(), actor()
    require_staff(me)
    year = _year()
    form = _task_form(db, request.form if request.method == "POST" and "content" in request.form else None)
    upload = UploadForm(formdata=None)
    if form.year.data is None:
        form.year.data = year
    if request.method == "POST":
        try:
            if "content" in request.form:
                if not form.validate():
                    raise InvalidInput("请修改标红的项目", None)
                tasklist.add_task(db, actor=me, now=datetime.now(UTC), spec=tasklist.TaskSpec(
                    form.year.data, form.area.data, form.content.data, form.frequency.data,
                    form.owner_section_id.data, form.template_id.data, form.measures.data or "", form.due_days.data,
                    form.sample_size.data))
            else:
                upload = UploadForm(request.files)
                found = _upload(upload)
                if found is None:
                    raise InvalidInput("请选择要导入的 .xlsx 文件", "file")
                tasklist.import_tasks(db, actor=me, now=datetime.now(UTC), year=year, data=found[1])
        except (InvalidInput, PermissionDenied) as exc:
            db.rollback()
            target = upload.file if "content" not in request.form else getattr(form, exc.field or "", None)
            if target is not None and exc.field:
                target.errors = [*target.errors, exc.message]
            elif exc.field is None and not form.errors:
                flash(exc.message, "error")
        else:
            db.commit()
            flash("任务清单已更新", "success")
            return redirect(url_for("inspections.tasks", year=year))
    return render_template("inspections/tasks.html", year=year, grid=tasklist.grid(db, year, datetime.now(UTC)),
                           form=form, upload=upload, states=tasklist.STATE_LABELS, areas=AREAS,
                           may_edit=access.may_edit_templates(me)), 400 if request.method == "POST" else 200


@bp.route("/tasks/<int:year>.xlsx")
@login_required
def tasks_xlsx(year: int):
    require_staff(actor())
    if not 2000 <= year <= 2099:
        abort(404)
    return Response(tasklist.export(session(), year), mimetype=XLSX,
                    headers={"Content-Disposition": attachment_name(f"{year}年度执法监督工作任务清单.xlsx")})


@bp.route("/templates", methods=["GET", "POST"])
@login_required
def templates():
    db, me = session(), actor()
    require_staff(me)
    form = TemplateForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            template = template_ops.create_template(
                db, actor=me, now=datetime.now(UTC), code=form.code.data, name=form.name.data, area=form.area.data,
                target_kind=form.target_kind.data, items=template_ops.parse_items(form.items.data))
        except (InvalidInput, PermissionDenied) as exc:
            db.rollback()
            getattr(form, exc.field or "items", form.items).errors.append(exc.message)
        else:
            db.commit()
            return redirect(url_for("inspections.template_page", template_id=template.id))
    rows = list(db.scalars(select(InspectionTemplate).order_by(InspectionTemplate.id)))
    return render_template("inspections/templates.html", rows=rows, form=form, areas=AREAS, kinds=TARGET_KINDS,
                           may_edit=access.may_edit_templates(me)), 400 if form.errors else 200


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@login_required
def template_page(template_id: int):
    db, me = session(), actor()
    require_staff(me)
    template = db.get(InspectionTemplate, template_id) or abort(404)
    version_no = request.args.get("version", type=int) or template.current_version
    version = db.scalar(select(TemplateVersion).where(TemplateVersion.template_id == template.id,
                                                      TemplateVersion.version == version_no)) or abort(404)
    form = VersionForm(request.form if request.method == "POST" else None)
    if request.method != "POST":
        form.items.data = "\n".join(s.line() for s in template_ops.specs_of(version))
    elif form.validate():
        try:
            template_ops.new_version(db, actor=me, now=datetime.now(UTC), template=template,
                                     items=template_ops.parse_items(form.items.data), note=form.note.data or "")
        except (InvalidInput, PermissionDenied) as exc:
            db.rollback()
            form.items.errors.append(exc.message)
        else:
            db.commit()
            flash(f"已保存为第 {template.current_version} 版；已开启的轮次仍按其冻结的版本评分", "success")
            return redirect(url_for("inspections.template_page", template_id=template.id))
    return render_template("inspections/template.html", template=template, version=version, form=form,
                           may_edit=template_ops.may_edit(db, me, template), areas=AREAS, kinds=TARGET_KINDS), \
        400 if form.errors else 200


@bp.route("/register", methods=["GET", "POST"])
@login_required
def register():
    db, me = session(), actor()
    require_staff(me)
    upload, outcome = UploadForm(request.files if request.method == "POST" else None), None
    if request.method == "POST":
        found = _upload(upload)
        try:
            if found is None:
                raise InvalidInput("请选择要导入的 .xlsx 文件", "file")
            outcome = register_ops.import_file(db, actor=me, now=datetime.now(UTC), filename=found[0], data=found[1])
        except (InvalidInput, Conflict, PermissionDenied) as exc:
            db.rollback()
            upload.file.errors = [*upload.file.errors, exc.message]
        else:
            db.commit()
    query = select(CaseFile)
    if request.args.get("squad", type=int):
        query = query.where(CaseFile.squad_id == request.args.get("squad", type=int))
    if request.args.get("q"):
        query = query.where(CaseFile.case_number.contains(request.args["q"][:40]))
    page = paginate(db, query, CaseFile.decided_on.desc(), unique=CaseFile.id.desc())
    imports = list(db.scalars(select(CaseFileImport).order_by(CaseFileImport.id.desc()).limit(10)))
    return render_template("inspections/register.html", page=page, upload=upload, outcome=outcome, imports=imports,
                           squads=list(db.scalars(select(Squad).order_by(Squad.id))),
                           total=db.scalar(select(func.count(CaseFile.id)))), \
        400 if upload.file.errors else 200


@bp.route("/register/sample.xlsx")
@login_required
def register_sample():
    require_staff(actor())
    return Response(register_ops.sample_workbook(), mimetype=XLSX,
                    headers={"Content-Disposition": attachment_name("案卷导入模板.xlsx")})
