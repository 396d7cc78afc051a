// Optional enhancements; every flow works without this file.
// The assessment form: when the chosen authority differs from the one the
// residence status calls for, the override reason is marked as needed. The
// server decides (and explains, in the user's language); this only hints.
(function () {
  "use strict";
  var sel = document.getElementById("assessment-authority");
  var reason = document.getElementById("assessment-override");
  if (sel && reason) {
    var expected = sel.getAttribute("data-expected");
    var update = function () {
      var mismatch = expected && sel.value !== expected;
      reason.closest(".field").classList.toggle("needed", !!mismatch);
    };
    sel.addEventListener("change", update);
    update();
  }
  // Move the focus to the first error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
