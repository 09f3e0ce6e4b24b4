"""One area figure: the app's territory table and ``layers stats`` quote the same share."""

from __future__ import annotations

import json

import pytest

from layers.analysis import measures as analysis
from layers.analysis.territory import share_figure, share_text
from layers.cli.main import main
from layers.ingest.catalog_layers import load_catalog_layers


@pytest.mark.parametrize(("raw", "text"), [(51.347, "51.3 %"), (51.35001, "51.4 %"),
                                            (0.04, "0.0 %"), (100.0, "100.0 %")])
def test_a_share_is_rounded_once(raw, text):
    assert share_text(raw) == text
    assert share_text(share_figure(raw)) == text


def test_cli_text_json_and_table_agree_on_8_december(capsys):
    loaded = load_catalog_layers()
    zones = analysis.frame_of_kind(loaded, "control_zones")
    areas = analysis.area_by_controller(zones, "2024-12-08")
    hts = areas[areas["controller"] == "hts_led"].iloc[0]
    expected = share_text(hts.share_pct)
    assert main(["stats", "--date", "2024-12-08", "--json"]) == 0
    rows = {a["controller"]: a for a in json.loads(capsys.readouterr().out)["areas"]}
    assert share_text(rows["hts_led"]["share_pct"]) == expected
    assert rows["hts_led"]["share_pct"] == share_figure(hts.share_pct)
    assert main(["stats", "--date", "2024-12-08"]) == 0
    line = next(t for t in capsys.readouterr().out.splitlines()
                if t.strip().startswith(analysis.controller_label(loaded, "hts_led")))
    assert line.rstrip().endswith(expected)
    assert 40 < hts.share_pct < 60
