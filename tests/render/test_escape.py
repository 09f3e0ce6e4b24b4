"""Escaping: any text becomes inert HTML that reads back as the original characters."""

from __future__ import annotations

import html
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.render import escape as esc

ATTACKS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    "${window.__pwned=3}",
    "`;window.__pwned=4;`",
    "\\`${x}\\`",
    "{{'alert'}}",
    "\"'</td></tr></table>",
]
#: Characters that must never survive: markup, attribute quotes, template-literal syntax.
FORBIDDEN = set("<>\"'`$\\{}")


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_become_character_references(attack):
    out = esc.text(attack)
    assert not FORBIDDEN & set(out)
    assert html.unescape(out) == attack


def test_known_output():
    assert esc.text('<b a="1">${x}`</b>') == (
        "&lt;b a=&quot;1&quot;&gt;&#36;&#123;x&#125;&#96;&lt;/b&gt;")


@given(st.text())
def test_any_text_round_trips_and_is_inert(value):
    out = esc.text(value)
    assert not FORBIDDEN & set(out)
    assert html.unescape(out) == value


@pytest.mark.parametrize("value", [None, math.nan, float("nan")])
def test_missing_values_are_empty(value):
    assert esc.text(value) == ""


def test_non_strings_are_shown_as_text():
    assert esc.text(3) == "3"
    assert esc.text(2.5) == "2.5"
    assert esc.text(True) == "True"


@pytest.mark.parametrize(("value", "expected"), [
    ("#d00000", "#d00000"), ("#abc", "#abc"), ("#11223344", "#11223344"), ("red", "red"),
    ('#fff" onmouseover="x', "#555555"), ("red;background:url(x)", "#555555"),
    ("expression(alert(1))", "#555555"), (None, "#555555"), ("#12345", "#555555"),
])
def test_color_only_lets_plain_colours_through(value, expected):
    assert esc.color(value) == expected


def test_color_default_is_the_callers():
    assert esc.color("javascript:1", default="#000") == "#000"


@pytest.mark.parametrize(("value", "expected"), [
    ("6 4", "6 4"), ("2,6", "2,6"), ("8 6 2 6", "8 6 2 6"), (None, None),
    ('6" onload="x', None), ("url(x)", None),
])
def test_dash_patterns(value, expected):
    assert esc.dash(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("control_zones", "control_zones"), ("my layer", "my-layer"),
    ('"><script>', "script"), ("", "layer"), ("é", "layer"),
])
def test_css_class(value, expected):
    assert esc.css_class(value) == expected
