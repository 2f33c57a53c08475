"""`flask content check`: validate content/ and quizzes/ without starting the application."""

from __future__ import annotations

import os
from pathlib import Path

import click

from course_app.catalog.loader import load_catalog
from course_app.catalog.published import FILE_NAME
from course_app.catalog.published import publish as publish_ids
from course_app.catalog.quiz_lint import quiz_warnings
from course_app.catalog.schema import ContentError, Problem
from course_app.config import DEFAULTS, PROJECT_ROOT


def _shown(problem: Problem) -> str:
    """Return the problem with its path relative to the working folder when that is shorter."""
    path = os.path.relpath(problem.path) if Path(problem.path).is_absolute() else problem.path
    if str(path).startswith(".."):
        path = problem.path
    return f"{path}:{problem.line}: {problem.message}"


@click.group("content", help="Work with the course content.")
def content_cli() -> None:
    """Group the content commands."""


@content_cli.command("check")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="Course folder.")
@click.option("--quizzes", "quiz_dir", type=click.Path(path_type=Path), help="Quizzes folder.")
@click.option(
    "--publish", is_flag=True, help=f"Add new ids to {FILE_NAME} once everything else is right."
)
def check_content(content_dir: Path | None, quiz_dir: Path | None, publish: bool) -> None:
    """Check every file under content/ and quizzes/; print file:line: message for each problem."""
    content_dir = content_dir or Path(os.environ.get("CONTENT_DIR") or PROJECT_ROOT / "content")
    quiz_dir = quiz_dir or Path(os.environ.get("QUIZ_DIR") or PROJECT_ROOT / "quizzes")
    try:
        if publish:
            catalog = load_catalog(content_dir, quiz_dir, DEFAULTS["LANGUAGES"], check_ids=False)
            click.echo(f"Published {publish_ids(content_dir, list(catalog.modules))} new ids.")
        catalog = load_catalog(content_dir, quiz_dir, DEFAULTS["LANGUAGES"])
    except ContentError as error:
        for problem in error.problems:
            click.echo(_shown(problem), err=True)
        raise click.exceptions.Exit(1) from None
    for warning in quiz_warnings(catalog, quiz_dir, DEFAULTS["LANGUAGES"]):
        click.echo(_shown(warning), err=True)
    for module in catalog.modules:
        minutes = ", ".join(
            f"{lang} {'+'.join(str(s.text(lang).minutes) for s in module.steps)} min"
            for lang in DEFAULTS["LANGUAGES"]
        )
        quiz = module.quiz
        check = (
            f"check of {quiz.asked_count} questions from a pool of {len(quiz.questions)}"
            if quiz
            else "no check"
        )
        click.echo(f"{module.id}: 3 steps ({minutes}), {check}")
    click.echo(f"OK: {len(catalog.modules)} modules, no problems found.")
