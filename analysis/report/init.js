// gwanmun chart bootstrap: reads the chart options from the JSON data
// element (never from markup that scraped text could break out of), draws
// each chart, keeps them sized for screen and print, and exposes
// gwanmun.exportChart for the static-figure exporter.
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif';
  var data = document.getElementById("gwanmun-charts");
  var specs = data ? JSON.parse(data.textContent) : [];
  var charts = {}, options = {};

  function copy(o) { return JSON.parse(JSON.stringify(o)); }

  specs.forEach(function (s) {
    var opt = s.option;
    opt.textStyle = Object.assign({ fontFamily: FONT }, opt.textStyle || {});
    options[s.id] = copy(opt);
    var el = document.getElementById(s.id);
    if (!el) {
      console.error("gwanmun: no container for chart " + s.id);
      return;
    }
    try {
      var ch = echarts.init(el, null, { renderer: "canvas" });
      ch.setOption(opt);
      charts[s.id] = ch;
    } catch (e) {
      console.error("gwanmun: chart " + s.id + ": " + e);
    }
  });

  function resizeAll() {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  }
  window.addEventListener("resize", resizeAll);
  // Print layouts are narrower than the screen: redraw at the printed width
  // so no chart is cut at the page edge.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    if (mq.addEventListener) { mq.addEventListener("change", resizeAll); }
  }

  // exportChart draws a chart afresh at a fixed size: "svg" returns the SVG
  // document, "png" a data URL at pixelRatio times the size.
  // legendRows estimates how many lines a plain legend wraps to.
  function legendRows(opt, width) {
    var rows = 1, x = 0;
    (opt.series || []).forEach(function (s) {
      if (!s.name || s.type === "graph") { return; }
      var w = 40;
      for (var i = 0; i < String(s.name).length; i++) { w += String(s.name).charCodeAt(i) > 0x1100 ? 13 : 7; }
      if (x > 0 && x + w > width - 40) { rows++; x = 0; }
      x += w;
    });
    return rows;
  }

  // A printed figure cannot page through a scrolling legend: lay it out
  // in full, and make room for it below the plot.
  function figureLegend(opt, width, height) {
    var lg = Array.isArray(opt.legend) ? opt.legend[0] : opt.legend;
    if (!lg || lg.show === false || lg.type !== "scroll") { return height; }
    var rows = legendRows(opt, width), extra = (rows - 1) * 24;
    lg.type = "plain";
    var grids = Array.isArray(opt.grid) ? opt.grid : (opt.grid ? [opt.grid] : []);
    grids.forEach(function (g) { g.bottom = 40 + rows * 24; });
    return height + extra;
  }

  function exportChart(id, format, width, height, pixelRatio) {
    if (!options[id]) { throw new Error("no chart " + id); }
    var opt = copy(options[id]);
    opt.animation = false;
    opt.backgroundColor = opt.backgroundColor || "#ffffff";
    height = figureLegend(opt, width, height);
    if (format === "svg") {
      var s = echarts.init(null, null, { renderer: "svg", ssr: true, width: width, height: height });
      s.setOption(opt);
      var svg = s.renderToSVGString();
      s.dispose();
      return svg;
    }
    var el = document.createElement("div");
    el.style.cssText = "position:absolute;left:-100000px;top:0;width:" + width + "px;height:" + height + "px";
    document.body.appendChild(el);
    var c = echarts.init(el, null, { renderer: "canvas", width: width, height: height });
    c.setOption(opt);
    var url = c.getDataURL({ type: "png", pixelRatio: pixelRatio, backgroundColor: opt.backgroundColor });
    c.dispose();
    el.remove();
    return url;
  }

  window.gwanmun = { charts: charts, options: options, exportChart: exportChart };
})();
