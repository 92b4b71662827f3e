// Marking claims on the article page.
//
// Selecting words inside #article-text (mouse, or shift+arrows) opens the annotation form
// with the selection's offsets. Offsets are counted over the text of #article-text, which
// is exactly the article's clean body (the server renders it with white-space: pre-wrap
// and only <mark> elements around spans), in UTF-16 code units as JavaScript strings
// count; the server converts them to Python offsets and checks the quote against the
// body. Sentence mode ("m", or the button) walks sentences with the down and up arrows (or
// n / p, unless single-key shortcuts are off: <body data-shortcuts="off">) and marks the
// current one with Enter, for people who annotate from the keyboard. No inline script:
// this file and the JSON data block are all the page needs under a strict CSP.
(function () {
  "use strict";

  const text = document.getElementById("article-text");
  const form = document.getElementById("annotate-form");
  if (!text || !form || !text.hasAttribute("data-annotatable")) {
    return;
  }
  const field = (name) => form.querySelector('[name="' + name + '"]');
  const quoteView = form.querySelector("[data-selection-quote]");
  const spansData = document.getElementById("sentence-spans");
  const sentences = spansData ? JSON.parse(spansData.textContent) : [];
  let sentenceMode = false;
  let current = -1;

  // The number of UTF-16 units of #article-text before (node, offset).
  function offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  // The text node and offset at `target` UTF-16 units into #article-text.
  function pointAt(target) {
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    let seen = 0;
    let node = walker.nextNode();
    while (node) {
      if (seen + node.data.length >= target) {
        return [node, target - seen];
      }
      seen += node.data.length;
      node = walker.nextNode();
    }
    return [text, text.childNodes.length];
  }

  function open(start, end) {
    const quote = text.textContent.slice(start, end);
    if (!quote.trim()) {
      return;
    }
    field("start").value = String(start);
    field("end").value = String(end);
    field("quote").value = quote;
    const claimText = field("text");
    if (claimText && !claimText.dataset.edited) {
      claimText.value = quote.replace(/\s+/g, " ").trim();
    }
    if (quoteView) {
      quoteView.textContent = quote;
    }
    form.hidden = false;
    form.scrollIntoView({ block: "nearest" });
    if (claimText) {
      claimText.focus();
    }
  }

  function fromSelection() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) {
      return;
    }
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    if (end > start) {
      open(start, end);
    }
  }

  function selectSentence(index) {
    if (!sentences.length) {
      return;
    }
    current = Math.max(0, Math.min(sentences.length - 1, index));
    const [start, end] = sentences[current];
    const [startNode, startOffset] = pointAt(start);
    const [endNode, endOffset] = pointAt(end);
    const range = document.createRange();
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const box = range.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      window.scrollBy({ top: box.top - window.innerHeight / 3 });
    }
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  text.addEventListener("mouseup", fromSelection);
  text.addEventListener("keyup", function (event) {
    if (event.shiftKey) {
      fromSelection();
    }
  });
  field("text") &&
    field("text").addEventListener("input", function () {
      field("text").dataset.edited = "1";
    });
  form.querySelector("[data-annotate-cancel]").addEventListener("click", function () {
    form.hidden = true;
    window.getSelection().removeAllRanges();
  });

  const toggle = document.querySelector("[data-sentence-mode]");
  if (toggle) {
    toggle.addEventListener("click", function () {
      sentenceMode = !sentenceMode;
      toggle.setAttribute("aria-pressed", String(sentenceMode));
      if (sentenceMode) {
        selectSentence(current < 0 ? 0 : current);
      }
    });
  }

  // +1 for the next sentence, -1 for the previous one, 0 for any other key. The letters are
  // single-key shortcuts, which a person may have turned off (speech input types them).
  function sentenceStep(event) {
    if (!event.shiftKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      return event.key === "ArrowDown" ? 1 : -1;
    }
    if (document.body.dataset.shortcuts !== "off" && (event.key === "n" || event.key === "p")) {
      return event.key === "n" ? 1 : -1;
    }
    return 0;
  }

  document.addEventListener("keydown", function (event) {
    if (!sentenceMode || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    const step = sentenceStep(event);
    if (step) {
      event.preventDefault();
      event.stopImmediatePropagation();
      selectSentence(current + step);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      const [start, end] = sentences[current];
      open(start, end);
    } else if (event.key === "Escape") {
      sentenceMode = false;
      if (toggle) {
        toggle.setAttribute("aria-pressed", "false");
      }
    }
  }, true);
})();
