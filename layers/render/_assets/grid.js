/* Reference grids and position tools for the briefing map, served by the app itself.
 *
 * - An MGRS grid (100 km squares with their letters; 10 km lines from zoom 8, 1 km from
 *   zoom 11) and a graticule, recomputed for the visible area whenever the map moves.
 * - The cursor's position, live in the lower left corner, as decimal degrees, DMS or MGRS.
 * - A button that brings the map back to the catalog's region.
 *
 * UTM is computed with Krueger's series on the WGS84 ellipsoid (the same formulas as
 * pyproj to well under a millimetre inside a zone); MGRS letters follow the AA scheme
 * and digits are truncated, as the mgrs library used by layers.geo.coords does, so the
 * readout matches `python -m layers measure` and the printed grid. The Norway and
 * Svalbard zone exceptions are not applied. Every label is set with textContent.
 */
(function () {
  "use strict";
  if (typeof L === "undefined" || L.Control.BriefingPosition) { return; }

  var A = 6378137.0, F = 1 / 298.257223563, K0 = 0.9996;
  var N = F / (2 - F), N2 = N * N, N3 = N2 * N;
  var AA = A / (1 + N) * (1 + N2 / 4 + N2 * N2 / 64);
  var ALPHA = [N / 2 - 2 / 3 * N2 + 5 / 16 * N3, 13 / 48 * N2 - 3 / 5 * N3, 61 / 240 * N3];
  var BETA = [N / 2 - 2 / 3 * N2 + 37 / 96 * N3, 1 / 48 * N2 + 1 / 15 * N3, 17 / 480 * N3];
  var DELTA = [2 * N - 2 / 3 * N2 - 2 * N3, 7 / 3 * N2 - 8 / 5 * N3, 56 / 15 * N3];
  var E2N = 2 * Math.sqrt(N) / (1 + N);
  var RAD = Math.PI / 180;
  var COLUMNS = ["ABCDEFGH", "JKLMNPQR", "STUVWXYZ"], ROWS = "ABCDEFGHJKLMNPQRSTUV";
  var BANDS = "CDEFGHJKLMNPQRSTUVWX";

  function zoneOf(lon) { return Math.min(Math.floor((lon + 180) / 6) + 1, 60); }
  function bandOf(lat) {
    return BANDS[Math.min(Math.max(Math.floor((lat + 80) / 8), 0), BANDS.length - 1)];
  }
  function centralMeridian(zone) { return (zone - 1) * 6 - 180 + 3; }

  /* Geodetic (lat, lon) to UTM easting and northing in a given zone and hemisphere. */
  function toUtm(lat, lon, zone, south) {
    var phi = lat * RAD, lam = (lon - centralMeridian(zone)) * RAD;
    var s = Math.sin(phi);
    var t = Math.sinh(Math.atanh(s) - E2N * Math.atanh(E2N * s));
    var xi1 = Math.atan2(t, Math.cos(lam));
    var eta1 = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
    var xi = xi1, eta = eta1;
    for (var j = 1; j <= 3; j++) {
      xi += ALPHA[j - 1] * Math.sin(2 * j * xi1) * Math.cosh(2 * j * eta1);
      eta += ALPHA[j - 1] * Math.cos(2 * j * xi1) * Math.sinh(2 * j * eta1);
    }
    return {e: 500000 + K0 * AA * eta, n: (south ? 10000000 : 0) + K0 * AA * xi};
  }

  /* UTM back to geodetic: conformal latitude by Krueger's series, then the delta series. */
  function fromUtm(e, n, zone, south) {
    var xi = (n - (south ? 10000000 : 0)) / (K0 * AA), eta = (e - 500000) / (K0 * AA);
    var xi1 = xi, eta1 = eta;
    for (var j = 1; j <= 3; j++) {
      xi1 -= BETA[j - 1] * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
      eta1 -= BETA[j - 1] * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
    }
    var chi = Math.asin(Math.sin(xi1) / Math.cosh(eta1)), phi = chi;
    for (var k = 1; k <= 3; k++) { phi += DELTA[k - 1] * Math.sin(2 * k * chi); }
    var lam = Math.atan2(Math.sinh(eta1), Math.cos(xi1));
    return {lat: phi / RAD, lng: centralMeridian(zone) + lam / RAD};
  }

  function squareLetters(zone, e, n) {
    var col = COLUMNS[(zone - 1) % 3][Math.floor(e / 100000) - 1];
    var row = ROWS[(Math.floor(n / 100000) + (zone % 2 === 0 ? 5 : 0)) % ROWS.length];
    return col + row;
  }

  function pad(value, width) {
    var text = String(value);
    while (text.length < width) { text = "0" + text; }
    return text;
  }

  /* "36S YD 62566 67387": 1 m, truncated like the mgrs library. */
  function toMgrs(lat, lon) {
    if (lat < -80 || lat > 84) { return "outside MGRS (polar UPS)"; }
    var zone = zoneOf(lon), south = lat < 0, p = toUtm(lat, lon, zone, south);
    var e = Math.floor(p.e + 1e-6), n = Math.floor(p.n + 1e-6);
    return zone + bandOf(lat) + " " + squareLetters(zone, e, n) + " " +
      pad(e % 100000, 5) + " " + pad(n % 100000, 5);
  }

  /* 34°54'54.0"N: seconds rounded first and carried, as layers.geo.coords.to_dms. */
  function toDms(value, isLat) {
    var hemi = isLat ? (value >= 0 ? "N" : "S") : (value >= 0 ? "E" : "W");
    var total = Math.round(Math.abs(value) * 36000);
    var deg = Math.floor(total / 36000), rest = total - deg * 36000;
    var min = Math.floor(rest / 600), sec = (rest - min * 600) / 10;
    return deg + "\u00b0" + pad(min, 2) + "'" + (sec < 10 ? "0" : "") + sec.toFixed(1) +
      "\"" + hemi;
  }

  var FORMATS = {
    decimal: function (p) { return p.lat.toFixed(5) + ", " + p.lng.toFixed(5); },
    dms: function (p) { return toDms(p.lat, true) + " " + toDms(p.lng, false); },
    mgrs: function (p) { return toMgrs(p.lat, p.lng); }
  };

  /* ---- clipping a polyline to a lon/lat box (Liang-Barsky per segment) ---- */
  function clipSegment(a, b, box) {
    var t0 = 0, t1 = 1, dx = b.lng - a.lng, dy = b.lat - a.lat;
    var edges = [[-dx, a.lng - box.w], [dx, box.e - a.lng], [-dy, a.lat - box.s],
                 [dy, box.n - a.lat]];
    for (var i = 0; i < 4; i++) {
      var p = edges[i][0], q = edges[i][1];
      if (p === 0) { if (q < 0) { return null; } continue; }
      var r = q / p;
      if (p < 0) { if (r > t1) { return null; } if (r > t0) { t0 = r; } }
      else { if (r < t0) { return null; } if (r < t1) { t1 = r; } }
    }
    return [L.latLng(a.lat + t0 * dy, a.lng + t0 * dx), L.latLng(a.lat + t1 * dy, a.lng + t1 * dx)];
  }

  function clipLine(points, box) {
    var parts = [], current = [];
    for (var i = 1; i < points.length; i++) {
      var seg = clipSegment(points[i - 1], points[i], box);
      if (!seg) { if (current.length) { parts.push(current); current = []; } continue; }
      if (!current.length) { current.push(seg[0]); }
      current.push(seg[1]);
      if (seg[1].lat !== points[i].lat || seg[1].lng !== points[i].lng) {
        parts.push(current); current = [];
      }
    }
    if (current.length) { parts.push(current); }
    return parts;
  }

  function textIcon(text, cls) {
    var el = document.createElement("div");
    el.className = cls;
    el.textContent = text;
    return L.divIcon({html: el, className: "bm-grid-icon", iconSize: null});
  }

  var STYLE = ".bm-grid-icon{background:none;border:none}" +
    ".bm-grid-sq{font:600 12px sans-serif;color:#3b4a66;white-space:nowrap;" +
    "transform:translate(-50%,-50%);text-shadow:0 0 3px #fff,0 0 3px #fff}" +
    ".bm-grid-num{font:10px sans-serif;color:#3b4a66;white-space:nowrap;" +
    "text-shadow:0 0 2px #fff,0 0 2px #fff}" +
    ".bm-position{background:rgba(255,255,255,.92);padding:3px 6px;border-radius:4px;" +
    "font:12px sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}" +
    ".bm-position select{font:11px sans-serif;margin-right:4px}" +
    ".bm-cursor-readout{font-family:monospace;display:inline-block;min-width:17em}";

  function addStyle() {
    if (document.getElementById("bm-grid-style")) { return; }
    var el = document.createElement("style");
    el.id = "bm-grid-style";
    el.textContent = STYLE;
    document.head.appendChild(el);
  }

  var LINE = {color: "#3b4a66", weight: 1, opacity: 0.6, interactive: false};
  var MAJOR = {color: "#3b4a66", weight: 1.8, opacity: 0.75, interactive: false};
  var MAX_LINES = 160;

  function mgrsStep(zoom) { return zoom >= 11 ? 1000 : (zoom >= 8 ? 10000 : 100000); }

  function zoneParts(b) {
    var out = [], s = Math.max(b.getSouth(), -80), n = Math.min(b.getNorth(), 84);
    var w = Math.max(b.getWest(), -180), e = Math.min(b.getEast(), 180);
    for (var z = zoneOf(w); z <= zoneOf(e - 1e-9); z++) {
      var zw = -180 + 6 * (z - 1), ze = zw + 6;
      [[true, s, Math.min(n, 0)], [false, Math.max(s, 0), n]].forEach(function (h) {
        var box = {w: Math.max(w, zw), e: Math.min(e, ze), s: h[1], n: h[2]};
        if (box.e > box.w && box.n > box.s) { out.push({zone: z, south: h[0], box: box}); }
      });
    }
    return out;
  }

  function utmRange(part) {
    var r = {e0: Infinity, e1: -Infinity, n0: Infinity, n1: -Infinity}, b = part.box;
    for (var i = 0; i <= 20; i++) {
      var f = i / 20;
      [[b.s, b.w + f * (b.e - b.w)], [b.n, b.w + f * (b.e - b.w)],
       [b.s + f * (b.n - b.s), b.w], [b.s + f * (b.n - b.s), b.e]].forEach(function (p) {
        var u = toUtm(p[0], p[1], part.zone, part.south);
        r.e0 = Math.min(r.e0, u.e); r.e1 = Math.max(r.e1, u.e);
        r.n0 = Math.min(r.n0, u.n); r.n1 = Math.max(r.n1, u.n);
      });
    }
    return r;
  }

  function values(lo, hi, step) {
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi && out.length < MAX_LINES; v += step) {
      out.push(v);
    }
    return out;
  }

  function drawMgrs(layer, map) {
    var b = map.getBounds(), step = mgrsStep(map.getZoom()), count = 0;
    zoneParts(b).forEach(function (part) {
      var r = utmRange(part);
      [["e", values(r.e0, r.e1, step)], ["n", values(r.n0, r.n1, step)]].forEach(function (d) {
        d[1].forEach(function (v) {
          var pts = [];
          for (var i = 0; i <= 24; i++) {
            var f = i / 24;
            pts.push(d[0] === "e" ? fromUtm(v, r.n0 + f * (r.n1 - r.n0), part.zone, part.south)
                                  : fromUtm(r.e0 + f * (r.e1 - r.e0), v, part.zone, part.south));
          }
          var major = v % 100000 === 0;
          clipLine(pts, part.box).forEach(function (seg) {
            L.polyline(seg, major ? MAJOR : LINE).addTo(layer);
            count++;
            if (!major && seg.length) {
              var end = seg[0];
              var label = pad(Math.floor(v % 100000 / 1000), 2);
              L.marker(end, {icon: textIcon(label, "bm-grid-num"), interactive: false,
                             keyboard: false}).addTo(layer);
            }
          });
        });
      });
      values(r.e0 - 100000, r.e1, 100000).forEach(function (e) {
        values(r.n0 - 100000, r.n1, 100000).forEach(function (n) {
          var c = fromUtm(e + 50000, n + 50000, part.zone, part.south);
          if (c.lng < part.box.w || c.lng > part.box.e || c.lat < part.box.s ||
              c.lat > part.box.n || e < 100000) { return; }
          var text = part.zone + bandOf(c.lat) + " " + squareLetters(part.zone, e, n);
          L.marker(c, {icon: textIcon(text, "bm-grid-sq"), interactive: false,
                       keyboard: false}).addTo(layer);
        });
      });
    });
    return count;
  }

  var NICE = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10];

  function drawGraticule(layer, map) {
    var b = map.getBounds(), span = Math.max(b.getEast() - b.getWest(), b.getNorth() - b.getSouth());
    var step = NICE.reduce(function (best, s) {
      return Math.abs(Math.log(s / (span / 6))) < Math.abs(Math.log(best / (span / 6))) ? s : best;
    });
    var digits = step < 0.1 ? 2 : (step < 1 ? 1 : 0), count = 0;
    values(b.getWest(), b.getEast(), step).forEach(function (lon) {
      L.polyline([[b.getSouth(), lon], [b.getNorth(), lon]], LINE).addTo(layer);
      L.marker([b.getSouth(), lon], {icon: textIcon(Math.abs(lon).toFixed(digits) + "\u00b0" +
        (lon >= 0 ? "E" : "W"), "bm-grid-num"), interactive: false}).addTo(layer);
      count++;
    });
    values(b.getSouth(), b.getNorth(), step).forEach(function (lat) {
      L.polyline([[lat, b.getWest()], [lat, b.getEast()]], LINE).addTo(layer);
      L.marker([lat, b.getWest()], {icon: textIcon(Math.abs(lat).toFixed(digits) + "\u00b0" +
        (lat >= 0 ? "N" : "S"), "bm-grid-num"), interactive: false}).addTo(layer);
      count++;
    });
    return count;
  }

  function store(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      window.localStorage.setItem(key, value);
    } catch (e) { /* storage may be off in a sandboxed frame */ }
    return null;
  }

  function select(parent, options, current, title) {
    var el = L.DomUtil.create("select", "", parent);
    el.title = title;
    Object.keys(options).forEach(function (key) {
      var opt = document.createElement("option");
      opt.value = key;
      opt.textContent = options[key];
      opt.selected = key === current;
      el.appendChild(opt);
    });
    return el;
  }

  L.Control.BriefingPosition = L.Control.extend({
    options: {position: "bottomleft"},

    onAdd: function (map) {
      addStyle();
      var self = this;
      this._map = map;
      this._grid = L.layerGroup().addTo(map);
      this.format = store("bm-coord-format") || "decimal";
      this.gridKind = store("bm-grid-kind") || "none";
      var box = L.DomUtil.create("div", "bm-position");
      var grid = select(box, {none: "No grid", mgrs: "MGRS grid", graticule: "Graticule"},
                        this.gridKind, "Reference grid on the map");
      grid.className = "bm-grid-select";
      var fmt = select(box, {decimal: "Decimal", dms: "DMS", mgrs: "MGRS"}, this.format,
                       "Format of the cursor position");
      fmt.className = "bm-format-select";
      this._readout = L.DomUtil.create("span", "bm-cursor-readout", box);
      this._readout.textContent = "move over the map";
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      L.DomEvent.on(fmt, "change", function () {
        self.format = fmt.value; store("bm-coord-format", fmt.value); self._show();
      });
      L.DomEvent.on(grid, "change", function () {
        self.gridKind = grid.value; store("bm-grid-kind", grid.value); self.redraw();
      });
      map.on("mousemove", function (e) { self._last = e.latlng; self._show(); });
      map.on("moveend zoomend", function () { self.redraw(); });
      window.__briefingPosition = this;
      setTimeout(function () { self.redraw(); }, 0);
      return box;
    },

    _show: function () {
      if (this._last) { this._readout.textContent = FORMATS[this.format](this._last); }
    },

    /* Redraw the grid for the visible area; return how many lines were drawn. */
    redraw: function () {
      this._grid.clearLayers();
      if (this.gridKind === "mgrs") { this.lines = drawMgrs(this._grid, this._map); }
      else if (this.gridKind === "graticule") { this.lines = drawGraticule(this._grid, this._map); }
      else { this.lines = 0; }
      return this.lines;
    }
  });

  L.Control.BriefingHome = L.Control.extend({
    options: {position: "topleft", bounds: null},

    onAdd: function (map) {
      var bounds = this.options.bounds;
      var box = L.DomUtil.create("div", "leaflet-bar bm-home");
      var button = L.DomUtil.create("a", "bm-home-button", box);
      button.href = "#";
      button.title = "Reset the view to the whole region";
      button.setAttribute("role", "button");
      button.textContent = "\u2302";
      button.style.fontSize = "18px";
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.preventDefault(e);
        if (bounds) { map.fitBounds(bounds); }
      });
      return box;
    }
  });

  window.BriefingGrid = {toMgrs: toMgrs, toDms: toDms, toUtm: toUtm, fromUtm: fromUtm,
                         formats: FORMATS, squareLetters: squareLetters};
})();
