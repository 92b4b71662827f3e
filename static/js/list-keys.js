// Keys for a list table (.data-table): j / k move the highlighted row down / up, o or Enter
// opens its first link, x ticks its checkbox (when the list has bulk actions), ? shows the
// keys (the #list-keys-help <dialog>). "/" (search) is search-shortcut.js's. Keys typed
// into a field or with a modifier are left alone; nothing happens when single-key
// shortcuts are off (<body data-shortcuts="off">). Also: the header checkbox ticks every
// row of the page.
(function () {
  "use strict";
  var NO_TEXT = /^(radio|checkbox|button|submit|reset|image|range|color|file)$/;
  var current = -1;

  function typing(target) {
    var field = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (!field) return false;
    return !(field.tagName === "INPUT" && NO_TEXT.test(field.type));
  }

  function rows() {
    var table = document.querySelector(".data-table");
    if (!table) return [];
    return Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
      return row.querySelector("a[href]") !== null;
    });
  }

  function highlight(index) {
    var all = rows();
    if (all.length === 0) return;
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row) { row.removeAttribute("aria-current"); row.classList.remove("is-current"); });
    var row = all[index];
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
    row.scrollIntoView({ block: "nearest" });
    current = index;
  }

  function currentRow() {
    var all = rows();
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function open() {
    var row = currentRow();
    var link = row && row.querySelector("a[href]");
    if (link) link.click();
  }

  function help() {
    var dialog = document.getElementById("list-keys-help");
    if (dialog && !dialog.open) dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.body.dataset.shortcuts === "off" || typing(event.target)) return;
    var dialog = document.getElementById("list-keys-help");
    if (dialog && dialog.open) return;
    var key = event.key;
    if (key === "j") highlight(current + 1);
    else if (key === "k") highlight(current < 0 ? 0 : current - 1);
    else if (key === "o") open();
    else if (key === "Enter") {
      // A focused link or button opens itself; Enter opens the row only from the page.
      if (event.target.closest("a, button, summary")) return;
      if (!currentRow()) return;
      open();
    } else if (key === "x") {
      var box = currentRow() && currentRow().querySelector('input[type="checkbox"]');
      if (!box) return;
      box.checked = !box.checked;
    } else if (key === "?") help();
    else return;
    event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-select-all]")) return;
    var table = event.target.closest("table");
    table.querySelectorAll('tbody input[type="checkbox"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
})();
