use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The record does not exist, or is outside the viewer's scope: the two are not told apart.
    #[error("not found")]
    NotFound,
    /// The write would break a uniqueness rule; the message says which, for people.
    #[error("{0}")]
    Conflict(String),
    /// The viewer's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A value was refused by a rule (e.g. an SSN outside a training office's range).
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("classifier model: {0}")]
    Model(&'static str),
    #[error("key or cipher error: {0}")]
    Crypto(&'static str),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Maps a unique-constraint violation to a `Conflict` with `message`, leaving other errors.
    pub(crate) fn on_unique(err: sqlx::Error, message: &str) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(message.to_string())
            }
            _ => StoreError::Database(err),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl From<worktrack_domain::permit::Refusal> for StoreError {
    fn from(r: worktrack_domain::permit::Refusal) -> StoreError {
        use worktrack_domain::permit::Refusal;
        match r {
            Refusal::Forbidden(m) => StoreError::Forbidden(m),
            Refusal::Invalid(m) => StoreError::Invalid(m),
        }
    }
}
