"""The login cookie in a real browser: a local login survives a reload and a new tab, the cookie is HttpOnly
and SameSite=Lax, logout ends it, a password change on the command line ends it at once, and the cookie opens
the API when the public view is off."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from kpi import auth
from tests.e2e.conftest import PASSWORD, assert_no_exception, log_in, wait_for_app

pytestmark = pytest.mark.e2e


LOGGED_IN = "Angemeldet als"


def sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def session_cookie(context) -> dict | None:
    for _ in range(50):  # the claim image's answer sets it a moment after the login
        found = [c for c in context.cookies() if c["name"] == "dc_session"]
        if found:
            return found[0]
        context.pages[0].wait_for_timeout(200)
    return None


def test_login_survives_reload_and_new_tab_and_logout_ends_it(browser, private_server):
    url, _ = private_server
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    try:
        page = context.new_page()
        addresses: list[str] = []
        context.on("request", lambda request: addresses.append(request.url))
        page.goto(url + "/kennzahlen")
        wait_for_app(page)
        assert LOGGED_IN not in sidebar_text(page)
        log_in(page)
        cookie = session_cookie(context)
        assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert PASSWORD not in cookie["value"]
        assert any("/auth/claim" in a for a in addresses)  # the requests were seen, and none carries the password
        assert not [a for a in addresses if PASSWORD in a or urllib.parse.quote(PASSWORD) in a]
        assert not cookie["secure"]  # plain http on the loopback; Secure behind HTTPS
        assert 7.9 * 3600 < cookie["expires"] - __import__("time").time() <= 8 * 3600 + 60

        page.reload()
        wait_for_app(page)
        assert LOGGED_IN in sidebar_text(page)
        assert "kennzahlen" in page.url
        assert_no_exception(page)

        tab = context.new_page()
        tab.goto(url + "/")
        wait_for_app(tab)
        assert LOGGED_IN in sidebar_text(tab)

        # the cookie opens the API although the public view is off
        response = context.request.get(url + "/api/v1/kpis")
        assert response.status == 200 and json.loads(response.body())["count"] > 0

        tab.locator("[data-testid='stSidebar']").get_by_role("button", name="Abmelden").click()
        tab.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes('Angemeldet als')",
            timeout=30000,
        )
        page.reload()
        wait_for_app(page)
        assert LOGGED_IN not in sidebar_text(page)
        assert context.request.get(url + "/api/v1/kpis").status == 401
    finally:
        context.close()


def test_password_change_ends_the_cookie_login_at_once(browser, private_server):
    url, store = private_server
    auth.add_user(store, "it-2", "it_office", PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(url + "/")
        wait_for_app(page)
        log_in(page, "it-2")
        assert session_cookie(context) is not None
        auth.set_password(store, "it-2", "Ein-neues-Passwort-1")
        page.reload()
        wait_for_app(page)
        assert LOGGED_IN not in sidebar_text(page)
        assert "Benutzer" in sidebar_text(page)
    finally:
        context.close()
