// Lists on a phone: the filters fold away into their <details> (open on wider screens, and
// open on a phone too while a filter is in use, so the user sees why the list is short).
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 575.98px)").matches) { return; }
  var folds = document.querySelectorAll("details[data-fold-on-phone]");
  for (var i = 0; i < folds.length; i++) {
    if (!folds[i].hasAttribute("data-filtered")) { folds[i].removeAttribute("open"); }
  }
})();
