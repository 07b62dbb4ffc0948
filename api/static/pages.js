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
      if (!eligible || !present) { vote.textContent = ""; vote.classList.remove("fails"); return; }
      if (sum !== present) {  // a failure, in the failure colour: the vote cannot be saved like this
        vote.textContent = box.dataset.textMismatch.replace("{sum}", sum).replace("{present}", present);
        vote.classList.add("fails");
        return;
      }
      var quorum = present / eligible > fraction(box.dataset.quorum);
      var passed = quorum && value("votes_for") / present > fraction(box.dataset.majority);
      vote.textContent = (quorum ? box.dataset.textQuorum : box.dataset.textNoQuorum) + " · " +
        (passed ? box.dataset.textPassed : box.dataset.textRejected);
      vote.classList.toggle("fails", !passed);
    });
  }

  // Print buttons (the receipt, questionnaire codes, commitments' notices).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // The board's wall screen: each section is a slide, and a long one is split into pages of items
  // (cards, table rows) that each fit the screen with the footer ("第 2/3 页"); the slides rotate, the
  // arrow keys step through them, and the page reloads itself. Below a wall's size (a phone), nothing
  // is paged: the sections stack and scroll.
  var body = document.body;
  if (body.classList.contains("rotating")) {
    var sections = Array.prototype.slice.call(document.querySelectorAll("main section"));
    var wall = window.matchMedia("(min-width: 900px) and (min-height: 500px)");
    var root = document.documentElement, slides = [], timer = null;
    var key = "board-section:" + location.pathname;
    var index = Number(sessionStorage.getItem(key) || 0);
    var itemsOf = function (section) { return Array.prototype.slice.call(section.querySelectorAll(".item")); };
    var footer = document.querySelector("footer");
    var excess = function () {  // how far the page, its footer included, reaches below the screen
      var bottom = Math.max(root.scrollHeight, footer ? Math.ceil(footer.getBoundingClientRect().bottom) : 0);
      return bottom - window.innerHeight;
    };
    var overflows = function () { return excess() > 0; };
    var setPager = function (section, n, total) {
      var pager = section.querySelector(".pager");
      if (!pager) { return; }
      pager.hidden = total < 2;
      pager.querySelectorAll("[data-pattern]").forEach(function (part) {
        part.textContent = part.dataset.pattern.replace("{n}", n).replace("{total}", total);
      });
    };
    var reset = function () {
      sections.forEach(function (s) {
        s.classList.remove("shown");
        s.style.fontSize = "";
        itemsOf(s).forEach(function (item) { item.hidden = false; });
        s.querySelectorAll(".chart").forEach(function (c) { c.style.maxHeight = ""; });
        setPager(s, 1, 1);
      });
    };
    var paginate = function () {
      reset();
      slides = [];
      body.classList.toggle("paged", wall.matches);
      if (!wall.matches) { return; }
      sections.forEach(function (s) {
        var items = itemsOf(s), page = [], pages = [];
        s.classList.add("shown");
        setPager(s, 9, 9);  // room for the pager while measuring
        items.forEach(function (item) { item.hidden = true; });
        items.forEach(function (item) {
          item.hidden = false;
          if (page.length && overflows()) {
            page.forEach(function (shown) { shown.hidden = true; });
            pages.push(page);
            page = [];
          }
          page.push(item);
        });
        pages.push(page);
        pages.forEach(function (p, n) { slides.push({section: s, items: p, n: n + 1, total: pages.length}); });
        s.classList.remove("shown");
        items.forEach(function (item) { item.hidden = false; });
      });
    };
    var fit = function (section) {
      // a slide still too tall (one long item, the chart): the chart gives way first, then the type
      var over = excess();
      section.querySelectorAll(".chart").forEach(function (chart) {
        var height = chart.getBoundingClientRect().height;
        if (over > 0 && height) {
          chart.style.maxHeight = Math.max(Math.floor(height - over) - 2, 120) + "px";
          over = excess();
        }
      });
      for (var size = 95; over > 0 && size >= 50; size -= 5) {
        section.style.fontSize = size + "%";
        over = excess();
      }
    };
    var show = function () {
      if (!slides.length) { return; }
      index = ((index % slides.length) + slides.length) % slides.length;
      var slide = slides[index];
      reset();
      slide.section.classList.add("shown");
      var keep = slide.items;
      itemsOf(slide.section).forEach(function (item) { item.hidden = keep.indexOf(item) < 0; });
      setPager(slide.section, slide.n, slide.total);
      fit(slide.section);
      body.dataset.slide = String(index);
      body.dataset.slides = String(slides.length);
      sessionStorage.setItem(key, String(index));
    };
    var step = function (by) { index += by; show(); restart(); };
    var restart = function () {
      if (timer) { clearInterval(timer); }
      timer = setInterval(function () { index += 1; show(); }, Number(body.dataset.rotate) * 1000);
    };
    var layout = function () { paginate(); if (slides.length) { show(); restart(); } else { reset(); } };
    layout();
    var resized = null;
    window.addEventListener("resize", function () { clearTimeout(resized); resized = setTimeout(layout, 50); });
    document.addEventListener("keydown", function (e) {
      if (!slides.length) { return; }
      if (e.key === "ArrowRight" || e.key === "PageDown" || e.key === " ") { e.preventDefault(); step(1); }
      if (e.key === "ArrowLeft" || e.key === "PageUp") { e.preventDefault(); step(-1); }
    });
    if (Number(body.dataset.refresh)) { setTimeout(function () { location.reload(); }, Number(body.dataset.refresh) * 1000); }
  }
})();
