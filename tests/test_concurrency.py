"""Many saves at once, over HTTP against a served app: no error, nothing lost, nothing mixed.

Runs on the suite's database (SQLite by default, PostgreSQL with TEST_DATABASE_URL) with
committed data, as a real server would see it, and removes what it made afterwards.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from werkzeug.serving import make_server

from course_app import create_app
from course_app.auth import services
from course_app.extensions import db
from course_app.learn.check_draw import read_draw
from course_app.models import (
    Assignment,
    AssignmentRole,
    AuditRecord,
    ChecklistTick,
    Discussion,
    DiscussionAttendance,
    Extent,
    GroupContact,
    GroupMember,
    ModuleCompletion,
    Organisation,
    Party,
    Permission,
    QuizAttempt,
    ReflectionNote,
    StepProgress,
    User,
    UserPermission,
)
from tests.conftest import csrf_from, make_config

MODULE = "organisation"
STEP = f"/modules/{MODULE}/steps/1"
CHECK = f"/modules/{MODULE}/check"
WRITERS = 20


@dataclass
class Served:
    app: object
    url: str
    org_id: int


@pytest.fixture
def served(migrated, tmp_path) -> Iterator[Served]:
    """The app on a free port, a threaded server, its own organisation; removed afterwards."""
    app = create_app(make_config(migrated, tmp_path, RATELIMIT_ENABLED=False))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        org = services.create_organisation(f"conc-{uuid.uuid4().hex[:8]}", "Samtidigkommun")
        db.session.commit()
        org_id = org.id
    try:
        yield Served(app, f"http://127.0.0.1:{server.server_port}", org_id)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        _remove_organisation(app, org_id)


def _remove_organisation(app, org_id: int) -> None:
    with app.app_context():
        db.session.remove()
        users = select(User.id).where(User.organisation_id == org_id)
        discussions = select(Discussion.id).where(Discussion.organisation_id == org_id)
        db.session.execute(
            delete(DiscussionAttendance).where(DiscussionAttendance.discussion_id.in_(discussions))
        )
        for model in (Discussion, Assignment, AuditRecord):
            db.session.execute(delete(model).where(model.organisation_id == org_id))
        for model in (GroupContact, GroupMember):
            db.session.execute(delete(model).where(model.user_id.in_(users)))
        db.session.execute(delete(Party).where(Party.organisation_id == org_id))
        for model in (
            ChecklistTick,
            ReflectionNote,
            StepProgress,
            ModuleCompletion,
            QuizAttempt,
            UserPermission,
        ):
            db.session.execute(delete(model).where(model.user_id.in_(users)))
        db.session.execute(delete(User).where(User.organisation_id == org_id))
        db.session.execute(delete(Organisation).where(Organisation.id == org_id))
        db.session.commit()
        db.engine.dispose()


class Browser:
    """One signed-in browser: a cookie jar; posts forms and reports the status codes."""

    def __init__(self, served: Served, user_id: int):
        self.base = served.url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        app = served.app
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": f"{user_id}:0", "_fresh": True}
        )
        self.jar.set_cookie(_cookie(app.config["SESSION_COOKIE_NAME"], cookie))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]]) -> int:
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False,
        None, None, {},
    )  # fmt: skip


def _official(served: Served, email: str) -> int:
    with served.app.app_context():
        org = db.session.get(Organisation, served.org_id)
        user = services.create_user(org, email, [Permission.OFFICIAL])
        db.session.commit()
        return user.id


def _all_at_once(jobs) -> list:
    """Run the callables together from one starting line; return their results."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        start.wait()
        results[index] = job()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def _step_payloads(html: str, count: int, tag: str) -> list[list[tuple[str, str]]]:
    """Return count different step forms: each its own ticks and its own note."""
    token = csrf_from(html)
    items = re.findall(r'name="checklist" type="checkbox" value="([^"]+)"', html) or re.findall(
        r'type="checkbox"[^>]*value="([^"]+)"', html
    )
    note = re.search(r'name="(note-[^"]+)"', html).group(1)
    assert len(items) >= 3
    payloads = []
    for n in range(count):
        ticked = [item for i, item in enumerate(items) if (n >> i) & 1] or items[:1]
        fields = [("csrf_token", token), (note, f"{tag} note {n}"), ("save", "1")]
        payloads.append(fields + [("checklist", item) for item in ticked])
    return payloads


