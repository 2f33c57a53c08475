"""Load content/<module>/ into the catalog, collecting every problem with its file and line."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml
from frontmatter.default_handlers import YAMLHandler

from course_app.catalog.model import Catalog, Item, Module, ModuleText, Step, StepText
from course_app.catalog.render import render_markdown
from course_app.catalog.timing import count_words, estimate_minutes

STEPS_PER_MODULE = 3
MODULE_KEYS = {"id": str, "order": int, "title": str, "summary": str}
STEP_KEYS = {"id": str, "title": str, "reflection": list, "checklist": list}
ITEM_KEYS = {"id", "text"}
QUESTIONS = (2, 3)
CHECKLIST_ITEMS = (3, 7)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised when the course content is malformed; lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class _Source:
    """A parsed Markdown file: its front matter, the line of each key, and its body."""

    path: Path
    meta: dict
    lines: dict = field(default_factory=dict)
    body: str = ""

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def _read(path: Path, problems: list[Problem]) -> _Source | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(path, 1, "the file is not UTF-8 text"))
        return None
    handler = YAMLHandler()
    if not handler.detect(text):
        problems.append(
            Problem(path, 1, "the file must start with front matter between '---' lines")
        )
        return None
    front, body = handler.split(text)
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
        meta = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problems.append(Problem(path, line, f"the front matter is not valid YAML: {exc.problem}"))
        return None
    if not isinstance(meta, dict) or node is None:
        problems.append(Problem(path, 1, "the front matter must be a mapping of keys to values"))
        return None
    lines = {k.value: k.start_mark.line + 2 for k, _ in node.value}
    return _Source(path, meta, lines, body)


def _check_keys(src: _Source, schema: dict, problems: list[Problem]) -> bool:
    ok = True
    for key in src.meta:
        if key not in schema:
            problems.append(Problem(src.path, src.line(key), f"unknown key '{key}'"))
            ok = False
    for key, kind in schema.items():
        value = src.meta.get(key)
        if value is None or value == "":
            problems.append(Problem(src.path, 1, f"missing required key '{key}'"))
            ok = False
        elif not isinstance(value, kind) or isinstance(value, bool):
            name = {str: "text", int: "a whole number", list: "a list"}[kind]
            problems.append(Problem(src.path, src.line(key), f"'{key}' must be {name}"))
            ok = False
    if ok and "id" in schema and not _ID.match(src.meta["id"]):
        msg = "'id' must be lowercase letters, digits and hyphens"
        problems.append(Problem(src.path, src.line("id"), msg))
        ok = False
    return ok


def _items(src: _Source, key: str, bounds: tuple[int, int], problems: list[Problem]):
    raw = src.meta[key]
    line = src.line(key)
    items: list[Item] = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != ITEM_KEYS:
            problems.append(
                Problem(src.path, line, f"each entry of '{key}' needs exactly: id, text")
            )
            return None
        if not isinstance(entry["id"], str) or not _ID.match(entry["id"]):
            problems.append(Problem(src.path, line, f"'{key}' has an invalid id: {entry['id']!r}"))
            return None
        if not isinstance(entry["text"], str) or not entry["text"].strip():
            problems.append(Problem(src.path, line, f"'{key}' item '{entry['id']}' has no text"))
            return None
        items.append(Item(entry["id"], entry["text"].strip()))
    low, high = bounds
    if not low <= len(items) <= high:
        problems.append(
            Problem(src.path, line, f"'{key}' must have {low} to {high} entries, not {len(items)}")
        )
        return None
    return tuple(items)


def _version(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _step_text(src: _Source, problems: list[Problem]) -> StepText | None:
    if not _check_keys(src, STEP_KEYS, problems):
        return None
    questions = _items(src, "reflection", QUESTIONS, problems)
    checklist = _items(src, "checklist", CHECKLIST_ITEMS, problems)
    if questions is None or checklist is None:
        return None
    words = count_words(src.body)
    return StepText(
        title=src.meta["title"].strip(),
        body_html=render_markdown(src.body),
        questions=questions,
        checklist=checklist,
        words=words,
        minutes=estimate_minutes(words, len(questions), len(checklist)),
    )


def _same_ids(texts: dict, path: Path, problems: list[Problem]) -> bool:
    first_lang, first = next(iter(texts.items()))
    ok = True
    for lang, text in texts.items():
        for attr in ("questions", "checklist"):
            ids, expected = (
                [i.id for i in getattr(text, attr)],
                [i.id for i in getattr(first, attr)],
            )
            if ids != expected:
                msg = f"the {attr} ids in '{lang}' differ from '{first_lang}': {ids} != {expected}"
                problems.append(Problem(path, 1, msg))
                ok = False
    return ok


def _load_step(folder: Path, number: int, languages, problems) -> Step | None:
    paths = [folder / f"step-{number}.{lang}.md" for lang in languages]
    texts: dict[str, StepText] = {}
    step_ids: set[str] = set()
    for lang, path in zip(languages, paths, strict=True):
        if not path.is_file():
            problems.append(Problem(path, 1, "the file is missing"))
            continue
        src = _read(path, problems)
        text = _step_text(src, problems) if src else None
        if text is not None:
            texts[lang] = text
            step_ids.add(src.meta["id"])
    if len(texts) != len(languages):
        return None
    if len(step_ids) != 1:
        problems.append(Problem(paths[-1], 1, f"the step id differs between languages: {step_ids}"))
        return None
    if not _same_ids(texts, paths[-1], problems):
        return None
    return Step(step_ids.pop(), number, _version(paths), MappingProxyType(texts))


def _load_module_texts(folder: Path, languages, problems):
    texts: dict[str, ModuleText] = {}
    heads: set[tuple] = set()
    for lang in languages:
        path = folder / f"module.{lang}.md"
        if not path.is_file():
            problems.append(Problem(path, 1, "the file is missing"))
            continue
        src = _read(path, problems)
        if src is None or not _check_keys(src, MODULE_KEYS, problems):
            continue
        heads.add((src.meta["id"], src.meta["order"]))
        texts[lang] = ModuleText(
            src.meta["title"].strip(), src.meta["summary"].strip(), render_markdown(src.body)
        )
    if len(texts) != len(languages):
        return None, None
    if len(heads) != 1:
        problems.append(Problem(folder, 1, "'id' and 'order' must be the same in every language"))
        return None, None
    return heads.pop(), texts


def _load_module(folder: Path, languages, problems: list[Problem]) -> Module | None:
    extra = sorted(
        p.name
        for p in folder.glob("step-*.md")
        if not re.fullmatch(rf"step-[1-{STEPS_PER_MODULE}]\.({'|'.join(languages)})\.md", p.name)
    )
    for name in extra:
        problems.append(
            Problem(folder / name, 1, f"a module has exactly {STEPS_PER_MODULE} steps per language")
        )
    head, texts = _load_module_texts(folder, languages, problems)
    steps = [_load_step(folder, n, languages, problems) for n in range(1, STEPS_PER_MODULE + 1)]
    if head is None or None in steps or extra:
        return None
    _unique_ids(folder, steps, problems)
    module_id, order = head
    files = [p for p in folder.glob("*.md")]
    return Module(module_id, order, _version(files), MappingProxyType(texts), tuple(steps))


def _unique_ids(folder: Path, steps: list[Step], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for step in steps:
        text = next(iter(step.texts.values()))
        for item_id in [step.id, *(i.id for i in text.questions + text.checklist)]:
            if item_id in seen:
                problems.append(Problem(folder, 1, f"the id '{item_id}' is used twice"))
            seen.add(item_id)


def load_catalog(content_dir: str | Path, languages: Sequence[str] = ("sv", "en")) -> Catalog:
    """Load every module under content_dir; raise ContentError listing all problems."""
    root = Path(content_dir)
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(root, 1, "the content folder is missing")])
    modules = [
        _load_module(folder, tuple(languages), problems)
        for folder in sorted(p for p in root.iterdir() if p.is_dir())
    ]
    loaded = [m for m in modules if m is not None]
    for dup in {m.id for m in loaded if [x.id for x in loaded].count(m.id) > 1}:
        problems.append(Problem(root, 1, f"the module id '{dup}' is used twice"))
    if not loaded and not problems:
        problems.append(Problem(root, 1, "there are no modules"))
    if problems:
        raise ContentError(problems)
    return Catalog(tuple(sorted(loaded, key=lambda m: (m.order, m.id))))
