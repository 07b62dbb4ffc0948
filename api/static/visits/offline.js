// The visit form on a phone with a weak network (a static file: the pages carry no inline script).
// A visit is first kept on the phone (localStorage, with an Idempotency-Key made once), then sent;
// whatever could not be sent stays listed as waiting and is sent again when the connection
// returns. The server saves a key once, so a visit sent twice is saved once.
(function () {
  'use strict';
  var QUEUE = 'visits.waiting';
  var SENT = 'visits.sent';
  var form = document.getElementById('visit-form');
  if (!form) { return; }
  var waitingList = document.getElementById('waiting');
  var sentList = document.getElementById('sent');
  var sending = false;

  function load(name) {
    try { return JSON.parse(localStorage.getItem(name) || '[]'); } catch (e) { return []; }
  }
  function store(name, items) { localStorage.setItem(name, JSON.stringify(items)); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return 'v-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }

  function render() {
    var waiting = load(QUEUE);
    waitingList.textContent = '';
    waiting.forEach(function (item) {
      var li = document.createElement('li');
      li.className = item.refused ? 'refused' : 'waiting';
      li.setAttribute('data-key', item.key);
      var label = item.refused ? waitingList.getAttribute('data-label-refused') : waitingList.getAttribute('data-label-waiting');
      li.textContent = item.body.visited_on + ' · ' + item.body.learned.slice(0, 40) + ' — ' + label +
        (item.refused ? ': ' + item.refused : '');
      waitingList.appendChild(li);
    });
    document.getElementById('waiting-empty').hidden = waiting.length > 0;
    sentList.textContent = '';
    load(SENT).slice(-10).reverse().forEach(function (item) {
      var li = document.createElement('li');
      var link = document.createElement('a');
      link.href = item.url;
      link.textContent = item.visited_on + ' · ' + item.learned.slice(0, 40);
      li.appendChild(link);
      sentList.appendChild(li);
    });
    var status = document.getElementById('connection');
    status.textContent = navigator.onLine ? status.getAttribute('data-online') : status.getAttribute('data-offline');
  }

  function bodyOf() {
    var data = new FormData(form);
    return {
      visited_on: data.get('visited_on'), form: data.get('form'),
      people_met: parseInt(data.get('people_met') || '0', 10) || 0,
      households: data.getAll('households'), learned: (data.get('learned') || '').trim(),
      guidance: (data.get('guidance') || '').trim(), opinions: (data.get('opinions') || '').trim(),
      help_given: (data.get('help_given') || '').trim(), makes_up: (data.get('makes_up') || '').trim() || null
    };
  }

  function token() {
    var meta = document.querySelector('meta[name=csrf-token]');
    return meta ? meta.getAttribute('content') : '';
  }

  function freshToken() {
    return fetch(form.getAttribute('data-token'), {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { if (!r.ok) { throw new Error('token'); } return r.json(); })
      .then(function (j) { document.querySelector('meta[name=csrf-token]').setAttribute('content', j.csrf_token); });
  }

  function sendOne(item) {
    return fetch(form.getAttribute('data-send'), {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': token(), 'Idempotency-Key': item.key},
      body: JSON.stringify(item.body)
    });
  }

  function flush() {
    if (sending || !navigator.onLine) { render(); return Promise.resolve(); }
    var pending = load(QUEUE).filter(function (i) { return !i.refused; });
    if (!pending.length) { render(); return Promise.resolve(); }
    sending = true;
    var chain = freshToken();
    pending.forEach(function (item) {
      chain = chain.then(function () {
        return sendOne(item).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (answer) {
            var queue = load(QUEUE);
            if (response.status === 201) {
              store(QUEUE, queue.filter(function (i) { return i.key !== item.key; }));
              var sent = load(SENT);
              sent.push({key: item.key, url: answer.url, visited_on: item.body.visited_on, learned: item.body.learned});
              store(SENT, sent.slice(-50));
            } else if (response.status === 422) {
              var fields = answer.fields || {};
              var text = Object.keys(fields).map(function (k) { return [].concat(fields[k]).join(' '); }).join(' ');
              queue.forEach(function (i) { if (i.key === item.key) { i.refused = text || String(response.status); } });
              store(QUEUE, queue);
            } else {
              throw new Error('not sent: ' + response.status);  // keep it waiting; try again later
            }
            render();
          });
        });
      });
    });
    return chain.catch(function () { /* offline again or the server busy: the visits stay waiting */ })
      .then(function () { sending = false; render(); });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var body = bodyOf();
    if (!form.reportValidity()) { return; }
    var queue = load(QUEUE);
    queue.push({key: newKey(), body: body, saved_at: new Date().toISOString()});
    store(QUEUE, queue);
    form.querySelector('#learned').value = '';
    ['guidance', 'opinions', 'help_given', 'makes_up', 'people_met'].forEach(function (id) {
      form.querySelector('#' + id).value = '';
    });
    form.querySelectorAll('input[name=households]').forEach(function (box) { box.checked = false; });
    render();
    flush();
  });

  window.addEventListener('online', flush);
  window.addEventListener('offline', render);
  setInterval(flush, 15000);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register(form.getAttribute('data-worker'), {scope: '/visits/'}).catch(function () {});
  }
  render();
  flush();
}());
