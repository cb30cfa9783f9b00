/* The attendance roster, progressively enhanced (the page works without this file).
   - After a refused save, the error summary (or the refusal above the form) takes the
     focus, so the failure is never silent.
   - Its links open the row's collapsed parts (a <details>) and focus the field.
   - A field being typed in is never left under the sticky action bar.
   - A [data-print] button prints the page (the sign-in sheet). */
(function () {
  "use strict";

  function bar() {
    return document.querySelector(".sticky-actions");
  }

  function openAround(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
  }

  function clearOfBar(element) {
    var actions = bar();
    if (!actions || element.closest(".sticky-actions")) {
      return;
    }
    var covered = element.getBoundingClientRect().bottom + 8 - actions.getBoundingClientRect().top;
    if (covered > 0) {
      window.scrollBy({ top: covered, behavior: "instant" });
    }
  }

  function fitScrollPadding() {
    var actions = bar();
    if (actions) {
      document.documentElement.style.scrollPaddingBottom = actions.offsetHeight + 16 + "px";
    }
  }

  // A refusal that belongs to no row ("Mark every member first", "the roster changed since
  // you opened it") sits above the form: it takes the focus when there is no summary.
  var refusal = document.querySelector("form .alert-danger[role=alert]");
  var summary = document.getElementById("error-summary");
  if (!summary && refusal) {
    refusal.tabIndex = -1;
    refusal.focus();
  }
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      openAround(target);
      var row = target.closest("fieldset") || target;
      row.scrollIntoView({ block: "start", behavior: "instant" });
      target.focus({ preventScroll: true });
      clearOfBar(target);
    });
  }

  fitScrollPadding();
  window.addEventListener("resize", fitScrollPadding);
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("input:not([type=radio]):not([type=hidden]), select, textarea")) {
      clearOfBar(event.target);
    }
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
