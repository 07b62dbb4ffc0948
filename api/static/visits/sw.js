// The visit form's service worker: keeps the form page, its script and the style sheet on the
// phone, so the form opens without a connection. Pages are fetched from the network first (fresh
// when online) and from the cache when that fails; nothing but these GETs is touched.
var CACHE = 'visit-form-v1';
var PAGE = '/visits/new';
var FILES = [PAGE, '/static/visits/offline.js', '/static/staff.css', '/static/forms.js'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(FILES.map(function (url) {
      return fetch(url, {credentials: 'same-origin'}).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(url, response); }
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var key = url.pathname === PAGE ? PAGE : url.pathname;
  if (FILES.indexOf(key) === -1) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (cached) { return cached || Response.error(); });
  }));
});
