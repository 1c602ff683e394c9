/* Context Desk: the widget's forms.
 *
 * The characters-left counters (C4; each field's limit is in its data-cd-limit, rendered from
 * the one table of limits), what a saved answer moves on (versions on screen, the originals,
 * forms that empty on success), the customer form's Edit/Save/Cancel (C7) and Close with its
 * prompts (C8).
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;

  function rendered() { ContextDesk.widget.rendered(); }

  // --- Counters (C4) ----------------------------------------------------------------------

  function updateCounter(field) {
    var counter = dom.$('[data-cd-counter-for="' + field.id + '"]');
    if (!counter) { return; }
    var left = Number(field.dataset.cdLimit) - field.value.length;
    counter.textContent = left >= 0 ? ContextDesk.widget.text("charsLeft", { count: left })
      : ContextDesk.widget.text("charsOver", { count: -left });
    counter.classList.toggle("cd-over", left < 0);
  }

  function updateCounters() { dom.$$("[data-cd-limit]").forEach(updateCounter); }

  // --- Saved ------------------------------------------------------------------------------

  /**
   * A request answered with success (`cd:answered`): after a save, move the on-screen versions
   * on and make the saved values the originals; empty a form that asks for it.
   */
  function answered(detail) {
    var parsed = new DOMParser().parseFromString(detail.responseText || "", "text/html");
    parsed.querySelectorAll("[data-cd-saved]").forEach(function (marker) {
      dom.$$('[data-cd-record="' + marker.dataset.cdSaved + '"]').forEach(function (record) {
        record.dataset.cdVersion = marker.dataset.cdVersion;
      });
    });
    var source = detail.source;
    var form = source && source.closest && source.closest("form");
    if (form && form.isConnected) {
      dom.$$("[data-cd-original]", form).forEach(function (input) {
        input.dataset.cdOriginal = input.value;
      });
    }
    var reset = source && source.closest && source.closest("[data-cd-reset-on-success]");
    if (reset) { reset.reset(); }
  }

  // --- The customer form (C7) ------------------------------------------------------------

  function toggleForm(button) {
    var form = dom.$("#cd-customer-form");
    var open = form.hidden;
    form.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = form.dataset.editing === "true" ? dom.$("input:not([type=hidden])", form)
        : dom.$("[data-cd-edit]", form);
      if (first) { first.focus(); }
    }
    rendered();
  }

  function setEditing(editing, revert, quiet) {
    var form = dom.$("#cd-customer-form");
    if (!form) { return; }
    if (revert) {
      dom.$$("[data-cd-original]", form).forEach(function (input) {
        input.value = input.dataset.cdOriginal;
        ContextDesk.drafts.drop(input);
      });
    }
    form.dataset.editing = editing ? "true" : "false";
    dom.$("fieldset", form).disabled = !editing;
    // A new customer's form has Create only (always editing), a known one's Edit/Save/Cancel.
    [["[data-cd-edit]", editing], ["[data-cd-save]", !editing], ["[data-cd-cancel]", !editing]]
      .forEach(function (pair) {
        var button = dom.$(pair[0], form);
        if (button) { button.hidden = pair[1]; }
      });
    // `quiet`: the widget put a draft back (drafts.js); the agent's focus stays where it is.
    if (!quiet) {
      (editing ? dom.$("input:not([type=hidden])", form) : dom.$("[data-cd-edit]", form)).focus();
    }
    rendered();
  }

  function dirty(form) {
    return dom.$$("[data-cd-original]", form).some(function (input) {
      return input.value !== input.dataset.cdOriginal;
    });
  }

  /** Send the customer form; true when the customer exists and holds what the agent typed. */
  function submitCustomer(form) {
    var verb = form.getAttribute("hx-post") ? "POST" : "PATCH";
    var path = form.getAttribute("hx-post") || form.getAttribute("hx-patch");
    return htmx.ajax(verb, path, { source: form, target: "#cd-customer", swap: "outerHTML" })
      .then(function () {
        var card = dom.$("#cd-customer");
        var saved = card && card.dataset.known === "true" &&
          !dom.$('[aria-invalid="true"]', card) && !dirty(dom.$("#cd-customer-form"));
        if (!saved && card) {
          dom.$("#cd-customer-form").hidden = false;
          var invalid = dom.$('[aria-invalid="true"]', card);
          if (invalid) { invalid.focus(); }
        }
        return saved;
      });
  }

  /** "Save anyway": the email or phone is shared on purpose, after the agent saw who has it
   *  (C12); the form goes again, as typed, saying so. */
  function share(button) {
    var form = button.closest("form");
    dom.$("[data-cd-confirm-shared]", form).value = "1";
    form.requestSubmit();
  }

  // --- Close (C8) ------------------------------------------------------------------------

  /**
   * Ask with a modal prompt, placed at the button that asked. Inside Finesse the gadget's
   * frame is as tall as its content, so a prompt centred in the frame could be far off screen.
   */
  function ask(dialogId, anchor) {
    var dialog = dom.$("#" + dialogId);
    return new Promise(function (resolve) {
      function choose(event) {
        var button = event.target.closest("button[value]");
        if (!button) { return; }
        finish(button.value);
      }
      function cancel(event) { event.preventDefault(); finish("cancel"); }
      function finish(value) {
        dialog.removeEventListener("click", choose);
        dialog.removeEventListener("cancel", cancel);
        dialog.close();
        resolve(value);
      }
      dialog.addEventListener("click", choose);
      dialog.addEventListener("cancel", cancel);
      dialog.showModal();
      var top = Math.max(8, anchor.getBoundingClientRect().top);
      dialog.style.top = Math.min(top, Math.max(8, window.innerHeight - dialog.offsetHeight - 8)) + "px";
      dom.$("button[value]", dialog).focus();
    });
  }

  /** Send the request's fields; true when nothing of it is left unsaved (C8, C11). A field
   *  refused (too long) keeps its text and message and the other is saved (server side). */
  function submitRequest(form) {
    return htmx.ajax("PATCH", form.getAttribute("hx-patch"), { source: form, swap: "none" })
      .then(function () {
        var left = ContextDesk.drafts.fieldsOf(form.closest("[data-cd-record]"))
          .filter(ContextDesk.drafts.dirty);
        if (left.length) { left[0].focus(); }
        return !left.length;
      });
  }

  /** Once the form's save under way (leaving a field on the way to Close) has answered. */
  function settled(form) {
    return new Promise(function (resolve) {
      var waited = 0;
      (function check() {
        if (!form.classList.contains("htmx-request") || waited > 5000) { resolve(); return; }
        waited += 50;
        window.setTimeout(check, 50);
      })();
    });
  }

  /** Before Close: unsaved text of the request asks Save / Discard / Cancel (C8, C11). */
  function requestReady(closeButton) {
    var section = dom.$("#cd-request");
    if (!section) { return Promise.resolve(true); }
    return settled(dom.$(".cd-request-form", section)).then(function () {
      return section.isConnected ? requestAsk(section, closeButton) : true;
    });
  }

  function requestAsk(section, closeButton) {
    var unsaved = ContextDesk.drafts.fieldsOf(section).some(ContextDesk.drafts.dirty);
    if (!unsaved) { return Promise.resolve(true); }
    return ask("cd-dialog-unsaved-request", closeButton).then(function (choice) {
      if (choice === "discard") {
        ContextDesk.drafts.fieldsOf(section).forEach(function (input) {
          input.value = input.dataset.cdOriginal;
          ContextDesk.drafts.drop(input);
        });
        return true;
      }
      return choice === "save" ? submitRequest(dom.$(".cd-request-form", section)) : false;
    });
  }

  function closeCustomer() {
    var card = dom.$("#cd-customer");
    var form = dom.$("#cd-customer-form");
    var customerId = card.dataset.cdRecord.split(":")[1];
    var closeButton = dom.$("[data-cd-close]", card);
    var ready;
    if (card.dataset.known !== "true") {
      ready = ask("cd-dialog-unknown", closeButton).then(function (choice) {
        if (choice !== "create") { return choice === "discard"; }
        // Create shows the form first (C7): the agent fills it in and creates the customer,
        // then closes; a customer is never made blindly from Close.
        form.hidden = false;
        dom.$("[data-cd-toggle-form]", card).setAttribute("aria-expanded", "true");
        var first = dom.$("input:not([type=hidden])", form);
        if (first) { first.focus(); }
        rendered();
        return false;
      });
    } else if (dirty(form)) {
      ready = ask("cd-dialog-unsaved", closeButton).then(function (choice) {
        if (choice === "discard") { setEditing(false, true); return true; }
        return choice === "save" ? submitCustomer(form) : false;
      });
    } else {
      ready = Promise.resolve(true);
    }
    return ready.then(function (go) {
      return go && closeButton.isConnected ? requestReady(closeButton) : go;
    }).then(function (go) {
      if (!go) {
        if (closeButton.isConnected && !dom.$("#cd-context").contains(document.activeElement)) {
          closeButton.focus();
        }
        return;
      }
      ContextDesk.drafts.discardIn(dom.$("#cd-context"));  // saved or discarded by the agent
      return htmx.ajax("POST", ContextDesk.http.url("/widget/workspace/close"), {
        target: "#cd-open-list", swap: "innerHTML", values: { customer_id: customerId },
      }).then(function () {
        dom.$("#cd-tab-open").focus();
      });
    });
  }

  ContextDesk.forms = {
    updateCounter: updateCounter, updateCounters: updateCounters, answered: answered,
    toggleForm: toggleForm, setEditing: setEditing, closeCustomer: closeCustomer, share: share,
  };
})();
