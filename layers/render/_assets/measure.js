/* A measuring tool for the briefing map: click points, read geodesic distances.
 *
 * Served by the app itself (no plugin from a CDN). Distances and bearings are solved
 * on the WGS84 ellipsoid (Vincenty's inverse formula), so they agree with the
 * `python -m layers measure` command (pyproj.Geod) to well under a metre; the line
 * itself is drawn straight in the map's projection. All text is set with
 * textContent: nothing here builds markup from data.
 *
 * Use: the ruler button (top left) starts measuring; each click adds a point;
 * the button again, or Escape, finishes; "Clear" removes the line.
 */
(function () {
  "use strict";
  if (typeof L === "undefined" || L.Control.BriefingMeasure) { return; }

  var A = 6378137.0, F = 1 / 298.257223563, B = A * (1 - F);

  /* Vincenty inverse: metres and initial bearing (degrees) from p1 to p2. */
  function inverse(p1, p2) {
    var toRad = Math.PI / 180;
    var L1 = (p2.lng - p1.lng) * toRad;
    var U1 = Math.atan((1 - F) * Math.tan(p1.lat * toRad));
    var U2 = Math.atan((1 - F) * Math.tan(p2.lat * toRad));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = L1, lambdaP, iter = 100, sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
    var sinLambda, cosLambda;
    do {
      sinLambda = Math.sin(lambda); cosLambda = Math.cos(lambda);
      sinSigma = Math.sqrt(Math.pow(cosU2 * sinLambda, 2) +
        Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosLambda, 2));
      if (sinSigma === 0) { return {m: 0, bearing: 0}; }
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      var sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cosSqAlpha !== 0 ? cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha : 0;
      var C = F / 16 * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
      lambdaP = lambda;
      lambda = L1 + (1 - C) * F * sinAlpha * (sigma + C * sinSigma *
        (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    } while (Math.abs(lambda - lambdaP) > 1e-12 && --iter > 0);
    var uSq = cosSqAlpha * (A * A - B * B) / (B * B);
    var bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    var bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    var deltaSigma = bigB * sinSigma * (cos2SigmaM + bigB / 4 * (cosSigma *
      (-1 + 2 * cos2SigmaM * cos2SigmaM) - bigB / 6 * cos2SigmaM *
      (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    var metres = B * bigA * (sigma - deltaSigma);
    var bearing = Math.atan2(cosU2 * sinLambda, cosU1 * sinU2 - sinU1 * cosU2 * cosLambda);
    return {m: metres, bearing: (bearing / toRad + 360) % 360};
  }

  function fmt(metres) {
    var km = metres / 1000;
    return (km < 10 ? km.toFixed(2) : km.toFixed(1)) + " km (" +
      (metres / 1852).toFixed(1) + " NM)";
  }

  L.Control.BriefingMeasure = L.Control.extend({
    options: {position: "topleft"},

    onAdd: function (map) {
      this._map = map;
      this._points = [];
      this._layer = L.layerGroup().addTo(map);
      var box = L.DomUtil.create("div", "leaflet-bar bm-measure");
      var button = L.DomUtil.create("a", "bm-measure-button", box);
      button.href = "#";
      button.title = "Measure distance (geodesic, WGS84)";
      button.setAttribute("role", "button");
      button.textContent = "\u21A6";
      this._panel = L.DomUtil.create("div", "bm-measure-panel", box);
      this._panel.style.display = "none";
      this._readout = L.DomUtil.create("div", "bm-measure-readout", this._panel);
      var clear = L.DomUtil.create("a", "bm-measure-clear", this._panel);
      clear.href = "#";
      clear.textContent = "Clear";
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.preventDefault(e);
        this._active ? this._stop() : this._start();
      }, this);
      L.DomEvent.on(clear, "click", function (e) {
        L.DomEvent.preventDefault(e);
        this._clear();
      }, this);
      this._button = button;
      window.__briefingMeasure = this;
      return box;
    },

    _start: function () {
      this._active = true;
      this._clear();
      L.DomUtil.addClass(this._button, "bm-measure-on");
      this._map.getContainer().style.cursor = "crosshair";
      /* Clicks must reach the map, not open the popups of the features under them. */
      L.DomUtil.addClass(this._map.getContainer(), "bm-measuring");
      this._map.closePopup();
      this._map.doubleClickZoom.disable();
      this._panel.style.display = "block";
      this._readout.textContent = "Click points on the map; the ruler or Esc to finish.";
      this._map.on("click", this._add, this);
      L.DomEvent.on(document, "keydown", this._key, this);
    },

    _stop: function () {
      this._active = false;
      L.DomUtil.removeClass(this._button, "bm-measure-on");
      this._map.getContainer().style.cursor = "";
      L.DomUtil.removeClass(this._map.getContainer(), "bm-measuring");
      this._map.doubleClickZoom.enable();
      this._map.off("click", this._add, this);
      L.DomEvent.off(document, "keydown", this._key, this);
    },

    _key: function (e) { if (e.key === "Escape") { this._stop(); } },

    _clear: function () {
      this._points = [];
      this._layer.clearLayers();
      this.total = 0;
      this._readout.textContent = this._active ?
        "Click points on the map; the ruler or Esc to finish." : "";
      if (!this._active) { this._panel.style.display = "none"; }
    },

    _add: function (e) {
      this._points.push(e.latlng);
      L.circleMarker(e.latlng, {radius: 4, color: "#111", weight: 2, fillColor: "#fff",
                                fillOpacity: 1, interactive: false}).addTo(this._layer);
      if (this._points.length > 1) {
        var prev = this._points[this._points.length - 2];
        L.polyline([prev, e.latlng], {color: "#111", weight: 2, dashArray: "6 4",
                                      interactive: false}).addTo(this._layer);
        this._legLabel(prev, e.latlng);
      }
      this._update();
    },

    /* Each leg carries its distance and bearing on the map, at its middle (text only). */
    _legLabel: function (a, b) {
      var leg = inverse(a, b), span = document.createElement("span");
      span.textContent = fmt(leg.m) + " \u00B7 " + leg.bearing.toFixed(0) + "\u00B0";
      var pane = this._map.getPane("bmLabels") ? "bmLabels" : "tooltipPane";
      L.tooltip({permanent: true, interactive: false, direction: "center", opacity: 1,
                 pane: pane, className: "bm-label bm-measure bm-ruler-label"})
        .setLatLng(L.latLng((a.lat + b.lat) / 2, (a.lng + b.lng) / 2))
        .setContent(span).addTo(this._layer);
    },

    /* Total and last leg, recomputed from the points (public for tests). */
    legs: function () {
      var out = [];
      for (var i = 1; i < this._points.length; i++) {
        out.push(inverse(this._points[i - 1], this._points[i]));
      }
      return out;
    },

    _update: function () {
      var legs = this.legs();
      this.total = legs.reduce(function (s, l) { return s + l.m; }, 0);
      if (!legs.length) { this._readout.textContent = "Click the next point."; return; }
      var last = legs[legs.length - 1];
      this._readout.textContent = "Total " + fmt(this.total) + " \u00B7 last leg " +
        fmt(last.m) + ", bearing " + last.bearing.toFixed(1) + "\u00B0";
    }
  });

  L.Control.BriefingMeasure.inverse = inverse;
})();
