"""The console's widget routes, without a browser: /health, /demo, static files, /api/survey."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.runtime.services import Ports, product_env
from bot.web.app import STATIC, ConsoleSettings, create_app
from bot.web.survey import MAX_COMMENT_CHARS, SurveyError, parse_survey
from tests.web.console_app import SECURITY
from tests.web.surveys import seed_conversation, stored_surveys


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A transcript database with conversations for the senders these tests rate."""
    url = f"sqlite:///{tmp_path / 'transcripts.sqlite'}"
    for sender in ("web-abc", "web-1"):
        seed_conversation(url, sender)
    return url


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    settings = ConsoleSettings(
        rasa_public_url="https://chat.example.com:5005", max_message_chars=1500,
        transcripts_url=db_url, warm_up_redaction=False,
    )
    with TestClient(create_app(settings, SECURITY)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_demo_embeds_the_widget_with_one_script_tag(client: TestClient) -> None:
    page = client.get("/demo")
    assert page.status_code == 200
    scripts = re.findall(r"<script\b[^>]*>", page.text)
    assert len(scripts) == 1
    tag = scripts[0]
    assert 'src="/widget/candor-widget.js"' in tag
    assert 'data-server-url="https://chat.example.com:5005"' in tag
    assert 'data-max-chars="1500"' in tag
    assert "Northwind Bank" in page.text
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page.text) == []  # no CDN, nothing remote


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    for path in ("/login", "/demo", "/health", "/widget/candor-widget.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp, path
        assert "connect-src 'self' https://chat.example.com:5005;" in csp, path
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_the_widget_files_are_served(client: TestClient) -> None:
    js = client.get("/widget/candor-widget.js")
    css = client.get("/widget/candor-widget.css")
    assert js.status_code == css.status_code == 200
    assert "javascript" in js.headers["content-type"]
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/static/demo.css").status_code == 200
    assert client.get("/widget/../app.py").status_code == 404


def test_the_widget_never_builds_html_from_strings() -> None:
    """A guard for the safe-rendering rule: text goes in as text nodes only."""
    source = (STATIC / "widget" / "candor-widget.js").read_text()
    comments = ("*", "//", "/*")
    code = "\n".join(ln for ln in source.splitlines() if not ln.strip().startswith(comments))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "http://", "https://"):
        assert sink not in code, sink


def test_a_survey_answer_is_stored_with_its_comment_redacted(
    client: TestClient, db_url: str
) -> None:
    body = {"sender": "web-abc", "rating": 5, "comment": "Great. Write to ada.byron@example.com"}
    response = client.post("/api/survey", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["rating"] == 5
    [(rating, comment, source)] = stored_surveys(db_url, "web-abc")
    assert (rating, source) == (5, "widget")
    assert comment is not None and "ada.byron@example.com" not in comment
    assert comment.startswith("Great.")


def test_a_survey_for_an_unknown_conversation_is_a_404(client: TestClient) -> None:
    response = client.post("/api/survey", json={"sender": "web-nobody", "rating": 3})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "E608")


def test_a_conversation_is_rated_once(client: TestClient) -> None:
    assert client.post("/api/survey", json={"sender": "web-1", "rating": 3}).status_code == 201
    again = client.post("/api/survey", json={"sender": "web-1", "rating": 1})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "E605")


# fmt: off
BAD_SURVEYS = [
    ([1, 2], "E601"),
    ({"sender": "web-1", "rating": 3, "extra": 1}, "E601"),
    ({"rating": 3}, "E602"),
    ({"sender": "not valid!", "rating": 3}, "E602"),
    ({"sender": "web-1"}, "E603"),
    ({"sender": "web-1", "rating": 0}, "E603"),
    ({"sender": "web-1", "rating": 6}, "E603"),
    ({"sender": "web-1", "rating": 4.5}, "E603"),
    ({"sender": "web-1", "rating": "4"}, "E603"),
    ({"sender": "web-1", "rating": True}, "E603"),
    ({"sender": "web-1", "rating": 4, "comment": 7}, "E604"),
    ({"sender": "web-1", "rating": 4, "comment": "x" * (MAX_COMMENT_CHARS + 1)}, "E604"),
]
# fmt: on


@pytest.mark.parametrize(("body", "code"), BAD_SURVEYS)
def test_bad_survey_requests_get_a_clear_400(client: TestClient, body: object, code: str) -> None:
    response = client.post("/api/survey", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert response.json()["error"]["message"]


def test_malformed_and_oversize_bodies(client: TestClient) -> None:
    bad = client.post("/api/survey", content=b"{nope", headers={"content-type": "application/json"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "E601")
    big = client.post("/api/survey", content=b"x" * 9000)
    assert (big.status_code, big.json()["error"]["code"]) == (413, "E606")
    assert client.get("/api/survey").status_code == 405


def test_parse_survey_keeps_an_empty_comment_as_none() -> None:
    answer = parse_survey({"sender": "web-1", "rating": 2, "comment": "   "})
    assert answer.comment is None
    with pytest.raises(SurveyError, match="1 to 5"):
        parse_survey({"sender": "web-1", "rating": 99})


def test_settings_from_the_environment() -> None:
    settings = ConsoleSettings.from_env({"CANDOR_RASA_PUBLIC_URL": "https://bot.example.com/"})
    assert settings.rasa_public_url == "https://bot.example.com"
    assert ConsoleSettings.from_env({}).rasa_public_url == "http://127.0.0.1:5005"
    with pytest.raises(ValueError, match="CANDOR_RASA_PUBLIC_URL"):
        ConsoleSettings.from_env({"CANDOR_RASA_PUBLIC_URL": "javascript:alert(1)"})


def test_bank_sites_may_post_surveys_cross_origin_only_when_listed(db_url: str) -> None:
    settings = ConsoleSettings.from_env({"CANDOR_WIDGET_ORIGINS": "https://www.bank.example"})
    assert settings.widget_origins == ("https://www.bank.example",)
    app = create_app(
        ConsoleSettings(transcripts_url=db_url, warm_up_redaction=False,
                        widget_origins=settings.widget_origins), SECURITY
    )
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    with TestClient(app) as client:
        bank = {"Origin": "https://www.bank.example", **preflight}
        ok = client.options("/api/survey", headers=bank)
        assert ok.headers["access-control-allow-origin"] == "https://www.bank.example"
        evil = {"Origin": "https://evil.example", **preflight}
        other = client.options("/api/survey", headers=evil)
        assert "access-control-allow-origin" not in other.headers
    with pytest.raises(ValueError, match="CANDOR_WIDGET_ORIGINS"):
        ConsoleSettings.from_env({"CANDOR_WIDGET_ORIGINS": "https://bank.example/path"})


def test_the_product_tells_the_console_where_rasa_is() -> None:
    ports = Ports(rasa=6111, actions=6112, console=6113)
    assert product_env({}, ports)["CANDOR_RASA_PUBLIC_URL"] == "http://127.0.0.1:6111"
    kept = product_env({"CANDOR_RASA_PUBLIC_URL": "https://chat.bank.example"}, ports)
    assert kept["CANDOR_RASA_PUBLIC_URL"] == "https://chat.bank.example"
