"""The party group pages: the group, its discussions, the meeting view and the printed guide.

Only members of the group reach its pages; only its contacts start discussions and record who
took part. A discussion's shared notes are shown to the group's members and to no one else.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import delete, insert, select, update
from wtforms import SelectChoice

from course_app import security_log
from course_app.catalog import Module
from course_app.extensions import db
from course_app.groups import services
from course_app.groups.forms import AttendanceForm, NewDiscussionForm, SharedNotesForm
from course_app.i18n import current_lang
from course_app.learn.services import current_catalog
from course_app.models import Discussion, DiscussionAttendance, Party
from course_app.models.base import utcnow
from course_app.training.periods import local_date

bp = Blueprint("groups", __name__, template_folder="templates")


def _today():
    return local_date(utcnow())


def _membership(party_id: int, contact: bool = False) -> services.Membership:
    """Return the signed-in user's membership of the group; 404 if none, 403 for a non-contact."""
    found = services.membership(current_user.id, current_user.organisation_id, party_id, _today())
    if found is None:
        _log_if_elsewhere(db.session.get(Party, party_id), party_id)
        abort(404)
    if contact and not found.is_contact:
        abort(403)
    return found


def _discussion(party_id: int, discussion_id: int, lock: bool = False) -> Discussion:
    """Return the group's discussion (its row locked for a write that must run in turn), or 404."""
    found = db.session.get(Discussion, discussion_id, with_for_update=lock)
    if found is None or found.party_id != party_id:
        _log_if_elsewhere(found, discussion_id)
        abort(404)
    return found


def _log_if_elsewhere(row, object_id: int) -> None:
    """Log a refusal when the row named in the address is another organisation's."""
    if row is not None and row.organisation_id != current_user.organisation_id:
        security_log.refused_other_organisation(current_user.id, row.__tablename__, object_id)


@dataclass(frozen=True)
class Slide:
    """One screen of the meeting view: a question, or a step's checklist at the end."""

    step_number: int
    step_title: str
    question: str | None = None
    checklist: tuple[str, ...] = ()


def _module(discussion: Discussion) -> Module:
    module = current_catalog().module(discussion.module_id)
    if module is None:
        abort(404)  # the module has left the course
    return module


def _steps(discussion: Discussion, module: Module):
    if discussion.step_number:
        step = module.step(discussion.step_number)
        return [step] if step else []
    return list(module.steps)


def slides(discussion: Discussion, module: Module, lang: str) -> list[Slide]:
    """Return the meeting's screens: each question of the steps, then the checklists."""
    steps = _steps(discussion, module)
    shown = [
        Slide(step.number, step.text(lang).title, question=q.text)
        for step in steps
        for q in step.text(lang).questions
    ]
    shown += [
        Slide(
            step.number,
            step.text(lang).title,
            checklist=tuple(i.text for i in step.text(lang).checklist),
        )
        for step in steps
    ]
    return shown


def _topic(discussion: Discussion, module: Module, lang: str) -> str:
    title = module.text(lang).title
    if discussion.step_number:
        step = module.step(discussion.step_number)
        if step:
            return _(
                "%(module)s, step %(number)d: %(step)s",
                module=title,
                number=step.number,
                step=step.text(lang).title,
            )
    return title


@bp.get("/groups")
@login_required
def my_groups():
    """List the party groups the signed-in user belongs to."""
    groups = services.groups_of(current_user.id, current_user.organisation_id, _today())
    return render_template("groups/index.html", groups=groups)


@bp.get("/groups/<int:party_id>")
@login_required
def group(party_id: int):
    """The group: its contacts and members, (for contacts) their training, and discussions."""
    mine = _membership(party_id)
    today = _today()
    members = services.members_of(party_id, today)
    training = (
        services.training_of([m.id for m in members], current_user.organisation_id, today)
        if mine.is_contact
        else {}
    )
    discussions = db.session.scalars(
        select(Discussion)
        .where(Discussion.party_id == party_id)
        .order_by(Discussion.held_on.desc(), Discussion.id.desc())
    ).all()
    lang = current_lang()
    catalog = current_catalog()
    titles = {m.id: m.text(lang).title for m in catalog.modules}
    return render_template(
        "groups/group.html",
        group=mine,
        members=members,
        training=training,
        titles=titles,
        discussions=discussions,
        topics={
            d.id: _topic(d, m, lang) for d in discussions if (m := catalog.module(d.module_id))
        },
    )


def _discussion_choices(form: NewDiscussionForm, lang: str) -> None:
    modules = current_catalog().modules
    form.module_id.choices = [SelectChoice(m.id, m.text(lang).title) for m in modules]
    form.step.choices = [
        SelectChoice("", _("All three steps")),
        *(SelectChoice(str(n), _("Step %(number)d only", number=n)) for n in (1, 2, 3)),
    ]


@bp.route("/groups/<int:party_id>/discussions/new", methods=["GET", "POST"])
@login_required
def new_discussion(party_id: int):
    """Let a contact start a discussion of a module (or one step) on a meeting day."""
    mine = _membership(party_id, contact=True)
    form = NewDiscussionForm()
    _discussion_choices(form, current_lang())
    if request.method == "GET":
        form.held_on.data = _today()
    elif form.validate_on_submit():
        discussion = Discussion(
            organisation_id=current_user.organisation_id,
            party_id=party_id,
            module_id=form.module_id.data,
            step_number=int(form.step.data) if form.step.data else None,
            held_on=form.held_on.data,
            started_by_id=current_user.id,
        )
        db.session.add(discussion)
        db.session.commit()
        return redirect(
            url_for("groups.discussion", party_id=party_id, discussion_id=discussion.id)
        )
    status = 400 if form.errors else 200
    return render_template("groups/new_discussion.html", group=mine, form=form), status


