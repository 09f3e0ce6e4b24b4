/* The timeline inside the map frame: every feature built once, a date step drawn here.
 *
 * The page sends a tiny script per rerun: BMTimeline.show(map, {meta, parts, day, seq,
 * lo, hi}). ``meta`` (strip ticks, legend) and ``parts`` (one per layer, in drawing
 * order) are the timeline pack's files (layers/render/timeline_data.py), each fetched
 * once per address and kept on this frame's window, so after an edit only the edited
 * layer's part comes again; ``day`` and ``seq`` are the server's date
 * and how many times the server itself changed it, so a stale rerun never pulls the
 * map back. Moving the date (strip, keys, play) adds and removes the features valid
 * that day in one animation frame, without the server; when the date settles the
 * frame reports "day:YYYY-MM-DD#n" through streamlit-folium's own report (the key
 * last_object_clicked_tooltip, sent on the map's moveend).
 *
 * Every text shown comes escaped from the server (tooltips, popups, labels, legend,
 * event names); the strip writes dates with textContent only.
 */
(function () {
    "use strict";
    if (window.BMTimeline) { return; }
    var DAY_MS = 86400000;
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                  "Nov", "Dec"];
    var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    var SPEEDS = [1, 2, 5, 10, 20];
    var SETTLE_MS = 400;
    var packs = {};
    var KEEP_CHUNKS = 40;       // a streamed layer's chunks kept in memory (the nearest stay)
    var RETRY_MS = 300, RETRIES = 100;  // a chunk the server has not built yet answers 404
    var S = {map: null, url: null, urls: [], seq: null, day: null, lo: null, hi: null, pack: null,
             entries: [], groups: [], legend: null, strip: null, token: 0, playing: false,
             speed: 10, settleTimer: null, reported: null, frame: null, helpers: null,
             streams: [], live: [], stamp: 0, complete: true, reportDrawn: false};

    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function dateOf(n) { return new Date(n * DAY_MS); }
    function iso(n) {
        var d = dateOf(n);
        return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
    }
    function words(n) {
        var d = dateOf(n);
        return WEEKDAYS[d.getUTCDay()] + " " + pad(d.getUTCDate()) + " " +
            MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    }
    function parseDay(text) {
        var t = String(text || "").trim(), m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
        var y, mo, da;
        if (m) { y = +m[1]; mo = +m[2] - 1; da = +m[3]; } else {
            m = /^(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})$/.exec(t) ||
                /^([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(t);
            if (!m) { return null; }
            var first = /^\d/.test(m[1]);
            da = +(first ? m[1] : m[2]);
            mo = MONTHS.map(function (x) { return x.toLowerCase(); })
                .indexOf((first ? m[2] : m[1]).slice(0, 3).toLowerCase());
            y = +m[3];
            if (mo < 0) { return null; }
        }
        var ms = Date.UTC(y, mo, da), d = new Date(ms);
        if (d.getUTCMonth() !== mo || d.getUTCDate() !== da) { return null; }
        return Math.round(ms / DAY_MS);
    }
    var NAMED = {amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'"};
    function unescapeText(html) {  // layers.render.escape.text's entities back to characters
        return String(html || "").replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, function (m, e) {
            if (e[0] !== "#") { return NAMED.hasOwnProperty(e) ? NAMED[e] : m; }
            var code = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
            return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
        });
    }
    function clamp(n) { return Math.max(S.lo, Math.min(S.hi, n)); }
    function valid(e, n) { return (e.from === null || e.from <= n) && (e.to === null || n < e.to); }

    function load(url) {
        if (!packs[url]) {
            packs[url] = fetch(url, {credentials: "same-origin"}).then(function (r) {
                if (!r.ok) { throw new Error("timeline pack " + r.status); }
                return r.json();
            });
            packs[url].catch(function () { delete packs[url]; });  // the next rerun retries
        }
        return packs[url];
    }

    function loadPack(opts) {  // the meta file and the layers' parts, put together
        var urls = [opts.meta].concat(opts.parts);
        Object.keys(packs).forEach(function (u) {  // keep this pack's files and the last one's
            if (urls.indexOf(u) < 0 && S.urls.indexOf(u) < 0) { delete packs[u]; }
        });
        S.urls = urls;
        return Promise.all(urls.map(load)).then(function (got) {
            var pack = {}, meta = got[0];
            Object.keys(meta).forEach(function (k) { pack[k] = meta[k]; });
            pack.layers = got.slice(1);
            return pack;
        });
    }

    function clear() {
        S.groups.forEach(function (g) { S.map.removeLayer(g); });
        if (S.legend) { S.legend.remove(); }
        S.groups = []; S.entries = []; S.legend = null; S.streams = []; S.live = [];
    }

    function build(pack) {
        var map = S.map, h = S.helpers;
        clear();
        pack.layers.forEach(function (layer, i) {
            var pane = "bmTimeline" + i;
            // Sites stay on top of every other layer (briefing.js raises them): their own pane.
            var z = layer.kind === "installations" ? 460 : 410 + i;
            if (!map.getPane(pane)) { map.createPane(pane); }
            map.getPane(pane).style.zIndex = z;
            var group = L.featureGroup();
            var opts = {
                style: function (f) { return L.extend({pane: pane}, f.properties._style); },
                pointToLayer: function (f, ll) {  // one symbology: briefing.js's shapes
                    var o = L.extend({pane: pane}, f.properties._style);
                    return L.bmMarker ? L.bmMarker(ll, o) : L.circleMarker(ll, o);
                },
                onEachFeature: h.bind
            };
            // Leaflet layers are made when a feature is first shown (make()), so a new
            // page builds only the opening date's features before it draws.
            layer.features.forEach(function (f) {
                S.entries.push({from: f.from, to: f.to, layer: null, group: group, on: false,
                                feature: f, opts: opts});
            });
            var labelOpts = {interactive: false, onEachFeature: h.label,
                pointToLayer: function (f, ll) {
                    return L.circleMarker(ll, {radius: 1, stroke: false, fill: false,
                        interactive: false, className: "bm-label-anchor", pane: pane});
                }};
            layer.labels.forEach(function (f) {
                S.entries.push({from: f.from, to: f.to, layer: null, group: group, on: false,
                                label: true, feature: f, opts: labelOpts});
            });
            if (layer.chunks) {  // a big layer: its dated features come in chunks
                S.streams.push({info: layer.chunks, group: group, opts: opts, chunks: {},
                                asked: {}, used: {}});
            }
            group.addTo(map);
            S.groups.push(group);
        });
        if (pack.legend) {
            var control = L.control({position: "bottomright"});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "bm-legend-control");
                box.innerHTML = pack.legend;  // escaped by the server (webmap_html)
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            S.legend = control.addTo(map);
        }
        S.pack = pack;
        S.drawn = null;
        S.fresh = true;
        if (S.strip) { S.strip.ticks(pack); }
    }

    function make(e) {
        if (e.layer === null) {
            e.layer = L.geoJSON({type: "Feature", geometry: e.feature.geometry,
                                 properties: e.feature.properties}, e.opts);
        }
        return e.layer;
    }

    function chunkUrl(st, k) { return st.info.prefix + k + ".json"; }

    var early = {};  // chunk address -> the fetch started when the page named it
    var everAsked = {};  // chunk addresses fetched once: a later rerun naming them fetches nothing
    function getChunk(url) {
        everAsked[url] = true;
        var got = early[url];
        if (got) { delete early[url]; return got; }
        return fetch(url, {credentials: "same-origin"});
    }

    function fetchChunk(st, k, tries) {  // once per chunk; a 404 (not built yet) is asked again
        if (st.chunks[k] || (st.asked[k] && tries === 0)) { return; }
        st.asked[k] = true;
        getChunk(chunkUrl(st, k)).then(function (r) {
            if (r.status === 404 && tries === 0) { S.reported = null; report(true); }
            if (r.status === 404 && tries < RETRIES) {
                setTimeout(function () { if (S.streams.indexOf(st) >= 0) { fetchChunk(st, k, tries + 1); } },
                           RETRY_MS);
                return null;
            }
            if (!r.ok) { throw new Error("timeline chunk " + r.status); }
            return r.json();
        }).then(function (got) {
            if (!got || S.streams.indexOf(st) < 0) { return; }
            st.chunks[k] = got.features.map(function (f) {
                return {from: f.from, to: f.to, layer: null, group: st.group, on: false,
                        feature: f, opts: st.opts};
            });
            if (S.day !== null && needed(st, S.day).indexOf(k) >= 0) {
                S.drawn = null;
                view(S.day);
            }
        }).catch(function () { delete st.asked[k]; });  // the next step asks again
    }

    function needed(st, n) {  // timeline_chunks.ChunkPlan.needed
        var k = Math.floor(n / st.info.days), out = [];
        for (var c = k - st.info.reach; c <= k; c++) {
            if (st.info.have.indexOf(c) >= 0) { out.push(c); }
        }
        return out;
    }

    function prefetch(st, n) {  // the chunks of the next and previous weeks, then forget far ones
        var k = Math.floor(n / st.info.days);
        if (!S.complete) { return; }  // what the day needs comes first
        [k + 1, k - st.info.reach - 1, k + 2].forEach(function (c) {
            if (st.info.have.indexOf(c) >= 0) { fetchChunk(st, c, 0); }
        });
        var held = Object.keys(st.chunks).map(Number);
        if (held.length <= KEEP_CHUNKS) { return; }
        held.sort(function (a, b) { return Math.abs(b - k) - Math.abs(a - k); });
        held.slice(0, held.length - KEEP_CHUNKS).forEach(function (c) {
            if (c >= k - st.info.reach - 1 && c <= k + 2) { return; }
            st.chunks[c].forEach(function (e) { if (e.on) { st.group.removeLayer(e.layer); e.on = false; } });
            delete st.chunks[c]; delete st.asked[c];
        });
    }

    function turn(e, want) {
        if (want !== e.on) {
            if (want) { e.group.addLayer(make(e)); } else { e.group.removeLayer(e.layer); }
            e.on = want;
        }
    }

    function whenIdle(fn) {  // after the next paint, when the thread has nothing to do
        requestAnimationFrame(function () {
            if (window.requestIdleCallback) { requestIdleCallback(fn, {timeout: 500}); }
            else { setTimeout(fn, 50); }
        });
    }

    function drawStreams(n) {  // the needed chunks' features; false while one is on its way
        var complete = true, live = [], stamp = ++S.stamp;
        S.streams.forEach(function (st) {
            needed(st, n).forEach(function (k) {
                var list = st.chunks[k];
                if (!list) { complete = false; fetchChunk(st, k, 0); return; }
                for (var i = 0; i < list.length; i++) {
                    var e = list[i], want = valid(e, n);
                    turn(e, want);
                    if (want) { e.stamp = stamp; live.push(e); }
                }
            });
        });
        S.live.forEach(function (e) { if (e.stamp !== stamp && e.on) { turn(e, false); } });
        S.live = live;
        S.complete = complete;
        // A new pack's neighbours once its first day is painted and the page is idle: their
        // answers, parsed on this thread, held a new page's first map up by 0.2-0.7 s at
        // scale. Later steps fetch theirs at once (play needs them a step ahead).
        var ahead = function () {
            if (S.day !== null) { S.streams.forEach(function (st) { prefetch(st, S.day); }); }
        };
        if (S.fresh && complete) { S.fresh = false; whenIdle(ahead); }
        else if (!S.fresh) { ahead(); }
        return complete;
    }

    function draw() {
        S.frame = null;
        var n = S.day;
        if (S.pack === null || n === null) { return; }
        if (S.drawn !== n) {
            for (var i = 0; i < S.entries.length; i++) {
                var e = S.entries[i];
                turn(e, valid(e, n));
            }
            S.complete = drawStreams(n);
            S.drawn = n;
        }
        var box = S.map.getContainer();
        box.setAttribute("data-bm-day", iso(n));
        if (S.complete) { box.removeAttribute("data-bm-loading"); }
        else { box.setAttribute("data-bm-loading", iso(n)); }
        if (S.complete) {  // what the benchmarks and tests wait for: every layer of the day
            window.__bmTimelineDrawn = {day: iso(n), at: performance.now(),
                shown: S.entries.filter(function (e) { return e.on; }).length + S.live.length};
            if (S.reportDrawn) { S.reportDrawn = false; report(); }
        }
        if (S.strip) { S.strip.show(n); }
    }

    function view(n) {
        S.day = clamp(n);
        if (S.strip) { S.strip.show(S.day); }
        if (S.frame === null) { S.frame = requestAnimationFrame(draw); }
    }

    function report(now) {
        clearTimeout(S.settleTimer);
        S.settleTimer = null;
        var gd = window.__GLOBAL_DATA__;
        if (!gd || !window.map || S.day === null || S.day === S.reported) { return; }
        // A big layer's chunk still on its way: tell the server once the day is drawn, so
        // its rerun does not hold up the drawing (both share the page's one thread); but at
        // once when a chunk is not built yet, so the server builds the day's first.
        if (!now && (!S.complete || S.drawn !== S.day)) { S.reportDrawn = true; return; }
        S.reported = S.day;
        S.token += 1;
        gd.last_object_clicked_tooltip = "day:" + iso(S.day) + "#" + S.token;
        window.map.fire("moveend");  // streamlit-folium reports on moveend (debounced)
    }
    function settleSoon() {
        clearTimeout(S.settleTimer);
        S.settleTimer = setTimeout(report, SETTLE_MS);
    }

    function changeDay(direction) {
        var days = (S.pack && S.pack.change_days) || [], n = S.day, i;
        if (direction > 0) {
            for (i = 0; i < days.length; i++) { if (days[i] > n) { return days[i]; } }
            return S.hi;
        }
        for (i = days.length - 1; i >= 0; i--) { if (days[i] < n) { return days[i]; } }
        return S.lo;
    }

    var playLast = 0;
    function playStep(now) {
        if (!S.playing) { return; }
        if (now - playLast >= 1000 / S.speed) {
            playLast = now;
            if (S.day >= S.hi) { pause(); return; }
            view(S.day + 1);
        }
        requestAnimationFrame(playStep);
    }
    function play() {
        if (S.day >= S.hi) { view(S.lo); }
        S.playing = true;
        playLast = 0;
        if (S.strip) { S.strip.playing(true); }
        requestAnimationFrame(playStep);
    }
    function pause() {
        S.playing = false;
        if (S.strip) { S.strip.playing(false); }
        report();
    }

    function onKey(ev) {
        var n = S.day, k = ev.key, to = null;
        if (k === "ArrowRight" || k === "ArrowUp") { to = n + (ev.shiftKey ? 7 : 1); }
        else if (k === "ArrowLeft" || k === "ArrowDown") { to = n - (ev.shiftKey ? 7 : 1); }
        else if (k === "PageUp") { to = changeDay(1); }
        else if (k === "PageDown") { to = changeDay(-1); }
        else if (k === "Home") { to = S.lo; }
        else if (k === "End") { to = S.hi; }
        else if (k === " " || k === "Spacebar") {
            ev.preventDefault();
            if (S.playing) { pause(); } else { play(); }
            return;
        }
        if (to === null) { return; }
        ev.preventDefault();
        if (S.playing) { S.playing = false; if (S.strip) { S.strip.playing(false); } }
        view(to);
        settleSoon();
    }

    function el(tag, cls, parent, text) {
        var node = L.DomUtil.create(tag, cls, parent);
        if (text !== undefined) { node.textContent = text; }
        return node;
    }

    function makeStrip(map) {
        var corners = map._controlCorners;
        if (!corners.bmwide) {
            corners.bmwide = el("div", "leaflet-bottom leaflet-bmwide", map._controlContainer);
        }
        L.DomUtil.addClass(map.getContainer(), "bm-has-timeline");
        var api = {}, control = L.control({position: "bmwide"});
        control.onAdd = function () {
            var box = el("div", "leaflet-control bm-tl");
            box.setAttribute("role", "group");
            box.setAttribute("aria-label", "Timeline");
            var track = el("div", "bm-tl-track", box);
            var ticks = el("div", "bm-tl-ticks", track);
            var range = el("input", "bm-tl-range", track);
            range.type = "range"; range.step = "1";
            range.setAttribute("aria-label", "Date on the map");
            var row = el("div", "bm-tl-row", box);
            var prev = el("button", "bm-tl-btn bm-tl-prev", row, "|\u25C0");
            prev.title = "Previous change day (PageDown)";
            var playBtn = el("button", "bm-tl-btn bm-tl-play", row, "\u25B6");
            playBtn.title = "Play / pause (Space)";
            var next = el("button", "bm-tl-btn bm-tl-next", row, "\u25B6|");
            next.title = "Next change day (PageUp)";
            var speed = el("select", "bm-tl-speed", row);
            speed.title = "Play speed, dates per second";
            SPEEDS.forEach(function (s) {
                var o = el("option", "", speed, s + "/s");
                o.value = String(s);
                if (s === S.speed) { o.selected = true; }
            });
            var label = el("span", "bm-tl-date", row);
            label.setAttribute("aria-live", "off");
            var hint = el("span", "bm-tl-hint", row,
                "\u2190 \u2192 day \u00B7 Shift week \u00B7 PgUp/PgDn change day");
            hint.title = "Click the bar first. Space plays and pauses.";
            var input = el("input", "bm-tl-input", row);
            input.type = "text"; input.placeholder = "8 Dec 2024";
            input.title = "Type a date (8 Dec 2024 or 2024-12-08) and press Enter";
            input.setAttribute("aria-label", "Go to date");
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            L.DomEvent.on(prev, "click", function () { view(changeDay(-1)); settleSoon(); });
            L.DomEvent.on(next, "click", function () { view(changeDay(1)); settleSoon(); });
            L.DomEvent.on(playBtn, "click", function () { if (S.playing) { pause(); } else { play(); } });
            L.DomEvent.on(speed, "change", function () { S.speed = +speed.value || 10; });
            L.DomEvent.on(range, "input", function () { view(+range.value); });
            L.DomEvent.on(range, "change", function () { report(); });
            L.DomEvent.on(range, "keydown", onKey);
            L.DomEvent.on(input, "keydown", function (ev) {
                ev.stopPropagation();
                if (ev.key !== "Enter") { return; }
                var n = parseDay(input.value);
                if (n === null) { L.DomUtil.addClass(input, "bm-tl-bad"); return; }
                L.DomUtil.removeClass(input, "bm-tl-bad");
                if (S.playing) { S.playing = false; api.playing(false); }
                view(n);
                report();
            });
            api.show = function (n) {
                range.min = String(S.lo); range.max = String(S.hi); range.value = String(n);
                label.textContent = words(n);
                box.setAttribute("data-day", iso(n));
            };
            api.playing = function (on) {
                playBtn.textContent = on ? "\u275A\u275A" : "\u25B6";
                playBtn.setAttribute("aria-pressed", on ? "true" : "false");
            };
            api.ticks = function (pack) {
                ticks.textContent = "";
                var span = Math.max(1, S.hi - S.lo);
                function tick(n, cls, title) {
                    if (n < S.lo || n > S.hi) { return; }
                    var t = el("span", cls, ticks);
                    t.style.left = (100 * (n - S.lo) / span) + "%";
                    t.title = title;
                }
                (pack.change_days || []).forEach(function (n) { tick(n, "bm-tl-tick", words(n)); });
                (pack.events || []).forEach(function (e) {
                    // e.name is escaped HTML text: its entities decoded, shown as text only
                    tick(e.day, "bm-tl-event", words(e.day) + " \u2014 " + unescapeText(e.name));
                });
            };
            api.input = range;
            return box;
        };
        control.addTo(map);
        return api;
    }

    window.BMTimeline = {
        parseDay: parseDay,
        unescapeText: unescapeText,
        iso: iso,
        words: words,
        state: S,
        view: view,
        show: function (map, opts, helpers) {
            S.map = map; S.helpers = helpers;
            S.lo = opts.lo; S.hi = opts.hi;
            if (!S.strip) { S.strip = makeStrip(map); }
            (opts.early || []).forEach(function (u) {  // the day's chunks, beside the parts
                if (!early[u] && !everAsked[u]) { early[u] = fetch(u, {credentials: "same-origin"}); }
            });
            if (opts.seq !== S.seq) {  // the server moved the date itself: follow it
                S.seq = opts.seq;
                S.day = clamp(opts.day);
                S.reported = S.day;
            }
            if (S.day === null) { S.day = clamp(opts.day); }
            var url = [opts.meta].concat(opts.parts).join(" ");
            if (url !== S.url) {
                S.url = url;
                loadPack(opts).then(function (pack) {
                    if (S.url === url) { build(pack); view(S.day); }
                }, function () {
                    if (S.url === url) { S.url = null; }  // the next rerun fetches again
                });
            } else {
                view(S.day);
            }
            if (S.pack) { S.strip.ticks(S.pack); }
        }
    };

})();
