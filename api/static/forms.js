// Forms on the staff pages (a static file: the pages carry no inline script).
// A checkbox with data-disables="ID" disables that fieldset while ticked: what was typed in it
// stays on screen (and comes back when unticked) but is not sent.
(function () {
  function apply(box) {
    var target = document.getElementById(box.getAttribute('data-disables'));
    if (target) { target.disabled = box.checked; }
  }
  document.querySelectorAll('input[type=checkbox][data-disables]').forEach(function (box) {
    apply(box);
    box.addEventListener('change', function () { apply(box); });
  });
}());

// A select with a search box (id SELECT_search): typing the option's text, its pinyin initials
// (data-initials, e.g. "hjws" for 环境卫生) or its pinyin (data-pinyin) chooses the first option that
// matches; Enter keeps the choice and moves on instead of sending the form. The select stays
// reachable by mouse; the keyboard goes through the search box, so Tab follows the form.
(function () {
  document.querySelectorAll('input[type=search][aria-controls]').forEach(function (search) {
    var select = document.getElementById(search.getAttribute('aria-controls'));
    if (!select) { return; }
    var shown = document.getElementById(select.id + '_match');
    search.hidden = false;
    select.tabIndex = -1;
    function matches(option, typed) {
      var text = option.textContent.trim().toLowerCase();
      var initials = option.getAttribute('data-initials') || '';
      var pinyin = option.getAttribute('data-pinyin') || '';
      return text.indexOf(typed) >= 0 || (initials && initials.indexOf(typed) === 0) ||
        (pinyin && pinyin.indexOf(typed) === 0);
    }
    function choose() {
      var typed = search.value.trim().toLowerCase().replace(/\s+/g, '');
      if (!typed) { return; }
      var found = Array.prototype.filter.call(select.options, function (o) { return o.value && matches(o, typed); });
      if (found.length) {
        select.value = found[0].value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }
      if (shown) {
        shown.textContent = found.map(function (o) { return o.textContent.trim(); }).join(' · ') ||
          (search.getAttribute('data-none') || '—');
      }
    }
    search.addEventListener('input', choose);
    search.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        choose();
        var next = search.form && search.form.querySelector('#' + (search.getAttribute('data-next') || ''));
        if (next) { next.focus(); }
      }
    });
    select.addEventListener('change', function () {
      if (shown && select.selectedIndex > 0) { shown.textContent = select.options[select.selectedIndex].textContent.trim(); }
    });
  });
  // A field with data-starts-from="ID": entered while empty, it starts as a copy of that field (the
  // details start from the summary), the cursor at the end, so the problem is not typed twice.
  document.querySelectorAll('[data-starts-from]').forEach(function (field) {
    field.addEventListener('focus', function () {
      var source = document.getElementById(field.getAttribute('data-starts-from'));
      if (source && !field.value && source.value.trim()) {
        field.value = source.value.trim();
        field.setSelectionRange(field.value.length, field.value.length);
      }
    });
  });
  // The first field refused is where the cursor starts; otherwise the first the form marks.
  var first = document.querySelector('form [aria-invalid=true]') || document.querySelector('form [data-first]:not([hidden])');
  if (first && !document.activeElement.matches('input, select, textarea')) { first.focus(); }
}());
