/*
 * Sent once: while a POST form submits, its submit buttons are disabled and the one pressed
 * says "Saving…", so a double tap sends one request. Progressive enhancement only: without
 * this script the server still makes one row per form (each create form carries a one-time
 * key), and nothing else depends on it. Loaded with defer from base.html (no inline script).
 */
(function () {
  "use strict";

  var BUSY_LABEL = "Saving…";
  var SAFETY_MS = 15000; // a stalled request: let the person try again (the server dedupes)

  function buttonsOf(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit" && element.form === form;
    });
  }

  function setLabel(button, text) {
    if (button.tagName === "INPUT") {
      button.value = text;
    } else {
      button.textContent = text;
    }
  }

  function release(form) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
    buttonsOf(form).forEach(function (button) {
      if (button.dataset.idleLabel !== undefined) {
        setLabel(button, button.dataset.idleLabel);
        delete button.dataset.idleLabel;
      }
      if (button.dataset.submitOnceDisabled !== undefined) {
        button.disabled = false;
        delete button.dataset.submitOnceDisabled;
      }
    });
  }

  function hold(form, pressed) {
    form.dataset.submitting = "1";
    form.setAttribute("aria-busy", "true");
    buttonsOf(form).forEach(function (button) {
      if (!button.disabled) {
        button.disabled = true;
        button.dataset.submitOnceDisabled = "1";
      }
    });
    if (pressed) {
      pressed.dataset.idleLabel = pressed.tagName === "INPUT" ? pressed.value : pressed.textContent;
      setLabel(pressed, BUSY_LABEL);
    }
    window.setTimeout(function () { release(form); }, SAFETY_MS);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (event.defaultPrevented) {
      return; // another script stopped this submit (e.g. its own checks): nothing is sent
    }
    if (form.dataset.submitting) {
      event.preventDefault(); // the second tap of a double tap
      return;
    }
    var pressed = event.submitter || null;
    // After this event the browser collects the form's values; a button disabled now would
    // drop its own name (the roster's "complete"), so disable them in the next task.
    form.dataset.submitting = "1";
    window.setTimeout(function () {
      if (event.defaultPrevented) {
        release(form); // a listener after this one stopped it: nothing was sent
      } else {
        hold(form, pressed);
      }
    }, 0);
  });

  // Back to a page kept in the back/forward cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), release);
    }
  });
})();
