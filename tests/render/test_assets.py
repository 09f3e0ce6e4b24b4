"""The app's own files: written whole by whichever of many sessions gets there first."""

from __future__ import annotations

import threading
from pathlib import Path

from layers.render import assets


def test_many_sessions_write_one_content_named_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "timeline" / "abc.json"
    text = '{"layers": [' + ",".join(["1"] * 200_000) + "]}"
    errors: list[BaseException] = []
    wrote: list[bool] = []
    start = threading.Barrier(12)

    def session() -> None:
        try:
            start.wait()
            wrote.append(assets.write_once(target, text))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_text(encoding="utf-8") == text
    assert True in wrote  # someone wrote it; nobody's rename failed on another's
    assert [p.name for p in target.parent.iterdir()] == ["abc.json"]  # no temporary left


def test_the_bundle_is_the_installed_scripts_in_order(tmp_path: Path) -> None:
    vendor = tmp_path / assets.VENDOR
    (vendor / "a").mkdir(parents=True)
    (vendor / "a" / "one.js").write_text("var one = 1", encoding="utf-8")
    (vendor / "a" / "two.js").write_text("var two = one + 1;", encoding="utf-8")
    url = assets.bundle([f"{assets.STATIC_URL}/vendor/a/one.js",
                         f"{assets.STATIC_URL}/vendor/a/two.js"], tmp_path)
    text = (tmp_path / url.removeprefix(assets.STATIC_URL + "/")).read_text(encoding="utf-8")
    assert text.index("var one = 1") < text.index("var two = one + 1;")
    assert "var one = 1\n;\n" in text  # a file without its last semicolon still ends there
    # The same scripts give the same file; a script that is not the app's is refused.
    assert assets.bundle([f"{assets.STATIC_URL}/vendor/a/one.js",
                          f"{assets.STATIC_URL}/vendor/a/two.js"], tmp_path) == url
    try:
        assets.bundle(["https://cdn.example/leaflet.js"], tmp_path)
    except FileNotFoundError as exc:
        assert "not one of the app's own files" in str(exc)
    else:
        raise AssertionError("a script from another host was bundled")


def test_prune_oldest_keeps_the_newest_files_of_the_pattern_only(tmp_path):
    import os

    from layers.render.assets import prune_oldest

    for n in range(5):
        path = tmp_path / f"pack-{n}.json"
        path.write_text(str(n))
        os.utime(path, (1000 + n, 1000 + n))
    (tmp_path / "keep.txt").write_text("other kind")
    prune_oldest(tmp_path, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "pack-3.json",
                                                          "pack-4.json"]
    prune_oldest(tmp_path / "missing", 2)  # a folder not made yet: nothing to do