def _saved_step(app, user_id: int) -> tuple[frozenset[str], list[str]]:
    with app.app_context():
        ticks = db.session.scalars(select(ChecklistTick.item_id).where(_of(ChecklistTick, user_id)))
        notes = db.session.scalars(select(ReflectionNote.body).where(_of(ReflectionNote, user_id)))
        return frozenset(ticks), list(notes)


def _of(model, user_id: int):
    return (model.user_id == user_id) & (model.module_id == MODULE)


def _sent(payload) -> tuple[frozenset[str], str]:
    ticks = frozenset(v for k, v in payload if k == "checklist")
    note = next(v for k, v in payload if k.startswith("note-"))
    return ticks, note


def test_twenty_saves_of_one_step_at_once_all_succeed_and_one_of_them_wins_whole(served):
    user_id = _official(served, "tjugo@example.se")
    browser = Browser(served, user_id)
    payloads = _step_payloads(browser.get(STEP), WRITERS, "tab")

    statuses = _all_at_once([lambda p=p: browser.post(STEP, p) for p in payloads])

    assert statuses == [302] * WRITERS
    ticks, notes = _saved_step(served.app, user_id)
    assert len(notes) == 1
    # What is saved is exactly one request's form: its ticks with its note, never a mix.
    assert (ticks, notes[0]) in {_sent(p) for p in payloads}


def test_four_officials_saving_at_once_each_keep_their_own(served):
    users = [_official(served, f"fyra{n}@example.se") for n in range(4)]
    jobs, sent = [], {}
    for n, user_id in enumerate(users):
        browser = Browser(served, user_id)
        payloads = _step_payloads(browser.get(STEP), 5, f"official {n}")
        sent[user_id] = {_sent(p) for p in payloads}
        jobs += [lambda b=browser, p=p: b.post(STEP, p) for p in payloads]

    statuses = _all_at_once(jobs)

    assert statuses == [302] * len(jobs)
    for user_id in users:
        ticks, notes = _saved_step(served.app, user_id)
        assert len(notes) == 1
        assert (ticks, notes[0]) in sent[user_id]


def _check_payloads(served: Served, browser, count: int) -> list[list[tuple[str, str]]]:
    """Return count answered check forms, each from a page of its own and so its own draw."""
    return [_right_answers(served, browser.get(CHECK)) for _ in range(count)]


def _token_of(served: Served, payload: list[tuple[str, str]]) -> str:
    """Return the attempt token signed into a check form's draw."""
    quiz = served.app.extensions["catalog"].module(MODULE).quiz
    with served.app.test_request_context():
        return read_draw(dict(payload)["draw"], quiz).token


def test_twenty_check_submissions_at_once_are_each_stored_exactly_once(served):
    user_id = _official(served, "prov@example.se")
    browser = Browser(served, user_id)
    payloads = _check_payloads(served, browser, WRITERS)

    statuses = _all_at_once([lambda p=p: browser.post(CHECK, p) for p in payloads])
    # The same forms sent again (a double submit) store nothing new.
    again = _all_at_once([lambda p=p: browser.post(CHECK, p) for p in payloads[:5]])

    assert statuses == [302] * WRITERS
    assert again == [302] * 5
    with served.app.app_context():
        tokens = db.session.scalars(select(QuizAttempt.token).where(_of(QuizAttempt, user_id)))
        assert sorted(tokens) == sorted(_token_of(served, p) for p in payloads)


def _right_answers(served: Served, html: str) -> list[tuple[str, str]]:
    """Return the check form on the page answered correctly (the form reads the drawn questions)."""
    quiz = served.app.extensions["catalog"].module(MODULE).quiz
    draw = re.search(r'name="draw" type="hidden" value="([^"]*)"', html).group(1)
    fields = [("csrf_token", csrf_from(html)), ("draw", draw)]
    for question in quiz.questions:
        fields += [(f"q-{question.id}", option) for option in sorted(question.correct_ids)]
    return fields


