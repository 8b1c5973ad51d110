// 领导驾驶舱: each chart is drawn from the data table beside it (one source for the picture and the numbers);
// clicking a bar or point opens the list behind that number. No inline code: the CSP forbids it.
(function () {
  "use strict";

  function readTable(table) {
    const categories = Array.from(table.querySelectorAll("thead th[data-category]")).map((th) => th.textContent.trim());
    const series = Array.from(table.querySelectorAll("tbody tr")).map((tr) => ({
      name: tr.querySelector("th[data-series]").textContent.trim(),
      cells: Array.from(tr.querySelectorAll("td[data-value]")).map((td) => ({
        value: Number(td.dataset.value), href: td.dataset.href,
      })),
    }));
    return { categories, series, kind: table.dataset.kind, unit: table.dataset.unit };
  }

  function option(data) {
    const line = data.kind === "line";
    return {
      animation: false,
      tooltip: { trigger: line ? "axis" : "item", valueFormatter: (v) => v + (data.unit || "") },
      legend: { type: "scroll", top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 56 },
      toolbox: { feature: { saveAsImage: { title: "保存图片" } }, right: 0, top: 24 },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: data.unit || "" },
      series: data.series.map((s) => ({
        name: s.name, type: line ? "line" : "bar", stack: !line && data.series.length > 1 ? "total" : undefined,
        data: s.cells.map((c) => c.value), emphasis: { focus: "series" },
      })),
    };
  }

  function draw(box) {
    const table = document.getElementById(box.dataset.table);
    if (!table || typeof window.echarts === "undefined") {
      return;
    }
    const data = readTable(table);
    const chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option(data));
    chart.on("click", (params) => {
      const serie = data.series[params.seriesIndex];
      const cell = serie && serie.cells[params.dataIndex];
      if (cell && cell.href) {
        window.location.href = cell.href;
      }
    });
    window.addEventListener("resize", () => chart.resize());
    window.addEventListener("beforeprint", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
