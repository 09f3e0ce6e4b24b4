/* Annotation marks on a Leaflet map: arrows, curved arrows, callouts, labels, circles,
 * freehand lines and areas, drawn as layers/render/annotations_static.py prints them.
 *
 * Used by the app's map (with the drawing toolbar of annotate.js) and by the standalone
 * HTML export. The rules mirror layers/render/annotation_shapes.py: a curved arrow
 * through two points bows left by a fifth of its length (quadratic Bezier), through
 * more it is a Catmull-Rom spline, 16 steps a span, in longitude/latitude; dashes and
 * sizes are CSS pixels. Text is only ever set with textContent: a callout that reads
 * "<img onerror=...>" shows those characters.
 *
 * API (window.BriefingAnnotations):
 *   layer(feature)            an L.FeatureGroup drawing one GeoJSON mark
 *   shown(feature, isoDay)    whether the mark holds on the day (valid_to exclusive)
 *   curve(points)             the curved arrow's path, [[lon, lat], ...]
 *   wrap(text)                callout text broken into lines of 32 characters
 */
(function () {
  "use strict";
  if (window.BriefingAnnotations) { return; }
  var STEPS = 16, BOW = 0.2, WEIGHT = 3, HEAD_LENGTH = 14, HEAD_HALF = 7, FILL = 0.15;
  var WRAP = 32;
  var DASHES = {solid: null, dashed: "8 6", dotted: "2 5"};
  var SIZES = {small: 11, medium: 14, large: 19};
  var SVG = "http://www.w3.org/2000/svg";

  function color(value) {
    var c = String(value || "");
    return /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(c) ? c : "#d62728";
  }
  function textPx(value) {
    if (SIZES[value]) { return SIZES[value]; }
    var n = Number(value);
    return n >= 6 && n <= 72 ? n : SIZES.medium;
  }
  function look(p) {
    return {color: color(p.color), dash: DASHES[p.line_style] || null,
            px: textPx(p.text_size || "medium")};
  }

  function curve(pts) {
    var out = [], i, k, t;
    if (pts.length < 2) { return pts.slice(); }
    if (pts.length === 2) {
      var a = pts[0], b = pts[1], dx = b[0] - a[0], dy = b[1] - a[1];
      var c = [(a[0] + b[0]) / 2 - BOW * dy, (a[1] + b[1]) / 2 + BOW * dx];
      for (k = 0; k <= STEPS; k++) {
        t = k / STEPS;
        out.push([0, 1].map(function (j) {
          return (1 - t) * (1 - t) * a[j] + 2 * (1 - t) * t * c[j] + t * t * b[j];
        }));
      }
      return out;
    }
    var n = pts.length, p = [[2 * pts[0][0] - pts[1][0], 2 * pts[0][1] - pts[1][1]]]
      .concat(pts, [[2 * pts[n - 1][0] - pts[n - 2][0], 2 * pts[n - 1][1] - pts[n - 2][1]]]);
    out.push(pts[0]);
    for (i = 1; i < p.length - 2; i++) {
      for (k = 1; k <= STEPS; k++) {
        t = k / STEPS;
        out.push(spline(p[i - 1], p[i], p[i + 1], p[i + 2], t));
      }
    }
    return out;
  }
  function spline(p0, p1, p2, p3, t) {
    return [0, 1].map(function (j) {
      return 0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t +
        (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t * t +
        (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t * t * t);
    });
  }

  function wrap(text) {  /* as Python's textwrap.wrap(text, 32) */
    var words = String(text).split(/\s+/).filter(Boolean), lines = [], line = "";
    words.forEach(function (w) {
      while (w.length > WRAP) {
        if (line) { lines.push(line); line = ""; }
        lines.push(w.slice(0, WRAP)); w = w.slice(WRAP);
      }
      if (!w) { return; }
      if (line && line.length + 1 + w.length > WRAP) { lines.push(line); line = w; }
      else { line = line ? line + " " + w : w; }
    });
    if (line) { lines.push(line); }
    return lines.join("\n");
  }

  function latlngs(coords) { return coords.map(function (c) { return [c[1], c[0]]; }); }

  function lineLayers(coords, lk) {
    var ll = latlngs(coords);
    return [L.polyline(ll, {color: "#ffffff", weight: WEIGHT + 2.5, opacity: 0.85,
                            interactive: false}),
            L.polyline(ll, {color: lk.color, weight: WEIGHT, opacity: 1, dashArray: lk.dash,
                            lineCap: "round"})];
  }

  /* The head: an SVG triangle whose tip sits on the line's end, turned along the last
   * segment as the map shows it (Mercator keeps angles, so once is enough). */
  var Head = L.Marker.extend({
    onAdd: function (map) {
      L.Marker.prototype.onAdd.call(this, map);
      var c = this.options.path, n = c.length, i = n - 1, a = null, b;
      b = map.latLngToLayerPoint([c[i][1], c[i][0]]);
      for (i = n - 2; i >= 0 && a === null; i--) {
        var q = map.latLngToLayerPoint([c[i][1], c[i][0]]);
        if (q.x !== b.x || q.y !== b.y) { a = q; }
      }
      var deg = a ? Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI : 0;
      this._icon.firstChild.style.transform = "rotate(" + deg + "deg)";
      return this;
    }
  });
  function head(coords, lk) {
    var size = 2 * HEAD_LENGTH, svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", size); svg.setAttribute("height", size);
    svg.setAttribute("viewBox", [-HEAD_LENGTH, -HEAD_LENGTH, size, size].join(" "));
    svg.style.overflow = "visible"; svg.style.display = "block";
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M0 0 L" + (-HEAD_LENGTH) + " " + HEAD_HALF + " L" +
      (-0.72 * HEAD_LENGTH) + " 0 L" + (-HEAD_LENGTH) + " " + (-HEAD_HALF) + " Z");
    path.setAttribute("fill", lk.color); path.setAttribute("stroke", "#ffffff");
    path.setAttribute("stroke-width", "0.8");
    svg.appendChild(path);
    var holder = document.createElement("div");
    holder.className = "bm-ann-head";
    holder.appendChild(svg);
    var end = coords[coords.length - 1];
    return new Head([end[1], end[0]], {path: coords, interactive: false, keyboard: false,
      icon: L.divIcon({html: holder, className: "bm-ann-icon", iconSize: [size, size],
                       iconAnchor: [HEAD_LENGTH, HEAD_LENGTH]})});
  }

  function textMarker(lonlat, text, lk, boxed) {
    var node = document.createElement("div");
    node.className = boxed ? "bm-ann-callout" : "bm-ann-label";
    node.textContent = boxed ? wrap(text) : text;
    var st = node.style;
    st.position = "absolute"; st.left = "0"; st.top = "0";
    st.transform = "translate(-50%, -50%)"; st.fontSize = lk.px + "px";
    st.fontFamily = "'DejaVu Sans', Arial, Helvetica, sans-serif"; st.lineHeight = "1.25";
    if (boxed) {
      st.whiteSpace = "pre"; st.background = "#ffffff"; st.color = "#1b1b1b";
      st.border = "1.6px solid " + lk.color; st.borderRadius = "5px"; st.padding = "3px 7px";
    } else {
      st.whiteSpace = "nowrap"; st.fontWeight = "bold"; st.color = lk.color;
      st.textShadow = "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff";
    }
    var holder = document.createElement("div");
    holder.appendChild(node);
    return L.marker([lonlat[1], lonlat[0]], {interactive: false, keyboard: false,
      icon: L.divIcon({html: holder, className: "bm-ann-icon", iconSize: [0, 0]})});
  }

  function middle(coords) { return coords[Math.floor(coords.length / 2)]; }

  function layer(feature) {
    var p = feature.properties || {}, g = feature.geometry, lk = look(p);
    var group = L.featureGroup(), text = String(p.text == null ? "" : p.text);
    var add = function (l) { group.addLayer(l); };
    var kind = p.annotation;
    if (!g) { return group; }
    if ((kind === "arrow" || kind === "curved_arrow") && g.type === "LineString") {
      var path = kind === "curved_arrow" ? curve(g.coordinates) : g.coordinates;
      lineLayers(path, lk).forEach(add);
      add(head(path, lk));
      if (text) { add(textMarker(middle(path), text, lk, false)); }
    } else if (kind === "callout" && g.type === "LineString") {
      var c = g.coordinates, box = c[c.length - 1];
      add(L.polyline(latlngs([c[0], box]), {color: lk.color, weight: WEIGHT,
                                            dashArray: lk.dash}));
      add(L.circleMarker([c[0][1], c[0][0]], {radius: 3.5, color: "#ffffff", weight: 1,
                                              fillColor: lk.color, fillOpacity: 1}));
      add(textMarker(box, text, lk, true));
    } else if (kind === "label" && g.type === "Point") {
      add(textMarker(g.coordinates, text, lk, false));
    } else if ((kind === "circle" && g.type === "Point") || g.type === "Polygon") {
      var shape = g.type === "Point" ?
        L.circle([g.coordinates[1], g.coordinates[0]], {radius: Number(p.radius_m) || 1000}) :
        L.polygon(latlngs(g.coordinates[0]));
      shape.setStyle({color: lk.color, weight: WEIGHT, dashArray: lk.dash, fillColor: lk.color,
                      fillOpacity: FILL});
      add(shape);
      if (text) {
        var ctr = g.type === "Point" ? g.coordinates : centroid(g.coordinates[0]);
        add(textMarker(ctr, text, lk, false));
      }
    } else if (g.type === "LineString") {
      lineLayers(g.coordinates, lk).forEach(add);
      if (text) { add(textMarker(middle(g.coordinates), text, lk, false)); }
    }
    return group;
  }

  function centroid(ring) {  /* area-weighted, as shapely's centroid */
    var a = 0, x = 0, y = 0, i, f;
    for (i = 0; i < ring.length - 1; i++) {
      f = ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
      a += f; x += (ring[i][0] + ring[i + 1][0]) * f; y += (ring[i][1] + ring[i + 1][1]) * f;
    }
    return a ? [x / (3 * a), y / (3 * a)] : ring[0];
  }

  function shown(feature, day) {
    var p = feature.properties || {};
    return (!p.valid_from || p.valid_from <= day) && (!p.valid_to || day < p.valid_to);
  }

  window.BriefingAnnotations = {layer: layer, shown: shown, curve: curve, wrap: wrap,
                                look: look};
})();
