// The profiling workbench: a suggestion chosen from the list fills the profile code (and gives
// it the focus, so Enter then accepts); Enter on an empty code does nothing.
(function () {
  "use strict";
  var code = document.getElementById("profile_code");
  if (!code) {
    return;
  }
  document.querySelectorAll("button.choice[data-code]").forEach(function (button) {
    button.addEventListener("click", function () {
      code.value = button.getAttribute("data-code");
      code.focus();
    });
  });
  code.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && code.value.trim() === "") {
      event.preventDefault();
    }
  });
})();
