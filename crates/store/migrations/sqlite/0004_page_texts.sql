-- The text of each page: from the PDF's own text layer, or read by OCR. SSNs are masked
-- before the text is stored. `words` holds the OCR word boxes as JSON, for highlighting.
CREATE TABLE page_texts (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    page INTEGER NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    rotation INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    words TEXT NOT NULL,
    PRIMARY KEY (document_id, page)
);
ALTER TABLE documents ADD COLUMN text_status TEXT NOT NULL DEFAULT 'none';
