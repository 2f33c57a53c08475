"""A required select passes the Nu HTML Checker: `required` only above an empty placeholder."""

import re

import pytest
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from course_app.forms import Form
from course_app.models import Permission


class Choice(Form):
    class Meta:
        csrf = False

    real_first = SelectField(
        "Module",
        choices=[SelectChoice("a", "A"), SelectChoice("b", "B")],
        validators=[InputRequired()],
    )
    placeholder_first = SelectField(
        "Period",
        choices=[SelectChoice("", "Choose"), SelectChoice("2026", "2026")],
        validators=[InputRequired()],
    )
    optional = SelectField("Order", choices=[SelectChoice("a", "A")])


def test_a_required_select_whose_first_option_is_a_choice_says_so_with_aria(app):
    with app.test_request_context():
        form = Choice()
        real_first, placeholder_first = str(form.real_first()), str(form.placeholder_first())
        optional = str(form.optional())
    assert " required" not in real_first and 'aria-required="true"' in real_first
    assert " required" in placeholder_first and "aria-required" not in placeholder_first
    assert "required" not in optional


@pytest.mark.parametrize(
    ("path", "permission"),
    [
        ("/security-unit/requirements/new", Permission.SECURITY_UNIT),
        ("/security-unit/roster", Permission.SECURITY_UNIT),
    ],
)
def test_no_page_has_a_required_select_without_a_placeholder(
    client, create_user, login_as, path, permission
):
    login_as(client, create_user(permissions=(permission,)))
    html = client.get(path).get_data(as_text=True)
    for select in re.findall(r"<select[^>]*>.*?</select>", html, re.S):
        first = re.search(r'<option[^>]*value="([^"]*)"', select)
        if re.search(r"<select[^>]* required", select):
            assert first is None or first.group(1) == "", select
