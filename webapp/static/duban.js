// Behaviour without inline scripts (the pages' Content-Security-Policy allows no inline code).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// 追责移送: choosing "慢作为" ticks the overdue-step evidence (data-slow) by default.
document.addEventListener("change", (event) => {
  const radio = event.target;
  if (radio.name === "classification" && radio.checked && radio.value === "slow") {
    document.querySelectorAll("#evidence input[data-slow]").forEach((box) => { box.checked = true; });
  }
});

// Progress bars: the width comes from data-pct (style="" attributes are forbidden by the CSP).
document.querySelectorAll("[data-pct]").forEach((bar) => { bar.style.width = `${bar.dataset.pct}%`; });

// "返回上一页" on error pages (javascript: links are forbidden by the CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-back]")) {
    event.preventDefault();
    window.history.back();
  }
});
