/* Two dates side by side: a swipe (one map, date A clipped to the left of a divider,
 * date B to its right) or a pair (two maps that move together). Reads the embedded
 * data; every value from it is written with textContent, never as HTML.
 *
 * The swipe clips each date's pane with clip-path in the pane's own (layer) pixels,
 * recomputed on every move, so the cut stays under the divider while panning and
 * zooming; the browser also hit-tests by the clip, so a hover on the left finds A. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("compare-data").textContent);
  var swipe = data.mode === "swipe";
  var split = data.split;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function tooltipFor(layer, f, side) {
    var box = el("div", "tip-row");
    box.appendChild(el("div", "tip-name", f.name));
    box.appendChild(el("div", null, layer.title + (f.label ? ": " + f.label : "")));
    if (side) { box.appendChild(el("div", null, "Shown as of " + side.label)); }
    box.appendChild(el("div", null, (f.from || "…") + " → " + (f.to || "open") +
      (f.confidence ? " · confidence " + f.confidence : "")));
    if (f.source) { box.appendChild(el("div", "small", "Source: " + f.source)); }
    return box;
  }

  function styleFor(f, type, pane) {
    var extra = { pane: pane };
    if (type.indexOf("Point") >= 0) {
      extra.radius = f.radius;
      extra.fillOpacity = f.pointFill;
      extra.color = f.pointFill > 0.6 ? "#ffffff" : f.style.color;
      extra.weight = 1;
    }
    return L.extend({}, f.style, extra);
  }

  /* Zones first, then lines, then points: one SVG per pane draws in that order. */
  function rank(layer) {
    return { polygon: 0, line: 1, point: 2 }[layer.family] || 0;
  }

  function drawLayers(map, layers, pane, side) {
    var sorted = layers.slice().sort(function (a, b) { return rank(a) - rank(b); });
    sorted.forEach(function (layer) {
      layer.features.forEach(function (f) {
        var g = L.geoJSON(f.geometry, {
          style: function (x) { return styleFor(f, x.geometry.type, pane); },
          pointToLayer: function (x, latlng) {
            return L.circleMarker(latlng, styleFor(f, "Point", pane));
          }
        });
        g.eachLayer(function (lyr) {
          lyr.feature = { properties: { id: f.id, layer: layer.id, date: side ? side.date : "",
            from: f.from, to: f.to } };
          var node = lyr.getElement && lyr.getElement();
          if (node) { node.setAttribute("data-feature", f.id); }
        });
        g.bindTooltip(tooltipFor(layer, f, side), { sticky: true });
        g.addTo(map);
        g.eachLayer(function (lyr) {
          var node = lyr.getElement && lyr.getElement();
          if (node) {
            node.setAttribute("data-feature", f.id);
            node.setAttribute("data-layer", layer.id);
            node.setAttribute("data-date", side ? side.date : "change");
          }
        });
      });
    });
  }

  function newMap(id) {
    var map = L.map(id, { attributionControl: false, zoomSnap: 0.25 });
    L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
    map.createPane("base").style.zIndex = 200;
    L.geoJSON(data.basemap, {
      interactive: false, pane: "base",
      style: function (f) {
        return { color: f.properties.focus ? "#3d3d3d" : "#8a8a8a",
          weight: f.properties.focus ? 1.6 : 0.7, fillColor: "#f4f1ea", fillOpacity: 1,
          pane: "base" };
      }
    }).addTo(map);
    var b = data.bbox;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    return map;
  }

  function sidePane(map, name, z) {
    var pane = map.createPane(name);
    pane.style.zIndex = z;
    return pane;
  }

  function addChange(map) {
    if (!data.change) { return; }
    sidePane(map, "change", 450);
    /* Lighter than in the analysis panel: the two dates must still show through. */
    data.change.features.forEach(function (f) { f.style.fillOpacity = 0.35; });
    drawLayers(map, [data.change], "change", null);
  }

  var A = data.sides[0], B = data.sides[1];
  /* The layout is set before any map is made: Leaflet sizes its renderers to the
   * container it finds at creation. */
  if (swipe) {
    document.getElementById("map-b").style.display = "none";
  } else {
    document.getElementById("divider").style.display = "none";
    document.body.classList.add("pair");
  }
  var mapA = newMap("map-a");
  var api = { data: data, maps: [mapA], split: split };
  window.compareMap = api;

  if (swipe) {
    var paneA = sidePane(mapA, "side-a", 400);
    var paneB = sidePane(mapA, "side-b", 401);
    drawLayers(mapA, A.layers, "side-a", A);
    drawLayers(mapA, B.layers, "side-b", B);
    addChange(mapA);
    var divider = document.getElementById("divider");

    var clip = function () {
      var size = mapA.getSize();
      var nw = mapA.containerPointToLayerPoint([0, 0]);
      var se = mapA.containerPointToLayerPoint(size);
      var x = nw.x + size.x * split;
      function poly(x0, x1) {
        return "polygon(" + x0 + "px " + nw.y + "px, " + x1 + "px " + nw.y + "px, " +
          x1 + "px " + se.y + "px, " + x0 + "px " + se.y + "px)";
      }
      paneA.style.clipPath = poly(nw.x, x);
      paneB.style.clipPath = poly(x, se.x);
      divider.style.left = (split * 100) + "%";
      divider.setAttribute("aria-valuenow", String(Math.round(split * 100)));
      api.split = split;
    };
    api.setSplit = function (value) {
      split = Math.min(Math.max(value, 0.02), 0.98);
      clip();
    };
    mapA.on("move zoom resize viewreset zoomanim", clip);
    clip();

    var dragging = false;
    var container = document.getElementById("maps");
    var moveTo = function (clientX) {
      var r = container.getBoundingClientRect();
      api.setSplit((clientX - r.left) / r.width);
    };
    divider.addEventListener("pointerdown", function (e) {
      dragging = true;
      mapA.dragging.disable();
      if (divider.setPointerCapture) { divider.setPointerCapture(e.pointerId); }
      e.preventDefault();
      e.stopPropagation();
    });
    divider.addEventListener("pointermove", function (e) {
      if (dragging) { moveTo(e.clientX); e.preventDefault(); }
    });
    var stop = function () {
      if (!dragging) { return; }
      dragging = false;
      mapA.dragging.enable();
      report();
    };
    divider.addEventListener("pointerup", stop);
    divider.addEventListener("pointercancel", stop);
    divider.addEventListener("keydown", function (e) {
      var step = e.shiftKey ? 0.1 : 0.02;
      if (e.key === "ArrowLeft") { api.setSplit(split - step); report(); e.preventDefault(); }
      if (e.key === "ArrowRight") { api.setSplit(split + step); report(); e.preventDefault(); }
    });
  } else {
    sidePane(mapA, "side-a", 400);
    drawLayers(mapA, A.layers, "side-a", A);
    addChange(mapA);
    var mapB = newMap("map-b");
    sidePane(mapB, "side-b", 400);
    drawLayers(mapB, B.layers, "side-b", B);
    addChange(mapB);
    api.maps.push(mapB);
    mapA.invalidateSize();
    mapB.invalidateSize();
    var syncing = false;
    var follow = function (from, to) {
      from.on("move zoomend", function () {
        if (syncing) { return; }
        syncing = true;
        to.setView(from.getCenter(), from.getZoom(), { animate: false });
        syncing = false;
      });
    };
    follow(mapA, mapB);
    follow(mapB, mapA);
    mapB.setView(mapA.getCenter(), mapA.getZoom(), { animate: false });
  }

  /* A frame first drawn in a hidden tab has no size: follow the container's. */
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      api.maps.forEach(function (m) { m.invalidateSize(false); });
      if (api.setSplit) { api.setSplit(split); }
    }).observe(document.getElementById("maps"));
  }

  /* In the dashboard the page sits in a same-origin frame: keep the divider's place in
   * the address bar (?split=) so a copied link reopens it. Elsewhere this does nothing. */
  function report() {
    try {
      var top = window.parent;
      if (!top || top === window || !top.history) { return; }
      var url = new URL(top.location.href);
      url.searchParams.set("split", split.toFixed(2));
      top.history.replaceState(top.history.state, "", url.toString());
    } catch (err) { /* a frame of another origin: nothing to report to */ }
  }

  /* Legend of the change layer and the basemap credit (text only). */
  var legend = document.getElementById("legend");
  if (data.change) {
    legend.appendChild(el("b", null, data.change.title + ": "));
    legend.appendChild(el("span", null, data.change.features.length + " area(s) changed hands. "));
  }
  document.getElementById("credit").textContent = data.basemapCredit;
}());
