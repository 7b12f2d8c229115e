/*
 * Draws the charts of the report pages with Chart.js (served from node_modules, see
 * docs/architecture.md). Each chart's data is a <script type="application/json"> block written
 * by the template (reports/_chart.html): data only, nothing inline is executed, so the
 * Content-Security-Policy stays "script-src 'self'". The table beside each chart holds the same
 * numbers; without JavaScript (or without Chart.js) only the table shows.
 */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var Chart = window.Chart;
  var lang = document.documentElement.lang || "nl";
  var locale = lang.indexOf("nl") === 0 ? "nl-NL" : lang;
  var root = getComputedStyle(document.documentElement);
  function token(name, fallback) {
    var value = root.getPropertyValue(name).trim();
    return value || fallback;
  }
  // Rijkshuisstijl colours from the design tokens: lint blue, orange, green, violet
  var COLOURS = [
    token("--rhc-color-lintblauw-500", "#154273"),
    token("--rhc-color-oranje-500", "#e17000"),
    token("--rhc-color-groen-500", "#39870c"),
    token("--rhc-color-violet-500", "#a90061"),
  ];
  var NORM_COLOUR = token("--rhc-color-rood-500", "#d52b1e");
  var INK = token("--rhc-color-foreground-default", "#0f172a");

  Chart.defaults.font.family = token("--rhc-text-font-family-default", "Arial, Verdana, sans-serif");
  Chart.defaults.font.size = 14;
  Chart.defaults.color = INK;
  Chart.defaults.locale = locale;
  Chart.defaults.animation = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : Chart.defaults.animation;

  function formatter(spec) {
    var decimals = spec.unit === "%" ? 2 : 1;
    var number = new Intl.NumberFormat(locale, { maximumFractionDigits: decimals });
    var unit = spec.unit ? (spec.unit === "%" ? "\u00a0%" : "\u00a0" + spec.unit) : "";
    return function (value) {
      return value === null || value === undefined ? "–" : number.format(value) + unit;
    };
  }

  function normWidth(context) {
    var chart = context.chart;
    var area = chart.chartArea;
    var count = Math.max(chart.data.labels.length, 1);
    return area ? Math.max(8, Math.min(200, ((area.right - area.left) / count) * 0.4)) : 20;
  }

  function build(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var format = formatter(spec);
    var barIndex = 0;
    var datasets = spec.series.map(function (series) {
      if (series.kind === "line") {
        return {
          type: "line",
          label: series.name,
          data: series.values,
          borderColor: NORM_COLOUR,
          backgroundColor: NORM_COLOUR,
          // the norm of each label as a horizontal line across its bars (a "line" point is twice
          // its radius long), also when there is one label only; legend and tooltip name it
          showLine: false,
          pointStyle: "line",
          borderWidth: 4,
          pointRadius: normWidth,
          pointHoverRadius: normWidth,
          pointHitRadius: 8,
          fill: false,
          order: 0,
        };
      }
      var colour = COLOURS[barIndex++ % COLOURS.length];
      return { type: "bar", label: series.name, data: series.values, backgroundColor: colour, borderColor: colour, pointStyle: "rect", order: 1 };
    });
    canvas.parentElement.hidden = false;
    new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { top: 4, right: 8 } },
        plugins: {
          legend: { display: true, position: "bottom", labels: { boxWidth: 18, padding: 16, usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + format(context.parsed.y);
              },
            },
          },
        },
        scales: {
          x: { ticks: { autoSkip: false, maxRotation: 45, minRotation: 0 }, grid: { display: false } },
          y: {
            min: spec.min === null ? undefined : spec.min,
            max: spec.max === null ? undefined : spec.max,
            beginAtZero: spec.min === 0,
            title: { display: Boolean(spec.axisTitle), text: spec.axisTitle, font: { weight: "bold" } },
            ticks: { precision: spec.unit ? undefined : 0, callback: function (value) { return format(value); } },
          },
        },
      },
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), build);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
