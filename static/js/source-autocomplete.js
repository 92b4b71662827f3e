// Source autocompletion for the article filters.
//
// Every <input data-autocomplete-url=... list=...> gets its <datalist> filled with the
// names of matching sources as the person types; picking one puts the exact name in the
// input, which the filter accepts. Without this script the input still works: typing a
// source's exact name or alias filters by it.
(function () {
  "use strict";

  const DELAY_MS = 150;

  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    let timer = null;
    let pending = null;

    async function refresh(text) {
      if (pending) {
        pending.abort();
      }
      if (!text) {
        list.replaceChildren();
        return;
      }
      pending = new AbortController();
      const url = new URL(input.dataset.autocompleteUrl, window.location.href);
      url.searchParams.set("q", text);
      let sources;
      try {
        const response = await fetch(url, {
          signal: pending.signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          return;
        }
        sources = await response.json();
      } catch (error) {
        return; // aborted by a newer keystroke, offline, or logged out: keep what is shown
      }
      list.replaceChildren(
        ...sources.map(function (source) {
          const option = document.createElement("option");
          option.value = source.name;
          if (source.alias) {
            option.label = source.name + " (also " + source.alias + ")";
          }
          return option;
        }),
      );
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      const text = input.value.trim();
      timer = window.setTimeout(function () {
        refresh(text);
      }, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-autocomplete-url][list]").forEach(attach);
})();
