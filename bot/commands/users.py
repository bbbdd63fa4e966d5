"""``candor users add|disable|reset-password``: console accounts (the first admin too).

There is no default account and no default password: the password is typed at a prompt (twice)
or read from standard input with ``--password-stdin`` (for scripts), never from an argument,
where it would land in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor users`` and its sub-commands."""
    parser = subparsers.add_parser("users", help="console users (sign-in accounts)")
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    p = sub.add_parser("add", help="create a console user")
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True, dest="roles",
                   help="compliance, marketing or admin (repeat for several)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--actor", help="who runs it (audit log; default: OS user)")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("disable", help="disable a user and end their sessions")
    p.add_argument("username")
    p.add_argument("--actor", help="who runs it (audit log; default: OS user)")
    p.set_defaults(func=cmd_disable)

    p = sub.add_parser("reset-password", help="set a new password and end the user's sessions")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--actor", help="who runs it (audit log; default: OS user)")
    p.set_defaults(func=cmd_reset)

    p = sub.add_parser("list", help="list users, roles and state")
    p.set_defaults(func=cmd_list)


def read_password(from_stdin: bool) -> str:
    """The new password from stdin (first line) or typed twice at a prompt (E708 otherwise)."""
    from bot.errors import CandorError, Errors

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CandorError(Errors.E708.format(problem="standard input was empty"))
        return password
    if not sys.stdin.isatty():
        raise CandorError(Errors.E708.format(
            problem="no terminal to prompt on; pipe it in with --password-stdin"))
    password = getpass.getpass("New password: ")
    if password != getpass.getpass("Repeat it: "):
        raise CandorError(Errors.E708.format(problem="the two entries differ"))
    return password


def _context() -> tuple[Any, Any]:
    from bot.settings.console import ConsoleSecurity
    from bot.transcripts.db import database

    return database(), ConsoleSecurity.from_env()


def _actor(args: argparse.Namespace) -> str:
    return f"cli:{args.actor or getpass.getuser()}"


def _run(action: Any) -> int:
    from bot.errors import CandorError

    try:
        action()
    except CandorError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Create a user with the roles given (password prompted or from stdin)."""
    from bot.web.accounts import add_user

    def action() -> None:
        db, sec = _context()
        password = read_password(args.password_stdin)
        user = add_user(db, sec, args.username, password, args.roles, _actor(args))
        print(f"added {user.username} ({', '.join(sorted(user.roles))}); audit entry written")

    return _run(action)


def cmd_disable(args: argparse.Namespace) -> int:
    """Disable a user and end their sessions."""
    from bot.web.accounts import disable_user

    def action() -> None:
        db, sec = _context()
        disable_user(db, sec, args.username, _actor(args))
        print(f"disabled {args.username} and ended their sessions; audit entry written")

    return _run(action)


def cmd_reset(args: argparse.Namespace) -> int:
    """Set a new password (prompted or from stdin) and end the user's sessions."""
    from bot.web.accounts import reset_password

    def action() -> None:
        db, sec = _context()
        reset_password(db, sec, args.username, read_password(args.password_stdin), _actor(args))
        print(f"new password set for {args.username}; sessions ended; audit entry written")

    return _run(action)


def cmd_list(args: argparse.Namespace) -> int:
    """Print one line per user: name, roles, state."""
    from bot.transcripts.db import database
    from bot.web.accounts import list_accounts

    for user in list_accounts(database()):
        state = "disabled" if user.disabled else "active"
        print(f"{user.username}\t{','.join(sorted(user.roles))}\t{state}")
    return 0
