"""Upload panel: analysts' own layers, validated, kept in the workspace (dashboard/saved_uploads).

The file picker is an inbox: files dropped on it are validated (by
:func:`layers.ingest.upload.load_upload`, which never raises), accepted layers move to
the list below it, each with its feature count and a remove button, and the
picker is emptied for the next file. The report of the last batch stays on
screen: every problem with its feature and fix, as escaped text, because the
text comes from a file a stranger may have written. A refused file never
touches the layers already loaded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

import streamlit as st

from dashboard import saved_uploads
from dashboard._sidebar import md_text
from layers.core.view import Overlay
from layers.ingest.formats import ACCEPTED, SHAPEFILE_PARTS
from layers.ingest.upload import (
    MB,
    UploadLimits,
    bundle_shapefiles,
    load_upload,
    table_columns,
)
from layers.problems import Problem
from layers.render.style import POINT_SHAPES

LAYERS = "uploads:layers"  # dict[id, Accepted], in upload order
REPORT = "uploads:report"  # list[Report] of the last batch
GENERATION = "uploads:generation"  # bumps to empty the file picker
COLORS_USED = "uploads:colors"  # uploads accepted so far, for a distinct colour each
REPAIR = "uploads:repair"
#: Problems listed per file; the rest are counted (a broken 100,000-feature file must
#: not print 100,000 lines).
SHOWN_PER_FILE = 20


@dataclass
class Accepted:
    """A layer in the session."""

    overlay: Overlay
    name: str
    digest: str
    saved: saved_uploads.Saved | None = None  # its workspace item, when kept there


@dataclass
class Report:
    """What one uploaded file produced: accepted or not, and its problems."""

    name: str
    digest: str
    accepted: bool
    problems: list[Problem] = field(default_factory=list)
    data: bytes | None = None  # kept only for "load with repairs"
    table: tuple[list[str], dict[str, str]] | None = None  # a CSV/XLSX: header, roles read
    raw: bytes | None = None  # a table's bytes, kept for "reload with these columns"


def render_uploads() -> list[Overlay]:
    """Draw the uploader, the validation report and the uploaded layers; return them.

    Returns
    -------
    list of Overlay
        The session's accepted uploads in upload order (the app adds toggles,
        legends and passes them to the map and every export).
    """
    state = st.session_state
    state.setdefault(LAYERS, {})
    state.setdefault(REPORT, [])
    state.setdefault(GENERATION, 0)
    state.setdefault(COLORS_USED, 0)
    limits = UploadLimits.from_env()
    _reopen_saved(limits)
    files = st.file_uploader(
        "Add a layer", type=[s.lstrip(".") for s in (*ACCEPTED, *SHAPEFILE_PARTS)],
        accept_multiple_files=True,
        key=f"uploads:picker:{state[GENERATION]}",
        max_upload_size=max(1, limits.max_bytes // MB),
        help="GeoJSON, KML/KMZ, GeoPackage, GPX, CSV or XLSX of points (an ACLED export "
             "reads as it is), or a Shapefile: zipped, or its .shp, .shx, .dbf and .prj picked "
             "together. The layer is kept in your workspace: it comes back after a reload.")
    st.caption(f"Up to {limits.max_bytes / MB:,.0f} MiB and {limits.max_features:,} features "
               "per file.")
    repair = st.checkbox("Repair invalid geometries", key=REPAIR,
                         help="Fix self-intersecting or badly closed polygons and say so, "
                              "instead of refusing the file.")
    saved_uploads.share_control()
    saved_uploads.show_problem()
    if files:
        picked = bundle_shapefiles([(f.name, f.getvalue()) for f in files])
        state[REPORT] = [_take(name, data, limits, repair=repair) for name, data in picked]
        state[GENERATION] += 1
        st.rerun()
    _show_report(limits)
    _show_layers()
    return [a.overlay for a in state[LAYERS].values()]


def _take(name: str, data: bytes, limits: UploadLimits, *, repair: bool,
          columns: dict[str, str] | None = None) -> Report:
    """Validate one file (once) and keep its layer if accepted."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    layers: dict[str, Accepted] = st.session_state[LAYERS]
    for accepted in layers.values():
        if accepted.digest == digest and accepted.name == name:
            return Report(name, digest, True, [Problem(
                name, "", "is already loaded.", severity="warning", rule="already-loaded")])
    overlay, problems = load_upload(data, name, limits=limits, repair=repair,
                                    color_index=st.session_state[COLORS_USED], columns=columns)
    table = _table_of(data, name, columns)
    raw = data if table is not None else None
    if overlay is None:
        fixable = any(p.rule in ("invalid-geometry", "unclosed-ring") for p in problems) \
            and not repair
        return Report(name, digest, False, problems, data if fixable else None, table, raw)
    overlay = _unique(overlay, layers)
    saved = saved_uploads.remember(name, data, overlay, repair=repair, columns=columns)
    layers[overlay.spec.id] = Accepted(overlay, name, digest, saved)
    st.session_state[COLORS_USED] += 1
    return Report(name, digest, True, problems, None, table, raw)


