// Single-key shortcuts for a page: an element with data-shortcut="k" is clicked when "k"
// is pressed, a form with data-shortcut-form="k" is submitted. Keys typed into a field, or
// with a modifier, are left alone; a focused radio button or checkbox (the canonical an
// Editor just picked) takes no letters, so the shortcut still applies. Turned off when
// <body data-shortcuts="off">.
(function () {
  "use strict";
  var NO_TEXT = /^(radio|checkbox|button|submit|reset|image|range|color|file)$/;
  function typing(target) {
    var field = target.closest("input, textarea, select, [contenteditable]");
    if (field === null) return false;
    return !(field.tagName === "INPUT" && NO_TEXT.test(field.type));
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.body.dataset.shortcuts === "off" || typing(event.target)) return;
    var key = event.key;
    if (!/^[a-z]$/.test(key)) return;
    var form = document.querySelector('form[data-shortcut-form="' + key + '"]');
    if (form) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    var element = document.querySelector('[data-shortcut="' + key + '"]');
    if (element) {
      event.preventDefault();
      element.click();
    }
  });
})();
