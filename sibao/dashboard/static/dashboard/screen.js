/* The command screen's map (DB-1): draws the boundaries the page names in #screen-map-data (a json_script),
   coloured by the chosen indicator, and drills down on a click. No inline script or style (CSP): the page
   declares the data, this file acts on it; it runs again when htmx swaps the screen (wall mode, every minute).
   The boundary file is fetched once per page from the platform itself (X-2: no other host). */
(function () {
  "use strict";

  var geo = null;
  var loading = null;
  var chart = null;
  // Good → bad; flipped when a higher value is better (coverage, whitelisted firms).
  var COLOURS = ["#2e7d32", "#f9a825", "#ef6c00", "#c62828"];

  function loadGeo(url) {
    if (!loading) {
      loading = fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("map " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          geo = data;
          return data;
        });
    }
    return loading;
  }

  function pieces(indicator) {
    var bands = indicator.bands || [];
    var colours = indicator.higherIsWorse ? COLOURS.slice() : COLOURS.slice().reverse();
    if (!bands.length) {
      return [{ min: -Infinity, max: Infinity, color: colours[1] }];
    }
    var result = [{ lt: bands[0], color: colours[0] }];
    for (var i = 1; i < bands.length; i += 1) {
      result.push({ gte: bands[i - 1], lt: bands[i], color: colours[Math.min(i, colours.length - 2)] });
    }
    result.push({ gte: bands[bands.length - 1], color: colours[colours.length - 1] });
    return result;
  }

  function shown(value, unit) {
    if (value === null || value === undefined) {
      return "—";
    }
    var rounded = Math.round(value * 100) / 100;
    return rounded.toLocaleString() + (unit || "");
  }

  function draw() {
    var holder = document.getElementById("screen-map");
    var source = document.getElementById("screen-map-data");
    if (!holder || !source || typeof echarts === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    loadGeo(spec.url).then(function () {
      var wanted = {};
      spec.features.forEach(function (feature) {
        wanted[feature.code] = feature;
      });
      var layer = geo[spec.layer] || { features: [] };
      var features = layer.features.filter(function (feature) {
        return Object.prototype.hasOwnProperty.call(wanted, String(feature.properties.code));
      });
      var name = "sibao-" + spec.layer + "-" + Object.keys(wanted).sort().join("-");
      echarts.registerMap(name, { type: "FeatureCollection", features: features });
      var dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
      if (chart) {
        chart.dispose();
      }
      chart = echarts.init(holder, dark ? "dark" : null, { renderer: "canvas" });
      var indicator = spec.indicator;
      chart.setOption({
        backgroundColor: "transparent",
        tooltip: {
          trigger: "item",
          // Drawn on the canvas, not as HTML with inline styles (the CSP refuses those).
          renderMode: "richText",
          formatter: function (item) {
            var feature = wanted[item.name];
            return (feature ? feature.name : item.name) + "\n" + indicator.title + ": " + shown(feature && feature.value, indicator.unit);
          }
        },
        visualMap: {
          type: "piecewise",
          pieces: pieces(indicator),
          left: 8,
          bottom: 8,
          itemWidth: 14,
          itemHeight: 10,
          textStyle: { color: dark ? "#dee2e6" : "#212529", fontSize: 11 }
        },
        series: [
          {
            type: "map",
            map: name,
            nameProperty: "code",
            roam: false,
            selectedMode: false,
            top: 12,
            bottom: 12,
            left: 12,
            right: 12,
            label: {
              show: true,
              fontSize: spec.features.length > 12 ? 10 : 12,
              color: dark ? "#f8f9fa" : "#212529",
              formatter: function (item) {
                var feature = wanted[item.name];
                return feature ? feature.name : "";
              }
            },
            itemStyle: { areaColor: dark ? "#343a40" : "#e9ecef", borderColor: dark ? "#adb5bd" : "#6c757d", borderWidth: 0.8 },
            emphasis: { label: { show: true }, itemStyle: { areaColor: "#0d6efd" } },
            data: spec.features.map(function (feature) {
              return { name: feature.code, value: feature.value === null ? "-" : feature.value };
            })
          }
        ]
      });
      chart.on("click", function (item) {
        var feature = wanted[item.name];
        if (feature && feature.url) {
          window.location.assign(feature.url);
        }
      });
      holder.setAttribute("data-drawn", String(features.length));
    });
  }

  window.addEventListener("resize", function () {
    if (chart) {
      chart.resize();
    }
  });
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
