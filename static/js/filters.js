// On a phone the filters start folded, so that the first screen shows results; the summary says which
// filters are on. Without JavaScript they stay open.
(function () {
  "use strict";
  if (window.matchMedia("(max-width: 40rem)").matches) {
    document.querySelectorAll("details.filters-panel").forEach(function (panel) {
      panel.open = false;
    });
  }
})();
