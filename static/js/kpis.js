// Indicator dashboards: draws each chart from the figures the page carries in a JSON script
// (data-kpi-chart names it), in the page's language (Brazilian formats by default): reais,
// percentages, hours and dates. The previous period is drawn dashed and paler.
(function () {
  "use strict";

  const lang = (document.documentElement.lang || "pt-br").toLowerCase();
  const locale = lang.startsWith("en") ? "en-US" : "pt-BR";
  const formats = {
    brl: new Intl.NumberFormat(locale, { style: "currency", currency: "BRL" }),
    count: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
    number: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }),
    percent: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }),
    hours: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }),
  };
  const dayFormat = new Intl.DateTimeFormat(locale, { day: "2-digit", month: "2-digit", timeZone: "UTC" });
  const longDayFormat = new Intl.DateTimeFormat(locale, {
    weekday: "short",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    timeZone: "UTC",
  });
  const monthFormat = new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" });
  const longMonthFormat = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" });
  const colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997"];

  function formatValue(unit, value) {
    if (value === null || value === undefined) {
      return "—";
    }
    if (unit === "percent") {
      return formats.percent.format(value) + "%";
    }
    if (unit === "hours") {
      return formats.hours.format(value) + " h";
    }
    return (formats[unit] || formats.number).format(value);
  }

  // A point of a chart by day is a day, or the first day of its week or month on long ranges.
  function formatDay(iso, long, period) {
    const day = new Date(iso + "T00:00:00Z");
    if (Number.isNaN(day.getTime())) {
      return iso;
    }
    if (period === "month") {
      return (long ? longMonthFormat : monthFormat).format(day);
    }
    return (long ? longDayFormat : dayFormat).format(day);
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.kpiChart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const byDay = data.by === "day";
    const current = data.datasets.filter((dataset) => !dataset.previous).length;
    const datasets = data.datasets.map((dataset, index) => {
      const colour = colours[(dataset.previous ? index - current : index) % colours.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: colour,
        backgroundColor: dataset.previous ? colour + "40" : colour + "cc",
        borderDash: dataset.previous ? [6, 4] : [],
        borderWidth: dataset.previous ? 1.5 : 2,
        pointRadius: byDay && data.labels.length > 40 ? 0 : 2,
        spanGaps: true,
        tension: 0.2,
      };
    });
    const chart = new window.Chart(canvas, {
      type: data.type === "bar" ? "bar" : "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: {
            ticks: {
              autoSkip: true,
              maxRotation: 0,
              callback: function (value) {
                const label = this.getLabelForValue(value);
                return byDay ? formatDay(label, false, data.period) : label;
              },
            },
          },
          y: {
            beginAtZero: true,
            ticks: {
              precision: data.unit === "count" ? 0 : undefined,
              callback: (value) => formatValue(data.unit, value),
            },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length && byDay ? formatDay(items[0].label, true, data.period) : items.length ? items[0].label : ""),
              label: (item) => item.dataset.label + ": " + formatValue(data.unit, item.raw),
            },
          },
        },
      },
    });
    canvas.dataset.kpiDrawn = "1";
    return chart;
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-kpi-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
