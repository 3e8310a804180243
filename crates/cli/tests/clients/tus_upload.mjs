#!/usr/bin/env node
// tus upload with tus-js-client 4.x under Node 20, run by the integration tests as a subprocess.
//
//   node tus_upload.mjs --endpoint URL --file PATH --token BEARER --office CODE
//        [--received YYYY-MM-DD] [--original-evidence] [--chunk-size N] [--stop-at BYTES]
//        [--store FILE]
//
// Prints one JSON line on success:
//   {"url", "offset", "length", "document_url", "document_status", "document_note"}
// (document_* are null until the upload is complete, or when the server sends none).
// On failure: the error on stderr and exit status 1 (2 for bad arguments).
//
// --stop-at N aborts the upload once onProgress reports N bytes sent, then asks the server
// (HEAD) how much it kept and prints that offset. --store FILE keeps the upload URL
// (FileUrlStorage) so that a second run with the same FILE resumes; the entry is removed once
// the upload is complete. tus-js-client sends no Upload-Checksum (it has no checksum support).
// It resolves from the repository's node_modules (package.json, installed by scripts/test.sh).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FileUrlStorage, Upload } from 'tus-js-client';

function die(message, code = 1) {
  process.stderr.write(`tus upload failed: ${message}\n`, () => process.exit(code));
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      file: { type: 'string' },
      token: { type: 'string' },
      office: { type: 'string' },
      received: { type: 'string' },
      'original-evidence': { type: 'boolean', default: false },
      'chunk-size': { type: 'string', default: String(5 * 1024 * 1024) },
      'stop-at': { type: 'string' },
      store: { type: 'string' },
    },
    strict: true,
  }));
} catch (err) {
  die(err.message, 2);
}
if (args) main().catch((err) => die(err && err.message ? err.message : String(err)));

async function main() {
  for (const name of ['endpoint', 'file', 'token', 'office']) {
    if (!args[name]) return die(`--${name} is required`, 2);
  }
  const chunkSize = Number(args['chunk-size']);
  const stopAt = args['stop-at'] === undefined ? null : Number(args['stop-at']);
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) return die('--chunk-size must be a positive integer', 2);
  if (stopAt !== null && (!Number.isInteger(stopAt) || stopAt < 0)) return die('--stop-at must be a non-negative integer', 2);

  const file = path.resolve(args.file);
  const stat = fs.statSync(file);
  const size = stat.size;
  const headers = { Authorization: `Bearer ${args.token}` };
  const metadata = {
    filename: path.basename(file),
    filetype: guessType(file),
    office: args.office,
    original_evidence: args['original-evidence'] ? 'true' : 'false',
  };
  if (args.received) metadata.received_on = args.received;

  const result = await new Promise((resolve, reject) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      upload.abort().then(async () => {
        const head = await headUpload(upload.url, headers);
        resolve({ url: upload.url, offset: head.offset, headers: null });
      }, reject);
    };
    const upload = new Upload(fs.createReadStream(file), {
      endpoint: args.endpoint,
      uploadSize: size,
      chunkSize,
      retryDelays: [0, 500, 1000, 2000, 4000],
      headers,
      metadata,
      // Without --store: tus-js-client's default, which stores nothing.
      ...(args.store ? { urlStorage: new FileUrlStorage(args.store) } : {}),
      // tus-js-client's own fingerprint (path, size, mtime, endpoint) plus office and received
      // date: the same file filed for another office or date is another upload, as in the browser.
      fingerprint: async (_file, options) =>
        ['node-file', file, size, stat.mtimeMs, options.endpoint, args.office, args.received || ''].join('-'),
      removeFingerprintOnSuccess: true,
      onUploadUrlAvailable() {
        if (stopAt !== null && stopAt <= 0) stop();
      },
      onProgress(bytesSent) {
        if (stopAt !== null && bytesSent >= stopAt && stopAt < size) stop();
      },
      onSuccess({ lastResponse }) {
        resolve({ url: upload.url, offset: size, headers: (name) => lastResponse.getHeader(name) });
      },
      onError(err) {
        reject(err);
      },
    });
    if (!args.store) {
      upload.start();
      return;
    }
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, reject);
  }).catch((err) => {
    throw new Error(describe(err));
  });

  let documentHeaders = result.headers;
  if (documentHeaders && !documentHeaders('X-Document-Url')) {
    // The last response did not name the document (an empty file finished by the POST, say):
    // a HEAD on a completed upload carries the same headers.
    documentHeaders = (await headUpload(result.url, headers)).headers;
  }
  const note = documentHeaders ? documentHeaders('X-Document-Note') : null;
  const line = JSON.stringify({
    url: result.url,
    offset: result.offset,
    length: size,
    document_url: (documentHeaders && documentHeaders('X-Document-Url')) || null,
    document_status: (documentHeaders && documentHeaders('X-Document-Status')) || null,
    document_note: note ? decodeURIComponent(note) : null,
  });
  process.stdout.write(`${line}\n`, () => process.exit(0));
}

// HEAD the upload: its offset and headers. A 423 (locked: the aborted PATCH is still being
// stored) is waited out.
async function headUpload(url, headers) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', ...headers } });
    if (res.status === 423 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const offset = Number.parseInt(res.headers.get('Upload-Offset'), 10);
    if (!res.ok || Number.isNaN(offset)) throw new Error(`HEAD ${url}: HTTP ${res.status}`);
    return { offset, headers: (name) => res.headers.get(name) };
  }
}

// tus-js-client's DetailedError carries the response: prefer the problem+json detail.
function describe(err) {
  const res = err && err.originalResponse;
  if (!res) return err && err.message ? err.message : String(err);
  const status = res.getStatus();
  const body = res.getBody() || '';
  let text = body;
  try {
    const problem = JSON.parse(body);
    text = problem.detail || problem.title || body;
  } catch {
    // not JSON: the raw body
  }
  return `HTTP ${status}: ${text || err.message}`;
}

function guessType(file) {
  const types = {
    '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
    '.tif': 'image/tiff', '.tiff': 'image/tiff', '.txt': 'text/plain',
  };
  return types[path.extname(file).toLowerCase()] || 'application/octet-stream';
}
