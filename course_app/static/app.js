// Enhancement only: the pages work without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }
});
