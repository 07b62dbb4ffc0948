/* The pages' scripts, in one file: the Content-Security-Policy allows no inline script.
   Each part looks for its element and does nothing on pages without it; translated texts
   come from the element's data-text-* attributes. */
(function () {
  "use strict";

  // The intake form: Ctrl+Enter (or Cmd+Enter) saves.
  var intake = document.getElementById("intake");
  if (intake) {
    intake.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); intake.requestSubmit(); }
    });
  }

  // A deadline's due date, shown before it is saved.
  var days = document.getElementById("working_days"), due = document.getElementById("due-preview");
  if (days && due) {
    var showDue = function () {
      fetch("/api/working-days/due-date?working_days=" + encodeURIComponent(days.value) +
            "&start=" + encodeURIComponent(due.dataset.start))
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { due.textContent = d ? due.dataset.textDue + " " + d.due_date : ""; });
    };
    days.addEventListener("input", showDue);
    showDue();
  }

  // A committee vote: quorum and outcome, shown before the vote is saved.
  var box = document.getElementById("vote-inputs"), vote = document.getElementById("vote-preview");
  if (box && vote) {
    var fraction = function (text) { var p = String(text).split("/"); return p.length === 2 ? p[0] / p[1] : Number(text); };
    var value = function (id) { return parseInt(document.getElementById(id).value || "0", 10); };
    box.addEventListener("input", function () {
      var eligible = value("eligible"), present = value("present");
      var sum = value("votes_for") + value("votes_against") + value("abstentions");
      if (!eligible || !present) { vote.textContent = ""; return; }
      if (sum !== present) {
        vote.textContent = box.dataset.textMismatch.replace("{sum}", sum).replace("{present}", present);
        return;
      }
      var quorum = present / eligible > fraction(box.dataset.quorum);
      var passed = quorum && value("votes_for") / present > fraction(box.dataset.majority);
      vote.textContent = (quorum ? box.dataset.textQuorum : box.dataset.textNoQuorum) + " · " +
        (passed ? box.dataset.textPassed : box.dataset.textRejected);
    });
  }

  // Print buttons (the receipt, questionnaire codes, commitments' notices).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // The board's wall screen: rotates its sections, reloads itself.
  var body = document.body;
  if (body.classList.contains("rotating")) {
    var sections = document.querySelectorAll("main section");
    var key = "board-section:" + location.pathname, index = Number(sessionStorage.getItem(key) || 0) % sections.length;
    var show = function () {
      sections.forEach(function (s, n) { s.classList.toggle("shown", n === index); });
      sessionStorage.setItem(key, String(index));
    };
    show();
    setInterval(function () { index = (index + 1) % sections.length; show(); }, Number(body.dataset.rotate) * 1000);
    if (Number(body.dataset.refresh)) { setTimeout(function () { location.reload(); }, Number(body.dataset.refresh) * 1000); }
  }
})();
