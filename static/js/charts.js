/* Draws the report charts (templates/reports/_chart.html) with Apache ECharts.
   Loaded by base.html on every page; ECharts itself (1 MB, static/vendor/echarts/) is fetched only
   when a page has a chart. Each figure carries its data as JSON beside its table, which stays the
   text alternative. SVG renderer: sharp when printed and zoomed. Follows the page's language
   (<html lang>) for ECharts' own texts, redraws on resize and after htmx swaps in new charts. */
(function () {
  "use strict";
  if (window.complaintCharts) return;

  var ECHARTS_SRC = document.currentScript && document.currentScript.dataset.echarts;
  var loading = null;
  var instances = [];

  function loadEcharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = ECHARTS_SRC;
        script.onload = function () { resolve(window.echarts); };
        script.onerror = function () { loading = null; reject(new Error("ECharts could not be loaded from " + ECHARTS_SRC)); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function locale() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // The tooltip built as elements, not ECharts' default HTML string: that one colours its markers
  // with style="" attributes, which the Content-Security-Policy (style-src 'self') refuses.
  // Colours set through element.style are allowed.
  function tooltipRow(item, text) {
    var row = document.createElement("div");
    var marker = document.createElement("span");
    marker.className = "chart-tooltip-marker";
    marker.style.backgroundColor = typeof item.color === "string" ? item.color : "";
    row.appendChild(marker);
    row.appendChild(document.createTextNode(text));
    return row;
  }

  function tooltip(params) {
    var box = document.createElement("div");
    var items = Array.isArray(params) ? params : [params];
    var head = document.createElement("div");
    head.className = "chart-tooltip-head";
    head.textContent = Array.isArray(params) ? (items[0] && items[0].axisValueLabel) || "" : params.seriesName || "";
    box.appendChild(head);
    items.forEach(function (item) {
      var value = Array.isArray(item.value) ? item.value[item.value.length - 1] : item.value;
      var text = Array.isArray(params)
        ? item.seriesName + ": " + value
        : item.name + ": " + value + (item.percent != null ? " (" + item.percent + "%)" : "");
      box.appendChild(tooltipRow(item, text));
    });
    return box;
  }

  function option(chart) {
    var font = css("--font", "sans-serif");
    var text = css("--text", "#1c2433");
    var base = {
      animation: false,
      color: [css("--brand", "#1f5fd6"), "#e8833a", "#2a9d8f", "#b83280", "#6941c6", "#9a5b00", "#157347", "#5b6576"],
      textStyle: { fontFamily: font, color: text },
      tooltip: { trigger: chart.kind === "pie" ? "item" : "axis", confine: true, formatter: tooltip },
      legend: { show: chart.series.length > 1 || chart.kind === "pie", bottom: 0, type: "scroll" },
    };
    if (chart.kind === "pie") {
      var one = chart.series[0] || { name: "", values: [] };
      base.series = [{
        type: "pie",
        name: one.name,
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}: {d}%" },
        data: chart.labels.map(function (label, index) { return { name: label, value: one.values[index] }; }),
      }];
      return base;
    }
    base.grid = { left: 8, right: 16, top: 16, bottom: base.legend.show ? 36 : 8, containLabel: true };
    base.xAxis = { type: "category", data: chart.labels, axisLabel: { hideOverlap: true } };
    base.yAxis = { type: "value", minInterval: 1 };
    base.series = chart.series.map(function (one) {
      return { type: chart.kind, name: one.name, data: one.values, symbolSize: 6 };
    });
    return base;
  }

  function linkOf(chart, params) {
    var one = chart.series[params.seriesIndex || 0];
    return one && one.links ? one.links[params.dataIndex] : "";
  }

  function draw(echarts, figure) {
    var canvas = figure.querySelector("[data-chart-canvas]");
    var data = figure.querySelector("script[type='application/json']");
    if (!canvas || !data || canvas.dataset.drawn) return;
    var chart = JSON.parse(data.textContent);
    var instance = echarts.init(canvas, null, { renderer: "svg", locale: locale() });
    instance.setOption(option(chart));
    // A bar, point or slice opens the list of the cases behind it, as its table's number does.
    instance.on("click", function (params) {
      var link = linkOf(chart, params);
      if (link) window.location.assign(link);
    });
    canvas.dataset.drawn = "true";
    instances.push(instance);
  }

  function drawAll(root) {
    root = root || document;
    var figures = Array.prototype.slice.call(root.querySelectorAll("figure[data-chart-id]"));
    if (root.matches && root.matches("figure[data-chart-id]")) figures.push(root);
    if (!figures.length) return;
    loadEcharts().then(function (echarts) {
      figures.forEach(function (figure) { draw(echarts, figure); });
    }).catch(function (error) { console.warn(error.message); });
  }

  // Forget the charts whose element left the page (an htmx swap replaced it).
  function prune() {
    instances = instances.filter(function (instance) {
      var dom = instance.getDom();
      if (document.contains(dom)) return true;
      instance.dispose();
      return false;
    });
  }

  var pending = null;
  function resizeAll() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      prune();
      instances.forEach(function (instance) { instance.resize(); });
    }, 120);
  }

  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", function () {
    instances.forEach(function (instance) { instance.resize(); });
  });
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  // htmx:load fires for every element htmx puts into the page (and once for the body).
  document.addEventListener("htmx:load", function (event) {
    prune();
    drawAll(event.detail && event.detail.elt);
  });

  window.complaintCharts = { drawAll: drawAll, instances: function () { return instances.slice(); } };
})();
