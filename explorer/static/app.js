// voxpop explorer: the overview's time series (uPlot), each point a link to the mentions behind it.
// Served from the app itself; the page's Content-Security-Policy allows no inline script and no eval.
(function () {
  "use strict";
  var PALETTE = ["#1b6ca8", "#c0392b", "#1e8449", "#8e44ad", "#d68910", "#17a589", "#5d6d7e", "#a04000"];

  function drillUrl(base, day, brand, metric) {
    var q = new URLSearchParams(base);
    q.set("start", day);
    q.set("end", day);
    if (brand) { q.delete("brand"); q.append("brand", brand); }
    if (metric === "pain") { q.set("pain", "1"); }
    return "/mentions?" + q.toString();
  }

  function draw(el, data) {
    var metric = el.getAttribute("data-metric");
    var names = Object.keys(data.brands);
    var xs = data.days.map(function (d) { return Date.parse(d + "T00:00:00Z") / 1000; });
    var columns = [xs];
    var series = [{}];
    names.forEach(function (name, i) {
      columns.push(data.brands[name][metric]);
      series.push({label: name, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: metric === "net",
                   points: {show: true, size: 5}});
    });
    var focused = null;
    var opts = {
      width: Math.max(320, el.clientWidth), height: 220, series: series,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      cursor: {focus: {prox: 24}, points: {size: 9}},
      focus: {alpha: 0.35},
      axes: [{}, {label: el.getAttribute("data-label")}],
      hooks: {setSeries: [function (u, idx) { focused = idx; }]}
    };
    var plot = new uPlot(opts, columns, el);
    plot.over.classList.add("clickable");
    plot.over.addEventListener("click", function () {
      var idx = plot.cursor.idx;
      if (idx === null || idx === undefined) { return; }
      var brand = focused ? names[focused - 1] : null;
      window.location.href = drillUrl(data.base, data.days[idx], brand, metric);
    });
    return plot;
  }

  function init() {
    var holder = document.getElementById("chart-data");
    if (!holder || typeof uPlot === "undefined") { return; }
    var data = JSON.parse(holder.textContent);
    var plots = [];
    document.querySelectorAll(".chart[data-metric]").forEach(function (el) { plots.push([el, draw(el, data)]); });
    window.addEventListener("resize", function () {
      plots.forEach(function (p) { p[1].setSize({width: Math.max(320, p[0].clientWidth), height: 220}); });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
