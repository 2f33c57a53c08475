"""Learner progress, for a signed-in official (database) or a guest (session)."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from course_app.catalog import Module, Question, Quiz, Score, Step
from course_app.extensions import db
from course_app.learn.saved import Saved, read_saved
from course_app.models import (
    ChecklistTick,
    ModuleCompletion,
    QuizAttempt,
    ReflectionNote,
    StepProgress,
    User,
)
from course_app.models.base import utcnow
from course_app.models.progress import NO_CYCLE
from course_app.training import rule
from course_app.training.periods import local_date
from course_app.training.rule import RequiredModule
from course_app.training.sql import required_from_rows

GUEST_KEY = "guest_progress"


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


@dataclass(frozen=True)
class ModuleState:
    """What the learner has done in one module: done steps by id, completion, any ticks."""

    done: dict[str, datetime] = field(default_factory=dict)
    completed_at: datetime | None = None
    ticked: bool = False
    passed_at: datetime | None = None
    # Set when a requirement asks for the module this period.
    required: RequiredModule | None = None
    # The latest completion from before the requirement's "counts from" date.
    previous_completed_at: datetime | None = None

    @property
    def needs_retake(self) -> bool:
        """Return True if the module was completed, but too early to count this period."""
        return self.completed_at is None and self.previous_completed_at is not None

    @property
    def status(self) -> Status:
        if self.completed_at is not None:
            return Status.COMPLETE
        if self.done or self.ticked or self.passed_at:
            return Status.IN_PROGRESS
        return Status.NOT_STARTED


@dataclass(frozen=True)
class Attempt(Score):
    """One knowledge-check attempt: its score, the chosen options, when, and on which version.

    answers has a key for every question the attempt asked (each one must be answered): the
    questions drawn for it from the check's pool.
    """

    answers: dict[str, frozenset[str]]
    submitted_at: datetime
    quiz_version: str

    def stored_answers(self) -> dict[str, list[str]]:
        """Return the chosen options as plain lists, for the database or the session."""
        return {q: sorted(ids) for q, ids in self.answers.items()}

    def as_session(self, token: str) -> dict:
        """Return the attempt as plain data for a guest's session."""
        return {
            "answers": self.stored_answers(),
            "correct": self.correct,
            "total": self.total,
            "passed": self.passed,
            "at": self.submitted_at.isoformat(),
            "version": self.quiz_version,
            "token": token,
        }

    @classmethod
    def from_stored(cls, answers: dict, correct: int, total: int, passed: bool, at, version: str):
        """Rebuild an attempt from its stored parts."""
        chosen = {q: frozenset(ids) for q, ids in answers.items()}
        return cls(correct, total, passed, chosen, at, version)

    @classmethod
    def from_session(cls, data: dict) -> Attempt:
        """Rebuild an attempt kept in a guest's session."""
        at = datetime.fromisoformat(data["at"])
        parts = (data["correct"], data["total"], data["passed"], at, data["version"])
        return cls.from_stored(data["answers"], *parts)

    @classmethod
    def scored(
        cls,
        quiz: Quiz,
        answers: dict[str, frozenset[str]],
        asked: Sequence[Question] | None = None,
    ) -> Attempt:
        """Score answers to the asked questions (default the whole pool) against quiz, now."""
        score = quiz.score(answers, asked)
        return cls(score.correct, score.total, score.passed, answers, utcnow(), quiz.version)


def _finished_at(done: dict[str, datetime], passed_at: datetime | None) -> datetime:
    """Return when the last step was done or the check passed, whichever came later."""
    return max([*done.values(), *([passed_at] if passed_at else [])])


