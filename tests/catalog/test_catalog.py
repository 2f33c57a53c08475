"""The course content: every file loads, and malformed content stops start-up."""

import dataclasses
import shutil
from pathlib import Path

import pytest

from course_app import create_app
from course_app.catalog import ContentError, load_catalog
from course_app.catalog.render import render_markdown
from course_app.catalog.timing import MAX_MINUTES, MIN_MINUTES, estimate_minutes
from course_app.config import PROJECT_ROOT
from tests.conftest import make_config

CONTENT = PROJECT_ROOT / "content"
QUIZZES = PROJECT_ROOT / "quizzes"
LANGUAGES = ("sv", "en")
MODULE_DIRS = sorted(p for p in CONTENT.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CONTENT, QUIZZES, LANGUAGES)


def test_every_module_folder_is_loaded_in_course_order(catalog):
    assert len(catalog.modules) == len(MODULE_DIRS)
    orders = [m.order for m in catalog.modules]
    assert orders == sorted(set(orders))
    assert catalog.module("organisation").text("sv").title == "Organisation och förberedelser"


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=lambda p: p.name)
def test_module_has_three_steps_in_every_language(catalog, folder):
    for lang in LANGUAGES:
        assert (folder / f"module.{lang}.md").is_file()
        for number in (1, 2, 3):
            assert (folder / f"step-{number}.{lang}.md").is_file()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"module.{lang}.md" for lang in LANGUAGES]
        + [f"step-{n}.{lang}.md" for n in (1, 2, 3) for lang in LANGUAGES]
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_is_estimated_at_five_to_ten_minutes(catalog, lang):
    for module in catalog.modules:
        for step in module.steps:
            text = step.text(lang)
            assert MIN_MINUTES <= text.minutes <= MAX_MINUTES, (module.id, step.id, lang)
            assert text.minutes == estimate_minutes(
                text.words, len(text.questions), len(text.checklist)
            )


def test_steps_have_two_or_three_questions_and_a_short_checklist(catalog):
    for module in catalog.modules:
        for step in module.steps:
            for lang in LANGUAGES:
                text = step.text(lang)
                assert 2 <= len(text.questions) <= 3
                assert 3 <= len(text.checklist) <= 7
                assert text.body_html.strip()


def test_the_same_ids_in_every_language(catalog):
    for module in catalog.modules:
        for step in module.steps:
            sv, en = step.text("sv"), step.text("en")
            assert [q.id for q in sv.questions] == [q.id for q in en.questions]
            assert [i.id for i in sv.checklist] == [i.id for i in en.checklist]
            assert sv.title != en.title


def test_catalog_is_frozen(catalog):
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.modules[0].id = "other"


def test_estimate_adds_time_per_question_and_item():
    assert estimate_minutes(180, 0, 0) == 1
    assert estimate_minutes(360, 2, 4) == 2 + 3 + 1
    assert estimate_minutes(181, 0, 0) == 2


def test_sanitiser_removes_raw_html():
    html = render_markdown(
        'Hej <script>alert(1)</script> <a href="javascript:alert(1)">x</a> <b onclick="x()">b</b>'
    )
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_step_version_changes_with_its_text(tmp_path, catalog):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    path = copy / "organisation" / "step-2.en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    changed = load_catalog(copy, QUIZZES, LANGUAGES)
    module, original = changed.module("organisation"), catalog.module("organisation")
    assert module.steps[1].version != original.steps[1].version
    assert module.steps[0].version == original.steps[0].version
    assert module.version != original.version
    assert changed.module("om-nagot-hander").version == catalog.module("om-nagot-hander").version


def _broken(tmp_path: Path, name: str, transform) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    path = copy / MODULE_DIRS[0].name / name
    transform(path)
    return copy


BREAKAGES = {
    "missing file": ("step-3.en.md", lambda p: p.unlink(), "the file is missing"),
    "bad yaml": (
        "step-1.sv.md",
        lambda p: p.write_text("---\ntitle: [unclosed\n---\nText\n"),
        "not valid YAML",
    ),
    "no front matter": ("step-2.sv.md", lambda p: p.write_text("Just text\n"), "front matter"),
    "unknown key": (
        "step-1.en.md",
        lambda p: p.write_text(
            p.read_text(encoding="utf-8").replace("---\n", "---\ncolour: red\n", 1)
        ),
        "unknown key 'colour'",
    ),
    "fourth step": (
        "step-4.sv.md",
        lambda p: p.write_text("---\nid: extra\n---\n"),
        "exactly 3 steps",
    ),
}


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_malformed_content_stops_start_up_with_file_and_reason(migrated, tmp_path, case):
    name, transform, message = BREAKAGES[case]
    content = _broken(tmp_path, name, transform)
    with pytest.raises(ContentError) as error:
        create_app(make_config(migrated, tmp_path, CONTENT_DIR=str(content)))
    assert name in str(error.value)
    assert message in str(error.value)
