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
