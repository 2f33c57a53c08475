"""The course pages: overview, module and step, for guests and signed-in officials."""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from course_app.catalog import Module, Step
from course_app.certificates import service as certificate_service
from course_app.extensions import db
from course_app.groups import services as group_services
from course_app.learn.blueprint import bp, current_progress, flash_completed
from course_app.learn.check_views import stale_check
from course_app.learn.forms import DeleteNotesForm, note_field_name, step_form
from course_app.learn.my_training import coming_of, completions_of
from course_app.learn.notes import delete_notes_of, notes_of
from course_app.learn.services import current_catalog, current_lang, get_module, get_step


@bp.get("/")
def overview():
    """Show the course as a task list, each module with its status in words."""
    modules = current_catalog().modules
    states = current_progress().overview(modules)
    return render_template(
        "learn/overview.html", modules=modules, states=states, lang=current_lang()
    )


@bp.get("/modules/<module_id>")
def module(module_id: str):
    """Show a module's introduction and its three steps."""
    mod = get_module(module_id)
    progress = current_progress()
    state = progress.state(mod)
    return render_template(
        "learn/module.html",
        module=mod,
        state=state,
        discussed=progress.discussed(mod),
        lang=current_lang(),
    )


def _build_form(mod: Module, step: Step, progress, **kwargs):
    text = step.text(current_lang())
    notes = progress.notes(mod, step)
    data = {"checklist": sorted(progress.ticks(mod) & step.checklist_ids)}
    data |= {note_field_name(q.id): notes.get(q.id, "") for q in text.questions}
    return step_form(
        text,
        with_notes=current_user.is_authenticated,
        max_length=current_app.config["NOTE_MAX_LENGTH"],
        data=data,
        **kwargs,
    )


def _shows_contacts(step: Step) -> bool:
    """Return True if the step's text has the local contacts box."""
    return step.text(current_lang()).shows_contacts


def _render_step(mod: Module, step: Step, progress, form, status: int = 200, **extra):
    contacts = progress.party_contacts(mod, step) if _shows_contacts(step) else []
    return (
        render_template(
            "learn/step.html",
            module=mod,
            step=step,
            text=step.text(current_lang()),
            state=progress.state(mod),
            discussed=progress.discussed(mod),
            party_contacts=contacts,
            form=form,
            lang=current_lang(),
            **extra,
        ),
        status,
    )


@bp.route("/modules/<module_id>/steps/<int:number>", methods=["GET", "POST"])
def step(module_id: str, number: int):
    """Show a step; on POST save the checklist and notes, and mark it done if asked."""
    mod = get_module(module_id)
    stp = get_step(mod, number)
    progress = current_progress()
    progress.read_step(mod, stp, _shows_contacts(stp))
    form = _build_form(mod, stp, progress)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _render_step(mod, stp, progress, form, status)
    state = progress.state(mod)
    progress.set_ticks(mod, stp, set(form.checklist.data or ()))
    progress.set_notes(
        mod, stp, {q_id: _clean(form[note_field_name(q_id)].data) for q_id in _note_ids(form, stp)}
    )
    if form.undo.data and not form.done.data:
        undone = progress.unmark_done(mod, stp, state)
        db.session.commit()
        return _after_undo(mod, stp, undone)
    completed = progress.mark_done(mod, stp, state) if form.done.data else False
    db.session.commit()
    return _after_save(mod, stp, done=bool(form.done.data), completed=completed)


def _after_undo(mod: Module, stp: Step, undone: bool):
    if undone:
        flash(_("Step %(number)d is no longer marked as done.", number=stp.number), "success")
    else:
        flash(_("The module is complete, so its steps stay marked as done."), "info")
    return redirect(url_for("learn.step", module_id=mod.id, number=stp.number))


def _note_ids(form, stp: Step) -> list[str]:
    return [q_id for q_id in stp.question_ids if note_field_name(q_id) in form]


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n")


