// Live eligibility feedback on the nomination form: posts the form to the check URL
// (with its CSRF token) a moment after the user stops typing, and shows the findings.
(function () {
  "use strict";
  var form = document.getElementById("nomination-form");
  if (!form) { return; }
  var target = document.getElementById("eligibility-feedback");
  var url = form.getAttribute("data-check-url");
  var timer = null;
  function check() {
    var data = new FormData(form);
    data.delete("save");
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (html) { target.innerHTML = html; } })
      .catch(function () { /* feedback is a convenience; the server checks again on save */ });
  }
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
