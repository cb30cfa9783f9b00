// Copy buttons (progressive enhancement): a <button data-copy="ID" hidden> copies the value
// (or text) of the element with that id. Without JavaScript, or without the Clipboard API
// (plain http other than localhost), the buttons stay hidden and the address stays
// selectable text. The result is announced in the button's own live region.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copy + "-status");
    if (!source) {
      return;
    }
    var label = button.innerHTML; // keeps its visually hidden words
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in source ? source.value : source.textContent;
      navigator.clipboard.writeText(text.trim()).then(
        function () {
          button.textContent = "Copied";
          if (status) {
            status.textContent = "Address copied.";
          }
          window.setTimeout(function () {
            button.innerHTML = label;
          }, 2000);
        },
        function () {
          source.select && source.select();
          if (status) {
            status.textContent = "Could not copy: the address is selected, copy it yourself.";
          }
        }
      );
    });
  });
})();
