"""The st.App's own routes over HTTP against the real server (`streamlit run app.py`): the open-data API's
status codes, ETag/304, JSON errors, /healthz, the access rule without public view, and the login cookie's
routes refusing cross-site requests."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kpi import auth, sessions

pytestmark = pytest.mark.e2e


def get(url: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_health_answers_with_counts(server):
    status, headers, body = get(server + "/healthz")
    assert status == 200 and headers["content-type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["status"] == "ok" and payload["kpis"] > 0 and payload["measurements"] > 0


def test_kpi_list_carries_an_etag_and_answers_304_when_unchanged(server):
    status, headers, body = get(server + "/api/v1/kpis")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body)["count"] > 0
    assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT")
    assert headers["x-content-type-options"] == "nosniff"
    again, again_headers, again_body = get(server + "/api/v1/kpis", {"If-None-Match": headers["etag"]})
    assert again == 304 and again_body == b"" and again_headers["etag"] == headers["etag"]
    other, _, _ = get(server + "/api/v1/kpis?stand=2024-12-31", {"If-None-Match": headers["etag"]})
    assert other == 200  # another Stand is another representation


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/kpis/XX-99", 404, "unknown_kpi"),
        ("/api/v1/kpis?stand=31.12.2025", 400, "bad_stand"),
        ("/api/v1/values.csv?stand=morgen", 400, "bad_stand"),
        ("/api/v1/values.json?stand=2999-01-01", 400, "bad_stand"),
        ("/api/v1/nichts", 404, "not_found"),
        ("/api/v1/report.exe", 404, "not_found"),
        ("POST /api/v1/kpis", 405, "method_not_allowed"),
        ("DELETE /api/v1/values.csv", 405, "method_not_allowed"),
    ],
    ids=["unknown-kpi", "german-date", "word", "future", "unknown-path", "unknown-report-format", "post", "delete"],
)
def test_errors_are_json_with_a_status_code_and_no_trace(server, path, status, code):
    method, _, path = path.rpartition(" ")
    got, headers, body = get(server + path, method=method or "GET")
    assert got == status and headers["content-type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["error"] == code and payload["message"]
    assert b"Traceback" not in body


def test_values_and_catalog_in_their_media_types(server):
    status, headers, body = get(server + "/api/v1/values.csv?stand=2025-12-31")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.decode().splitlines()[0] == "kpi_id,period,value,comment,source,recorded_at,quality"
    status, headers, body = get(server + "/api/v1/values.json")
    assert status == 200 and isinstance(json.loads(body), list)
    status, headers, body = get(
        server + "/api/v1/dcat.jsonld", {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "cockpit.stadt.example"}
    )
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    assert json.loads(body)["@id"] == "https://cockpit.stadt.example/api/v1/dcat.jsonld"
    status, _, body = get(server + "/api/v1/openapi.json")
    assert status == 200 and "/api/v1/kpis" in json.loads(body)["paths"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "same-site"},
    ],
    ids=["no-evidence", "cross-site-origin", "foreign-referer", "same-site-subdomain"],
)
def test_cookie_routes_refuse_cross_site_requests(server, headers):
    status, response_headers, body = get(server + "/auth/claim?code=abc", headers)
    assert status == 403 and "set-cookie" not in response_headers
    assert json.loads(body)["error"] == "forbidden"


def test_claim_from_the_own_pages_with_a_wrong_code_sets_no_cookie(server):
    own = {"Sec-Fetch-Site": "same-origin", "Referer": server + "/kennzahlen"}
    status, headers, _ = get(server + "/auth/claim?code=erraten", own)
    assert status == 403 and "set-cookie" not in headers


def test_without_public_view_the_api_needs_a_login_but_health_answers(private_server):
    private_server, _ = private_server
    for path in ("/api/v1/kpis", "/api/v1/values.csv", "/api/v1/dcat.jsonld", "/api/v1/report.pdf"):
        status, headers, body = get(private_server + path)
        assert status == 401, path
        assert json.loads(body)["error"] == "login_required"
        assert "access-control-allow-origin" not in headers
    forged = {"Cookie": "dc_session=abc.def"}
    assert get(private_server + "/api/v1/kpis", forged)[0] == 401
    status, _, body = get(private_server + "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_claim_behind_https_sets_a_secure_httponly_cookie_that_opens_the_api_until_logout(private_server):
    private_server, store = private_server
    new = sessions.create(store, auth.get_user(store, "it"))  # as the login form does (no XSRF cookie here)
    own = {"Sec-Fetch-Site": "same-origin", "Referer": private_server + "/", "X-Forwarded-Proto": "https"}
    status, headers, _ = get(private_server + f"/auth/claim?code={new.claim}", own)
    assert status == 204
    cookie = headers["set-cookie"]
    assert cookie.startswith("dc_session=") and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower() and "Max-Age=28" in cookie  # 8 hours = 28800 s
    value = cookie.split(";")[0]
    assert get(private_server + f"/auth/claim?code={new.claim}", own)[0] == 403  # once only
    status, _, body = get(private_server + "/api/v1/kpis", {"Cookie": value})
    assert status == 200 and json.loads(body)["count"] > 0
    status, headers, _ = get(private_server + "/auth/session/logout", {**own, "Cookie": value})
    assert status == 204 and "dc_session=" in headers["set-cookie"] and "Max-Age=0" in headers["set-cookie"]
    assert get(private_server + "/api/v1/kpis", {"Cookie": value})[0] == 401  # revoked on the server too


def test_streamlit_keeps_its_own_logout_for_single_sign_on(server):
    """`st.logout()` sends the browser to /auth/logout: Streamlit's route, which clears its identity cookie and
    redirects (ours is /auth/session/logout and would have answered 204, leaving the single sign-on in place)."""
    address = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    navigate = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Cookie": "_streamlit_user=x"}
    connection.request("GET", "/auth/logout", headers=navigate)
    answer = connection.getresponse()
    assert answer.status in (302, 303, 307), answer.status
    assert "dc_session=" not in (answer.getheader("set-cookie") or "")
