//! Files and folders private to the server's user: folders 0700, files 0600.
//!
//! The process also runs with umask 077 (`worktrack` sets it at start-up), but every place
//! that creates something under the data directory asks for the mode itself, so the modes
//! hold in code that runs inside another process too (the tests, a library user).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Mode of the folders the server creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of the files the server creates.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and its missing parents with mode 0700 (existing folders keep theirs).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(dir)
}

/// Options that create files with mode 0600 (add `write`, `create`… as needed).
pub fn options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

/// Creates (or truncates) the file at `path` for writing, mode 0600 when created.
pub fn create(path: &Path) -> io::Result<File> {
    options().write(true).create(true).truncate(true).open(path)
}

/// Creates a new file at `path` for reading and writing, mode 0600; fails if it exists.
pub fn create_new(path: &Path) -> io::Result<File> {
    options().read(true).write(true).create_new(true).open(path)
}

/// Takes group and other permissions away from an existing `path` (a folder made by an
/// older version, or by hand). Returns whether it changed anything.
pub fn tighten(path: &Path, mode: u32) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if current & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
            return Ok(true);
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn folders_and_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c");
        create_dir_all(&nested).unwrap();
        create_dir_all(&nested).unwrap();
        for d in ["a", "a/b", "a/b/c"] {
            assert_eq!(mode(&dir.path().join(d)), 0o700, "{d}");
        }
        let f = nested.join("f");
        create(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        assert!(create_new(&f).is_err());
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        assert!(tighten(&open, DIR_MODE).unwrap());
        assert_eq!(mode(&open), 0o700);
        assert!(!tighten(&open, DIR_MODE).unwrap());
    }
}
