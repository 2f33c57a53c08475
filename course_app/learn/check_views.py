"""The knowledge check: a fresh draw of questions per form, scored once, and its results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from course_app.catalog import Module, Quiz
from course_app.extensions import db
from course_app.learn.blueprint import bp, current_progress, flash_completed
from course_app.learn.check_draw import Draw, new_draw, read_draw, sign
from course_app.learn.forms import check_form, order_options
from course_app.learn.progress import Attempt
from course_app.learn.services import current_catalog, current_lang, get_module


def _quiz_of(mod: Module) -> Quiz:
    """Return the module's knowledge check; abort with 404 if it has none."""
    if mod.quiz is None:
        abort(404)
    return mod.quiz


def _fresh_draw(mod: Module, progress) -> Draw:
    """Draw new questions for the check, those of the learner's last attempt last."""
    return new_draw(mod.quiz, progress.asked_last(mod), progress.draw_guard(mod))


def _posted_draw(mod: Module, progress) -> Draw | None:
    """Return the sent form's draw; None if it was changed, is for other questions, or is stale."""
    # Stale: made before the latest attempt, where only that one's token is kept (a guest's).
    draw = read_draw(request.form.get("draw"), mod.quiz)
    if draw is None or progress.draw_guard(mod) not in (draw.after, draw.token):
        return None
    return draw


def _check_form(mod: Module, draw: Draw, **kwargs):
    form = check_form(draw.questions, current_lang(), **kwargs)
    form.draw.data = sign(draw, mod.quiz)
    return form


def _render_check(mod: Module, progress, draw: Draw, form, status: int = 200, **extra):
    order_options(form, draw.questions, current_lang(), draw.token)
    return (
        render_template(
            "learn/check.html",
            module=mod,
            quiz=mod.quiz,
            questions=draw.questions,
            form=form,
            state=progress.state(mod),
            lang=current_lang(),
            **extra,
        ),
        status,
    )


def _changed_check(mod: Module, progress):
    """Show a fresh draw, saying that the form sent was for questions no longer asked."""
    draw = _fresh_draw(mod, progress)
    return _render_check(
        mod, progress, draw, _check_form(mod, draw, formdata=None), 409, changed=True
    )


@bp.route("/modules/<module_id>/check", methods=["GET", "POST"])
def check(module_id: str):
    """Show a fresh draw of the knowledge check; on POST score it, store the attempt once."""
    mod = get_module(module_id)
    quiz = _quiz_of(mod)
    progress = current_progress()
    if request.method == "GET":
        draw = _fresh_draw(mod, progress)
        return _render_check(mod, progress, draw, _check_form(mod, draw, formdata=None))
    draw = _posted_draw(mod, progress)
    if draw is None:
        return _changed_check(mod, progress)
    form = _check_form(mod, draw)
    if not form.validate_on_submit():
        return _render_check(mod, progress, draw, form, 400)
    state = progress.state(mod)
    attempt = Attempt.scored(quiz, form.answers(), draw.questions)
    recorded, completed = progress.record_attempt(mod, draw.token, attempt, state)
    db.session.commit()
    if not recorded:
        flash(_("These answers had already been sent. Here is the result they got."), "info")
    if completed:
        flash_completed(mod)
    return redirect(url_for("learn.check_result", module_id=mod.id))


@bp.get("/modules/<module_id>/check/result")
def check_result(module_id: str):
    """Show an attempt (the latest, or number ?attempt=N) and the earlier ones.

    Until the check is passed, an attempt shows which answers were wrong, not the right ones.
    """
    mod = get_module(module_id)
    quiz = _quiz_of(mod)
    progress = current_progress()
    attempts = progress.attempts(mod)
    if not attempts:
        return redirect(url_for("learn.check", module_id=mod.id))
    number = request.args.get("attempt", len(attempts), type=int)
    if not 1 <= number <= len(attempts):
        abort(404)
    attempt, state = attempts[len(attempts) - number], progress.state(mod)
    following = [m for m in current_catalog().modules if m.order > mod.order][:1]
    return render_template(
        "learn/check_result.html",
        module=mod,
        quiz=quiz,
        next_module=following[0] if following else None,
        attempt=attempt,
        number=number,
        asked=quiz.questions_with(attempt.answers),
        revealed=attempt.passed or state.passed_at is not None,
        attempts=attempts,
        state=state,
        lang=current_lang(),
    )


def stale_check(mod: Module):
    """Show a check sent with an expired form again, its answers still chosen."""
    progress = current_progress()
    draw = _posted_draw(mod, progress)
    if draw is None:
        return _changed_check(mod, progress)
    form = _check_form(mod, draw, formdata=request.form)
    return _render_check(mod, progress, draw, form, 400, stale=True)