def _reopen_saved(limits: UploadLimits) -> None:
    """Load the workspace's uploads this session has not seen yet (a reload, a restart)."""
    layers: dict[str, Accepted] = st.session_state[LAYERS]
    for item in saved_uploads.stored_uploads():
        data, overlay, problems = saved_uploads.reopen(item, limits,
                                                       st.session_state[COLORS_USED])
        name = str(item.payload.get("file") or item.name)
        digest = hashlib.sha256(data).hexdigest()[:16]
        if overlay is None:
            st.session_state[REPORT].append(Report(name, digest, False, problems))
            continue
        if any(a.digest == digest and a.name == name for a in layers.values()):
            continue
        overlay = _unique(overlay, layers)
        accepted = restyle(Accepted(overlay, name, digest, saved_uploads.saved_of(item)),
                           **saved_uploads.saved_look(item))
        layers[overlay.spec.id] = accepted
        st.session_state[COLORS_USED] += 1


#: The roles of a table's columns, as the mapping form names them.
ROLE_LABELS = {"lat": "Latitude", "lon": "Longitude", "date": "Date (or start)",
               "end": "End date", "id": "Id", "name": "Name",
               "time_precision": "Time precision (ACLED 1–3)",
               "geo_precision": "Place precision (ACLED 1–3)"}
NO_COLUMN = "(none)"


def _table_of(data: bytes, name: str, columns: dict[str, str] | None
              ) -> tuple[list[str], dict[str, str]] | None:
    """A table's header and the roles it was read with (the analyst's choice over the guess)."""
    found = table_columns(data, name)
    if found is None:
        return None
    header, guess = found
    roles = dict(guess)
    for role, column in (columns or {}).items():
        if column:
            roles[role] = column
        else:
            roles.pop(role, None)
    return header, roles


def _mapping_form(i: int, report: Report, limits: UploadLimits) -> None:
    """Which column is which, for a CSV/XLSX; "Reload" reads the file again with the choice."""
    if report.table is None or report.raw is None:
        return
    header, roles = report.table
    options = [NO_COLUMN, *header]
    with st.expander(f"Columns of {md_text(report.name)}", expanded=not report.accepted):
        choice = {}
        for role, label in ROLE_LABELS.items():
            current = roles.get(role)
            choice[role] = st.selectbox(label, options, key=f"uploads:map:{report.digest}:{role}",
                                        index=options.index(current) if current in options
                                        else 0)
        if st.button("Reload with these columns", key=f"uploads:remap:{i}:{report.digest}"):
            mapping = {r: ("" if c == NO_COLUMN else c) for r, c in choice.items()}
            _drop_digest(report.digest)
            st.session_state[REPORT][i] = _take(report.name, report.raw, limits,
                                                repair=bool(st.session_state.get(REPAIR)),
                                                columns=mapping)
            st.rerun()


def _drop_digest(digest: str) -> None:
    """Take an upload's layer off the map before it is read again with other columns."""
    layers: dict[str, Accepted] = st.session_state[LAYERS]
    for layer_id in [k for k, a in layers.items() if a.digest == digest]:
        del layers[layer_id]


def _unique(overlay: Overlay, layers: dict[str, Accepted]) -> Overlay:
    """Two uploads named alike get ``upload-x`` and ``upload-x-2``."""
    base, n, layer_id = overlay.spec.id, 1, overlay.spec.id
    while layer_id in layers:
        n += 1
        layer_id = f"{base}-{n}"
    if layer_id == base:
        return overlay
    return Overlay(replace(overlay.spec, id=layer_id), overlay.frame)


def problem_markdown(problem: Problem) -> str:
    """One problem as a markdown list item, every piece of file text escaped."""
    where = f"feature {md_text(problem.feature)}: " if problem.feature else ""
    text = f"- {where}{md_text(problem.message)}"
    if problem.fix:
        text += f" — *Fix:* {md_text(problem.fix)}"
    return text


