"""`flask content check`: the real course passes; each broken fixture gives its own message.

tests/catalog/fixtures/good is a small valid course. Each folder in fixtures/broken holds the
files that break one rule (laid over a copy of the good course), an optional remove.txt of
files to delete, and expected.txt: exactly what the check prints, one `file:line: message`
per problem.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from course_app.catalog import load_catalog
from course_app.catalog.check import content_cli
from course_app.config import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = sorted(p.name for p in (FIXTURES / "broken").iterdir())


def run_check(*args: str):
    return CliRunner().invoke(content_cli, ["check", *args])


def test_the_real_course_passes_the_check():
    result = run_check()
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "", "the real course gives warnings"
    assert "OK: 6 modules, no problems found." in result.stdout
    assert result.stdout.count("check of") == 6


def test_the_command_is_flask_content_check():
    env = {**os.environ, "FLASK_APP": "course_app"}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "content", "check"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "OK: 6 modules" in done.stdout


def test_the_good_fixture_passes_and_links_become_addresses(monkeypatch):
    monkeypatch.chdir(GOOD)
    result = run_check("--content", "content", "--quizzes", "quizzes")
    assert result.exit_code == 0, result.stderr
    step = load_catalog(GOOD / "content", GOOD / "quizzes").module("prov").steps[1]
    assert 'href="/modules/prov/steps/1"' in step.text("sv").body_html
    assert [part.kind for part in step.text("en").body] == ["html", "contacts"]


@pytest.fixture
def broken_course(tmp_path, monkeypatch):
    def _build(case: str) -> str:
        shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
        shutil.copytree(FIXTURES / "broken" / case, tmp_path, dirs_exist_ok=True)
        remove = tmp_path / "remove.txt"
        if remove.exists():
            for name in remove.read_text().split():
                (tmp_path / name).unlink()
            remove.unlink()
        (tmp_path / "expected.txt").unlink()
        monkeypatch.chdir(tmp_path)
        return (FIXTURES / "broken" / case / "expected.txt").read_text(encoding="utf-8")

    return _build


@pytest.mark.parametrize("case", BROKEN)
def test_each_broken_fixture_fails_with_its_message(broken_course, case):
    expected = broken_course(case)
    result = run_check("--content", "content", "--quizzes", "quizzes")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == expected.splitlines()
    assert "OK:" not in result.stdout


def test_a_check_whose_right_answer_is_the_longest_warns_but_passes(tmp_path, monkeypatch):
    shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "warning" / "longest-correct", tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    result = run_check("--content", "content", "--quizzes", "quizzes")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "quizzes/prov.yaml:1: warning: the correct option is the longest in 4 of 4 single-choice"
        " questions (sv); write wrong options as long as the right one"
    ]
    assert "OK: 1 modules, no problems found." in result.stdout


def test_publish_records_new_ids_and_then_the_check_passes(tmp_path, monkeypatch):
    shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    step = tmp_path / "content" / "prov" / "step-1.sv.md"
    for lang in ("sv", "en"):
        path = tmp_path / "content" / "prov" / f"step-1.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("gora-1-c", "gora-1-ny"))
    refused = run_check("--content", "content", "--quizzes", "quizzes")
    assert refused.exit_code == 1
    assert "the published id 'prov/steg-1/gora-1-c' is missing" in refused.stderr
    assert "the id 'prov/steg-1/gora-1-ny' is not published yet" in refused.stderr
    # Publishing adds the new id but never drops the old one: the rename stays refused.
    assert run_check("--content", "content", "--quizzes", "quizzes", "--publish").exit_code == 1
    listed = (tmp_path / "content" / "published-ids.txt").read_text(encoding="utf-8")
    assert "prov/steg-1/gora-1-ny" in listed and "prov/steg-1/gora-1-c" in listed
    step.write_text(step.read_text(encoding="utf-8").replace("gora-1-ny", "gora-1-c"))
    other = tmp_path / "content" / "prov" / "step-1.en.md"
    other.write_text(other.read_text(encoding="utf-8").replace("gora-1-ny", "gora-1-c"))
    refused = run_check("--content", "content", "--quizzes", "quizzes")
    assert "the published id 'prov/steg-1/gora-1-ny' is missing" in refused.stderr


def test_every_id_of_the_real_course_is_published():
    listed = (PROJECT_ROOT / "content" / "published-ids.txt").read_text(encoding="utf-8")
    catalog = load_catalog(PROJECT_ROOT / "content", PROJECT_ROOT / "quizzes")
    for module in catalog.modules:
        assert module.id in listed.splitlines()
        for step in module.steps:
            assert f"{module.id}/{step.id}" in listed.splitlines()
