// seatkeeper dashboard: small enhancements. Every page works without them.
(function () {
  "use strict";

  // The seats table: "select every seat on this page", and a cancel button
  // that says how many seats are selected (and is off when none is).
  var form = document.getElementById("cancel-form");
  if (form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][name=login]'));
    var all = form.querySelector("input.select-all");
    var allLabel = form.querySelector(".select-all-label");
    var button = form.querySelector("button[data-count-label]");
    var keep = form.querySelector("button[data-keep]");
    var update = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (button) {
        button.disabled = n === 0;
        button.textContent = n === 0 ? "Cancel selected seats…" : "Cancel " + n + (n === 1 ? " selected seat…" : " selected seats…");
      }
      if (keep) {
        keep.disabled = n === 0;
      }
      if (all) {
        all.checked = n > 0 && n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    };
    if (all && boxes.length) {
      allLabel.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }
})();
