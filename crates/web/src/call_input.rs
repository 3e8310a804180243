//! A file of call records arriving in a request body (the import page's multipart field, or
//! the API's raw body) handed to the store's import as it arrives: the body's chunks go through
//! a small channel to a blocking reader on the import's own thread, so however large the file,
//! only a few chunks are in memory at once.

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use std::io::{self, BufReader, Read};
use tokio::sync::mpsc;
use worktrack_store::call_files::CallFormat;
use worktrack_store::calls::ImportOutcome;
use worktrack_store::{Office, StoreError};

use crate::auth::SignedIn;
use crate::state::AppState;

/// Chunks waiting between the body and the reader (each is what the connection gave, a few
/// kilobytes to a few hundred).
const CHUNKS_IN_FLIGHT: usize = 8;
/// The reader's buffer.
const READ_BUFFER: usize = 256 * 1024;

/// A blocking reader of the chunks sent into a channel; a sent error ends it with that error.
pub struct ChannelReader {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl ChannelReader {
    pub fn new(rx: mpsc::Receiver<io::Result<Bytes>>) -> ChannelReader {
        ChannelReader {
            rx,
            current: Bytes::new(),
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// Imports the chunks of `body` into `office` as they arrive. The body is read on the
/// request's task while the store reads on a blocking thread; if the store stops early (a
/// refusal, a file refused as a whole) the rest of the body is not read.
pub async fn import_chunks<S>(
    state: &AppState,
    who: &SignedIn,
    office: &Office,
    format: CallFormat,
    file_name: &str,
    body: S,
) -> Result<ImportOutcome, StoreError>
where
    S: Stream<Item = io::Result<Bytes>>,
{
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(CHUNKS_IN_FLIGHT);
    let reader = BufReader::with_capacity(READ_BUFFER, ChannelReader::new(rx));
    let pump = async move {
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let failed = chunk.is_err();
            if tx.send(chunk).await.is_err() || failed {
                break;
            }
        }
    };
    let import = state
        .store
        .import_calls(&who.viewer, office, format, file_name, reader, |_| {});
    let ((), outcome) = tokio::join!(pump, import);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_gives_the_chunks_in_order_then_the_end_or_the_error() {
        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Ok(Bytes::from_static(b"1700000000|a|q|NONE|")))
            .unwrap();
        tx.try_send(Ok(Bytes::from_static(b"ENTERQUEUE||\n")))
            .unwrap();
        drop(tx);
        let mut text = String::new();
        ChannelReader::new(rx).read_to_string(&mut text).unwrap();
        assert_eq!(text, "1700000000|a|q|NONE|ENTERQUEUE||\n");

        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Ok(Bytes::from_static(b"abc"))).unwrap();
        tx.try_send(Err(io::Error::other("the connection closed")))
            .unwrap();
        let mut reader = ChannelReader::new(rx);
        let mut buf = [0u8; 2];
        assert_eq!(reader.read(&mut buf).unwrap(), 2);
        assert_eq!(reader.read(&mut buf).unwrap(), 1);
        assert_eq!(
            reader.read(&mut buf).unwrap_err().to_string(),
            "the connection closed"
        );
    }
}
