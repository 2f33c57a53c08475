"""Load content/ and quizzes/ into the catalog, collecting every problem with its file and line."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml
from frontmatter.default_handlers import YAMLHandler

from course_app.catalog.model import (
    CONTACTS,
    BodyPart,
    Catalog,
    Item,
    Module,
    ModuleText,
    Source,
    Step,
    StepText,
)
from course_app.catalog.published import check_published
from course_app.catalog.quiz_loader import attach_quizzes
from course_app.catalog.render import URL_SCHEMES, render, scheme
from course_app.catalog.schema import ContentError, Problem, check_mapping
from course_app.catalog.timing import MAX_MINUTES, MIN_MINUTES, count_words, estimate_minutes
from course_app.catalog.yamlsource import Mapping, error_line, load_yaml

STEPS_PER_MODULE = 3
MODULE_KEYS = {"id": str, "order": int, "title": str, "summary": str, "sources": list}
STEP_KEYS = {"id": str, "title": str, "reflection": list, "checklist": list}
ITEM_KEYS = {"id": str, "text": str}
SOURCE_KEYS = {"text": str, "url": str}
QUESTIONS = (2, 3)
CHECKLIST_ITEMS = (3, 7)
PLACEHOLDERS = {CONTACTS}
_PLACEHOLDER = re.compile(r"<p>\{\{\s*([^{}\s]*)\s*\}\}</p>\n?")


def default_link(module_id: str, number: int | None) -> str:
    """Return the address of a module (number None) or of one of its steps."""
    return f"/modules/{module_id}" + (f"/steps/{number}" if number else "")


@dataclass
class _Source:
    """A parsed Markdown file: its front matter with key lines, and its body."""

    path: Path
    meta: Mapping
    body: str
    body_line: int

    def line(self, key: str) -> int:
        return self.meta.line_of(key)

    def line_of_text(self, needle: str) -> int:
        """Return the file line where needle first appears in the body."""
        index = self.body.find(needle)
        return self.body_line + self.body[: max(index, 0)].count("\n")


@dataclass
class _Context:
    """What the whole load shares: problems so far, and how to turn file links into addresses."""

    root: Path
    languages: tuple[str, ...]
    link_for: Callable[[str, int | None], str]
    problems: list[Problem] = field(default_factory=list)
    module_ids: dict[Path, str] = field(default_factory=dict)
    id_lines: dict[tuple[Path, str], list[int]] = field(default_factory=dict)

    def report(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))


def _read(path: Path, ctx: _Context) -> _Source | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        ctx.report(path, 1, "the file is not UTF-8 text")
        return None
    handler = YAMLHandler()
    if not handler.detect(text):
        ctx.report(path, 1, "the file must start with front matter between '---' lines")
        return None
    try:
        front, body = handler.split(text)
    except ValueError:
        ctx.report(path, 1, "the front matter is not closed with a '---' line")
        return None
    try:
        meta = load_yaml(front, first_line=1)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc
        ctx.report(path, error_line(exc), f"the front matter is not valid YAML: {problem}")
        return None
    if not isinstance(meta, Mapping):
        ctx.report(path, 1, "the front matter must be a mapping of keys to values")
        return None
    body_line = text[: len(text) - len(body)].count("\n") + 1
    return _Source(path, meta, body, body_line)


def _items(src: _Source, key: str, bounds: tuple[int, int], ctx: _Context):
    items: list[Item] = []
    for number, entry in enumerate(src.meta[key], start=1):
        where = f"'{key}' entry {number}: "
        line = src.line(key)
        if not check_mapping(src.path, entry, ITEM_KEYS, ctx.problems, where=where, line=line):
            return None
        ctx.id_lines.setdefault((src.path, entry["id"]), []).append(entry.line_of("id"))
        items.append(Item(entry["id"], entry["text"].strip()))
    low, high = bounds
    if not low <= len(items) <= high:
        message = f"'{key}' must have {low} to {high} entries, not {len(items)}"
        ctx.report(src.path, src.line(key), message)
        return None
    return tuple(items)


def _version(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _link_target(src: _Source, href: str, lang: str, ctx: _Context) -> str | None:
    """Return the address of a link to another course file, reporting a broken one."""
    target = (src.path.parent / href.split("#", 1)[0]).resolve()
    folder, name = target.parent, target.name
    match = re.fullmatch(r"(?:module|step-(\d+))\.([a-z]{2})\.md", name)
    if match is None or folder not in ctx.module_ids or not target.is_file():
        ctx.report(src.path, src.line_of_text(href), f"the link '{href}' leads to no course page")
        return None
    if match.group(2) != lang:
        message = f"the link '{href}' leads to a page in another language"
        ctx.report(src.path, src.line_of_text(href), message)
        return None
    number = int(match.group(1)) if match.group(1) else None
    return ctx.link_for(ctx.module_ids[folder], number)


def _body(src: _Source, lang: str, ctx: _Context) -> tuple[BodyPart, ...]:
    rendered = render(src.body)
    for block in rendered.raw_html:
        snippet = block.strip().splitlines()[0][:60]
        message = f"raw HTML is not allowed in course text: {snippet}"
        ctx.report(src.path, src.line_of_text(snippet), message)
    html = rendered.html
    for href in dict.fromkeys(rendered.hrefs):
        kind = scheme(href)
        if kind is None and not href.startswith(("#", "/")):
            address = _link_target(src, href, lang, ctx)
            if address:
                html = html.replace(f'href="{href}"', f'href="{address}"')
        elif kind not in URL_SCHEMES and not href.startswith("#"):
            message = f"the link '{href}' is not allowed: use https, mailto or tel"
            ctx.report(src.path, src.line_of_text(href), message)
    return _split_placeholders(src, html, ctx)


def _split_placeholders(src: _Source, html: str, ctx: _Context) -> tuple[BodyPart, ...]:
    parts: list[BodyPart] = []
    position = 0
    for match in _PLACEHOLDER.finditer(html):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            ctx.report(src.path, src.line_of_text(name), f"unknown placeholder '{{{{ {name} }}}}'")
        parts += [BodyPart("html", html[position : match.start()]), BodyPart(name)]
        position = match.end()
    parts.append(BodyPart("html", html[position:]))
    names = [part.kind for part in parts if part.kind != "html"]
    for name in {n for n in names if names.count(n) > 1}:
        message = f"the placeholder '{{{{ {name} }}}}' may appear only once on a page"
        ctx.report(src.path, src.line_of_text(name), message)
    rest = _PLACEHOLDER.sub("", html)
    if "{{" in rest:
        message = "a placeholder must stand alone in its own paragraph"
        ctx.report(src.path, src.line_of_text("{{"), message)
    return tuple(part for part in parts if part.kind != "html" or part.html.strip())


def _step_text(src: _Source, lang: str, ctx: _Context) -> StepText | None:
    if not check_mapping(src.path, src.meta, STEP_KEYS, ctx.problems):
        return None
    questions = _items(src, "reflection", QUESTIONS, ctx)
    checklist = _items(src, "checklist", CHECKLIST_ITEMS, ctx)
    body = _body(src, lang, ctx)
    if questions is None or checklist is None:
        return None
    words = count_words(src.body)
    minutes = estimate_minutes(words, len(questions), len(checklist))
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        message = (
            f"the step is estimated at {minutes} minutes ({words} words, {len(questions)}"
            f" questions, {len(checklist)} checklist items); it must take"
            f" {MIN_MINUTES} to {MAX_MINUTES}"
        )
        ctx.report(src.path, src.line_of_text(src.body.strip()[:40]), message)
    return StepText(
        title=src.meta["title"].strip(),
        body=body,
        questions=questions,
        checklist=checklist,
        words=words,
        minutes=minutes,
    )


def _same_ids(texts: dict, sources: dict, ctx: _Context) -> bool:
    first_lang, first = next(iter(texts.items()))
    ok = True
    for lang, text in texts.items():
        for attr, key in (("questions", "reflection"), ("checklist", "checklist")):
            ids = [i.id for i in getattr(text, attr)]
            expected = [i.id for i in getattr(first, attr)]
            if ids != expected:
                message = f"the {key} ids in '{lang}' differ from '{first_lang}': {ids}"
                ctx.report(sources[lang].path, sources[lang].line(key), message)
                ok = False
    return ok


def _load_step(folder: Path, number: int, ctx: _Context) -> Step | None:
    paths = [folder / f"step-{number}.{lang}.md" for lang in ctx.languages]
    texts: dict[str, StepText] = {}
    sources: dict[str, _Source] = {}
    for lang, path in zip(ctx.languages, paths, strict=True):
        if not path.is_file():
            ctx.report(path, 1, "the file is missing")
            continue
        src = _read(path, ctx)
        text = _step_text(src, lang, ctx) if src else None
        if text is not None:
            texts[lang], sources[lang] = text, src
            ctx.id_lines.setdefault((path, src.meta["id"]), []).insert(0, src.line("id"))
    if len(texts) != len(ctx.languages):
        return None
    step_ids = sorted({src.meta["id"] for src in sources.values()})
    if len(step_ids) != 1:
        last = sources[ctx.languages[-1]]
        message = f"the step id differs between languages: {step_ids}"
        ctx.report(last.path, last.line("id"), message)
        return None
    if not _same_ids(texts, sources, ctx):
        return None
    return Step(step_ids[0], number, _version(paths), MappingProxyType(texts))


def _sources(src: _Source, ctx: _Context) -> tuple[Source, ...] | None:
    sources = []
    for number, entry in enumerate(src.meta["sources"], start=1):
        where = f"'sources' entry {number}: "
        line = src.line("sources")
        if not check_mapping(src.path, entry, SOURCE_KEYS, ctx.problems, ("url",), where, line):
            return None
        url = entry.get("url") or None
        if url is not None and scheme(url) != "https":
            ctx.report(src.path, entry.line_of("url"), f"{where}the url must start with https://")
            return None
        sources.append(Source(entry["text"].strip(), url))
    return tuple(sources)


def _load_module_texts(folder: Path, ctx: _Context):
    texts: dict[str, ModuleText] = {}
    heads: set[tuple] = set()
    for lang in ctx.languages:
        path = folder / f"module.{lang}.md"
        if not path.is_file():
            ctx.report(path, 1, "the file is missing")
            continue
        src = _read(path, ctx)
        if src is None or not check_mapping(path, src.meta, MODULE_KEYS, ctx.problems):
            continue
        sources = _sources(src, ctx)
        intro_parts = _body(src, lang, ctx)
        if any(part.kind != "html" for part in intro_parts):
            message = "placeholders belong in steps, not in a module's introduction"
            ctx.report(src.path, src.line_of_text("{{"), message)
        intro = "".join(part.html for part in intro_parts)
        heads.add((src.meta["id"], src.meta["order"]))
        if sources is not None:
            meta = src.meta
            texts[lang] = ModuleText(meta["title"].strip(), meta["summary"].strip(), intro, sources)
    if len(texts) != len(ctx.languages):
        return None, None
    if len(heads) != 1:
        ctx.report(folder, 1, "'id' and 'order' must be the same in every language")
        return None, None
    return heads.pop(), texts


def _load_module(folder: Path, ctx: _Context) -> Module | None:
    pattern = rf"step-[1-{STEPS_PER_MODULE}]\.({'|'.join(ctx.languages)})\.md"
    extra = sorted(p.name for p in folder.glob("step-*.md") if not re.fullmatch(pattern, p.name))
    for name in extra:
        ctx.report(folder / name, 1, f"a module has exactly {STEPS_PER_MODULE} steps per language")
    head, texts = _load_module_texts(folder, ctx)
    steps = [_load_step(folder, n, ctx) for n in range(1, STEPS_PER_MODULE + 1)]
    if head is None or None in steps or extra:
        return None
    _unique_ids(folder, steps, ctx)
    module_id, order = head
    files = list(folder.glob("*.md"))
    return Module(module_id, order, _version(files), MappingProxyType(texts), tuple(steps))


def _unique_ids(folder: Path, steps: list[Step], ctx: _Context) -> None:
    seen: set[str] = set()
    for step in steps:
        text = next(iter(step.texts.values()))
        for item_id in [step.id, *(i.id for i in text.questions + text.checklist)]:
            path = folder / f"step-{step.number}.{ctx.languages[0]}.md"
            if item_id in seen:
                line = ctx.id_lines.get((path, item_id), [1])[-1]
                ctx.report(path, line, f"the id '{item_id}' is used twice in the module")
            seen.add(item_id)


def _module_ids(folders: list[Path], ctx: _Context) -> None:
    """Note each folder's module id first, so that links between modules can be resolved."""
    # The module files are read again, and their problems reported, when the modules load.
    scratch = _Context(ctx.root, ctx.languages, ctx.link_for)
    for folder in folders:
        path = folder / f"module.{ctx.languages[0]}.md"
        src = _read(path, scratch) if path.is_file() else None
        module_id = src.meta.get("id") if src else None
        if isinstance(module_id, str):
            ctx.module_ids[folder.resolve()] = module_id
            ctx.id_lines[(folder.resolve() / path.name, module_id)] = [src.line("id")]


