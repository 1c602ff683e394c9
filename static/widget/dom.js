/* Context Desk: the DOM helpers every part of the widget shares (loaded first, after htmx).
 *
 * The widget's parts are classic scripts on one namespace, `window.ContextDesk`, loaded in the
 * order of SCRIPTS in server/widget/pages.py; each part looks the others up when it runs, so
 * only this file has to come before them. Lookups are scoped to the widget's root once
 * `ContextDesk.widget.start` has found it, so a page around the widget (the gadget's own status
 * line, the Care Desktop) is never matched by mistake.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var root = null;

  /** The widget's root ([data-context-desk]) once started; set by widget.js. */
  function setRoot(element) { root = element; }
  function getRoot() { return root; }

  function $(selector, scope) { return (scope || root || document).querySelector(selector); }
  function $$(selector, scope) {
    return Array.prototype.slice.call((scope || root || document).querySelectorAll(selector));
  }

  /** "Characters left: {count}" with {count: 3}; a {name} with no value is left as it is. */
  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? values[key] : all;
    });
  }

  /** The JSON of a data block in the widget's markup (`<script type="application/json">`). */
  function data(selector) {
    var block = $(selector);
    return block ? JSON.parse(block.textContent) : {};
  }

  /**
   * The service's input limits (server/limits.py), as the markup carries them: a script that
   * needs one reads it here (`ContextDesk.dom.limits().tag`), never a copy of the number.
   */
  function limits() { return data(".cd-limits"); }

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  /**
   * A word of the live parts (stale warnings, presence), from the data attributes of
   * [data-cd-live] in gadget/templates/widget/live.html, in the agent's language.
   */
  function say(name, values) {
    var holder = $("[data-cd-live]");
    return format((holder && holder.dataset[name]) || "", values);
  }

  /** A copy of the first element of a <template> in the widget's markup. */
  function template(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  // --- Records on screen: [data-cd-record="<kind>:<id>"] (gadget/CONTRACT.md) --------------

  function parseKey(key) {
    var at = key.indexOf(":");
    return { kind: key.slice(0, at), id: key.slice(at + 1) };
  }

  function recordsOn(key) { return $$('[data-cd-record="' + key + '"]'); }

  /** The element's own descendant (not one inside a nested record). */
  function ownChild(element, selector) {
    return $$(selector, element).filter(function (child) {
      return child.parentElement.closest("[data-cd-record]") === element;
    })[0] || null;
  }

  /** What a field is called on screen: its label, else its name. */
  function labelOf(input) {
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim() : input.name;
  }

  /** Inside Finesse the gadget's frame must grow and shrink with the widget. */
  function adjustHeight() {
    var gadgets = window.gadgets;
    if (gadgets && gadgets.window && gadgets.window.adjustHeight) { gadgets.window.adjustHeight(); }
  }

  ContextDesk.dom = {
    setRoot: setRoot, root: getRoot, $: $, $$: $$, format: format, data: data, limits: limits,
    emit: emit, say: say, template: template, parseKey: parseKey, recordsOn: recordsOn,
    ownChild: ownChild, labelOf: labelOf, adjustHeight: adjustHeight,
  };
})();
