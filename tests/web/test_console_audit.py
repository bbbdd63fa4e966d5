"""What the console writes to the audit log, and how it shows the chain's status."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from bot.transcripts import models as m
from tests.web.console_app import console_db, make_client, page_csrf, sign_in


def actions(console_db_: object) -> list[tuple[str, str]]:
    with console_db_.db.begin() as s:  # type: ignore[attr-defined]
        rows = s.execute(select(m.AuditEntry.actor, m.AuditEntry.action)
                         .order_by(m.AuditEntry.seq)).all()
    return [(r.actor, r.action) for r in rows]


def test_sign_ins_failures_and_sign_outs_are_audited(tmp_path: Path) -> None:
    console = console_db(tmp_path, {"comp": ("compliance",)})
    with make_client(console) as client:
        assert sign_in(client, "comp", "not the password") == 401
        assert sign_in(client, "ghost", "not the password") == 401
        assert sign_in(client, "comp") == 303
        client.post("/logout", data={"csrf": page_csrf(client)})
    assert actions(console) == [("test", "user_added"), ("comp", "login_failed"),
                                ("(unknown)", "login_failed"), ("comp", "login"),
                                ("comp", "logout")]
    with console.db.begin() as s:
        details = s.execute(select(m.AuditEntry.details).where(
            m.AuditEntry.actor == "(unknown)")).scalar_one()
    assert details["username"] is None and details["known_user"] is False


def test_the_audit_page_shows_the_chain_status(tmp_path: Path) -> None:
    console = console_db(tmp_path, {"comp": ("compliance",)})
    with make_client(console) as client:
        assert sign_in(client, "comp") == 303
        page = client.get("/audit")
        assert page.status_code == 200 and 'data-chain="ok"' in page.text
        with console.db.begin() as s:
            s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 1)
                      .values(details={"username": "someone-else"}))
        page = client.get("/audit")
    assert 'data-chain="broken"' in page.text and "Broken at entry" in page.text
    assert "altered" in page.text
