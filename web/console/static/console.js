// Monban console: progressive enhancement only. Every page works without
// this file; with it, copy buttons copy and forms marked data-confirm ask
// first. Loaded as a file of this origin (CSP script-src 'self').
"use strict";
(function () {
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text, done); });
      return;
    }
    fallback(text, done);
  }
  function fallback(text, done) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand("copy"); done(); } catch (e) { /* nothing to do */ }
    document.body.removeChild(ta);
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-copy]");
    if (!b) { return; }
    ev.preventDefault();
    var src = document.getElementById(b.getAttribute("data-copy"));
    if (!src) { return; }
    var text = src.value !== undefined && src.tagName !== "CODE" && src.tagName !== "PRE" ? src.value : src.textContent;
    copyText(text, function () {
      var label = b.textContent;
      b.textContent = b.getAttribute("data-copied") || "Copied";
      setTimeout(function () { b.textContent = label; }, 1500);
    });
  });
  // Copy buttons are hidden without script (they would do nothing).
  document.querySelectorAll("button[data-copy]").forEach(function (b) { b.hidden = false; });
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });
})();
