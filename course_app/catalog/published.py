"""Published ids: once an id has reached officials it must not change.

Progress, notes and ticks are stored under module, step, question and checklist ids.
content/published-ids.txt lists every id ever published, one `module/step/item` path a line.
An id missing from the content would orphan what officials saved under it; an id in the
content but not in the list has not been published yet (`flask content check --publish`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from course_app.catalog.model import Module
from course_app.catalog.schema import Problem

FILE_NAME = "published-ids.txt"
HEADER = (
    "# Every id ever published. Progress, notes and ticks are kept under these ids, so an id\n"
    "# must never change or disappear. Add new ones with: flask content check --publish\n"
)


def ids_of(modules: Iterable[Module]) -> set[str]:
    """Return every learner-state id of the modules as module/step/item paths."""
    ids: set[str] = set()
    for module in modules:
        ids.add(module.id)
        for step in module.steps:
            ids.add(f"{module.id}/{step.id}")
            text = next(iter(step.texts.values()))
            ids.update(f"{module.id}/{step.id}/{item.id}" for item in text.questions)
            ids.update(f"{module.id}/{step.id}/{item.id}" for item in text.checklist)
    return ids


def read_published(root: Path) -> dict[str, int]:
    """Return the published ids with their line numbers; none if the list does not exist."""
    path = root / FILE_NAME
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return {
        line.strip(): number
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.startswith("#")
    }


def check_published(root: Path, modules: list[Module], declared: set[str]) -> list[Problem]:
    """Report published ids that are gone, and ids not yet recorded as published."""
    path = root / FILE_NAME
    published = read_published(root)
    current = ids_of(modules)
    loaded = {m.id for m in modules}
    problems = []
    for id_path, line in published.items():
        module_id = id_path.split("/", 1)[0]
        gone = module_id not in declared or (module_id in loaded and id_path not in current)
        if gone:
            message = f"the published id '{id_path}' is missing: a published id must not change"
            problems.append(Problem(path, line, message))
    for id_path in sorted(current - published.keys()):
        message = f"the id '{id_path}' is not published yet: run flask content check --publish"
        problems.append(Problem(path, 1, message))
    return problems


def publish(root: Path, modules: list[Module]) -> int:
    """Add the modules' new ids to the published list; return how many were added."""
    published = read_published(root)
    new = ids_of(modules) - published.keys()
    lines = sorted(published.keys() | new)
    (root / FILE_NAME).write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return len(new)
