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
  // A claimant search keeps the code typed so far.
  var search = document.getElementById("claimant-search");
  if (search) {
    search.addEventListener("submit", function () {
      var keep = search.querySelector("input[name=keep_code]");
      if (!keep) {
        keep = document.createElement("input");
        keep.type = "hidden";
        keep.name = "keep_code";
        search.appendChild(keep);
      }
      keep.value = code.value;
    });
  }
  code.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && code.value.trim() === "") {
      event.preventDefault();
    }
  });
})();
