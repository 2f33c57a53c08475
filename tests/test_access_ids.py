"""Ids in addresses: a number beyond the database's integers is not found, on every route that
takes one; another organisation's id is not found either, and that refusal is logged."""

from __future__ import annotations

import logging
import re

import pytest

from tests import test_access
from tests.conftest import csrf_from
from tests.test_access import ACCESS, KINDS, NOT_FOUND, OK, _url

world = test_access.world  # the same organisations, users and ids as the access test

INT_ARGUMENTS = [
    (rule, method, name)
    for rule, methods in ACCESS.items()
    for method in methods
    for name in re.findall(r"<int:(\w+)>", rule)
]
# Another organisation's row named in the address (not a certificate's year, which is no row).
ELSEWHERE = [
    (rule, method)
    for rule, methods in ACCESS.items()
    for method, outcomes in methods.items()
    if "<int:" in rule
    and outcomes["other_security_unit"] == NOT_FOUND
    and not rule.startswith("/certificates")
]


def _send(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


def _refusals(caplog) -> list[dict]:
    return [
        r.security_event
        for r in caplog.records
        if r.name == "tryggt.security" and r.security_event["event"] == "access_refused"
    ]


def test_every_route_with_an_id_is_checked():
    assert len({rule for rule, _, _ in INT_ARGUMENTS}) >= 20


@pytest.mark.parametrize("number", [10**20 - 1, 2**31])
@pytest.mark.parametrize(("rule", "method", "name"), INT_ARGUMENTS)
def test_an_id_beyond_the_databases_integers_is_not_found(
    app, world, login_as, rule, method, name, number
):
    # Signed in as someone who reaches the page with the right ids.
    kind = next(k for k in KINDS if k != "guest" and ACCESS[rule][method][k] == OK)
    client = app.test_client()
    login_as(client, world.users[kind])
    url = _url(rule, {**world.ids, name: number})
    assert _send(client, method, url).status_code == 404, url


@pytest.mark.parametrize(("rule", "method"), ELSEWHERE)
def test_another_organisations_id_is_logged_as_a_refusal(
    app, world, login_as, caplog, rule, method
):
    caplog.set_level(logging.INFO, logger="tryggt.security")
    stranger = world.users["other_security_unit"]
    client = app.test_client()
    login_as(client, stranger)
    assert _send(client, method, _url(rule, world.ids)).status_code == 404
    [refused] = _refusals(caplog)
    assert refused["user"] == stranger.id
    assert (refused["status"], refused["reason"]) == (404, "other_organisation")


def test_an_id_that_names_nothing_is_not_a_refusal(app, world, login_as, caplog):
    caplog.set_level(logging.INFO, logger="tryggt.security")
    client = app.test_client()
    login_as(client, world.users["security_unit"])
    assert client.get("/security-unit/officials/987654").status_code == 404
    assert _refusals(caplog) == []
