"""Page addresses kept once per process (course_app/urls.py) are those any request would build."""

import re

LINKS = re.compile(r'href="([^"]+)"')


def _links(response) -> set[str]:
    assert response.status_code == 200
    return set(LINKS.findall(response.get_data(as_text=True)))


def test_addresses_follow_the_script_root_of_each_request(client):
    plain = _links(client.get("/modules/organisation/steps/2"))
    under = _links(client.get("/modules/organisation/steps/2", base_url="http://localhost/kurs"))
    again = _links(client.get("/modules/organisation/steps/2"))
    assert "/modules/organisation/steps/1" in plain and "/static/app.css" in plain
    assert "/kurs/modules/organisation/steps/1" in under and "/kurs/static/app.css" in under
    assert "/kurs/sign-in?next=/modules/organisation/steps/2" in under
    assert again == plain


def test_each_page_links_its_own_steps_and_sign_in_return(client):
    first = _links(client.get("/modules/organisation/steps/1"))
    second = _links(client.get("/modules/organisation/steps/2"))
    assert "/sign-in?next=/modules/organisation/steps/1" in first
    assert "/sign-in?next=/modules/organisation/steps/2" in second
    assert "/modules/organisation/steps/3" in second - first


def test_a_template_rendered_outside_a_request_builds_its_addresses(app):
    app.config["SERVER_NAME"] = "tryggt.test"
    with app.app_context():
        page_url = app.jinja_env.globals["url_for"]
        assert page_url("learn.step", module_id="organisation", number=1) == (
            "http://tryggt.test/modules/organisation/steps/1"
        )
