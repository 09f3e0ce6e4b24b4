"""Who may do what in the team deployment: viewer, editor, admin, kept in the store.

The proxy says who a user is; this module says what that user may do, and says it
where the work is done (:func:`require`, :class:`GuardedStore`), so a page that
forgot to hide a button still cannot write. Roles live in the store's database
(table ``briefing_roles``) so every app process sees the same ones and an admin's
change reaches all of them. A user the store has never heard of is a viewer.

``python -m layers.store.roles set NAME ROLE --by ADMIN`` and ``... list`` manage
them from a shell (``deploy/team.sh user`` calls the first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from layers.errors import LayersError

#: Roles from least to most; each may do what the ones before it may.
ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
#: The least role each action needs.
ACTIONS: dict[str, str] = {
    "read": "viewer", "export": "viewer",
    "edit": "editor", "upload": "editor",
    "manage_layers": "admin", "manage_roles": "admin",
}
#: How long one process trusts a role it read (seconds): an admin's change reaches
#: every process within this, and a date step costs no query.
ROLE_TTL = 5.0
_WORDS = {"edit": "editing the map", "upload": "uploading to the shared workspace",
          "manage_layers": "managing layers", "manage_roles": "changing roles",
          "read": "reading", "export": "exporting"}


class PermissionRefused(LayersError, PermissionError):
    """The user's role does not allow the action (or there is no user at all)."""


@dataclass(frozen=True)
class Identity:
    """A user as the deployment vouches for them, and their role.

    ``name`` is None when nobody vouched (a request that did not come through the
    team's proxy): such a caller may do nothing.
    """

    name: str | None
    role: str | None

    def can(self, action: str) -> bool:
        """True when this identity's role allows ``action`` (one of :data:`ACTIONS`)."""
        need = ACTIONS[action]
        return (self.name is not None and self.role in ROLES
                and ROLES.index(self.role) >= ROLES.index(need))


def require(identity: Identity | None, action: str) -> None:
    """Raise :class:`PermissionRefused` unless ``identity`` may do ``action``.

    The message names the user, the role and what would allow it, so the page can
    show it as it is.
    """
    if identity is not None and identity.can(action):
        return
    what = _WORDS.get(action, action)
    if identity is None or identity.name is None:
        raise PermissionRefused(
            f"Refused: {what} needs a signed-in user, and this connection has none. Open "
            "the dashboard through the team's address, where the proxy signs you in.")
    raise PermissionRefused(
        f"Refused: {identity.name} is a {identity.role or 'user without a role'}, and "
        f"{what} needs the {ACTIONS[action]} role. Ask an admin to change it "
        f"(deploy/team.sh user {identity.name} {ACTIONS[action]}).")


def _table():
    import sqlalchemy as sa

    meta = sa.MetaData()
    return sa.Table(
        "briefing_roles", meta,
        sa.Column("user_name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )


_TABLE = None
_CACHE: dict[tuple[str, str], tuple[float, str]] = {}
_LOCK = threading.Lock()


def table():
    """The ``briefing_roles`` table (created on first use by :func:`ensure_schema`)."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _table()
    return _TABLE


def ensure_schema(engine) -> None:
    """Create the roles table if the store's database lacks it (idempotent)."""
    table().metadata.create_all(engine, checkfirst=True)


def role_of(engine, user: str) -> str:
    """The role of ``user`` (a viewer if the store has none recorded).

    Read at most once per :data:`ROLE_TTL` per process and user.
    """
    import sqlalchemy as sa

    key = (str(engine.url), user)
    now = time.monotonic()
    with _LOCK:
        hit = _CACHE.get(key)
    if hit and now - hit[0] < ROLE_TTL:
        return hit[1]
    t = table()
    with engine.connect() as conn:
        role = conn.execute(sa.select(t.c.role).where(t.c.user_name == user)).scalar()
    role = role if role in ROLES else "viewer"
    with _LOCK:
        _CACHE[key] = (now, role)
    return role


def set_role(engine, user: str, role: str, by: Identity | str) -> None:
    """Give ``user`` the ``role``; ``by`` is the admin (or ``"deploy"``, the shell).

    Raises
    ------
    PermissionRefused
        ``by`` is an identity that is not an admin.
    ValueError
        An unknown role.
    """
    if role not in ROLES:
        raise RoleError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if isinstance(by, Identity):
        require(by, "manage_roles")
        by_name = str(by.name)
    else:
        by_name = by
    ensure_schema(engine)
    t = table()
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        done = conn.execute(t.update().where(t.c.user_name == user).values(
            role=role, granted_by=by_name, granted_at=now)).rowcount
        if not done:
            conn.execute(t.insert().values(user_name=user, role=role, granted_by=by_name,
                                           granted_at=now))
    with _LOCK:
        _CACHE.pop((str(engine.url), user), None)


def all_roles(engine) -> list[tuple[str, str, str]]:
    """Every recorded (user, role, granted_by), by user name."""
    ensure_schema(engine)
    t = table()
    with engine.connect() as conn:
        rows = conn.execute(t.select().order_by(t.c.user_name)).all()
    return [(r.user_name, r.role, r.granted_by) for r in rows]


class RoleError(LayersError, ValueError):
    """An unknown role name."""


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m layers.store.roles set NAME ROLE --by WHO`` or ``list``."""
    import os

    parser = argparse.ArgumentParser(prog="python -m layers.store.roles")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_set = sub.add_parser("set", help="give a user a role")
    p_set.add_argument("name")
    p_set.add_argument("role", choices=ROLES)
    p_set.add_argument("--by", default="deploy")
    sub.add_parser("list", help="every user with a recorded role")
    sub.add_parser("init", help="create the roles table if it is missing")
    args = parser.parse_args(argv)
    url = os.environ.get("BRIEFING_STORE")
    if not url:
        print("error: set BRIEFING_STORE to the store's database URL", file=sys.stderr)
        return 2
    from layers.store.engine import make_engine

    try:
        engine = make_engine(url)
        if args.cmd == "set":
            set_role(engine, args.name, args.role, args.by)
            print(f"{args.name}: {args.role}")
        elif args.cmd == "init":
            ensure_schema(engine)
        else:
            for name, role, by in all_roles(engine):
                print(f"{name}\t{role}\t(granted by {by})")
    except LayersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"error: the store at {_safe(url)} could not be reached: "
              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
              file=sys.stderr)
        return 1
    return 0


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable URL)"


if __name__ == "__main__":
    sys.exit(main())
