// "/" focuses the search box: the search page's own box when there is one, else the one in
// the navigation (both carry data-search-box). Left alone while typing in a field, with a
// modifier key, or when single-key shortcuts are off (<body data-shortcuts="off">).
(function () {
  "use strict";
  var NO_TEXT = /^(radio|checkbox|button|submit|reset|image|range|color|file)$/;
  function typing(target) {
    var field = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (!field) return false;
    return !(field.tagName === "INPUT" && NO_TEXT.test(field.type));
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.defaultPrevented) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.body.dataset.shortcuts === "off" || typing(event.target)) return;
    var boxes = document.querySelectorAll("[data-search-box]");
    if (boxes.length === 0) return;
    var box = boxes[boxes.length - 1];
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
