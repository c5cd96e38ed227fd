// Live eligibility feedback on the nomination form: posts the form to the check URL
// (with its CSRF token) a moment after the user stops typing, shows the summary at the top
// of the form, and each finding beside the field it concerns (birth date, union join date,
// citizen ID, education...), as the server marked it (data-finding-field on each item).
(function () {
  "use strict";
  var form = document.getElementById("nomination-form");
  if (!form) { return; }
  var target = document.getElementById("eligibility-feedback");
  var status = document.getElementById("eligibility-status");
  var url = form.getAttribute("data-check-url");
  var timer = null;

  function fieldBox(name) {
    var input = document.getElementById("id_" + name);
    if (!input) { return null; }
    return input.closest(".mb-3") || input.parentElement;
  }

  function clearBeside() {
    var old = form.querySelectorAll("[data-finding-beside]");
    for (var i = 0; i < old.length; i++) {
      var input = document.getElementById("id_" + old[i].getAttribute("data-finding-beside"));
      if (input) {
        var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== old[i].id;
        });
        if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); }
        else { input.removeAttribute("aria-describedby"); }
      }
      old[i].parentNode.removeChild(old[i]);
    }
  }

  function placeBeside() {
    clearBeside();
    var items = target.querySelectorAll("[data-finding-field]");
    for (var i = 0; i < items.length; i++) {
      var name = items[i].getAttribute("data-finding-field");
      var box = name ? fieldBox(name) : null;
      if (!box) { continue; }
      var block = items[i].getAttribute("data-finding-level") === "block";
      var note = document.createElement("div");
      note.id = "finding-" + name + "-" + i;
      note.setAttribute("data-finding-beside", name);
      note.setAttribute("data-testid", "finding-beside-" + name);
      note.className = "field-finding small " + (block ? "field-finding-block" : "field-finding-warning");
      var label = document.createElement("strong");
      label.textContent = items[i].getAttribute("data-finding-label") + ": ";
      note.appendChild(label);
      note.appendChild(document.createTextNode(items[i].getAttribute("data-finding-detail")));
      box.appendChild(note);
      var input = document.getElementById("id_" + name);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    }
    if (status) {
      var count = target.querySelector("template[data-role=count]");
      status.innerHTML = count ? count.innerHTML : "";
    }
  }

  function check() {
    var data = new FormData(form);
    data.delete("save");
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) { target.innerHTML = html; placeBeside(); }
      })
      .catch(function () { /* feedback is a convenience; the server checks again on save */ });
  }
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  placeBeside();  // findings of a check made without script (the "Kiểm tra điều kiện" button)
})();
