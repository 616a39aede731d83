// bbm admin pages: the list refreshes its tabs and table while migrations run, without a full
// page load. It fetches the same page's "migrations" fragment and swaps it in; focus stays on
// the element that had it (by id), and nothing is swapped while a button is being pressed.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;

  function region() {
    return document.getElementById("migrations");
  }

  function schedule() {
    var current = region();
    if (current && current.getAttribute("data-running") === "true") {
      window.setTimeout(refresh, INTERVAL_MS);
    }
  }

  function refresh() {
    var current = region();
    if (!current || document.hidden) {
      schedule();
      return;
    }
    var url = current.getAttribute("data-refresh") + "&fragment=migrations";
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) {
          // Signed out or an error: a full load shows the sign-in or the message page.
          window.location.reload();
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var next = template.content.getElementById("migrations");
        var focused = document.activeElement;
        var focusedId = focused && current.contains(focused) ? focused.id : null;
        if (next) {
          current.replaceWith(next);
          if (focusedId) {
            var again = document.getElementById(focusedId);
            if (again) {
              again.focus();
            }
          }
        }
        schedule();
      })
      .catch(function () {
        schedule();
      });
  }

  document.addEventListener("DOMContentLoaded", schedule);
})();