def load_catalog(
    content_dir: str | Path,
    quiz_dir: str | Path | None = None,
    languages: Sequence[str] = ("sv", "en"),
    link_for: Callable[[str, int | None], str] = default_link,
    check_ids: bool = True,
) -> Catalog:
    """Load every module under content_dir and its check under quiz_dir; raise ContentError.

    check_ids=False skips comparing the ids with the published list (to extend that list).
    """
    root = Path(content_dir)
    ctx = _Context(root, tuple(languages), link_for)
    if not root.is_dir():
        raise ContentError([Problem(root, 1, "the content folder is missing")])
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    _module_ids(folders, ctx)
    loaded = [m for m in (_load_module(f, ctx) for f in folders) if m is not None]
    ids = list(ctx.module_ids.values())
    for folder, module_id in ctx.module_ids.items():
        if ids.count(module_id) > 1:
            path = folder / f"module.{ctx.languages[0]}.md"
            line = ctx.id_lines.get((path, module_id), [1])[0]
            ctx.report(path, line, f"the module id '{module_id}' is used in another folder too")
    if not loaded and not ctx.problems:
        ctx.report(root, 1, "there are no modules")
    declared = set(ctx.module_ids.values())
    if quiz_dir is not None:
        loaded = attach_quizzes(Path(quiz_dir), loaded, declared, ctx.languages, ctx.problems)
    if check_ids:
        ctx.problems += check_published(root, loaded, declared)
    if ctx.problems:
        raise ContentError(ctx.problems)
    return Catalog(tuple(sorted(loaded, key=lambda m: (m.order, m.id))))
