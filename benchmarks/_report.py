"""The benchmark tables: ours beside the naive approach, the ratio, the budgets."""

from __future__ import annotations

import math
from typing import Any

from benchmarks._steps import summary

Budgets = dict[str, tuple[float, float]]


def _num(value: Any, fmt: str) -> str:
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return "–"
    return format(value, fmt)


def _ratio(naive: Any, ours: Any) -> str:
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (naive, ours)):
        return "–"
    if ours <= 0:
        return "–"
    return f"{naive / ours:,.1f}×"


def rows(result: dict[str, Any], budget: tuple[float, float]) -> list[dict[str, Any]]:
    """One row per measure: label, ours, naive, ratio, budget and verdict."""
    ours, naive = result["ours"], result["naive"]
    so, sn = summary(ours["server_ms"]), summary(naive["server_ms"])
    bo, bn = summary(ours["bytes"]), summary(naive["bytes"])
    mo, mn = summary(ours["map_bytes"]), summary(naive["map_bytes"])
    wo, wn = summary(ours.get("raw_bytes", [])), summary(naive.get("raw_bytes", []))
    vo = summary(ours.get("revisit", {}).get("server_ms", []))
    vn = summary(naive.get("revisit", {}).get("server_ms", []))
    eo, en = ours.get("exports", {}), naive.get("exports", {})
    co, cn = ours.get("cold", {}), naive.get("cold", {})
    ro = ours.get("restart", {})
    ko, kn = ro.get("browser_steps", []), cn.get("browser_steps", [])
    ko_ms, kn_ms = summary([k["drawn_ms"] for k in ko]), summary([k["drawn_ms"] for k in kn])
    ko_b, kn_b = summary([k["wire_bytes"] for k in ko]), summary([k["wire_bytes"] for k in kn])
    out = [
        ("server time per step, median (ms)", so["median"], sn["median"], ",.1f", None),
        ("server time per step, p95 (ms)", so["p95"], sn["p95"], ",.1f", budget[0]),
        ("  the same dates again, median (ms)", vo["median"], vn["median"], ",.1f", None),
        ("  the same dates again, p95 (ms)", vo["p95"], vn["p95"], ",.1f", None),
        ("bytes sent per step, median (KB)", bo["median"] / 1024, bn["median"] / 1024,
         ",.1f", None),
        ("bytes sent per step, max (KB)", bo["max"] / 1024, bn["max"] / 1024, ",.1f",
         budget[1] / 1024),
        ("  before compression, median (KB)", wo["median"] / 1024, wn["median"] / 1024,
         ",.1f", None),
        ("  the map element before compression, median (KB)", mo["median"] / 1024,
         (mn["median"] / 1024) if mn["median"] else float("nan"), ",.1f", None),
        ("cold start to first drawn map (s)", co.get("drawn_s"), cn.get("drawn_s"), ",.1f",
         None),
        ("  restart, layer cache on disk (s)", ro.get("drawn_s"), cn.get("drawn_s"), ",.1f",
         None),
        ("in Chromium: key press to new layers drawn, median (ms)", ko_ms["median"],
         kn_ms["median"], ",.0f", None),
        ("in Chromium: bytes on the wire per step, median (KB)", ko_b["median"] / 1024,
         kn_b["median"] / 1024, ",.1f", None),
        ("first page run in the measuring process (s)", ours.get("first_run_s"),
         naive.get("first_run_s"), ",.1f", None),
        ("PNG export, default date, whole region (s)", eo.get("png"), en.get("png"), ",.2f",
         None),
        ("PDF export, default date, whole region (s)", eo.get("pdf"), en.get("pdf"), ",.2f",
         None),
        ("peak memory, RSS of the stepping process (MB)", ours.get("peak_rss_mb"),
         naive.get("peak_rss_mb"), ",.0f", None),
    ]
    table = []
    for label, value_ours, value_naive, fmt, limit in out:
        verdict = ""
        if limit is not None:
            ok = isinstance(value_ours, (int, float)) and math.isfinite(value_ours) \
                and value_ours < limit
            verdict = "PASS" if ok else "FAIL"
        table.append({"measure": label, "ours": _num(value_ours, fmt),
                      "naive": _num(value_naive, fmt), "ratio": _ratio(value_naive, value_ours),
                      "budget": f"< {limit:,.0f}" if limit is not None else "",
                      "verdict": verdict})
    return table


def all_pass(results: dict[str, Any], budgets: Budgets) -> bool:
    """True when every budgeted measure of every data set passes."""
    return all(row["verdict"] != "FAIL" for name, result in results["sets"].items()
               for row in rows(result, budgets[name]))


def markdown(results: dict[str, Any], budgets: Budgets) -> str:
    """The tables, the machine and the command, as Markdown."""
    lines: list[str] = []
    for name, result in results["sets"].items():
        naive_steps = len(result["naive"]["server_ms"])
        lines += [f"### {name} data ({result['steps']} steps measured; naive: {naive_steps})",
                  "", "| measure | ours | naive | naive / ours | budget | |",
                  "|---|---:|---:|---:|---:|---|"]
        for row in rows(result, budgets[name]):
            lines.append(f"| {row['measure']} | {row['ours']} | {row['naive']} | "
                         f"{row['ratio']} | {row['budget']} | {row['verdict']} |")
        lines.append("")
    m = results["machine"]
    lines += [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; Python "
              f"{m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
              + f"; commit {m['commit']}; {m['when']}.",
              f"Command: `{results.get('command', 'python benchmarks/run.py')}` "
              f"({results.get('seconds', float('nan')):,.0f} s)."]
    return "\n".join(lines) + "\n"
