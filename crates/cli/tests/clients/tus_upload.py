#!/usr/bin/env python3
"""tus upload with tuspy (PyPI `tuspy` 1.1.0), run by the integration tests as a subprocess.

    tus_upload.py --endpoint URL --file PATH --token BEARER --office CODE
                  [--received YYYY-MM-DD] [--chunk-size N] [--stop-at BYTES] [--store FILE]

Prints one JSON line on success:
    {"url": ..., "offset": ..., "length": ..., "document_url": ..., "document_status": ...,
     "document_note": ...}
(the document_* fields are null until the upload is complete, or when the server sends none).
On failure: the error on stderr and exit status 1 (2 for bad arguments).

--store FILE keeps the upload URL (tuspy's FileStorage) so that a second run with the same
FILE resumes where the first stopped; the entry is removed once the upload is complete, so a
later run uploads the file afresh. Each chunk carries `Upload-Checksum: sha1 ...`.
"""

import argparse
import json
import mimetypes
import os
import sys
from urllib.parse import unquote

import requests
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError
from tusclient.fingerprint.fingerprint import Fingerprint
from tusclient.storage.filestorage import FileStorage
from tusclient.uploader import Uploader

RETRIES = 5
RETRY_DELAY_SECONDS = 1
# Statuses worth another attempt: 409 (offset mismatch: tuspy re-reads the offset with HEAD
# before retrying), 423 (locked), 460 (checksum mismatch: the chunk is sent again).
RETRYABLE_4XX = {409, 423, 460}


def retryable(error):
    status = getattr(error, "status_code", None)
    return status is None or status >= 500 or status in RETRYABLE_4XX


class MetadataFingerprint(Fingerprint):
    """tuspy's fingerprint (size and MD5 of the first 64 KiB) plus office and received date:
    the same file filed for another office or date is another upload, as in the browser."""

    def __init__(self, extra):
        self.extra = extra

    def get_fingerprint(self, fs):
        return "{}--{}".format(super().get_fingerprint(fs), self.extra)


class PoliteUploader(Uploader):
    """tuspy retries every failure; a refusal (403, 404, 413, 415, ...) will not change, so
    fail at once with the server's answer instead of sleeping through the retries."""

    def _retry_or_cry(self, error):
        if not retryable(error):
            raise error
        super()._retry_or_cry(error)


def problem_text(error):
    """The problem+json `detail` (or `title`) when the server sent one, else the raw body."""
    status = getattr(error, "status_code", None)
    body = getattr(error, "response_content", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = str(error)
    if body:
        try:
            problem = json.loads(body)
            text = problem.get("detail") or problem.get("title") or body
        except (ValueError, AttributeError):
            text = body
    return "HTTP {}: {}".format(status, text) if status else text


def document_fields(headers):
    note = headers.get("x-document-note")
    return {
        "document_url": headers.get("x-document-url"),
        "document_status": headers.get("x-document-status"),
        "document_note": unquote(note) if note else None,
    }


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--office", required=True)
    p.add_argument("--received")
    p.add_argument("--original-evidence", action="store_true")
    p.add_argument("--chunk-size", type=int, default=5 * 1024 * 1024)
    p.add_argument("--stop-at", type=int)
    p.add_argument("--store")
    args = p.parse_args()
    if args.chunk_size <= 0:
        p.error("--chunk-size must be positive")
    if args.stop_at is not None and args.stop_at < 0:
        p.error("--stop-at must not be negative")
    return args


def make_uploader(args, client, storage, metadata):
    kwargs = dict(
        file_path=args.file,
        client=client,
        chunk_size=args.chunk_size,
        metadata=metadata,
        retries=RETRIES,
        retry_delay=RETRY_DELAY_SECONDS,
        upload_checksum=True,  # sha1, tuspy's only algorithm
        fingerprinter=MetadataFingerprint(
            "office:{}--received:{}".format(args.office, args.received or "")
        ),
    )
    if storage is not None:
        kwargs.update(store_url=True, url_storage=storage)
    try:
        # With a stored URL the constructor HEADs it to learn the offset.
        return PoliteUploader(**kwargs)
    except TusCommunicationError as error:
        if storage is None or error.status_code not in (403, 404, 410):
            raise
        # The stored upload expired, was terminated or is not ours: forget it, start afresh.
        with open(args.file, "rb") as stream:
            storage.remove_item(kwargs["fingerprinter"].get_fingerprint(stream))
        return PoliteUploader(**kwargs)


def main():
    args = parse_args()
    size = os.path.getsize(args.file)
    metadata = {
        "filename": os.path.basename(args.file),
        "filetype": mimetypes.guess_type(args.file)[0] or "application/octet-stream",
        "office": args.office,
        "original_evidence": "true" if args.original_evidence else "false",
    }
    if args.received:
        metadata["received_on"] = args.received
    headers = {"Authorization": "Bearer " + args.token}
    client = TusClient(args.endpoint, headers=headers)
    storage = FileStorage(args.store) if args.store else None

    uploader = make_uploader(args, client, storage, metadata)
    stop_at = size if args.stop_at is None else min(args.stop_at, size)
    if stop_at == 0 and not uploader.url:
        # tuspy reads stop_at=0 as "to the end"; for 0 create the upload and send nothing.
        uploader.set_url(uploader.create_url())
        uploader.offset = 0
    elif stop_at > 0:
        uploader.upload(stop_at=stop_at)

    result = {"url": uploader.url, "offset": uploader.offset, "length": size}
    result.update(document_fields({}))
    if uploader.offset >= size and stop_at == size:
        last = uploader.request.response_headers if uploader.request else {}
        if "x-document-url" not in last:
            # Nothing sent in this run (already complete, or an empty file finished by the
            # POST): a HEAD on a completed upload carries the same headers.
            resp = requests.head(uploader.url, headers=uploader.get_headers(), timeout=30)
            last = {k.lower(): v for k, v in resp.headers.items()}
        result.update(document_fields(last))
        if storage is not None:
            storage.remove_item(uploader._get_fingerprint())
    if storage is not None:
        storage.close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    try:
        main()
    except TusCommunicationError as error:
        print("tus upload failed: " + problem_text(error), file=sys.stderr)
        sys.exit(1)
    except (OSError, ValueError, requests.RequestException) as error:
        print("tus upload failed: {}".format(error), file=sys.stderr)
        sys.exit(1)
