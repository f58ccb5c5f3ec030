//! The signing key's file: 64 hex characters, mode 0600, never in the
//! database. Created once (by `init` or `demo`) and read at every start.

use crate::error::{Result, StoreError};
use mandate_core::audit::SigningKey;
use std::io::Write;
use std::path::Path;

/// Reads the key at `path`, refusing a file that others may read.
pub fn load(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            " (run `mandate init`, or point --signing-key at the deployment's key)"
        } else {
            ""
        };
        StoreError::Key(format!(
            "cannot read the signing key {}: {e}{hint}",
            path.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(StoreError::io(path.display().to_string()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(StoreError::Key(format!(
                "the signing key {} may be read by others (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    SigningKey::from_hex(&text).map_err(|e| {
        StoreError::Key(format!(
            "{} is not a Mandate signing key: {e}",
            path.display()
        ))
    })
}

/// Loads the key at `path`, or creates a new random one there (mode 0600,
/// never overwriting) when there is none.
pub fn load_or_create(path: &Path) -> Result<SigningKey> {
    if path.exists() {
        return load(path);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(StoreError::io(format!("cannot create {}", dir.display())))?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| StoreError::Key(format!("no randomness for a new key: {e}")))?;
    let key = SigningKey::from_seed(seed);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let context = format!("cannot write the signing key {}", path.display());
    let mut file = options
        .open(path)
        .map_err(StoreError::io(context.clone()))?;
    writeln!(file, "{}", key.to_hex()).map_err(StoreError::io(context.clone()))?;
    file.sync_all().map_err(StoreError::io(context))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_loads_back_and_is_private() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("k/audit-signing.key");
        let key = load_or_create(&path).expect("created");
        assert_eq!(load(&path).expect("loads").public_key(), key.public_key());
        assert_eq!(
            load_or_create(&path).expect("reused").public_key(),
            key.public_key()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(load(&path).is_err(), "a world-readable key is refused");
        }
    }

    #[test]
    fn a_garbled_key_file_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bad.key");
        std::fs::write(&path, "not a key").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        let err = load(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("is not a Mandate signing key"), "{err}");
    }
}
