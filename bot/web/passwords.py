"""Password hashing (argon2id through argon2-cffi) and the password rule.

argon2-cffi's defaults are RFC 9106's low-memory profile (64 MiB, 3 passes), which is what OWASP
recommends for interactive logins. A hash made with older parameters is re-hashed at the next
successful login (:func:`needs_rehash`). Unknown users are checked against a dummy hash, so a
login for a name that does not exist costs the same time as one that does.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.errors import CandorError, Errors

#: Longer inputs are refused before hashing, so nobody can make the server hash megabytes.
MAX_PASSWORD_CHARS = 1024


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("candor-dummy-password-for-timing")


def check_password_rule(password: str, min_chars: int) -> None:
    """Raise E703 for a password shorter than ``min_chars`` (length counts: NIST 800-63B)."""
    if len(password) < min_chars:
        raise CandorError(Errors.E703.format(min_chars=min_chars, have=len(password)))
    if len(password) > MAX_PASSWORD_CHARS:
        raise CandorError(f"E703 A console password may have at most {MAX_PASSWORD_CHARS} "
                          "characters.")


def hash_password(password: str, min_chars: int) -> str:
    """The argon2id hash of a password that follows the rule."""
    check_password_rule(password, min_chars)
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``stored_hash=None`` (no such user) still costs one hash."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return bool(_hasher().verify(stored_hash or _dummy_hash(), password)) and \
            stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's."""
    return _hasher().check_needs_rehash(stored_hash)
