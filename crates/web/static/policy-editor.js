// Marks tags as the author types; the server's check on save is the one that counts.
(function () {
  var body = document.getElementById('body'), list = document.getElementById('elements');
  if (!body || !list) return;
  body.addEventListener('input', function () {
    list.querySelectorAll('li').forEach(function (li) {
      var tagged = new RegExp('^#{1,6} .*\\{[^}]*\\.' + li.dataset.tag + '[^}]*\\}\\s*$', 'm').test(body.value);
      li.className = tagged ? 'present' : 'missing';
    });
  });
})();
