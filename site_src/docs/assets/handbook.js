// A table wider than the page scrolls inside its frame (mkdocs-material's scroll wrapper):
// the frame takes the keyboard focus, so that it scrolls with the arrow keys without a
// mouse (WCAG 2.1.1; axe-core: scrollable-region-focusable). No request, no storage.
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
      var name = heading ? heading.textContent.replace(/¶$/, "").trim() : "";
      frame.setAttribute("aria-label", (name ? name + ": " : "") + "table, scrolls sideways");
    });
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(focusable);
  } else {
    document.addEventListener("DOMContentLoaded", focusable);
  }
})();
