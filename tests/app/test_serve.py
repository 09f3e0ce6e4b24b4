"""dashboard.serve: the warm-up beside ``streamlit run`` never stops the server."""

from __future__ import annotations

import pytest

from dashboard import serve


def test_a_failed_warm_up_is_logged_and_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad catalog or a store down: the thread logs it; the page reads (and says) it."""
    monkeypatch.setattr(serve, "_wait_for_runtime", lambda: True)
    monkeypatch.setattr(serve, "_import", lambda names: None)

    def broken(lap: object = None) -> None:
        raise OSError("store down")

    monkeypatch.setattr(serve, "read_first_page", broken)
    serve.warm_up()  # no exception


def test_no_runtime_means_no_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Streamlit's runtime (a plain import, a test) nothing is read."""
    called: list[str] = []
    monkeypatch.setattr(serve, "_wait_for_runtime", lambda: False)
    monkeypatch.setattr(serve, "read_first_page", lambda lap=None: called.append("read"))
    serve.warm_up()
    assert called == []


def test_the_runtime_wait_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside ``streamlit run`` the runtime never comes: the wait ends at its limit."""
    from streamlit import runtime

    if runtime.exists():
        pytest.skip("a runtime exists in this process")
    assert serve._wait_for_runtime(limit=0.05) is False
