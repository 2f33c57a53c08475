// Enhancement only: the pages work without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }

  // A live count for fields with a limit. Screen readers hear it only near or over the limit,
  // so typing is not interrupted by a number at every key.
  var counts = document.querySelectorAll("[data-count-for]");
  Array.prototype.forEach.call(counts, function (count) {
    var field = document.getElementById(count.getAttribute("data-count-for"));
    if (!field) {
      return;
    }
    var max = parseInt(field.getAttribute("data-max-length"), 10);
    var left = count.getAttribute("data-left");
    var over = count.getAttribute("data-over");
    var update = function () {
      var remaining = max - field.value.length;
      var text = remaining >= 0 ? left : over;
      count.textContent = Math.abs(remaining) + " " + text + ".";
      count.setAttribute("aria-live", remaining < 200 ? "polite" : "off");
      count.classList.toggle("char-count-over", remaining < 0);
    };
    field.addEventListener("input", update);
    update();
  });

  // The meeting view: the arrow keys move between screens, like the Previous and Next links.
  if (document.querySelector("[data-meeting]")) {
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey || (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
        return;
      }
      var rel = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "prev" : null;
      var link = rel && document.querySelector(".meeting-nav a[rel=" + rel + "]");
      if (link) {
        window.location.href = link.href;
      }
    });
  }

  // The requirement form: choosing another period moves the suggested dates with it, unless
  // they have been changed by hand (without JavaScript a button fills them in).
  var form = document.querySelector("[data-suggested-dates]");
  var period = form && form.querySelector("#election_year");
  if (period) {
    var suggested = JSON.parse(form.getAttribute("data-suggested-dates"));
    var fields = [form.querySelector("#counts_from"), form.querySelector("#deadline")];
    var chosen = period.value;
    period.addEventListener("change", function () {
      var before = suggested[chosen] || [];
      var after = suggested[period.value];
      fields.forEach(function (field, index) {
        if (after && field && (!field.value || field.value === before[index])) {
          field.value = after[index];
        }
      });
      chosen = period.value;
    });
  }
});
