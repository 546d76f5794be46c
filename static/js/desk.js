// The drafting desk: selecting words in the source text offers to draft a commitment from exactly them.
// The offsets are counted in the text itself (one text node), so the server takes the same characters.
(function () {
  "use strict";
  var text = document.getElementById("desk-text");
  var form = document.getElementById("selection-form");
  if (!text || !form) {
    return;
  }
  var start = document.getElementById("selection-start");
  var end = document.getElementById("selection-end");
  var shown = document.getElementById("selection-text");
  var button = document.getElementById("selection-button");
  form.hidden = false;

  function offsetIn(node, offset) {
    // The position of (node, offset) in the text's characters.
    var range = document.createRange();
    range.selectNodeContents(text);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function update() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) {
      return;
    }
    var from = offsetIn(range.startContainer, range.startOffset);
    var to = offsetIn(range.endContainer, range.endOffset);
    if (to <= from) {
      return;
    }
    start.value = String(from);
    end.value = String(to);
    shown.textContent = "“" + text.textContent.slice(from, to).trim() + "”";
    button.disabled = false;
  }

  document.addEventListener("selectionchange", update);
  text.addEventListener("mouseup", update);
  text.addEventListener("keyup", update);
})();
