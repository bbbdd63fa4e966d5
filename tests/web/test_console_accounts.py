"""Passwords, the password rule and ``candor users`` (no default account, no default password)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.errors import CandorError
from bot.settings.console import ConsoleSecurity
from bot.transcripts import models as m
from bot.transcripts.db import database
from bot.web.accounts import check_roles, check_username, list_accounts
from bot.web.models import ConsoleUser
from bot.web.passwords import hash_password, verify_password
from bot.web.throttle import login_verdict

ENV = {"CANDOR_CONSOLE_SECRET": "s" * 40, "CANDOR_AUDIT_KEY": "k" * 40}


def test_passwords_are_argon2id_hashes_with_a_minimum_length() -> None:
    hashed = hash_password("a long enough pass", 12)
    assert hashed.startswith("$argon2id$") and "a long enough pass" not in hashed
    assert verify_password(hashed, "a long enough pass")
    assert not verify_password(hashed, "a long enough pasS")
    assert not verify_password(None, "a long enough pass")  # unknown user: still one hash
    assert not verify_password("not a hash", "x")
    with pytest.raises(CandorError, match="E703"):
        hash_password("short", 12)


# fmt: off
VERDICTS = [
    ((0, 0), True, None), ((4, 19), True, None), ((5, 0), False, "account"),
    ((0, 20), False, "address"), ((9, 99), False, "account"),
]
# fmt: on


@pytest.mark.parametrize(("counts", "allowed", "reason"), VERDICTS)
def test_throttle_verdicts(counts: tuple[int, int], allowed: bool, reason: str | None) -> None:
    verdict = login_verdict(*counts, account_limit=5, address_limit=20)
    assert (verdict.allowed, verdict.reason) == (allowed, reason)


def test_user_names_and_roles_are_checked() -> None:
    assert check_username("ada.byron") == "ada.byron"
    for bad in ("ab", "Ada", "a b", "x" * 65, "<script>"):
        with pytest.raises(CandorError, match="E709"):
            check_username(bad)
    assert check_roles(["admin", "marketing"]) == {"admin", "marketing"}
    with pytest.raises(CandorError, match="E706"):
        check_roles(["root"])
    with pytest.raises(CandorError, match="E711"):
        check_roles([])


def test_secrets_come_from_the_environment_or_nothing_starts() -> None:
    with pytest.raises(CandorError, match="E701"):
        ConsoleSecurity.from_env({"CANDOR_AUDIT_KEY": "k" * 40})
    with pytest.raises(CandorError, match="E702"):
        ConsoleSecurity.from_env({"CANDOR_CONSOLE_SECRET": "s" * 40, "CANDOR_AUDIT_KEY": "short"})
    sec = ConsoleSecurity.from_env({**ENV, "CANDOR_AUDIT_RETIRED_KEYS": "o" * 40,
                                    "CANDOR_CONSOLE_IDLE_MINUTES": "5"})
    assert len(sec.audit.by_id()) == 2 and sec.idle.total_seconds() == 300


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    for name, value in {**ENV, "CANDOR_TRANSCRIPTS_URL": url}.items():
        monkeypatch.setenv(name, value)
    return url


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_candor_users_add_disable_reset(cli_env: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    add = ["users", "add", "first-admin", "--role", "admin", "--password-stdin"]
    assert run(monkeypatch, add, "a sturdy passphrase\n") == 0
    assert run(monkeypatch, add, "another sturdy one\n") == 2
    assert "E704" in capsys.readouterr().err
    assert run(monkeypatch, ["users", "add", "x-user", "--role", "marketing",
                             "--password-stdin"], "\n") == 2
    assert "E708" in capsys.readouterr().err
    assert run(monkeypatch, ["users", "add", "y-user", "--role", "marketing"], "") == 2
    assert "E708" in capsys.readouterr().err  # no terminal, no --password-stdin: no password
    assert run(monkeypatch, ["users", "add", "z-user", "--role", "compliance",
                             "--password-stdin"], "too short\n") == 2
    assert "E703" in capsys.readouterr().err
    assert run(monkeypatch, ["users", "reset-password", "first-admin", "--password-stdin"],
               "a brand new passphrase\n") == 0
    assert run(monkeypatch, ["users", "disable", "first-admin"]) == 0
    assert run(monkeypatch, ["users", "disable", "nobody-here"]) == 2
    assert "E705" in capsys.readouterr().err
    db = database(cli_env)
    [user] = list_accounts(db)
    assert (user.username, user.roles, user.disabled) == ("first-admin", {"admin"}, True)
    with db.begin() as s:
        stored = s.execute(select(ConsoleUser.password_hash)).scalar_one()
        actions = s.execute(select(m.AuditEntry.action).order_by(m.AuditEntry.seq)).scalars()
        assert list(actions) == ["user_added", "password_reset", "user_disabled"]
    assert verify_password(stored, "a brand new passphrase")
    assert run(monkeypatch, ["audit", "verify"]) == 0


def test_candor_run_makes_local_secrets_once(tmp_path: Path) -> None:
    from bot.settings.console import local_secrets

    path = tmp_path / "secrets" / "console.env"
    first = local_secrets(path, {})
    assert set(first) == {"CANDOR_CONSOLE_SECRET", "CANDOR_AUDIT_KEY"}
    assert local_secrets(path, {}) == first  # the audit key survives a restart
    assert path.stat().st_mode & 0o777 == 0o600
    assert local_secrets(path, {"CANDOR_CONSOLE_SECRET": "x" * 40,
                                "CANDOR_AUDIT_KEY": "y" * 40}) == {}
