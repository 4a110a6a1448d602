// The sales report's charts, drawn with Chart.js from the figures the page carries in a
// <script type="application/json" id="report-charts-data"> element (the Content-Security-Policy
// runs no inline script). Labels come translated and months named in the reader's calendar from
// the server; numbers are written with the page's separators; right-to-left pages draw their
// axes from the right. Each canvas has an aria-label, and the tables beside hold the figures.
(function () {
  "use strict";

  const source = document.getElementById("report-charts-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const text = data.text;
  const rtl = Boolean(data.rtl);
  const style = getComputedStyle(document.body);

  function cssColour(name, fallback) {
    const value = style.getPropertyValue(name).trim();
    return /^#[0-9a-f]{6}$/i.test(value) ? value : fallback;
  }

  function faded(hex, alpha) {
    const n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + ", " + ((n >> 8) & 255) + ", " + (n & 255) + ", " + alpha + ")";
  }

  // one colour per currency: value drawn solid, weighted value lighter
  const palette = [
    cssColour("--bs-primary", "#0d6efd"),
    cssColour("--bs-teal", "#20c997"),
    cssColour("--bs-orange", "#fd7e14"),
    cssColour("--bs-purple", "#6f42c1"),
    cssColour("--bs-pink", "#d63384"),
  ];
  const green = cssColour("--bs-success", "#198754");
  const red = cssColour("--bs-danger", "#dc3545");
  const ink = cssColour("--bs-body-color", "#212529");

  function number(value, decimals) {
    const numbers = data.numbers;
    const [whole, fraction] = Math.abs(value).toFixed(decimals).split(".");
    const grouped = numbers.grouping > 0
      ? whole.replace(new RegExp("\\B(?=(\\d{" + numbers.grouping + "})+(?!\\d))", "g"), numbers.thousands)
      : whole;
    return (value < 0 ? "-" : "") + grouped + (fraction ? numbers.decimal + fraction : "");
  }

  function amounts(list) {
    return list.map(Number);
  }

  Chart.defaults.font.family = style.fontFamily;
  Chart.defaults.color = faded(ink, 0.75);
  Chart.defaults.borderColor = faded(ink, 0.1);
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.rtl = rtl;
  Chart.defaults.plugins.legend.textDirection = rtl ? "rtl" : "ltr";
  Chart.defaults.plugins.tooltip.rtl = rtl;
  Chart.defaults.plugins.tooltip.textDirection = rtl ? "rtl" : "ltr";
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.datasets.bar.maxBarThickness = 40;
  Chart.defaults.layout.padding = 6;  // room for a point at the top of the scale
  if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    Chart.defaults.animation = false;
  }

  // a value axis: whole numbers with the page's separators (the tooltips and tables have cents)
  function valueAxis(extra) {
    return Object.assign({
      beginAtZero: true,
      ticks: { precision: 0, maxTicksLimit: 6, maxRotation: 0, callback: (value) => number(Number(value), 0) },
    }, extra || {});
  }

  // an axis of names (stages, months): level, a name left out where they would overlap
  function nameAxis(extra) {
    return Object.assign({ grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true } }, extra || {});
  }

  // Chart.js leaves room at the ends of a month axis for its first and last names as if it ran
  // left to right: a reversed (right-to-left) axis gets room for half its longest name at its end
  function monthPadding(labels) {
    if (!rtl || !labels.length) return Chart.defaults.layout.padding;
    const context = document.createElement("canvas").getContext("2d");
    context.font = Chart.defaults.font.size + "px " + Chart.defaults.font.family;
    const widest = Math.max(...labels.map((label) => context.measureText(label).width));
    return { top: 6, bottom: 6, right: 6, left: Math.ceil(widest / 2) };
  }

  function tooltip(decimals) {
    return {
      callbacks: {
        label: (item) => {
          const value = item.dataset.whole ? item.dataset.whole[item.dataIndex] : item.raw;
          if (value === null || value === undefined) return "";
          return item.dataset.label + ": " + number(Number(value), decimals);
        },
      },
    };
  }

  // per currency one bar as long as the value, its weighted part solid: the weighted value and
  // the rest of the value stacked (the tooltip tells the whole value)
  function moneySets(values, weighted) {
    const sets = [];
    Object.keys(values).forEach((currency, index) => {
      const colour = palette[index % palette.length];
      const whole = amounts(values[currency]);
      const part = amounts(weighted[currency]);
      sets.push({ label: text.weighted + " (" + currency + ")", data: part, stack: currency, backgroundColor: colour });
      sets.push({
        label: text.value + " (" + currency + ")",
        data: whole.map((value, i) => Math.max(0, value - part[i])),
        whole: whole,
        stack: currency,
        backgroundColor: faded(colour, 0.25),
        borderColor: faded(colour, 0.6),
        borderWidth: 1,
      });
    });
    return sets;
  }

  function draw(id, config, rows) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    if (rows) {  // a bar chart of many stages grows downwards rather than squeezing its bars
      const height = Math.max(canvas.parentElement.clientHeight, rows * 28 + 70);
      canvas.parentElement.style.height = height + "px";
    }
    const chart = new Chart(canvas, config);
    canvas.dataset.drawn = "true";
    return chart;
  }

  // the funnel, stages downwards as on the board: bars grow from the start of the line
  function horizontal(labels, datasets, decimals, legend) {
    return {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: "y",
        scales: {
          x: valueAxis({ reverse: rtl, stacked: true }),
          y: nameAxis({ position: rtl ? "right" : "left", stacked: true }),
        },
        plugins: { legend: { display: legend, position: "bottom" }, tooltip: tooltip(decimals) },
      },
    };
  }

  const funnel = data.funnel;
  draw("chart-funnel-count", horizontal(
    funnel.labels,
    [{ label: text.deals, data: funnel.count, backgroundColor: palette[0] }],
    0,
    false,
  ), funnel.labels.length);
  const valueSets = moneySets(funnel.value, funnel.weighted);
  draw(
    "chart-funnel-value",
    horizontal(funnel.labels, valueSets, 2, true),
    funnel.labels.length * Math.max(1, valueSets.length / 2),
  );

  // the forecast, months from the start of the line
  const forecast = data.forecast;
  draw("chart-forecast", {
    type: "bar",
    data: { labels: forecast.labels, datasets: moneySets(forecast.value, forecast.weighted) },
    options: {
      layout: { padding: monthPadding(forecast.labels) },
      scales: {
        x: nameAxis({ reverse: rtl, stacked: true }),
        y: valueAxis({ position: rtl ? "right" : "left", stacked: true }),
      },
      plugins: { legend: { position: "bottom" }, tooltip: tooltip(2) },
    },
  });

  // the win rate by month as a line (right-hand axis, 0 to 100 %) over the deals won and lost
  const rates = data.win_rate;
  draw("chart-win-rate", {
    type: "bar",
    data: {
      labels: rates.labels,
      datasets: [
        {
          type: "line",
          label: text.win_rate,
          data: rates.rate.map((rate) => (rate === null ? null : Number(rate))),
          yAxisID: "rate",
          borderColor: palette[0],
          backgroundColor: palette[0],
          spanGaps: true,
          tension: 0.2,
          clip: false,
          order: 0,
        },
        { label: text.won, data: rates.won, backgroundColor: faded(green, 0.45), yAxisID: "deals", order: 1 },
        { label: text.lost, data: rates.lost, backgroundColor: faded(red, 0.35), yAxisID: "deals", order: 1 },
      ],
    },
    options: {
      layout: { padding: monthPadding(rates.labels) },
      scales: {
        x: nameAxis({ reverse: rtl }),
        deals: valueAxis({ position: rtl ? "right" : "left", title: { display: true, text: text.deals } }),
        rate: {
          position: rtl ? "left" : "right",
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          ticks: { callback: (value) => number(Number(value), 0) + " %" },
          title: { display: true, text: text.win_rate },
        },
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: (item) => {
              if (item.raw === null || item.raw === undefined) return "";
              const rate = item.dataset.yAxisID === "rate";
              return item.dataset.label + ": " + number(Number(item.raw), rate ? 2 : 0) + (rate ? " %" : "");
            },
          },
        },
      },
    },
  });
})();
