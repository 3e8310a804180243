-- Reading progress: when each page was read (the rate of the last minutes), and the documents
-- still waiting to be read, found without scanning every document.
ALTER TABLE page_texts ADD COLUMN read_at INTEGER;
CREATE INDEX page_texts_read_at ON page_texts(read_at);
CREATE INDEX documents_text_pending ON documents(office_id) WHERE text_status = 'pending';
