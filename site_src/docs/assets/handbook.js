// A table or a chart wider than the page scrolls inside its frame (mkdocs-material's scroll
// wrapper; a chart's is written at build time by icpkit.site.svg.chart_frame): the frame
// takes the keyboard focus, so that it scrolls with the arrow keys without a mouse
// (WCAG 2.1.1; axe-core: scrollable-region-focusable), and is named by the table's heading
// or the chart's own label. No request, no storage.
(function () {
  "use strict";
  function focusable() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (frame) {
      if (frame.hasAttribute("tabindex")) return;
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      var heading = null;
      for (var el = frame.previousElementSibling; el && !heading; el = el.previousElementSibling) {
        if (/^H[1-6]$/.test(el.tagName)) heading = el;
      }
      var chart = frame.querySelector("table") ? null : frame.querySelector("svg[aria-label]");
      var what = chart ? "chart" : "table";
      var name = chart ? chart.getAttribute("aria-label")
        : heading ? heading.textContent.replace(/¶$/, "").trim() : "";
      frame.setAttribute("aria-label", (name ? name + ": " : "") + what + ", scrolls sideways");
    });
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(focusable);
  } else {
    document.addEventListener("DOMContentLoaded", focusable);
  }
})();
