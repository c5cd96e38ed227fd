// Follows a background job: polls its JSON status and moves the progress bar until the
// file is ready (then shows the download button) or the job failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("[data-job-progress]");
  var fill = bar.querySelector(".progress-bar");
  var state = box.querySelector("[data-job-state]");
  var count = box.querySelector("[data-job-count]");
  var error = box.querySelector("[data-job-error]");
  var download = box.querySelector("[data-job-download]");
  var message = box.querySelector("[data-job-message]");
  var next = box.querySelector("[data-job-next]");
  var delay = 700;

  function show(status) {
    var percent = status.percent === null ? 5 : status.percent;
    fill.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    state.textContent = status.state_label;
    count.textContent = status.total ? status.done + " / " + status.total : "";
    if (status.result_url) {
      next.setAttribute("href", status.result_url);
      next.classList.remove("d-none");
    }
    if (status.state === "done") {
      fill.classList.remove("progress-bar-striped", "progress-bar-animated");
      if (status.download_url) { download.classList.remove("d-none"); }
      if (status.message) {
        message.textContent = status.message;
        message.classList.remove("d-none");
      }
      return true;
    }
    if (status.state === "failed") {
      fill.classList.remove("progress-bar-striped", "progress-bar-animated");
      fill.classList.add("bg-danger");
      error.textContent = status.error;
      error.classList.remove("d-none");
      return true;
    }
    return false;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status && show(status)) { return; }
        delay = Math.min(delay * 1.3, 3000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
