// gwanmun chart bootstrap: reads the chart options from the JSON data
// element (never from markup that scraped text could break out of), draws
// each chart, keeps them sized for screen and print, and exposes
// gwanmun.exportOption for the static-figure exporter, and redraws the
// charts as print figures (Chart.Static) when the page is printed.
(function () {
  "use strict";
  // Single quotes: ECharts' SVG renderer writes the family into a
  // double-quoted style attribute without escaping it.
  var FONT = "'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif";
  var data = document.getElementById("gwanmun-charts");
  var specs = data ? JSON.parse(data.textContent) : [];
  var charts = {}, options = {};

  function copy(o) { return JSON.parse(JSON.stringify(o)); }

  var prints = {};
  specs.forEach(function (s) {
    var opt = s.option;
    opt.textStyle = Object.assign({ fontFamily: FONT }, opt.textStyle || {});
    options[s.id] = copy(opt);
    if (s.print) { prints[s.id] = s.print; }
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

  // Printed, each chart is the double-column figure laid out in Go (see
  // Chart.Static): its legend in full below the plot, type in points, at
  // two device pixels per CSS pixel (about 190 dpi on A4).
  var printing = false;
  function redraw(print) {
    if (printing === print) { return; }
    printing = print;
    Object.keys(charts).forEach(function (id) {
      var el = document.getElementById(id), p = prints[id];
      if (!el || !p) { return; }
      charts[id].dispose();
      if (print) {
        el.dataset.screenHeight = el.style.height;
        el.style.width = p.width + "px";
        el.style.height = p.height + "px";
      } else {
        el.style.width = "";
        el.style.height = el.dataset.screenHeight || el.style.height;
      }
      var ch = echarts.init(el, null, { renderer: "canvas", devicePixelRatio: print ? 2 : undefined });
      ch.setOption(print ? copy(p.option) : copy(options[id]));
      charts[id] = ch;
    });
  }
  window.addEventListener("resize", function () { if (!printing) { resizeAll(); } });
  window.addEventListener("beforeprint", function () { redraw(true); });
  window.addEventListener("afterprint", function () { redraw(false); });
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    if (mq.addEventListener) { mq.addEventListener("change", function (e) { redraw(e.matches); }); }
  }

  // exportOption draws an option laid out for print (Chart.Static) at a
  // fixed size: "svg" returns the SVG document, "png" a data URL at
  // pixelRatio device pixels per CSS pixel.
  function exportOption(opt, format, width, height, pixelRatio) {
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
    var c = echarts.init(el, null, { renderer: "canvas", width: width, height: height, devicePixelRatio: pixelRatio });
    c.setOption(opt);
    var url = c.getDataURL({ type: "png", pixelRatio: pixelRatio, backgroundColor: opt.backgroundColor || "#ffffff" });
    c.dispose();
    el.remove();
    return url;
  }

  window.gwanmun = { charts: charts, options: options, exportOption: exportOption,
    print: function () { redraw(true); return Object.keys(charts).length; },
    screen: function () { redraw(false); } };
})();
