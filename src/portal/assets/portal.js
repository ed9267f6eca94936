// Candor reporter portal: progressive enhancement only. Every page works without this script.
(function () {
  'use strict';

  // Quick exit: leave at once, and replace this page in the history so Back does not return here.
  function quickExit(event) {
    var link = document.querySelector('[data-quick-exit]');
    if (!link) return;
    if (event) event.preventDefault();
    document.body.innerHTML = '';
    window.location.replace(link.href);
  }
  var exitLink = document.querySelector('[data-quick-exit]');
  if (exitLink) exitLink.addEventListener('click', quickExit);
  var escapes = [];
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var now = Date.now();
    escapes = escapes.filter(function (at) { return now - at < 1500; });
    escapes.push(now);
    if (escapes.length >= 3) quickExit();
  });

  // Hints that only hold when this script runs (Esc three times).
  document.querySelectorAll('[data-needs-script]').forEach(function (el) { el.hidden = false; });

  // Show the parts of a form that only matter for some answers (all are visible without script).
  function toggles() {
    document.querySelectorAll('[data-show-when]').forEach(function (el) {
      var rule = el.getAttribute('data-show-when');
      var negate = rule.indexOf('!=') > 0;
      var parts = rule.split(negate ? '!=' : '=');
      var checked = document.querySelector('input[name="' + parts[0] + '"]:checked');
      var value = checked ? checked.value : '';
      el.hidden = negate ? value === parts[1] : value !== parts[1];
    });
  }
  document.addEventListener('change', toggles);
  toggles();

  // Focus the error summary so screen readers hear it first.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  // A gentle count for the long account.
  document.querySelectorAll('textarea[data-count]').forEach(function (area) {
    var max = Number(area.getAttribute('maxlength')) || 0;
    var counter = document.createElement('p');
    counter.className = 'char-count';
    counter.setAttribute('aria-live', 'polite');
    area.insertAdjacentElement('afterend', counter);
    function update() { counter.textContent = area.value.length.toLocaleString() + (max ? ' / ' + max.toLocaleString() : ''); }
    area.addEventListener('input', update);
    update();
  });

  // More people than the rows offered without script; empty extra rows stay out of the way until wanted.
  document.querySelectorAll('[data-add-person]').forEach(function (button) {
    var kind = button.getAttribute('data-add-person');
    var container = button.parentElement;
    button.hidden = false;
    container.querySelectorAll('fieldset.person').forEach(function (row, index) {
      var empty = Array.prototype.every.call(row.querySelectorAll('input'), function (input) { return input.value === ''; });
      if (index > 0 && empty) row.remove();
    });
    button.addEventListener('click', function () {
      var rows = container.querySelectorAll('fieldset.person');
      if (rows.length >= 20) return;
      var last = rows[rows.length - 1];
      var next = rows.length + 1;
      var clone = last.cloneNode(true);
      clone.setAttribute('data-row', String(next));
      var legend = clone.querySelector('legend');
      if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(next));
      clone.querySelectorAll('input, label, p').forEach(function (el) {
        ['id', 'for', 'name', 'aria-describedby'].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(new RegExp('(' + kind + '_[a-z]+_)\\d+'), '$1' + next));
        });
        if (el.tagName === 'INPUT') el.value = '';
        if (el.classList.contains('error')) el.remove();
      });
      last.insertAdjacentElement('afterend', clone);
      var first = clone.querySelector('input');
      if (first) first.focus();
    });
  });

  // Files: a drop zone, a list of what was chosen, and upload progress while sending.
  document.querySelectorAll('[data-drop-zone]').forEach(function (zone) {
    var input = zone.querySelector('input[type=file]');
    var list = zone.querySelector('.upload-list');
    var hint = zone.querySelector('.drop-hint');
    if (hint) hint.hidden = false;
    function show() {
      list.innerHTML = '';
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement('li');
        var name = document.createElement('span');
        name.textContent = file.name;
        var size = document.createElement('span');
        size.textContent = Math.max(1, Math.round(file.size / 1024)).toLocaleString() + ' KB';
        item.appendChild(name);
        item.appendChild(size);
        list.appendChild(item);
      });
    }
    input.addEventListener('change', show);
    ['dragenter', 'dragover'].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add('dragging'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove('dragging'); });
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  });

  document.querySelectorAll('form[enctype="multipart/form-data"]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.hasAttribute('formaction')) return; // "change my answers": an ordinary post
      var fileInput = form.querySelector('input[type=file]');
      if (!fileInput || !fileInput.files.length || !window.XMLHttpRequest) return;
      event.preventDefault();
      var progress = form.querySelector('.progress');
      var bar = progress && progress.querySelector('progress');
      if (progress) progress.hidden = false;
      if (submitter) {
        submitter.disabled = true;
        submitter.textContent = submitter.getAttribute('data-sending-label') || submitter.textContent;
      }
      var request = new XMLHttpRequest();
      request.open('POST', form.action);
      request.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable && bar) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      request.addEventListener('load', function () {
        // Show whatever the server answered (the receipt, or the page after a message) as a fresh page.
        if (request.responseURL && request.responseURL !== form.action && request.status < 400 && request.responseURL.indexOf('/my-report') >= 0) {
          window.location.replace(request.responseURL);
          return;
        }
        document.open();
        document.write(request.responseText);
        document.close();
        var main = document.getElementById('main');
        if (main) main.focus();
      });
      request.addEventListener('error', function () { form.submit(); });
      request.send(new FormData(form));
    });
  });
})();