def report_markdown(problems: list[Problem], limit: int = SHOWN_PER_FILE) -> str:
    """Errors first, then warnings; ``limit`` lines and a count of the rest."""
    ordered = sorted(problems, key=lambda p: p.severity != "error")
    lines = [problem_markdown(p) for p in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"- … and {len(ordered) - limit:,} more.")
    return "\n".join(lines)


def _show_report(limits: UploadLimits) -> None:
    for i, report in enumerate(st.session_state[REPORT]):
        name = md_text(report.name)
        errors = [p for p in report.problems if p.severity == "error"]
        if not report.accepted:
            st.error(f"**{name}** was not loaded ({len(errors)} problem"
                     f"{'s' if len(errors) != 1 else ''}):\n\n"
                     f"{report_markdown(report.problems)}")
            if report.data is not None and st.button("Load it with geometries repaired",
                                                     key=f"uploads:repair:{i}:{report.digest}"):
                st.session_state[REPORT][i] = _take(report.name, report.data, limits,
                                                    repair=True)
                st.rerun()
        elif report.problems:
            st.warning(f"**{name}** loaded, with notes:\n\n{report_markdown(report.problems)}")
        else:
            st.success(f"**{name}** loaded.")
        _mapping_form(i, report, limits)


def _show_layers() -> None:
    layers: dict[str, Accepted] = st.session_state[LAYERS]
    if not layers:
        return
    st.markdown("**Loaded**")
    for layer_id, accepted in list(layers.items()):
        text_col, style_col, button_col = st.columns([4, 1, 1], vertical_alignment="center")
        text_col.markdown(f"{md_text(accepted.overlay.spec.title)} · "
                          f"{len(accepted.overlay.frame):,} feature"
                          f"{'s' if len(accepted.overlay.frame) != 1 else ''} · "
                          f"{saved_uploads.label(accepted.saved)}")
        with style_col.popover("", icon=":material/palette:",
                               help=f"Rename or restyle {md_text(accepted.overlay.spec.title)}"):
            _style_form(layer_id, accepted)
        if button_col.button("", icon=":material/delete:", key=f"uploads:remove:{layer_id}",
                             help=f"Remove {md_text(accepted.overlay.spec.title)} from the "
                                  "map and the exports (and from the workspace, if yours)."):
            saved_uploads.forget(accepted.saved)
            del layers[layer_id]
            st.session_state[REPORT] = [r for r in st.session_state[REPORT]
                                        if r.digest != accepted.digest]
            st.rerun()


def restyle(accepted: Accepted, *, title: str | None = None, color: str | None = None,
            shape: str | None = None) -> Accepted:
    """The upload with a new name, one colour for all its features, or a point symbol.

    A colour that is not ``#rrggbb`` or a symbol the renderers cannot draw is
    ignored (the text came from a widget, but the style reaches every renderer).
    """
    spec = accepted.overlay.spec
    style = dict(spec.style or {})
    if color is not None and re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        for key in ("by", "colors", "labels"):
            style.pop(key, None)  # one colour now: no legend by value
        style["color"] = color.lower()
    if shape in POINT_SHAPES:
        style["shape"] = shape
    name = " ".join((title or "").split())[:80] or spec.title
    new_spec = replace(spec, title=name, style=style)
    return replace(accepted, overlay=Overlay(new_spec, accepted.overlay.frame))


def _style_form(layer_id: str, accepted: Accepted) -> None:
    """Name, colour and symbol of one upload; applied on change."""
    spec = accepted.overlay.spec
    keys = {k: f"uploads:{k}:{layer_id}" for k in ("title", "color", "shape")}

    def apply(what: str) -> None:  # only the field changed: a new symbol keeps the colours
        layers: dict[str, Accepted] = st.session_state[LAYERS]
        if layer_id in layers:
            new = restyle(layers[layer_id], **{what: st.session_state.get(keys[what])})
            layers[layer_id] = new
            spec = new.overlay.spec
            kept = spec.title if what == "title" else (spec.style or {}).get(what)
            if kept:  # what the restyle took (a bad colour or symbol is not kept)
                saved_uploads.keep_look(new.saved, {what: str(kept)})

    st.text_input("Name on the map", value=spec.title, key=keys["title"], on_change=apply,
                  args=("title",), max_chars=80)
    st.color_picker("Colour (all features)", value=str((spec.style or {}).get("color",
                                                                              "#ff1493")),
                    key=keys["color"], on_change=apply, args=("color",))
    shapes = list(POINT_SHAPES)
    current = str((spec.style or {}).get("shape") or "circle")
    st.selectbox("Point symbol", shapes, index=shapes.index(current) if current in shapes else 0,
                 key=keys["shape"], on_change=apply, args=("shape",))
