"""Identity from the proxy's headers, roles, and the guarded store (no server needed)."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard.identity import SECRET_HEADER, USER_HEADER, solo_identity, vouched_name
from layers.store.guard import GuardedStore
from layers.store.roles import (
    Identity,
    PermissionRefused,
    RoleError,
    all_roles,
    require,
    role_of,
    set_role,
)

SECRET = "s3cr3t-per-deployment"


@pytest.mark.parametrize("headers, expected", [
    ({SECRET_HEADER: SECRET, USER_HEADER: "alice"}, "alice"),
    ({SECRET_HEADER.lower(): SECRET, USER_HEADER.lower(): "bob.k"}, "bob.k"),
    ({USER_HEADER: "alice"}, None),                                   # forged: no secret
    ({SECRET_HEADER: "guess", USER_HEADER: "alice"}, None),           # forged: wrong secret
    ({SECRET_HEADER: SECRET[:-1], USER_HEADER: "alice"}, None),       # a prefix is not it
    ({SECRET_HEADER: SECRET}, None),                                  # vouched, but no name
    ({SECRET_HEADER: SECRET, USER_HEADER: "al ice"}, None),           # not a name
    ({SECRET_HEADER: SECRET, USER_HEADER: "<script>"}, None),
    ({SECRET_HEADER: SECRET, USER_HEADER: "x" * 65}, None),
])
def test_only_the_proxy_secret_vouches_for_a_name(headers, expected):
    assert vouched_name(headers, SECRET) == expected


def test_an_unset_secret_vouches_for_nobody():
    headers = {SECRET_HEADER: "", USER_HEADER: "alice"}
    assert vouched_name(headers, "") is None
    assert vouched_name(headers, None) is None


def test_solo_analyst_is_the_machine_user_with_every_right(monkeypatch):
    monkeypatch.setenv("BRIEFING_USER", "field-analyst")
    ident = solo_identity()
    assert ident == Identity("field-analyst", "admin")
    assert ident.can("manage_roles")


@pytest.mark.parametrize("role, allowed", [
    ("viewer", {"read", "export"}),
    ("editor", {"read", "export", "edit", "upload"}),
    ("admin", {"read", "export", "edit", "upload", "manage_layers", "manage_roles"}),
])
def test_each_role_may_do_what_the_lesser_ones_may(role, allowed):
    ident = Identity("u", role)
    actions = {"read", "export", "edit", "upload", "manage_layers", "manage_roles"}
    assert {a for a in actions if ident.can(a)} == allowed


def test_refusals_say_who_what_and_how_to_get_it():
    with pytest.raises(PermissionRefused) as info:
        require(Identity("vera", "viewer"), "edit")
    text = str(info.value)
    assert "vera is a viewer" in text and "editor role" in text
    assert "deploy/team.sh user vera editor" in text
    with pytest.raises(PermissionError, match="needs a signed-in user"):
        require(Identity(None, None), "read")


@dataclasses.dataclass(frozen=True)
class Prov:
    user: str
    source: str


class FakeStore:
    """Records the calls a guarded store lets through."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def current(self, layer, fid):
        self.calls.append(("current", (layer, fid), {}))
        return "v1"

    def edit(self, layer, fid, *, based_on, provenance, properties=None):
        self.calls.append(("edit", (layer, fid), {"provenance": provenance}))
        return "v2"

    def import_paths(self, paths, *, user, source, reason):
        self.calls.append(("import_paths", (paths,), {"user": user}))

    def brand_new_write(self):  # a write the guard has never heard of
        self.calls.append(("brand_new_write", (), {}))


def test_a_viewers_edit_is_refused_by_the_store_call_itself():
    inner = FakeStore()
    store = GuardedStore(inner, Identity("vera", "viewer"))
    assert store.current("installations", "x") == "v1"
    with pytest.raises(PermissionRefused, match="vera is a viewer"):
        store.edit("installations", "x", based_on=1, provenance=Prov("vera", "s"))
    with pytest.raises(PermissionRefused):
        store.import_paths(["a.geojson"], user="vera", source="s", reason="r")
    with pytest.raises(PermissionRefused):
        store.brand_new_write()
    assert [c[0] for c in inner.calls] == ["current"]


def test_an_editors_write_carries_the_vouched_name_whatever_was_typed():
    inner = FakeStore()
    store = GuardedStore(inner, Identity("eddie", "editor"))
    assert store.edit("installations", "x", based_on=1,
                      provenance=Prov("someone-else", "report")) == "v2"
    store.import_paths(["a.geojson"], user="root", source="s", reason="r")
    assert inner.calls[0][2]["provenance"] == Prov("eddie", "report")
    assert inner.calls[1][2]["user"] == "eddie"


def test_nobody_reads_through_a_store_without_identity():
    with pytest.raises(PermissionRefused):
        GuardedStore(FakeStore(), Identity(None, None)).current("a", "b")


def test_roles_are_kept_in_the_database(tmp_path):
    sa = pytest.importorskip("sqlalchemy")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'roles.sqlite'}")
    from layers.store import roles

    roles._CACHE.clear()
    set_role(engine, "alice", "editor", "deploy")
    set_role(engine, "bob", "admin", "deploy")
    assert role_of(engine, "alice") == "editor"
    assert role_of(engine, "nobody-known") == "viewer"
    set_role(engine, "alice", "viewer", Identity("bob", "admin"))
    assert role_of(engine, "alice") == "viewer"
    assert all_roles(engine) == [("alice", "viewer", "bob"), ("bob", "admin", "deploy")]
    with pytest.raises(PermissionRefused):
        set_role(engine, "alice", "admin", Identity("alice", "viewer"))
    with pytest.raises(RoleError, match="unknown role"):
        set_role(engine, "alice", "boss", "deploy")
    engine.dispose()


def test_saved_views_and_the_edit_panel_go_through_the_guard_on_a_real_store(tmp_path):
    """The page's other write paths (saved views, the edit panel) on a real SQLite store."""
    from layers.store.store import Store
    from layers.store.workspace import list_items, save_item

    inner = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    inner.init()
    viewer = GuardedStore(inner, Identity("vera", "viewer"))
    editor = GuardedStore(inner, Identity("eddie", "editor"))
    with pytest.raises(PermissionRefused, match="vera is a viewer"):
        save_item(viewer, kind="view", name="mine", owner="vera", payload={"date": "2024-12-08"})
    saved = save_item(editor, kind="view", name="Tartus", owner="eddie",
                      payload={"date": "2024-12-08"}, shared=True)
    assert [i.name for i in list_items(viewer, "vera", "view")] == ["Tartus"]  # reads pass
    assert saved.owner == "eddie"
    assert viewer.current_versions("installations") == []  # the edit panel's read
    # The process's pool is no session's to close or to bypass.
    with pytest.raises(PermissionRefused):
        editor.close()
    with pytest.raises(PermissionRefused):
        _ = editor.engine
    assert inner.count_versions() == 0 and inner.data_version() >= 1
    inner.close()