def _after_save(mod: Module, stp: Step, done: bool, completed: bool):
    if completed:
        flash_completed(mod)
        return redirect(url_for("learn.module", module_id=mod.id))
    if not done:
        flash(_("Your notes and checklist have been saved."), "success")
        return redirect(url_for("learn.step", module_id=mod.id, number=stp.number))
    following = mod.step(stp.number + 1)
    if following is None and mod.quiz is not None:
        message = _(
            "Step %(number)d is marked as done. Answer the knowledge check to complete the module.",
            number=stp.number,
        )
        flash(message, "success")
        return redirect(url_for("learn.check", module_id=mod.id))
    flash(_("Step %(number)d is marked as done.", number=stp.number), "success")
    if following is None:
        return redirect(url_for("learn.module", module_id=mod.id))
    return redirect(url_for("learn.step", module_id=mod.id, number=following.number))


@bp.errorhandler(CSRFError)
def stale_form(error: CSRFError):
    """Show a stale step or check form again with what was typed, so that nothing is lost."""
    args = request.view_args or {}
    mod = current_catalog().module(args.get("module_id", ""))
    if request.endpoint == "learn.check" and mod is not None and mod.quiz is not None:
        return stale_check(mod)
    stp = mod.step(args.get("number", 0)) if mod else None
    if request.endpoint != "learn.step" or request.method != "POST" or stp is None:
        return render_template("errors/csrf.html"), 400
    progress = current_progress()
    form = _build_form(mod, stp, progress, formdata=request.form)
    unsaved = {}
    if not current_user.is_authenticated:
        unsaved = {
            q.id: _clean(request.form.get(note_field_name(q.id)))
            for q in stp.text(current_lang()).questions
            if (request.form.get(note_field_name(q.id)) or "").strip()
        }
    return _render_step(mod, stp, progress, form, 400, stale=True, unsaved=unsaved)


@bp.get("/my-training")
@login_required
def my_training():
    """Show what training is required of me this period, what I have done and what is left."""
    catalog = current_catalog()
    progress = current_progress()
    states = progress.overview(catalog.modules)
    required = [m for m in catalog.modules if states[m.id].required]
    left = [m for m in required if states[m.id].completed_at is None]
    coming = coming_of(current_user.id, current_user.organisation_id, catalog)
    history = completions_of(current_user.id, catalog, current_lang())
    periods = certificate_service.completed_periods(current_user).keys()
    certificates = sorted(set(periods) | set(certificate_service.issued(current_user.id)))
    attended = group_services.attended(current_user.id)
    discussed = [(m, attended[m.id]) for m in catalog.modules if m.id in attended]
    return render_template(
        "learn/my_training.html",
        discussed=discussed,
        certificates=certificates[::-1],
        required=required,
        left=left,
        coming=coming,
        states=states,
        history=history,
        lang=current_lang(),
    )


@bp.get("/my-notes")
@login_required
def my_notes():
    """List the signed-in user's own notes."""
    notes = notes_of(current_user.id, current_catalog(), current_lang())
    return render_template("learn/my_notes.html", notes=notes, form=DeleteNotesForm())


@bp.get("/my-notes/export")
@login_required
def export_notes():
    """Download the signed-in user's own notes as a text file."""
    notes = notes_of(current_user.id, current_catalog(), current_lang())
    body = render_template("learn/my_notes.txt", notes=notes)
    return Response(
        body,
        mimetype="text/plain",
        headers={"Content-Disposition": 'attachment; filename="tryggt-uppdrag-anteckningar.txt"'},
    )


@bp.post("/my-notes/delete")
@login_required
def delete_notes():
    """Delete all the signed-in user's notes, after a ticked confirmation."""
    form = DeleteNotesForm()
    if not form.validate_on_submit():
        notes = notes_of(current_user.id, current_catalog(), current_lang())
        return render_template("learn/my_notes.html", notes=notes, form=form), 400
    count = delete_notes_of(current_user.id)
    db.session.commit()
    flash(ngettext("%(num)d note was deleted.", "%(num)d notes were deleted.", count), "success")
    return redirect(url_for("learn.my_notes"))
