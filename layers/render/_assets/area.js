/* Measuring an area on the briefing map: click the corners, read the geodesic area.
 *
 * Served by the app itself. The area is that of the polygon on the WGS84 ellipsoid,
 * computed on the authalic sphere (the sphere of the ellipsoid's area, reached through
 * the authalic latitude, so equal areas stay equal) with the exact spherical excess of
 * each edge; it agrees with pyproj's Geod.polygon_area_perimeter, which the app and the
 * command line use, to a few parts in 100,000 for polygons the size of a province. The
 * perimeter is summed from Vincenty distances on the ellipsoid (as the ruler's). Text is
 * set with textContent.
 *
 * Use: the area button (top left) starts; each click adds a corner; the button again or
 * Escape finishes; "Clear" removes the polygon.
 */
(function () {
  "use strict";
  if (typeof L === "undefined" || L.Control.BriefingArea) { return; }

  var A = 6378137.0, F = 1 / 298.257223563, E2 = F * (2 - F), E = Math.sqrt(E2);
  var RAD = Math.PI / 180;

  function q(phi) {
    var s = Math.sin(phi);
    return (1 - E2) * (s / (1 - E2 * s * s) - Math.log((1 - E * s) / (1 + E * s)) / (2 * E));
  }
  var QP = q(Math.PI / 2), RQ = A * Math.sqrt(QP / 2);

  function authalic(lat) {
    var ratio = q(lat * RAD) / QP;
    return Math.asin(Math.max(-1, Math.min(1, ratio)));
  }

  /* Signed area (m²) of a ring of {lat, lng}; edges are great circles on the authalic sphere. */
  function ringArea(points) {
    var sum = 0;
    for (var i = 0; i < points.length; i++) {
      var a = points[i], b = points[(i + 1) % points.length];
      var t1 = Math.tan(authalic(a.lat) / 2), t2 = Math.tan(authalic(b.lat) / 2);
      var dl = (b.lng - a.lng) * RAD;
      sum += 2 * Math.atan2(Math.tan(dl / 2) * (t1 + t2), 1 + t1 * t2);
    }
    return sum * RQ * RQ;
  }

  function area(points) { return points.length < 3 ? 0 : Math.abs(ringArea(points)); }

  var B = A * (1 - F);

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

  function perimeter(points) {
    var total = 0;
    for (var i = 0; i < points.length && points.length > 1; i++) {
      total += inverse(points[i], points[(i + 1) % points.length]).m;
    }
    return total;
  }


  function fmtArea(m2) {
    var km2 = m2 / 1e6;
    var text = km2 < 10 ? km2.toFixed(2) : (km2 < 1000 ? km2.toFixed(1) :
      Math.round(km2).toLocaleString("en-GB"));
    return text + " km\u00b2";
  }

  L.Control.BriefingArea = L.Control.extend({
    options: {position: "topleft"},

    onAdd: function (map) {
      var self = this;
      this._map = map;
      this._points = [];
      this._layer = L.layerGroup().addTo(map);
      var box = L.DomUtil.create("div", "leaflet-bar bm-area");
      var button = L.DomUtil.create("a", "bm-area-button", box);
      button.href = "#";
      button.title = "Measure an area (geodesic, WGS84)";
      button.setAttribute("role", "button");
      button.textContent = "\u25b1";
      button.style.fontSize = "16px";
      this._panel = L.DomUtil.create("div", "bm-measure-panel", box);
      this._panel.style.display = "none";
      this._readout = L.DomUtil.create("div", "bm-area-readout", this._panel);
      var clear = L.DomUtil.create("a", "bm-area-clear", this._panel);
      clear.href = "#";
      clear.textContent = "Clear";
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.preventDefault(e);
        if (self.active) { self.stop(); } else { self.start(); }
      });
      L.DomEvent.on(clear, "click", function (e) { L.DomEvent.preventDefault(e); self.clear(); });
      this._onClick = function (e) { self.add(e.latlng); };
      this._onKey = function (e) { if (e.key === "Escape") { self.stop(); } };
      window.__briefingArea = this;
      return box;
    },

    start: function () {
      this.active = true;
      this.clear();
      this._panel.style.display = "block";
      this._readout.textContent = "Click the corners of the area";
      this._map.on("click", this._onClick);
      document.addEventListener("keydown", this._onKey);
      this._map.getContainer().style.cursor = "crosshair";
    },

    stop: function () {
      this.active = false;
      this._map.off("click", this._onClick);
      document.removeEventListener("keydown", this._onKey);
      this._map.getContainer().style.cursor = "";
    },

    clear: function () {
      this._points = [];
      this._layer.clearLayers();
      this.area = 0;
      this.perimeter = 0;
      this._readout.textContent = "";
    },

    add: function (latlng) {
      this._points.push(latlng);
      this._layer.clearLayers();
      L.polygon(this._points, {color: "#111111", weight: 2, dashArray: "6 4",
                               fillOpacity: 0.08, interactive: false}).addTo(this._layer);
      this.area = area(this._points);
      this.perimeter = perimeter(this._points);
      this._readout.textContent = this._points.length < 3 ?
        "Add " + (3 - this._points.length) + " more corner(s)" :
        "Area " + fmtArea(this.area) + " \u00b7 perimeter " +
        (this.perimeter / 1000).toFixed(1) + " km";
    }
  });

  window.BriefingArea = {area: area, perimeter: perimeter};
})();
