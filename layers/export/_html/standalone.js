/* The standalone map export: reads the embedded data, draws it with Leaflet, and
 * filters it by a date slider over the change dates. Every value from the data is
 * written with textContent or as a DOM text node, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("briefing-data").textContent);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function addDays(iso, n) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  /* The same rules as layers.core.timeline: [valid_from, valid_to) for layers, and for
   * events the window [day - windowDays, day] (layers.core.timeline.events_window). */
  function shownOn(layer, f, day) {
    if (layer.windowDays !== null) {
      var end = f.to || addDays(f.from, 1);
      return f.from <= day && end > addDays(day, -layer.windowDays);
    }
    return (!f.from || f.from <= day) && (!f.to || day < f.to);
  }

  function longDate(iso) {
    var months = ["January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"];
    var p = iso.split("-");
    return Number(p[2]) + " " + months[Number(p[1]) - 1] + " " + p[0];
  }

  var map = L.map("map", { attributionControl: false, zoomSnap: 0.25 });
  L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
  L.geoJSON(data.basemap, {
    interactive: false,
    style: function (f) {
      return { color: f.properties.focus ? "#3d3d3d" : "#8a8a8a",
        weight: f.properties.focus ? 1.6 : 0.7, fillColor: "#f4f1ea", fillOpacity: 1 };
    }
  }).addTo(map);
  var b = data.bbox;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);

  function tooltipFor(layer, f) {
    var box = el("div", "tip-row");
    box.appendChild(el("div", "tip-name", f.name));
    box.appendChild(el("div", null, layer.title + (f.label ? ": " + f.label : "")));
    box.appendChild(el("div", null, (f.from || "…") + " → " + (f.to || "open") +
      (f.confidence ? " · confidence " + f.confidence : "")));
    if (f.source) { box.appendChild(el("div", "small", "Source: " + f.source)); }
    if (f.notes) { box.appendChild(el("div", "small", f.notes)); }
    return box;
  }

  /* Panes stack the layers as the print map does: zones, then lines, then points,
   * with installations above town dots and events on top. */
  [["zones", 410], ["lines", 450], ["places", 600], ["installations", 620],
    ["events", 640]].forEach(function (p) {
    map.createPane(p[0]).style.zIndex = p[1];
  });
  function paneFor(layer, geometryType) {
    if (geometryType.indexOf("Point") >= 0) {
      if (layer.kind === "events") { return "events"; }
      return layer.kind === "installations" ? "installations" : "places";
    }
    return geometryType.indexOf("LineString") >= 0 ? "lines" : "zones";
  }

  /* Points are filled near solid (a pale dot vanishes), as on the print map. */
  function styleFor(layer, f, type) {
    var extra = { pane: paneFor(layer, type) };
    if (type.indexOf("Point") >= 0) {
      extra.radius = f.radius;
      extra.fillOpacity = f.pointFill;
      extra.color = f.pointFill > 0.6 ? "#ffffff" : f.style.color;
      extra.weight = 1;
    }
    return L.extend({}, f.style, extra);
  }

  /* Point symbols other than a circle (layers.render.style.POINT_SHAPES), drawn as SVG
     paths so they keep the path options (colour, dash, className, setStyle). */
  var BM_SHAPES = {
    diamond: function (x, y, r) { r *= 1.25; return [[x, y - r], [x + r, y], [x, y + r], [x - r, y]]; },
    square: function (x, y, r) { r *= 0.9; return [[x - r, y - r], [x + r, y - r], [x + r, y + r], [x - r, y + r]]; },
    triangle: function (x, y, r) { r *= 1.2; return [[x, y - r], [x + r * 0.87, y + r * 0.5], [x - r * 0.87, y + r * 0.5]]; }
  };
  L.BmShape = L.CircleMarker.extend({
    _updatePath: function () {
      var make = BM_SHAPES[this.options.shape];
      if (!make || !this._renderer._setPath) { return L.CircleMarker.prototype._updatePath.call(this); }
      var p = this._point, pts = make(p.x, p.y, this._radius);
      this._renderer._setPath(this, "M" + pts.map(function (q) { return q[0] + "," + q[1]; })
        .join("L") + "Z");
    }
  });
  L.bmMarker = function (latlng, options) {
    return options && BM_SHAPES[options.shape] ? new L.BmShape(latlng, options)
      : L.circleMarker(latlng, options);
  };

  function featureLayer(layer, f) {
    if (layer.kind === "annotations" && window.BriefingAnnotations) {
      return window.BriefingAnnotations.layer(f.mark);  /* the mark's own look */
    }
    return L.geoJSON(f.geometry, {
      style: function (g) { return styleFor(layer, f, g.geometry.type); },
      pointToLayer: function (g, latlng) {
        return L.bmMarker(latlng, styleFor(layer, f, "Point"));
      }
    });
  }

  /* Permanent labels cannot avoid each other in Leaflet; hide any that would overlap
   * one placed before it (installations come first, so a base keeps its name). */
  function declutter() {
    var kept = [];
    labels.eachLayer(function (t) {
      var node = t.getElement();
      if (!node) { return; }
      node.style.visibility = "";
      var r = node.getBoundingClientRect();
      var clash = kept.some(function (k) {
        return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top;
      });
      if (clash) { node.style.visibility = "hidden"; } else { kept.push(r); }
    });
  }
  map.on("moveend", declutter);
  map.on("zoomend", function () { drawLabels(); });

  /* The labelling rule of layers.render.labels (as on screen): each name has a rank
   * (bases, sites, cities, countries, towns) and a zoom from which it is written. */
  function drawLabels() {
    labels.clearLayers();
    var zoom = map.getZoom();
    (state.labels || []).filter(function (p) { return zoom >= p.minZoom; })
      .sort(function (a, b) { return a.rank - b.rank; })
      .forEach(function (p) {
        /* As on screen: a site's name to the left of its point, a place's to the right. */
        labels.addLayer(L.tooltip({ permanent: true, direction: p.place ? "right" : "left",
          interactive: false, offset: p.place ? [6, 0] : [-6, 0],
          className: "map-label" + (p.place ? " place" : "") })
          .setLatLng([p.lat, p.lon]).setContent(el("span", null, p.name)));
      });
    declutter();
  }

  var groups = {};
  var labels = L.layerGroup().addTo(map);
  data.layers.forEach(function (layer) { groups[layer.id] = L.layerGroup().addTo(map); });

  var state = { day: data.asOf, shown: {} };
  window.briefingMap = { map: map, state: state, data: data };

  function draw(day) {
    state.day = day;
    labels.clearLayers();
    var pending = [];
    var sources = [];
    data.layers.forEach(function (layer) {
      var group = groups[layer.id];
      group.clearLayers();
      var ids = [];
      var present = {};
      layer.features.forEach(function (f) {
        if (!shownOn(layer, f, day)) { return; }
        ids.push(f.id);
        present[f.value] = true;
        var lyr = featureLayer(layer, f);
        lyr.bindTooltip(tooltipFor(layer, f), { sticky: true });
        group.addLayer(lyr);
        if (f.label_on_map && f.geometry.type === "Point" && map.hasLayer(group)) {
          pending.push([f.labelRank, f, layer]);
        }
        (f.sources || []).forEach(function (s) {
          if (sources.indexOf(s) < 0) { sources.push(s); }
        });
      });
      state.shown[layer.id] = ids;
      drawLegend(layer, present, ids.length);
    });
    state.labels = pending.map(function (p) {
      var c = p[1].geometry.coordinates;
      return { name: p[1].name, lat: c[1], lon: c[0], rank: p[1].labelRank,
        minZoom: p[1].labelZoom || 0, place: false };
    }).concat((data.placeLabels || []).map(function (p) {
      return { name: p.name, lat: p.lat, lon: p.lon, rank: p.rank, minZoom: p.minZoom,
        place: true };
    }));
    drawLabels();
    document.getElementById("day").textContent = longDate(day);
    document.getElementById("asof").textContent = "As of " + longDate(day);
    document.getElementById("daynote").textContent = day + " · change " +
      (data.dates.indexOf(day) + 1) + " of " + data.dates.length;
    var src = document.getElementById("sources");
    /* Numbered sources ("[N] ..."), in the order of the dashboard's Sources tab. */
    sources.sort(function (a, b) {
      return (parseInt(a.slice(1), 10) || 1e9) - (parseInt(b.slice(1), 10) || 1e9);
    });
    src.textContent = sources.concat(data.basemapCredit ? [data.basemapCredit] : []).join("; ");
  }

  var legendBoxes = {};
  function drawLegend(layer, present, count) {
    var box = legendBoxes[layer.id];
    box.textContent = "";
    var rows = layer.legend.filter(function (e) { return !e.value || present[e.value]; });
    if (!count) { box.appendChild(el("div", "muted", "none on this date")); }
    rows.forEach(function (e) {
      if (!count) { return; }
      var row = el("div", "legend-row");
      var sw = el("span", "swatch " + layer.family);
      if (layer.family === "line") {
        sw.style.borderTopColor = e.color;
        if (e.dash) { sw.style.borderTopStyle = "dashed"; }
      } else if (layer.family === "point") {
        sw.style.background = e.color;
      } else {
        sw.style.background = e.color;
        sw.style.opacity = "0.55";
        sw.style.border = "1px solid " + e.color;
      }
      row.appendChild(sw);
      row.appendChild(el("span", null, e.label));
      box.appendChild(row);
    });
  }

  /* Panel: slider, layer switches with their legend, sources, caveat. */
  var slider = document.getElementById("slider");
  slider.min = 0;
  slider.max = data.dates.length - 1;
  slider.value = Math.max(0, data.dates.indexOf(data.asOf));
  function go(i) {
    i = Math.max(0, Math.min(data.dates.length - 1, i));
    slider.value = i;
    draw(data.dates[i]);
  }
  slider.addEventListener("input", function () { go(Number(slider.value)); });
  document.getElementById("prev").addEventListener("click", function () {
    go(Number(slider.value) - 1);
  });
  document.getElementById("next").addEventListener("click", function () {
    go(Number(slider.value) + 1);
  });
  var timer = null;
  var play = document.getElementById("play");
  play.addEventListener("click", function () {
    if (timer) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
    play.textContent = "❚❚";
    timer = setInterval(function () {
      var i = Number(slider.value) + 1;
      if (i >= data.dates.length) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
      go(i);
    }, 1200);
  });

  var switches = document.getElementById("layers");
  data.layers.forEach(function (layer) {
    var label = el("label", "toggle");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) { map.addLayer(groups[layer.id]); } else { map.removeLayer(groups[layer.id]); }
      draw(state.day);
    });
    label.appendChild(box);
    label.appendChild(el("span", "legend-title", layer.title));
    switches.appendChild(label);
    legendBoxes[layer.id] = el("div");
    switches.appendChild(legendBoxes[layer.id]);
  });

  go(Number(slider.value));
  document.body.setAttribute("data-ready", "1");
}());
