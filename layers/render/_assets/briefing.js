/* The briefing map's behaviour, served by the app (no CDN), loaded before the map is made.

   Every map gets, through an init hook:
   - sites above events: an installation's point is raised over whatever shares its spot,
     and its popup lists the events drawn within SITE_RADIUS_M ("Recent events here");
   - popups win: opening one closes the hover tooltip under it;
   - labels declutter by priority (bases, cities, countries, towns) and label groups can
     be switched off (a small control, kept per tab in sessionStorage);
   - the legend keeps its open/closed state across dates and never runs off the map;
   - a resize (a wider window) redraws the basemap with no seam;
   - an online tile server that cannot be reached is said once, in words, on the map.
   All HTML inserted here was built and escaped in Python (layers.render.webmap_html). */
(function () {
  "use strict";
  if (!window.L || L.Map.prototype._bmBriefing) { return; }
  L.Map.prototype._bmBriefing = true;

  var SITE_RADIUS_M = 3000;
  var LABEL_PRIORITY = [["bm-measure", 0], ["bm-site-main", 0], ["bm-site", 1], ["bm-place-city", 2],
                        ["bm-country", 3], ["bm-place-town", 4]];
  var GROUPS = [["sites", "Bases"], ["cities", "Cities"], ["towns", "Towns"],
                ["countries", "Countries"]];
  var store = (function () {
    try { return window.sessionStorage; } catch (e) { return null; }
  })();

  function load(key, fallback) {
    var v = store && store.getItem("bm." + key);
    return v === null || v === undefined ? fallback : v;
  }
  function save(key, value) { if (store) { try { store.setItem("bm." + key, value); } catch (e) {} } }
  function cls(layer) { return (layer && layer.options && layer.options.className) || ""; }
  function isSite(layer) {
    return layer instanceof L.CircleMarker && cls(layer).indexOf("bm-layer-installations") >= 0;
  }
  function isEvent(layer) {
    return layer instanceof L.CircleMarker && cls(layer).indexOf("bm-layer-events") >= 0;
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

  function eventsNear(map, site) {
    var here = site.getLatLng(), out = [];
    map.eachLayer(function (layer) {
      if (isEvent(layer) && layer.feature && layer.feature.properties &&
          map.distance(here, layer.getLatLng()) <= SITE_RADIUS_M) {
        out.push(layer.feature.properties._tip || "");
      }
    });
    return out;
  }

  function foldEvents(map, popup) {
    var src = popup._source;
    if (!src || !isSite(src)) { return; }
    if (src._bmPopBase === undefined) { src._bmPopBase = popup.getContent(); }
    var tips = eventsNear(map, src), html = src._bmPopBase;
    if (tips.length) {
      html += '<div class="bm-here"><div class="bm-here-title">Recent events here (' +
        tips.length + ")</div><ul>" + tips.map(function (t) { return "<li>" + t + "</li>"; })
        .join("") + "</ul></div>";
    }
    if (html !== popup.getContent()) { popup.setContent(html); }
  }

  function noteEventsInTooltip(map, tooltip) {
    var src = tooltip._source;
    if (!src || !isSite(src) || tooltip.options.permanent) { return; }
    if (src._bmTipBase === undefined) { src._bmTipBase = tooltip.getContent(); }
    var n = eventsNear(map, src).length, html = src._bmTipBase;
    if (n) { html += '<br><span class="bm-here-note">' + n + " recent event" + (n > 1 ? "s" : "") +
      " here: click for details</span>"; }
    if (html !== tooltip.getContent()) { tooltip.setContent(html); }
  }

  function raiseSites(map) {
    map.eachLayer(function (layer) {
      if (isSite(layer) && layer._path && layer.bringToFront) { layer.bringToFront(); }
    });
  }

  /* A site label drawn to the left of its site (layers.render.site_labels) that runs off the
     map or under the map's left-hand controls is drawn on the other side, and back when it
     fits again: "Khmeimim air base" sat under the drawing tools at the opening view. */
  function keepLabelsInside(map) {
    var box = map.getContainer().getBoundingClientRect(), blocks = [];
    Array.prototype.forEach.call(map.getContainer().querySelectorAll(
      ".leaflet-left .leaflet-control"), function (el) { blocks.push(el.getBoundingClientRect()); });
    function clear(l, r, t, b) {
      return l >= box.left && r <= box.right && !blocks.some(function (o) {
        return l < o.right && r > o.left && t < o.bottom && b > o.top;
      });
    }
    map.eachLayer(function (layer) {
      var tip = layer.getTooltip && layer.getTooltip();
      if (!tip || !tip.options.permanent || !tip._container || !tip._map) { return; }
      if (tip._bmSide === undefined) {
        if (tip.options.direction !== "left") { return; }
        tip._bmSide = {direction: "left", offset: tip.options.offset};
      }
      var r = tip._container.getBoundingClientRect(), flipped = tip.options.direction === "right";
      var width = r.right - r.left;
      if (!flipped && !clear(r.left, r.right, r.top, r.bottom)) {
        tip.options.direction = "right";
        tip.options.offset = [6, 0];
        tip.update();
      } else if (flipped && clear(r.left - width - 12, r.left - 12, r.top, r.bottom)) {
        tip.options.direction = tip._bmSide.direction;
        tip.options.offset = tip._bmSide.offset;
        tip.update();
      }
    });
  }

  function labelRank(el) {
    for (var i = 0; i < LABEL_PRIORITY.length; i++) {
      if (el.classList.contains(LABEL_PRIORITY[i][0])) { return LABEL_PRIORITY[i][1]; }
    }
    return 9;
  }

  function declutter(map) {
    var pane = map.getPane("bmLabels");
    if (!pane) { return; }
    var labels = Array.prototype.slice.call(pane.querySelectorAll(".leaflet-tooltip.bm-label"));
    labels.forEach(function (el) { el.classList.remove("bm-clutter"); });
    var shown = labels.filter(function (el) { return el.offsetParent !== null; })
      .map(function (el, i) { return {el: el, rank: labelRank(el), i: i}; });
    shown.sort(function (a, b) { return a.rank - b.rank || a.i - b.i; });
    var taken = [];
    shown.forEach(function (item) {
      var r = item.el.getBoundingClientRect();
      var box = {l: r.left - 2, r: r.right + 2, t: r.top - 1, b: r.bottom + 1};
      var hit = taken.some(function (o) {
        return box.l < o.r && box.r > o.l && box.t < o.b && box.b > o.t;
      });
      if (hit) { item.el.classList.add("bm-clutter"); } else { taken.push(box); }
    });
  }

  function labelControl(map) {
    var box = map.getContainer();
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "bm-label-groups leaflet-bar");
      div.innerHTML = '<details><summary class="bm-label-groups-title">Labels</summary>' +
        GROUPS.map(function (g) {
          return '<label><input type="checkbox" data-group="' + g[0] + '"> ' + g[1] + "</label>";
        }).join("") + "</details>";
      L.DomEvent.disableClickPropagation(div);
      Array.prototype.forEach.call(div.querySelectorAll("input"), function (input) {
        var group = input.getAttribute("data-group");
        input.checked = load("labels." + group, "1") === "1";
        box.classList.toggle("bm-hide-" + group, !input.checked);
        input.addEventListener("change", function () {
          box.classList.toggle("bm-hide-" + group, !input.checked);
          save("labels." + group, input.checked ? "1" : "0");
          declutter(map);
        });
      });
      return div;
    };
    control.addTo(map);
  }

  function legendState(map) {
    var box = map.getContainer();
    function apply(details) {
      if (details._bmLegend) { return; }
      details._bmLegend = true;
      var fallback = box.clientHeight >= 800 ? "1" : "0";
      details.open = load("legend.open", fallback) === "1";
      details.addEventListener("toggle", function () { save("legend.open", details.open ? "1" : "0"); });
    }
    function scan() {
      Array.prototype.forEach.call(box.querySelectorAll(".bm-legend-control details"), apply);
    }
    if (window.MutationObserver) {
      new MutationObserver(scan).observe(box, {childList: true, subtree: true});
    }
    scan();
  }

  function fitLegend(map) {
    var box = map.getContainer();
    box.style.setProperty("--bm-map-h", box.clientHeight + "px");
  }

  function tileWarning(map) {
    var said = false;
    map.on("layeradd", function (e) {
      var layer = e.layer;
      if (!(layer instanceof L.TileLayer) || layer._bmWatched) { return; }
      layer._bmWatched = true;
      layer.on("tileerror", function () {
        if (said) { return; }
        said = true;
        var host = "";
        try { host = new URL(layer._url.replace(/[{}]/g, "")).hostname; } catch (err) {}
        var note = L.control({position: "bottomleft"});
        note.onAdd = function () {
          var div = L.DomUtil.create("div", "bm-tile-warning");
          div.setAttribute("role", "status");
          div.textContent = "The online basemap" + (host ? " (" + host + ")" : "") +
            " cannot be reached from this network: showing the offline basemap instead.";
          return div;
        };
        note.addTo(map);
      });
    });
  }

  /* The attribute table's row click (layers.render.feature_focus.open_script): once the map
     has flown to the feature, open the popup of the feature whose properties._key is `key`.
     The key is only compared, never written into the page. */
  var lastMap = null;
  window.bmOpenFeature = function (key) {
    var map = lastMap, done = false;
    if (!map || typeof key !== "string") { return; }
    function open() {
      if (done) { return; }
      done = true;
      map.off("moveend", open);
      var found = null;
      map.eachLayer(function (layer) {
        var p = layer.feature && layer.feature.properties;
        if (!found && p && p._key === key && layer.getPopup && layer.getPopup()) { found = layer; }
      });
      if (!found) { return; }
      if (found.getLatLng) { found.openPopup(found.getLatLng()); } else { found.openPopup(); }
    }
    map.on("moveend", open);
    setTimeout(open, 1200);  // no fly (already there): open anyway
  };

  L.Map.addInitHook(function () {
    var map = this, timer = null;
    lastMap = map;
    if (!map.getPane("bmLabels")) {
      var pane = map.createPane("bmLabels");
      pane.style.zIndex = 620;
      pane.style.pointerEvents = "none";
    }
    function later() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () {
        timer = null; raiseSites(map); keepLabelsInside(map); declutter(map);
      }, 60);
    }
    map.on("popupopen", function (e) {
      var src = e.popup._source;
      if (src && src.closeTooltip) { src.closeTooltip(); }
      foldEvents(map, e.popup);
    });
    map.on("tooltipopen", function (e) { noteEventsInTooltip(map, e.tooltip); });
    var raising = false;
    map.on("layeradd", function (e) {
      // Before the next event (a microtask), not later: a click right after a date change
      // must still find the site. Once per batch: a date that adds a thousand events
      // raised the sites a thousand times (each a walk over every layer).
      if (!raising && (isEvent(e.layer) || isSite(e.layer))) {
        raising = true;
        Promise.resolve().then(function () { raising = false; raiseSites(map); });
      }
      later();
    });
    map.on("zoomend moveend", later);
    map.on("resize", function () { fitLegend(map); later(); });
    tileWarning(map);
    map.whenReady(function () {
      labelControl(map);
      legendState(map);
      fitLegend(map);
      if (window.ResizeObserver) {
        new ResizeObserver(function () { map.invalidateSize({pan: false}); fitLegend(map); })
          .observe(map.getContainer());
      }
      later();
    });
  });
})();
