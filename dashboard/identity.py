"""Who is using this page: the name the team's proxy vouches for, and their role.

In the team deployment (``BRIEFING_TEAM=1``) the proxy authenticates the user and
passes the name in ``X-Briefing-User``, together with the deployment's shared
secret in ``X-Briefing-Proxy-Secret`` (the proxy drops both headers from what the
client sent before adding its own). The name is believed only when the secret
matches ``BRIEFING_PROXY_SECRET``: a request straight to an app port, whatever
headers it forges, gets no identity and no data.

Alone on a laptop (no ``BRIEFING_TEAM``) the analyst is the machine's user
(``BRIEFING_USER`` or the login name) with every right, as before.
"""

from __future__ import annotations

import getpass
import hmac
import os
import re
from collections.abc import Mapping

from layers.store.roles import Identity

#: Session-state key of the identity :func:`dashboard.team.gate` vouched for.
IDENTITY = "team_identity"
USER_HEADER = "X-Briefing-User"
SECRET_HEADER = "X-Briefing-Proxy-Secret"
_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def team_mode() -> bool:
    """True in the team deployment (several users, roles in the store)."""
    return os.environ.get("BRIEFING_TEAM", "") == "1"


def vouched_name(headers: Mapping[str, str], secret: str | None) -> str | None:
    """The user name in ``headers`` if the proxy's ``secret`` came with it, else None.

    Compared in constant time; an empty or unset secret vouches for nobody, and a
    name outside ``[A-Za-z0-9._-]{1,64}`` is not a name.
    """
    sent = _get(headers, SECRET_HEADER)
    if not secret or not sent or not hmac.compare_digest(sent.encode(), secret.encode()):
        return None
    name = _get(headers, USER_HEADER) or ""
    return name if _NAME.fullmatch(name) else None


def _get(headers: Mapping[str, str], key: str) -> str | None:
    value = headers.get(key)
    if value is None:  # plain dicts are case-sensitive; Streamlit's headers are not
        low = key.lower()
        value = next((v for k, v in headers.items() if k.lower() == low), None)
    return value


def solo_identity() -> Identity:
    """The single analyst of the embedded default: the machine's user, an admin."""
    name = os.environ.get("BRIEFING_USER") or _login()
    return Identity(name=name if _NAME.fullmatch(name) else "analyst", role="admin")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


def _headers(st) -> Mapping[str, str]:
    """The session's request headers, waiting up to 1 s for its connection to be known.

    Streamlit answers no headers at all (not even ``Host``) while it does not hold the
    session's connection (seen under heavy load on a session's first run); any
    request that really arrived has some. Waiting is safe: the name is believed
    only with the proxy's secret, whatever comes.
    """
    import time

    for _ in range(10):
        headers = st.context.headers
        if len(headers):
            return headers
        time.sleep(0.1)
    return headers


def current_identity() -> Identity:
    """The identity of this page's session (team mode reads the store for the role).

    Raises whatever the store raises when it cannot be reached (the caller shows
    that the store is unavailable); a request without a vouched name gets
    ``Identity(None, None)`` without touching the store.
    """
    if not team_mode():
        return solo_identity()
    import streamlit as st

    name = vouched_name(_headers(st), os.environ.get("BRIEFING_PROXY_SECRET"))
    if name is None:
        return Identity(name=None, role=None)
    from layers.store.live import shared_store
    from layers.store.roles import role_of

    return Identity(name=name, role=role_of(shared_store(os.environ["BRIEFING_STORE"]).engine,
                                            name))
