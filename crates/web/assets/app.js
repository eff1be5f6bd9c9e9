// donthu: the little the pages need beyond htmx. No inline scripts (the pages' CSP
// forbids them): behaviour is attached here by data attributes.
(function () {
  "use strict";
  // Keyboard: "/" focuses the search box, "n" opens a new intake (when not typing).
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "/") {
      var q = document.getElementById("q");
      if (q) { e.preventDefault(); q.focus(); }
    }
  });
  // Intake: show only the parts of the form for the chosen petitioner type and channel.
  function sync(form) {
    var type = form.querySelector("[name='petitioner.type']:checked");
    var channel = form.querySelector("[name='channel']");
    form.querySelectorAll("[data-for-petitioner]").forEach(function (el) {
      var show = type && el.getAttribute("data-for-petitioner").split(" ").indexOf(type.value) >= 0;
      el.hidden = !show;
      el.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !show; });
    });
    form.querySelectorAll("[data-for-channel]").forEach(function (el) {
      var show = channel && el.getAttribute("data-for-channel").split(" ").indexOf(channel.value) >= 0;
      el.hidden = !show;
      el.querySelectorAll("input,select,textarea").forEach(function (i) { i.disabled = !show; });
    });
  }
  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("form[data-intake]");
    if (form) sync(form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-intake]").forEach(sync);
    var err = document.querySelector(".field.invalid input, .field.invalid select, .field.invalid textarea");
    if (err) err.focus();
  });
  // Duplicate suggestions: "link to this case" fills the hidden case field.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-link-case]");
    if (!btn) return;
    e.preventDefault();
    var form = btn.closest("form");
    var input = form && form.querySelector("[name='case_id']");
    if (!input) return;
    input.value = btn.getAttribute("data-link-case");
    var note = document.getElementById("linked-case");
    if (note) {
      note.hidden = false;
      note.textContent = "Đơn này sẽ được gộp vào vụ việc của đơn " + btn.getAttribute("data-reference") + ".";
    }
  });
  // A form is sent once: a second click while the first is on its way would register
  // the same petition twice.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[method=post]")) return;
    if (form.dataset.sent === "1") { e.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
  });
  // Printing the portal receipt.
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) { e.preventDefault(); window.print(); }
  });
})();