def test_the_last_step_done_in_two_tabs_at_once_completes_the_module_once(served):
    """Each tab marks a different last step done; one of them must see the other's."""
    user_id = _official(served, "tvaflikar@example.se")
    browser = Browser(served, user_id)
    html = {n: browser.get(f"/modules/{MODULE}/steps/{n}") for n in (1, 2, 3)}
    assert browser.post(CHECK, _right_answers(served, browser.get(CHECK))) == 302
    assert browser.post(f"/modules/{MODULE}/steps/1", _done(html[1])) == 302

    statuses = _all_at_once(
        [lambda n=n: browser.post(f"/modules/{MODULE}/steps/{n}", _done(html[n])) for n in (2, 3)]
    )

    assert statuses == [302, 302]
    with served.app.app_context():
        done = select(func.count()).select_from(StepProgress).where(_of(StepProgress, user_id))
        completions = select(func.count()).where(_of(ModuleCompletion, user_id))
        assert db.session.scalar(done) == 3
        assert db.session.scalar(completions) == 1


def _done(html: str) -> list[tuple[str, str]]:
    return [("csrf_token", csrf_from(html)), ("done", "1")]


def _party_group(served: Served) -> tuple[int, int, list[int]]:
    """A party with a contact and two more members, and a discussion: (party, discussion, ids)."""
    ids = [_official(served, f"grupp-{i}-{uuid.uuid4().hex[:6]}@example.se") for i in range(3)]
    with served.app.app_context():
        party = Party(organisation_id=served.org_id, name="Samtidigpartiet")
        db.session.add(party)
        db.session.flush()
        for user_id in ids:
            db.session.add(
                Assignment(
                    organisation_id=served.org_id, user_id=user_id, party_id=party.id,
                    role=AssignmentRole.ORDINARIE, extent=Extent.FRITID,
                    starts_on=date(2022, 10, 15),
                )
            )  # fmt: skip
        db.session.add(GroupContact(party_id=party.id, user_id=ids[0]))
        discussion = Discussion(
            organisation_id=served.org_id, party_id=party.id, module_id=MODULE,
            held_on=date(2026, 12, 1),
        )  # fmt: skip
        db.session.add(discussion)
        db.session.commit()
        return party.id, discussion.id, ids


def test_attendance_recorded_in_many_tabs_at_once_is_stored_once(served):
    party_id, discussion_id, ids = _party_group(served)
    url = f"/groups/{party_id}/discussions/{discussion_id}"
    tabs = [Browser(served, ids[0]) for _ in range(WRITERS // 2)]
    tokens = [csrf_from(tab.get(url)) for tab in tabs]
    fields = [[("csrf_token", token), ("present", str(ids[1])), ("present", str(ids[2]))]
              for token in tokens]  # fmt: skip
    statuses = _all_at_once(
        [
            lambda t=tab, f=f: t.post(url + "/attendance", f)
            for tab, f in zip(tabs, fields, strict=True)
        ]
    )
    assert statuses == [302] * len(tabs)
    with served.app.app_context():
        rows = db.session.scalars(
            select(DiscussionAttendance.user_id).where(
                DiscussionAttendance.discussion_id == discussion_id
            )
        ).all()
    assert sorted(rows) == sorted(ids[1:])


def test_shared_notes_saved_by_many_members_at_once_keep_one_whole_text(served):
    party_id, discussion_id, ids = _party_group(served)
    url = f"/groups/{party_id}/discussions/{discussion_id}"
    tabs = [Browser(served, ids[i % 3]) for i in range(WRITERS // 2)]
    pages = [tab.get(url) for tab in tabs]
    texts = [f"Anteckning {i} " + secrets.token_hex(8) for i in range(len(tabs))]
    fields = [
        [("csrf_token", csrf_from(page)), ("revision", "0"), ("notes", text)]
        for page, text in zip(pages, texts, strict=True)
    ]
    statuses = _all_at_once(
        [lambda t=tab, f=f: t.post(url + "/notes", f) for tab, f in zip(tabs, fields, strict=True)]
    )
    assert statuses.count(302) == 1 and statuses.count(409) == len(tabs) - 1, statuses
    with served.app.app_context():
        notes = db.session.scalar(select(Discussion.notes).where(Discussion.id == discussion_id))
    assert notes == texts[statuses.index(302)]