def _writes(method):
    """Forget what was read once method has run, so that the next read sees its writes."""

    @wraps(method)
    def wrapped(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self._read = None

    return wrapped


class UserProgress:
    """Progress stored in the database for one signed-in user; writes flush, the view commits."""

    def __init__(
        self,
        user_id: int,
        required: Mapping[str, RequiredModule] | None = None,
        organisation_id: int | None = None,
    ):
        """Count work with the required modules given, or, with organisation_id instead, with
        those in force today, read in the same query as the learner's first read."""
        self.user_id = user_id
        self._required_from = organisation_id if required is None else None
        self._read: Saved | None = None
        self._set_required(required or {})

    def _set_required(self, required: Mapping[str, RequiredModule]) -> None:
        self._required = dict(required)

    @property
    def required(self) -> dict[str, RequiredModule]:
        """Return the modules required of the user, by module id."""
        if self._required_from is not None:
            self._saved()
        return self._required

    def lock(self) -> None:
        """Take the user's row lock, so that this request's progress writes run after any other's.

        Two tabs saving at once then each write all of their form, never a mix, and the second
        sees the first's steps when it decides whether the module is complete. (On SQLite the
        write transaction already holds the database's write lock: see extensions.py.)
        """
        db.session.execute(select(User.id).where(User.id == self.user_id).with_for_update())
        self._read = None

    def _counts(self, module_id: str, at: datetime) -> bool:
        # Work done before a requirement's "counts from" date does not count for it.
        return rule.counts(self.required.get(module_id), at)

    def _mine(self, stmt, model, module_id: str | None = None, step_id: str | None = None):
        stmt = stmt.where(model.user_id == self.user_id)
        if module_id is not None:
            stmt = stmt.where(model.module_id == module_id)
        if step_id is not None:
            stmt = stmt.where(model.step_id == step_id)
        return stmt

    def _saved(
        self,
        module_id: str | None = None,
        step_id: str | None = None,
        contacts: bool = False,
        asked: bool = False,
    ) -> Saved:
        """Return the saved rows, read once per request until the next write."""
        if self._read is None or not self._read.covers(module_id, step_id, contacts, asked):
            org_id = self._required_from
            day = local_date(utcnow()) if contacts or org_id is not None else None
            requirements_of = (org_id, day) if org_id is not None else None
            contacts_on = day if contacts else None
            self._read = read_saved(
                self.user_id, module_id, step_id, contacts_on, requirements_of, asked
            )
            if org_id is not None:
                self._set_required(required_from_rows(self._read.requirement_rows, day))
                self._required_from = None
        return self._read

    def read_step(self, module: Module, step: Step, contacts: bool) -> None:
        """Read the step's rows (and the party contacts, for a step that shows them) at once."""
        self._saved(module.id, step.id, contacts)

    def discussed(self, module: Module) -> list:
        """Return the days the learner's party group discussed the module with them."""
        return list(self._saved(module.id).discussed)

    def asked_last(self, module: Module) -> frozenset[str]:
        """Return the questions of the latest attempt at the module's check (read with its rows)."""
        return self._saved(module.id, asked=True).asked or frozenset()

    def draw_guard(self, module: Module) -> str:
        """Return "": the database keeps every attempt's token, so no draw is ever scored twice."""
        return ""

    def party_contacts(self, module: Module, step: Step) -> list:
        """Return the security contacts of the learner's party groups today."""
        return list(self._saved(module.id, step.id, contacts=True).party_contacts or [])

    def overview(self, modules: Iterable[Module]) -> dict[str, ModuleState]:
        """Return the state of each module, in one query whatever the number of modules."""
        return self._states(self._saved(), modules)

    def _states(self, saved: Saved, modules: Iterable[Module]) -> dict[str, ModuleState]:
        done: dict[str, dict[str, datetime]] = {}
        for mod, step, at in saved.steps:
            if self._counts(mod, at):
                done.setdefault(mod, {})[step] = at
        current, previous = rule.split_completions(saved.completions, self.required)
        passed: dict[str, datetime] = {}
        for mod, at in saved.passes:
            if self._counts(mod, at):
                passed[mod] = min(at, passed.get(mod, at))
        return {
            m.id: ModuleState(
                done.get(m.id, {}),
                current.get(m.id),
                bool(saved.ticks.get(m.id)),
                passed.get(m.id),
                self.required.get(m.id),
                previous.get(m.id),
            )
            for m in modules
        }

    def state(self, module: Module) -> ModuleState:
        """Return the state of one module."""
        return self._states(self._saved(module.id), [module])[module.id]

    def ticks(self, module: Module) -> set[str]:
        """Return the ids of the ticked checklist items in module."""
        return set(self._saved(module.id).ticks.get(module.id, ()))

    def notes(self, module: Module, step: Step) -> dict[str, str]:
        """Return the user's own notes on the step's questions, by question id."""
        return dict(self._saved(module.id, step.id).notes)

    @_writes
    def set_ticks(self, module: Module, step: Step, item_ids: set[str]) -> None:
        """Make exactly item_ids the ticked items of step."""
        current = set(
            db.session.scalars(
                self._mine(select(ChecklistTick.item_id), ChecklistTick, module.id, step.id)
            )
        )
        if current - item_ids:
            gone = self._mine(delete(ChecklistTick), ChecklistTick, module.id, step.id)
            db.session.execute(gone.where(ChecklistTick.item_id.in_(current - item_ids)))
        for item_id in sorted(item_ids - current):
            self._add_tick(module, step, item_id)

    def _add_tick(self, module: Module, step: Step, item_id: str) -> None:
        _insert_once(
            ChecklistTick(
                user_id=self.user_id, module_id=module.id, step_id=step.id, item_id=item_id
            )
        )

    @_writes
    def set_notes(self, module: Module, step: Step, bodies: dict[str, str]) -> None:
        """Save the notes on the step's questions; an emptied note is deleted."""
        stmt = self._mine(select(ReflectionNote), ReflectionNote, module.id, step.id)
        existing = {note.question_id: note for note in db.session.scalars(stmt)}
        for question_id, body in bodies.items():
            note = existing.get(question_id)
            if not body.strip():
                if note is not None:
                    db.session.delete(note)
            elif note is None:
                _insert_once(
                    ReflectionNote(
                        user_id=self.user_id,
                        module_id=module.id,
                        step_id=step.id,
                        question_id=question_id,
                        body=body,
                    )
                )
            else:
                note.body = body

    @_writes
    def mark_done(self, module: Module, step: Step, state: ModuleState) -> bool:
        """Record the step as done; return True if that completed the module."""
        if step.id not in state.done:
            self._add_step(module, step, step.version, utcnow())
        return self._complete_if_all_done(
            module, {*state.done, step.id}, state, bool(state.passed_at)
        )

    @_writes
    def unmark_done(self, module: Module, step: Step, state: ModuleState) -> bool:
        """Take back "done" for step, while the module is not complete; return True if so."""
        if state.completed_at is not None or step.id not in state.done:
            return False
        db.session.execute(self._mine(delete(StepProgress), StepProgress, module.id, step.id))
        return True

    def _add_step(self, module: Module, step: Step, version: str, at: datetime) -> None:
        required = self.required.get(module.id)
        if required is not None:
            # Done in an earlier period: mark it done again now, for this one.
            stale = self._mine(update(StepProgress), StepProgress, module.id, step.id)
            refreshed = db.session.execute(
                stale.where(StepProgress.completed_at < required.since)
                .values(content_version=version, completed_at=at)
                .execution_options(synchronize_session=False)
            )
            if refreshed.rowcount:
                return
        _insert_once(
            StepProgress(
                user_id=self.user_id,
                module_id=module.id,
                step_id=step.id,
                content_version=version,
                completed_at=at,
            )
        )

    def _complete_if_all_done(
        self,
        module: Module,
        done: set[str],
        state: ModuleState,
        passed: bool,
        at: datetime | None = None,
    ) -> bool:
        if state.completed_at is not None or not module.is_complete(done, passed):
            return False
        return _insert_once(
            ModuleCompletion(
                user_id=self.user_id,
                module_id=module.id,
                module_version=module.version,
                counts_from=self.required[module.id].counts_from
                if module.id in self.required
                else NO_CYCLE,
                completed_at=at or utcnow(),
            )
        )

    @_writes
    def record_attempt(
        self, module: Module, token: str, attempt: Attempt, state: ModuleState
    ) -> tuple[bool, bool]:
        """Store an attempt once per form token; return (recorded, completed the module)."""
        recorded = self._add_attempt(module, token, attempt)
        if not recorded or not attempt.passed:
            return recorded, False
        return recorded, self._complete_if_all_done(module, set(state.done), state, True)

    def _add_attempt(self, module: Module, token: str, attempt: Attempt) -> bool:
        return _insert_once(
            QuizAttempt(
                user_id=self.user_id,
                module_id=module.id,
                quiz_version=attempt.quiz_version,
                token=token,
                answers=attempt.stored_answers(),
                correct=attempt.correct,
                total=attempt.total,
                passed=attempt.passed,
                submitted_at=attempt.submitted_at,
            )
        )

    def attempts(self, module: Module) -> list[Attempt]:
        """Return the user's attempts at the module's check, newest first."""
        stmt = self._mine(select(QuizAttempt), QuizAttempt, module.id)
        rows = db.session.scalars(
            stmt.order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        )
        return [
            Attempt.from_stored(
                row.answers, row.correct, row.total, row.passed, row.submitted_at, row.quiz_version
            )
            for row in rows
        ]

    @_writes
    def adopt(self, guest: GuestProgress, modules: Iterable[Module]) -> None:
        """Keep what a guest did in this browser; never overwrite what the user already has."""
        modules = list(modules)
        states = self.overview(modules)
        ticks = select(ChecklistTick.module_id, ChecklistTick.item_id)
        have = set(db.session.execute(self._mine(ticks, ChecklistTick)).all())
        for module in modules:
            state, visit = states[module.id], guest.state(module)
            guest_ticks = guest.ticks(module)
            for step in module.steps:
                if step.id in visit.done and step.id not in state.done:
                    version = guest.version(module, step) or step.version
                    self._add_step(module, step, version, visit.done[step.id])
                for item_id in sorted(step.checklist_ids & guest_ticks):
                    if (module.id, item_id) not in have:
                        self._add_tick(module, step, item_id)
            passed_at = state.passed_at
            if visit.passed_at and not passed_at:
                self._add_attempt(module, secrets.token_urlsafe(24), guest.passing(module))
                passed_at = visit.passed_at
            if visit.done or visit.passed_at:
                done = {**visit.done, **state.done}
                at = _finished_at(done, passed_at)
                self._complete_if_all_done(module, set(done), state, bool(passed_at), at=at)


class GuestProgress:
    """Progress kept in the browser's session for a visitor without an account."""

    def __init__(self, session: MutableMapping):
        self.session = session

    def _entry(self, module: Module) -> dict:
        return (self.session.get(GUEST_KEY) or {}).get(module.id, {})

    def _update(self, module: Module, entry: dict) -> None:
        data = dict(self.session.get(GUEST_KEY) or {})
        data[module.id] = entry
        self.session[GUEST_KEY] = data

    def overview(self, modules: Iterable[Module]) -> dict[str, ModuleState]:
        """Return the state of each module."""
        return {m.id: self.state(m) for m in modules}

    def state(self, module: Module) -> ModuleState:
        """Return the guest's state in module; complete once every step is done."""
        entry = self._entry(module)
        done = {step: datetime.fromisoformat(at) for step, (_, at) in entry.get("done", {}).items()}
        passing = entry.get("pass")
        passed_at = datetime.fromisoformat(passing["at"]) if passing else None
        completed_at = None
        if module.is_complete(done, passed_at is not None):
            completed_at = _finished_at(done, passed_at)
        return ModuleState(done, completed_at, bool(entry.get("ticks")), passed_at)

    def passing(self, module: Module) -> Attempt:
        """Return the guest's first passing attempt; its answers only while it is the latest."""
        entry = self._entry(module)
        last = entry.get("last") or {}
        if last.get("token") == entry["pass"]["token"]:
            return Attempt.from_session(last)
        return Attempt.from_session({**entry["pass"], "answers": {}})

    def attempts(self, module: Module) -> list[Attempt]:
        """Return the guest's latest attempt, if any: a guest's history is not kept."""
        last = self._entry(module).get("last")
        return [Attempt.from_session(last)] if last else []

    def asked_last(self, module: Module) -> frozenset[str]:
        """Return the questions of the guest's latest attempt at the module's check."""
        return frozenset((self._entry(module).get("last") or {}).get("answers", {}))

    def draw_guard(self, module: Module) -> str:
        """Return the token of the guest's latest attempt, which a sent draw must follow."""
        # The session keeps no earlier token, so a form drawn before the latest attempt would
        # otherwise be scored again, its answers corrected by what that attempt showed.
        return (self._entry(module).get("last") or {}).get("token", "")

    def record_attempt(
        self, module: Module, token: str, attempt: Attempt, state: ModuleState
    ) -> tuple[bool, bool]:
        """Keep the attempt in the session once per form token; return (recorded, completed)."""
        entry = dict(self._entry(module))
        if (entry.get("last") or {}).get("token") == token:
            return False, False
        entry["last"] = attempt.as_session(token)
        if attempt.passed and "pass" not in entry:
            # The session cookie is small: the first pass is kept without its answers.
            entry["pass"] = {k: v for k, v in entry["last"].items() if k != "answers"}
        self._update(module, entry)
        completed = state.completed_at is None and attempt.passed
        return True, completed and module.is_complete(state.done, True)

    def read_step(self, module: Module, step: Step, contacts: bool) -> None:
        """Nothing to read ahead: a guest's progress is in the session."""

    def discussed(self, module: Module) -> list:
        """A guest belongs to no party group."""
        return []

    def party_contacts(self, module: Module, step: Step) -> list:
        """A guest belongs to no party group."""
        return []

    def version(self, module: Module, step: Step) -> str | None:
        """Return the content version the guest read when marking step done."""
        entry = self._entry(module).get("done", {}).get(step.id)
        return entry[0] if entry else None

    def ticks(self, module: Module) -> set[str]:
        """Return the ids of the ticked checklist items in module."""
        return set(self._entry(module).get("ticks", []))

    def notes(self, module: Module, step: Step) -> dict[str, str]:
        """Return no notes: a private note needs an account."""
        return {}

    def set_ticks(self, module: Module, step: Step, item_ids: set[str]) -> None:
        """Make exactly item_ids the ticked items of step."""
        entry = dict(self._entry(module))
        entry["ticks"] = sorted((self.ticks(module) - step.checklist_ids) | item_ids)
        self._update(module, entry)

    def set_notes(self, module: Module, step: Step, bodies: dict[str, str]) -> None:
        """Keep nothing: a private note needs an account."""

    def mark_done(self, module: Module, step: Step, state: ModuleState) -> bool:
        """Record the step as done; return True if that completed the module."""
        entry = dict(self._entry(module))
        done = dict(entry.get("done", {}))
        done.setdefault(step.id, [step.version, utcnow().isoformat()])
        entry["done"] = done
        self._update(module, entry)
        return state.completed_at is None and module.is_complete(done, bool(state.passed_at))

    def unmark_done(self, module: Module, step: Step, state: ModuleState) -> bool:
        """Take back "done" for step, while the module is not complete; return True if so."""
        if state.completed_at is not None or step.id not in state.done:
            return False
        entry = dict(self._entry(module))
        entry["done"] = {k: v for k, v in entry.get("done", {}).items() if k != step.id}
        self._update(module, entry)
        return True

    def clear(self) -> None:
        """Forget the guest's progress."""
        self.session.pop(GUEST_KEY, None)


def _insert_once(row) -> bool:
    """Add row; if an identical row got there first (a double submit), keep that one."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def progress_for(user, session: MutableMapping) -> UserProgress | GuestProgress:
    """Return the progress store for the current visitor.

    A signed-in user's counts the modules required of them today; a guest's has none.
    """
    if user is not None and user.is_authenticated:
        return UserProgress(user.id, organisation_id=user.organisation_id)
    return GuestProgress(session)
