// Keyboard shortcuts and row selection for the inbox. The page works without this file: every
// action is a plain form. j / k move the cursor down / up, x selects the row under the cursor,
// e (or Enter) opens it. Shortcuts are ignored while typing in a field.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  var at = -1;

  function focus(next) {
    if (!rows.length) return;
    if (at >= 0) rows[at].classList.remove("cursor");
    at = Math.max(0, Math.min(rows.length - 1, next));
    rows[at].classList.add("cursor");
    rows[at].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (event.key === "j") { focus(at + 1); event.preventDefault(); }
    else if (event.key === "k") { focus(at - 1); event.preventDefault(); }
    else if (event.key === "x" && at >= 0) {
      var box = rows[at].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
    } else if ((event.key === "e" || event.key === "Enter") && at >= 0) {
      window.location.href = rows[at].getAttribute("data-href");
      event.preventDefault();
    }
  });

  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      rows.forEach(function (row) {
        var box = row.querySelector("input[type=checkbox]");
        if (box) box.checked = all.checked;
      });
    });
  }
})();
