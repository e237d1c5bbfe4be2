// The map page: the layers of /api/v1/map drawn with the vendored Leaflet,
// over the offline basemap when the server has one. No network beyond
// this server.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("map");
    if (!el || typeof L === "undefined") { return; }
    var map = L.map(el, { preferCanvas: false });
    var tiles = el.getAttribute("data-basemap");
    if (tiles) {
      L.tileLayer(tiles, {
        minZoom: Number(el.getAttribute("data-min-zoom")) || 0,
        maxZoom: Number(el.getAttribute("data-max-zoom")) || 18,
        attribution: "basemap: offline"
      }).addTo(map);
    }
    var colours = { visited: "#1a7f37", unvisited: "#cf222e", disputed: "#bf8700" };
    function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
    // One group per kind of layer, each toggled in the layer control;
    // areas lie in a pane under the rest, so that they never take a click
    // meant for a track or a marker.
    map.createPane("geo-areas").style.zIndex = 350;
    // Tracks lie over markers and posts: a click on a track opens its patrol.
    map.createPane("geo-tracks").style.zIndex = 450;
    var groups = {};
    ["area", "border", "track", "post", "marker"].forEach(function (k) { groups[k] = L.layerGroup().addTo(map); });
    function rings(polygon) {
      return polygon.map(function (r) { return r.map(function (c) { return [c[1], c[0]]; }); });
    }
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        // The view fits the posts, markers and tracks; areas and the border
        // line are their setting, fitted only when there is nothing else.
        var bounds = L.latLngBounds([]), setting = L.latLngBounds([]);
        (data.features || []).forEach(function (f) {
          var p = f.properties, g = f.geometry, layer;
          if (p.layer === "area") {
            layer = L.polygon(g.coordinates.map(rings), { pane: "geo-areas", color: "#8250df", weight: 2, fillOpacity: 0.08, className: "geo-area geo-area-" + p.code });
            layer.bindTooltip(text(p.name));
            layer.addTo(groups.area);
          } else if (p.layer === "border") {
            layer = L.polyline(g.coordinates.map(function (s) { return s.map(function (c) { return [c[1], c[0]]; }); }),
              { color: "#cf222e", weight: 3, dashArray: "8 6", className: "geo-border geo-border-" + p.code });
            layer.bindTooltip(text(p.name));
            layer.addTo(groups.border);
          } else if (p.layer === "track") {
            var lines = g.coordinates.map(function (s) {
              return s.map(function (c) { return [c[1], c[0]]; });
            });
            layer = L.polyline(lines, { pane: "geo-tracks", color: "#0550ae", weight: 6, opacity: 0.8, className: "geo-track geo-track-" + p.patrol });
            layer.bindTooltip(text(p.date_text + " · " + p.lead_unit + " · " + p.distance_text));
            layer.on("click", function () { window.location.href = p.href; });
            layer.addTo(groups.track);
          } else {
            var at = [g.coordinates[1], g.coordinates[0]];
            if (p.layer === "post") {
              layer = L.circleMarker(at, { radius: 8, color: "#24292f", fillColor: "#ffffff", fillOpacity: 1, weight: 3, className: "geo-post" });
              layer.bindTooltip(text(p.name));
            } else {
              layer = L.circleMarker(at, { radius: 5, color: colours[p.state] || "#57606a", fillOpacity: 0.9, weight: 2, className: "geo-marker geo-marker-" + p.state });
              layer.bindPopup(text(p.number + " (" + p.post + ")") + "<br>" + text(el.getAttribute("data-visits")) + ": " + p.visits +
                "<br>" + text(el.getAttribute("data-last")) + ": " + text(p.last_visit_text || "—"));
            }
            layer.addTo(groups[p.layer] || groups.marker);
          }
          var b = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
          (p.layer === "area" || p.layer === "border" ? setting : bounds).extend(b);
        });
        var names = {};
        ["area", "border", "track", "post", "marker"].forEach(function (k) {
          names[text(el.getAttribute("data-layer-" + k) || k)] = groups[k];
        });
        L.control.layers(null, names, { collapsed: false }).addTo(map);
        if (!bounds.isValid()) { bounds = setting; }
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([22.8, 105.0], 9); }
        el.setAttribute("data-ready", "1");
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
