"""What a signed-in learner has saved, read in one round trip to the database.

One UNION ALL over the progress tables returns typed rows (kind, module, key, time, body)
that are folded here into plain data; learn/progress.py turns that into module states.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    Date,
    String,
    Text,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from course_app.extensions import db
from course_app.models import (
    ChecklistTick,
    Discussion,
    DiscussionAttendance,
    GroupContact,
    ModuleCompletion,
    Party,
    QuizAttempt,
    ReflectionNote,
    StepProgress,
    User,
)
from course_app.training.sql import requirement_rows

STEP, COMPLETION, PASS, TICK, NOTE = "step", "completion", "pass", "tick", "note"
DISCUSSED, CONTACT, REQUIRED, ASKED = "discussed", "contact", "required", "asked"


@dataclass(frozen=True)
class PartyContact:
    """A security contact of one of the learner's party groups, for the contacts box."""

    party: str
    name: str
    email: str
    phone: str


@dataclass
class Saved:
    """The learner's rows, for every module or one (module_id), with one step's notes (step_id)."""

    module_id: str | None
    step_id: str | None
    steps: list[tuple[str, str, datetime]] = field(default_factory=list)
    completions: list[tuple[str, datetime]] = field(default_factory=list)
    passes: list[tuple[str, datetime]] = field(default_factory=list)
    ticks: dict[str, set[str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # The days the learner's party group discussed the module with them (one module only).
    discussed: list[date] = field(default_factory=list)
    party_contacts: list[PartyContact] | None = None  # None: not asked for
    # (requirement id, seat, fields) of training.requirement_rows; None: not asked for.
    requirement_rows: list[tuple[str, str, str]] | None = None
    # The questions of the latest knowledge-check attempt (one module only); None: not asked for.
    asked: frozenset[str] | None = None

    def covers(
        self,
        module_id: str | None,
        step_id: str | None = None,
        contacts: bool = False,
        asked: bool = False,
    ) -> bool:
        """Return True if these rows answer for module_id (None: all) and step_id's notes."""
        if self.module_id is not None and self.module_id != module_id:
            return False
        if (contacts and self.party_contacts is None) or (asked and self.asked is None):
            return False
        return step_id is None or step_id == self.step_id


def _kind(kind: str):
    """Return the row kind as SQL text, not a parameter: a shorter statement, which psycopg
    converts once and not on every request (it caches statements of up to 4,096 characters)."""
    return literal_column(f"'{kind}'", String)


def _contacts_part(no_at):
    """Return the security contacts of the learner's party groups, as rows of the union.

    The party in the module column, the e-mail in the key, name and phone in the body. A
    contact counts while a member of the group, as on the group's pages.
    """
    from course_app.groups.services import is_member, usable

    day = bindparam("day", type_=Date)
    return (
        select(
            _kind(CONTACT),
            Party.name,
            User.email,
            no_at,
            cast(User.name + literal("\n") + GroupContact.phone, Text),
        )
        .join(GroupContact, GroupContact.party_id == Party.id)
        .join(User, User.id == GroupContact.user_id)
        .where(
            is_member(day, Party.id, bindparam("user_id")),
            is_member(day, Party.id, GroupContact.user_id),
            usable(),
        )
    )


def _asked_part(no_key, no_at):
    """Return the answers of the learner's latest attempt at the module's check, as one row.

    Their keys are the questions that attempt asked (the body holds the JSON as text).
    """
    mine = (
        QuizAttempt.user_id == bindparam("user_id"),
        QuizAttempt.module_id == bindparam("module_id"),
    )
    latest = select(func.max(QuizAttempt.id)).where(*mine).scalar_subquery()
    return select(
        _kind(ASKED), QuizAttempt.module_id, no_key, no_at, cast(QuizAttempt.answers, Text)
    ).where(QuizAttempt.id == latest)


@functools.cache
def _statement(
    one_module: bool,
    with_notes: bool,
    with_contacts: bool = False,
    with_required: bool = False,
    with_asked: bool = False,
):
    """Return the UNION ALL for every module or one, with one step's notes or none.

    Built once per process: the user, module and step are bound at execution.
    """

    def mine(stmt, model):
        stmt = stmt.where(model.user_id == bindparam("user_id"))
        return stmt.where(model.module_id == bindparam("module_id")) if one_module else stmt

    # Only the first SELECT's column types are used to read the rows: they must be the real ones.
    # The later SELECTs' NULLs take their types from it (and leave the statement shorter).
    no_key = no_at = no_body = null()
    parts = [
        mine(
            select(
                _kind(STEP),
                StepProgress.module_id,
                StepProgress.step_id,
                StepProgress.completed_at,
                cast(null(), Text),
            ),
            StepProgress,
        ),
        mine(
            select(
                _kind(COMPLETION),
                ModuleCompletion.module_id,
                no_key,
                ModuleCompletion.completed_at,
                no_body,
            ),
            ModuleCompletion,
        ),
        mine(
            select(
                _kind(PASS), QuizAttempt.module_id, no_key, QuizAttempt.submitted_at, no_body
            ).where(QuizAttempt.passed),
            QuizAttempt,
        ),
        mine(
            select(_kind(TICK), ChecklistTick.module_id, ChecklistTick.item_id, no_at, no_body),
            ChecklistTick,
        ),
    ]
    if with_notes:
        note = select(
            _kind(NOTE),
            ReflectionNote.module_id,
            ReflectionNote.question_id,
            no_at,
            ReflectionNote.body,
        )
        parts.append(
            mine(note, ReflectionNote).where(ReflectionNote.step_id == bindparam("step_id"))
        )
    if one_module:
        parts.append(
            select(
                _kind(DISCUSSED),
                Discussion.module_id,
                no_key,
                no_at,
                cast(Discussion.held_on, Text),
            )
            .join(DiscussionAttendance, DiscussionAttendance.discussion_id == Discussion.id)
            .where(
                DiscussionAttendance.user_id == bindparam("user_id"),
                Discussion.module_id == bindparam("module_id"),
            )
        )
    if with_contacts:
        parts.append(_contacts_part(no_at))
    if with_required:
        parts.append(requirement_rows(_kind(REQUIRED), no_at))
    if with_asked:
        parts.append(_asked_part(no_key, no_at))
    return union_all(*parts)


def read_saved(
    user_id: int,
    module_id: str | None = None,
    step_id: str | None = None,
    contacts_on: date | None = None,
    requirements_of: tuple[int, date] | None = None,
    asked: bool = False,
) -> Saved:
    """Return what the user saved, in one module or all, with one step's notes: one query.

    With contacts_on, also the security contacts of the user's party groups on that day. With
    requirements_of (organisation id, day), also the rows of training.requirement_rows, whose
    day must then be contacts_on's too. With asked, also the questions of the latest attempt at
    the module's knowledge check.
    """
    saved = Saved(module_id, step_id)
    if (step_id is not None or asked) and module_id is None:
        raise ValueError("a step's notes and the questions asked are read with their module")
    if asked:
        saved.asked = frozenset()
    params = {"user_id": user_id, "module_id": module_id, "step_id": step_id}
    if contacts_on is not None:
        saved.party_contacts = []
        params["day"] = contacts_on
    if requirements_of is not None:
        saved.requirement_rows = []
        params["organisation_id"], day = requirements_of
        if params.setdefault("day", day) != day:
            raise ValueError("contacts and requirements are read for one day")
    stmt = _statement(
        module_id is not None,
        step_id is not None,
        contacts_on is not None,
        requirements_of is not None,
        asked,
    )
    # On the session's connection, as plain rows: the ORM adds nothing to a union of columns.
    for kind, module, key, at, body in db.session.connection().execute(stmt, params):
        if kind == STEP:
            saved.steps.append((module, key, at))
        elif kind == COMPLETION:
            saved.completions.append((module, at))
        elif kind == PASS:
            saved.passes.append((module, at))
        elif kind == TICK:
            saved.ticks.setdefault(module, set()).add(key)
        elif kind == DISCUSSED:
            saved.discussed.append(date.fromisoformat(body[:10]))
        elif kind == CONTACT:
            name, _, phone = body.partition("\n")
            saved.party_contacts.append(PartyContact(module, name, key, phone))
        elif kind == REQUIRED:
            saved.requirement_rows.append((module, key, body))
        elif kind == ASKED:
            saved.asked = frozenset(json.loads(body))
        else:
            saved.notes[key] = body
    saved.discussed.sort()
    if saved.party_contacts:
        saved.party_contacts.sort(key=lambda c: (c.party, c.name, c.email))
    return saved
