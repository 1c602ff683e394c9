/*
 * Embedding the widget in the gadget's document (gadget/CONTRACT.md): fetch its fragment,
 * insert it, re-create its scripts in order (scripts inserted as HTML never run), then call
 * `ContextDesk.widget.start`. Called again (Try again), it replaces what it inserted before
 * and loads no script twice.
 */
var ContextDeskGadget = window.ContextDeskGadget || {};

ContextDeskGadget.embed = (function () {
  "use strict";

  function alreadyLoaded(src) {
    return Array.prototype.some.call(document.scripts, function (script) {
      return script.getAttribute("src") === src;
    });
  }

  function runScript(old) {
    return new Promise(function (resolve, reject) {
      var src = old.getAttribute("src");
      var type = old.getAttribute("type");
      if (type && !/javascript|module/i.test(type)) { resolve(); return; }  // data blocks
      old.parentNode.removeChild(old);
      if (src && alreadyLoaded(src)) { resolve(); return; }
      var script = document.createElement("script");
      if (type) { script.type = type; }
      if (src) {
        script.src = src;
        script.onload = function () { resolve(); };
        script.onerror = function () { reject(new Error("could not load " + src)); };
      } else {
        script.textContent = old.textContent;
      }
      document.head.appendChild(script);
      if (!src) { resolve(); }
    });
  }

  /** Each script of the fragment in document order, the next once the one before has run. */
  function runScriptsOf(fragment) {
    var scripts = Array.prototype.slice.call(fragment.querySelectorAll("script"));
    return scripts.reduce(function (previous, old) {
      return previous.then(function () { return runScript(old); });
    }, Promise.resolve());
  }

  /**
   * options: container, publicUrl, apiBase, token, locale, onResize. Resolves with the
   * started widget; rejects with an Error saying what failed.
   */
  return function embed(options) {
    var url = options.publicUrl + "/widget/?fragment=1&locale=" +
      encodeURIComponent(options.locale);
    return fetch(url, {mode: "cors", credentials: "omit"}).then(function (response) {
      if (!response.ok) { throw new Error("the widget answered HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("div");
      holder.className = "cd-gadget__widget";
      holder.innerHTML = html;
      var old = options.container.querySelector(".cd-gadget__widget");
      if (old) { old.parentNode.removeChild(old); }
      options.container.appendChild(holder);
      return runScriptsOf(holder);
    }).then(function () {
      var widget = window.ContextDesk && window.ContextDesk.widget;
      if (!widget || !widget.start) { throw new Error("the widget's script did not load"); }
      widget.start({apiBase: options.apiBase, publicUrl: options.publicUrl,
                    token: options.token, locale: options.locale, onResize: options.onResize});
      return widget;
    });
  };
}());