def _discussion_page(mine, discussion, notes_form=None, attendance_form=None, status=200, **extra):
    members = services.members_of(discussion.party_id, _today())
    present = set(
        db.session.scalars(
            select(DiscussionAttendance.user_id).where(
                DiscussionAttendance.discussion_id == discussion.id
            )
        )
    )
    if attendance_form is None:
        attendance_form = AttendanceForm(formdata=None, present=sorted(present))
    attendance_form.present.choices = [SelectChoice(m.id, m.name or m.email) for m in members]
    if notes_form is None:
        notes_form = SharedNotesForm(
            formdata=None, notes=discussion.notes, revision=str(discussion.notes_revision)
        )
    module = _module(discussion)
    lang = current_lang()
    return render_template(
        "groups/discussion.html",
        group=mine,
        discussion=discussion,
        topic=_topic(discussion, module, lang),
        members=members,
        present=present,
        attendance_form=attendance_form,
        notes_form=notes_form,
        slide_count=len(slides(discussion, module, lang)),
        **extra,
    ), status


@bp.get("/groups/<int:party_id>/discussions/<int:discussion_id>")
@login_required
def discussion(party_id: int, discussion_id: int):
    """A discussion: its meeting view and guide, who took part, and the group's notes."""
    mine = _membership(party_id)
    return _discussion_page(mine, _discussion(party_id, discussion_id))


@bp.post("/groups/<int:party_id>/discussions/<int:discussion_id>/attendance")
@login_required
def record_attendance(party_id: int, discussion_id: int):
    """Let a contact record who took part (members of the group only)."""
    mine = _membership(party_id, contact=True)
    found = _discussion(party_id, discussion_id, lock=True)
    form = AttendanceForm()
    members = services.members_of(party_id, _today())
    form.present.choices = [SelectChoice(m.id, m.name or m.email) for m in members]
    if not form.validate_on_submit():
        return _discussion_page(mine, found, attendance_form=form, status=400)
    chosen = set(form.present.data or [])
    member_ids = {m.id for m in members}
    # Someone who has left the group since keeps their attendance: it happened.
    db.session.execute(
        delete(DiscussionAttendance).where(
            DiscussionAttendance.discussion_id == found.id,
            DiscussionAttendance.user_id.in_(member_ids - chosen),
        )
    )
    already = set(
        db.session.scalars(
            select(DiscussionAttendance.user_id).where(
                DiscussionAttendance.discussion_id == found.id
            )
        )
    )
    new = chosen - already
    if new:
        db.session.execute(
            insert(DiscussionAttendance),
            [{"discussion_id": found.id, "user_id": uid} for uid in sorted(new)],
        )
    db.session.commit()
    flash(
        _("Attendance saved: %(num)d took part.", num=len(chosen)),
        "success",
    )
    return redirect(url_for("groups.discussion", party_id=party_id, discussion_id=found.id))


@bp.post("/groups/<int:party_id>/discussions/<int:discussion_id>/notes")
@login_required
def save_notes(party_id: int, discussion_id: int):
    """Save the group's shared notes, unless someone saved them since the form was opened."""
    mine = _membership(party_id)
    found = _discussion(party_id, discussion_id)
    form = SharedNotesForm()
    if not form.validate_on_submit():
        return _discussion_page(mine, found, notes_form=form, status=400)
    revision = int(form.revision.data) if (form.revision.data or "").isdigit() else -1
    result = db.session.execute(
        update(Discussion)
        .where(Discussion.id == found.id, Discussion.notes_revision == revision)
        .values(
            notes=form.notes.data or "",
            notes_revision=revision + 1,
            notes_updated_at=utcnow(),
            notes_updated_by_id=current_user.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(found)
        form.revision.data = str(found.notes_revision)
        return _discussion_page(mine, found, notes_form=form, status=409, conflict=True)
    db.session.commit()
    flash(_("The group’s notes have been saved."), "success")
    return redirect(
        url_for("groups.discussion", party_id=party_id, discussion_id=found.id) + "#group-notes"
    )


@bp.get("/groups/<int:party_id>/discussions/<int:discussion_id>/meeting/<int:number>")
@login_required
def meeting(party_id: int, discussion_id: int, number: int):
    """The meeting view: one question at a time in large type, then the checklists."""
    mine = _membership(party_id)
    found = _discussion(party_id, discussion_id)
    module = _module(found)
    lang = current_lang()
    shown = slides(found, module, lang)
    if not 1 <= number <= len(shown):
        abort(404)
    return render_template(
        "groups/meeting.html",
        group=mine,
        discussion=found,
        topic=_topic(found, module, lang),
        slide=shown[number - 1],
        number=number,
        total=len(shown),
    )


@bp.get("/groups/<int:party_id>/discussions/<int:discussion_id>/guide")
@login_required
def guide(party_id: int, discussion_id: int):
    """A discussion guide to print (A4): the questions with room to write, and the checklists."""
    mine = _membership(party_id)
    found = _discussion(party_id, discussion_id)
    module = _module(found)
    lang = current_lang()
    steps = [(s, s.text(lang)) for s in _steps(found, module)]
    return render_template(
        "groups/guide.html",
        group=mine,
        discussion=found,
        topic=_topic(found, module, lang),
        steps=steps,
    )
