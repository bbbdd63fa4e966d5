"""Console accounts in the transcript database: users, their roles, sessions, login failures.

Same declarative base (and Alembic history) as the transcript record, so one migration head
covers both. Passwords are stored only as argon2 hashes; sessions only as the SHA-256 of the
random token the cookie carries, so a database reader cannot take over a live session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped

from bot.transcripts.models import Base

#: Roles a console user may hold (several at once).
ROLES = ("compliance", "marketing", "admin")


class ConsoleUser(Base):
    """A person who may sign in to the console."""

    __tablename__ = "console_users"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = Column(String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = Column(String(255), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    password_changed_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    disabled_at: Mapped[datetime | None] = Column(DateTime(timezone=True))


class ConsoleUserRole(Base):
    """One role held by one user."""

    __tablename__ = "console_user_roles"
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("console_users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = Column(String(16), primary_key=True)
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="ck_console_user_roles_role"),
    )


class ConsoleSession(Base):
    """A signed-in browser; ``id`` is the SHA-256 of the cookie's token."""

    __tablename__ = "console_sessions"
    id: Mapped[str] = Column(String(64), primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False
    )
    created_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    last_seen_at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    ended_at: Mapped[datetime | None] = Column(DateTime(timezone=True))
    address: Mapped[str | None] = Column(String(64))
    __table_args__ = (Index("ix_console_sessions_user", "user_id"),)


class LoginFailure(Base):
    """A failed sign-in, counted per account and per address for throttling."""

    __tablename__ = "console_login_failures"
    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = Column(String(64), nullable=False)
    address: Mapped[str] = Column(String(64), nullable=False)
    at: Mapped[datetime] = Column(DateTime(timezone=True), nullable=False)
    __table_args__ = (
        Index("ix_console_login_failures_user", "username", "at"),
        Index("ix_console_login_failures_addr", "address", "at"),
    )
