// WorkTrack upload page: queue files (file chooser or drag and drop) and send them with the
// tus 1.0 protocol (creation + core + checksum) to the endpoint named by the form, resuming
// after network failures and after a page reload. Served as a static file under a strict CSP:
// no inline script or style, so this file only sets text, classes and attributes.
//
// Server contract: POST endpoint -> 201 + Location; HEAD location -> Upload-Offset,
// Upload-Length; PATCH -> 204 + Upload-Offset; the response that completes an upload (and a
// HEAD on a completed upload) carries X-Document-Url, optionally X-Document-Status
// (stored|duplicate|needs_attention) and X-Document-Note (URI-encoded sentence). Errors are
// application/problem+json; 460 = checksum mismatch, 409 = offset mismatch, 404/410 = gone.
(function () {
  'use strict';

  const form = document.getElementById('upload-form');
  if (!form) return;
  const input = document.getElementById('files');
  const dropZone = document.getElementById('drop-zone');
  const list = document.getElementById('upload-list');
  const summary = document.getElementById('upload-summary');

  const endpoint = new URL(form.dataset.endpoint || '/api/v1/uploads/', window.location.href).href;
  const csrf = form.dataset.csrf || '';
  const chunkSize = Math.max(1, parseInt(form.dataset.chunkSize, 10) || 5242880);
  // Backoff between attempts, then every 30 s for as long as it takes. A browser test may
  // shorten it with data-retry-delays="100,200" on the form.
  const retryDelays = (form.dataset.retryDelays || '1000,2000,4000,8000,16000,30000')
    .split(',').map(Number).filter((n) => n >= 0);
  const PARALLEL = 2;
  const MAX_BAD_CHECKSUMS = 5; // the same chunk refused this often: the file itself is unreadable
  const MAX_RESTARTS = 3; // uploads that vanished (404/410) under us
  const STALL_MS = 60000; // no upload progress for this long: abort and retry the chunk
  const STORE_PREFIX = 'worktrack.upload.';

  const items = [];
  let nextId = 1;
  let running = 0;

  // ---- queueing ------------------------------------------------------------------------------

  function addFiles(files) {
    for (const file of Array.from(files || [])) {
      // Choosing a file again that still waits in the queue would upload it twice.
      const same = items.find((i) => (i.state === 'queued' || i.state === 'uploading') &&
        i.file.name === file.name && i.file.size === file.size &&
        i.file.lastModified === file.lastModified);
      if (!same) items.push(makeItem(file));
    }
    updateSummary();
  }

  function makeItem(file) {
    const li = document.createElement('li');
    const item = { id: nextId++, file: file, li: li, state: 'queued', meta: null, resumedFrom: null };
    li.id = 'upload-item-' + item.id;
    li.className = 'upload-item';
    item.nameEl = span('upload-name', file.name);
    item.progress = document.createElement('progress');
    item.progress.max = 100;
    item.progress.value = 0;
    item.progress.setAttribute('aria-label', 'Upload progress of ' + file.name);
    item.percentEl = span('upload-percent', '0%');
    item.statusEl = span('upload-status', 'queued');
    item.noteEl = span('upload-note', '');
    li.append(item.nameEl, ' ', span('upload-size', formatSize(file.size)), ' ', item.progress,
      ' ', item.percentEl, ' ', item.statusEl, ' ', item.noteEl);
    li.dataset.state = 'queued';
    list.appendChild(li);
    return item;
  }

  function span(cls, text) {
    const s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function formatSize(n) {
    if (n < 1024) return n + ' B';
    const units = ['KB', 'MB', 'GB', 'TB'];
    let v = n / 1024, u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[u];
  }

  input.addEventListener('change', function () {
    addFiles(input.files);
    input.value = ''; // so choosing the same file again fires "change" again
  });

  dropZone.addEventListener('dragover', function (e) {
    e.preventDefault(); // without this the browser refuses the drop
    e.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('is-dragover');
  });
  dropZone.addEventListener('dragleave', function (e) {
    if (!dropZone.contains(e.relatedTarget)) dropZone.classList.remove('is-dragover');
  });
  dropZone.addEventListener('drop', function (e) {
    e.preventDefault();
    dropZone.classList.remove('is-dragover');
    addFiles(e.dataTransfer.files);
  });
  // A file dropped just beside the zone would otherwise replace the page (and the queue).
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    const waiting = items.filter((i) => i.state === 'queued' && !i.meta);
    if (!waiting.length && !items.some((i) => i.state === 'queued' || i.state === 'uploading')) {
      summary.textContent = 'Choose one or more files to upload first.';
      input.focus();
      return;
    }
    // The form's values when "Upload" is pressed belong to the files queued so far; files
    // added later wait for the next press.
    const meta = {
      office: form.elements.office ? form.elements.office.value : '',
      received_on: form.elements.received_on ? form.elements.received_on.value : '',
      original_evidence: form.elements.original_evidence && form.elements.original_evidence.checked
        ? 'true' : 'false',
    };
    for (const item of waiting) item.meta = meta;
    pump();
  });

  function pump() {
    while (running < PARALLEL) {
      const item = items.find((i) => i.state === 'queued' && i.meta);
      if (!item) return;
      running++;
      setState(item, 'uploading', 'uploading 0%');
      upload(item)
        .catch((err) => fail(item, 'unexpected error (' + (err && err.message || err) + ')'))
        .finally(() => { running--; pump(); });
    }
  }

  // ---- display -------------------------------------------------------------------------------

  function setState(item, state, text) {
    const changed = item.state !== state;
    item.state = state;
    item.li.dataset.state = state;
    item.statusEl.textContent = text;
    if (changed) updateSummary();
  }

  function showProgress(item, bytes) {
    const size = item.file.size;
    // 100% only once the server has confirmed the last byte.
    const pct = size === 0 ? 0 : Math.min(99, Math.floor((bytes * 100) / size));
    item.progress.value = pct;
    item.percentEl.textContent = pct + '%';
    const resumed = item.resumedFrom !== null ? ' (resumed from ' + item.resumedFrom + '%)' : '';
    setState(item, 'uploading', 'uploading ' + pct + '%' + resumed);
  }

  function updateSummary() {
    const total = items.length;
    if (!total) { summary.textContent = ''; return; }
    const finished = items.filter((i) => ['done', 'duplicate', 'attention'].includes(i.state)).length;
    const failed = items.filter((i) => i.state === 'failed').length;
    let text = finished + ' of ' + total + (total === 1 ? ' file' : ' files') + ' uploaded';
    if (failed) text += ', ' + failed + ' failed';
    if (items.some((i) => i.waiting)) text += '; waiting for the network…';
    summary.textContent = text;
  }

  function finish(item, res) {
    const status = res.header('X-Document-Status') || 'stored';
    const note = decodeNote(res.header('X-Document-Note'));
    item.progress.value = 100;
    item.percentEl.textContent = '100%';
    if (status === 'duplicate') {
      setState(item, 'duplicate', 'duplicate of an earlier upload');
      item.noteEl.textContent = note;
    } else if (status === 'needs_attention') {
      setState(item, 'attention', 'needs attention: ' + (note || 'open the document to see why'));
    } else {
      setState(item, 'done', 'done');
      item.noteEl.textContent = note;
    }
    const docUrl = res.header('X-Document-Url');
    if (docUrl) {
      const a = document.createElement('a');
      a.className = 'upload-link';
      a.href = docUrl;
      a.textContent = 'View document';
      // Several "View document" links on one page: the accessible name says which.
      a.setAttribute('aria-label', 'View document ' + item.file.name);
      item.li.append(' ', a);
    }
  }

  function fail(item, why) {
    item.waiting = false;
    setState(item, 'failed', 'failed: ' + why);
  }

  function decodeNote(raw) {
    if (!raw) return '';
    try { return decodeURIComponent(raw); } catch (_) { return raw; }
  }

  // ---- protocol ------------------------------------------------------------------------------

  // One request; resolves (never rejects) with status 0 for network errors, timeouts and stalls.
  function send(method, url, headers, body, onProgress) {
    return new Promise(function (resolve) {
      const xhr = new XMLHttpRequest();
      let stall = null;
      const arm = () => { clearTimeout(stall); stall = setTimeout(() => xhr.abort(), STALL_MS); };
      const done = () => {
        clearTimeout(stall);
        resolve({
          method: method,
          status: xhr.status,
          header: (name) => xhr.getResponseHeader(name),
          text: xhr.responseText || '',
        });
      };
      xhr.open(method, url);
      xhr.setRequestHeader('Tus-Resumable', '1.0.0');
      if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
      for (const name in headers || {}) xhr.setRequestHeader(name, headers[name]);
      if (body) {
        // A slow link may need minutes for a chunk, so time out on a stall, not on the total.
        xhr.upload.onprogress = (e) => { arm(); if (onProgress) onProgress(e.loaded); };
        xhr.upload.onload = arm; // now waiting for the server to store and check the chunk
        arm();
      } else {
        xhr.timeout = 30000;
      }
      xhr.onload = done;
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () {
        clearTimeout(stall);
        resolve({ method: method, status: 0, header: () => null, text: '' });
      };
      xhr.send(body || null);
    });
  }

  // Upload-Metadata: "key base64(UTF-8 value)" pairs; empty values (say, a cleared date) are
  // left out rather than sent as "key " so that the server applies its own default.
  function encodeMetadata(pairs) {
    return Object.keys(pairs).filter((key) => pairs[key] !== '').map(function (key) {
      let bin = '';
      for (const b of new TextEncoder().encode(pairs[key])) bin += String.fromCharCode(b);
      return key + ' ' + btoa(bin);
    }).join(',');
  }

  async function sha256Base64(buf) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
    let bin = '';
    for (const b of digest) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  function problemText(res) {
    try {
      const p = JSON.parse(res.text);
      if (p && (p.detail || p.title)) return p.detail || p.title;
    } catch (_) { /* not problem+json */ }
    if (res.status === 413) return 'the file is larger than the server accepts';
    return 'the server answered ' + res.status;
  }

  // Uploads survive a page reload: the upload's address is kept under a key naming the file
  // and the form values that go into its metadata.
  function storeKey(item) {
    const f = item.file;
    return STORE_PREFIX + JSON.stringify([f.name, f.size, f.lastModified, item.meta.office,
      item.meta.received_on]);
  }
  function storeGet(key) { try { return localStorage.getItem(key); } catch (_) { return null; } }
  function storeSet(key, v) { try { localStorage.setItem(key, v); } catch (_) { /* private mode */ } }
  function storeDel(key) { try { localStorage.removeItem(key); } catch (_) { /* ignore */ } }

  // Waits out a failure: the backoff delay, cut short when the browser comes back online.
  function backoff(item, attempt) {
    const ms = retryDelays[Math.min(attempt, retryDelays.length - 1)];
    item.waiting = true;
    setState(item, 'uploading', 'waiting for the network…');
    updateSummary();
    return new Promise(function (resolve) {
      const wake = () => {
        clearTimeout(timer);
        window.removeEventListener('online', wake);
        item.waiting = false;
        updateSummary();
        resolve();
      };
      const timer = setTimeout(wake, ms);
      window.addEventListener('online', wake);
    });
  }

  async function upload(item) {
    const file = item.file, size = file.size, key = storeKey(item);
    let url = storeGet(key);
    let offset = url ? null : 0; // null: unknown, ask the server with HEAD before sending
    let last = null; // the last successful response: the one that completes carries the document
    let attempt = 0, badChecksums = 0, restarts = 0, firstHead = Boolean(url);

    for (;;) {
      let res;
      if (!url) {
        res = await send('POST', endpoint, {
          'Upload-Length': String(size),
          'Upload-Metadata': encodeMetadata({
            filename: file.name,
            filetype: file.type || 'application/octet-stream',
            office: item.meta.office,
            received_on: item.meta.received_on,
            original_evidence: item.meta.original_evidence,
          }),
        });
        if (res.status === 201 && res.header('Location')) {
          url = new URL(res.header('Location'), endpoint).href;
          storeSet(key, url);
          offset = 0; last = res; attempt = 0;
          continue;
        }
        if (res.status === 201) return fail(item, 'the server did not say where to send the file');
      } else if (offset === null) {
        res = await send('HEAD', url);
        if (res.status >= 200 && res.status < 300) {
          const o = parseInt(res.header('Upload-Offset'), 10);
          const len = parseInt(res.header('Upload-Length'), 10);
          if (isNaN(o) || (!isNaN(len) && len !== size)) { // not this file's upload: start over
            storeDel(key); url = null; continue;
          }
          offset = o; last = res; attempt = 0;
          if (firstHead && o > 0 && o < size) {
            item.resumedFrom = Math.floor((o * 100) / size);
            item.progress.value = item.resumedFrom;
            item.percentEl.textContent = item.resumedFrom + '%';
            item.li.dataset.resumedFrom = String(item.resumedFrom);
            setState(item, 'uploading', 'resuming from ' + item.resumedFrom + '%');
          }
          firstHead = false;
          continue;
        }
      } else if (offset >= size) {
        // Complete. The completing response names the document; if it was lost (or we only
        // learned of completion from a HEAD), a HEAD on the finished upload repeats it.
        if ((last && last.header('X-Document-Url')) || (last && last.method === 'HEAD')) {
          storeDel(key);
          return finish(item, last);
        }
        offset = null;
        continue;
      } else {
        let buf;
        try {
          buf = await file.slice(offset, Math.min(size, offset + chunkSize)).arrayBuffer();
        } catch (_) {
          return fail(item, 'the file could not be read; was it moved or changed? Choose it again.');
        }
        // Hash and send the same bytes (the ArrayBuffer, not the Blob), one chunk at a time.
        const sum = await sha256Base64(buf);
        const start = offset;
        res = await send('PATCH', url, {
          'Content-Type': 'application/offset+octet-stream',
          'Upload-Offset': String(start),
          'Upload-Checksum': 'sha256 ' + sum,
        }, buf, (loaded) => showProgress(item, start + loaded));
        if (res.status === 204 || res.status === 200) {
          const o = parseInt(res.header('Upload-Offset'), 10);
          offset = isNaN(o) ? start + buf.byteLength : o;
          last = res; attempt = 0; badChecksums = 0;
          showProgress(item, offset);
          continue;
        }
        if (res.status === 460 && ++badChecksums < MAX_BAD_CHECKSUMS) continue; // resend it
        if (res.status === 460) return fail(item, 'the file kept arriving damaged; try again later');
        if (res.status === 409) { offset = null; continue; } // the server knows better: HEAD
      }

      // Failures common to all three requests.
      const s = res.status;
      if (s === 0 || s >= 500 || s === 408 || s === 423 || s === 429) {
        await backoff(item, attempt++);
        if (url) offset = null; // re-synchronise before sending more
        continue;
      }
      if ((s === 404 || s === 410) && url && restarts++ < MAX_RESTARTS) {
        storeDel(key); // expired or removed on the server: upload the file again from the start
        url = null; offset = 0; item.resumedFrom = null; delete item.li.dataset.resumedFrom;
        continue;
      }
      if (url && (s === 404 || s === 410)) storeDel(key);
      return fail(item, problemText(res));
    }
  }
})();
