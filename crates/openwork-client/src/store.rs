//! The workspace store on disk: `workspaces.json` (mode 0644, no secrets) and
//! `remote-tokens.json` (mode 0600) in the data directory, guarded by an
//! advisory lock so concurrent processes never lose each other's entries.
//!
//! - Data directory: `$OPENWORK_DATA_DIR` if set, else `dirs::data_dir()/openwork`.
//! - Every write replaces the file atomically (temp file, fsync, rename, fsync dir).
//! - Every read-modify-write holds an exclusive `flock` on `.store.lock`.
//! - A file that does not parse is renamed to `<name>.corrupt-<unix ms>` and an
//!   error is returned; it is never silently overwritten.
//! - A file from a newer version is left untouched and an error is returned.
//! - All operations are blocking (small files, short critical sections).
use std::path::{Path, PathBuf};

use crate::error::StoreError;
use crate::fsutil::{lock_exclusive, read_optional, write_atomic, LockGuard};
use crate::migrate::{parse_any, MigrateError, Migrated, SourceFormat};
use crate::model::{now_ms, StoreFile, Upsert, WorkspaceEntry};
use crate::tokens::{Secrets, TokenFile, TOKENS_FILE, TOKENS_VERSION};

/// File name of the store in the data directory.
pub const STORE_FILE: &str = "workspaces.json";
/// File name of the lock file in the data directory.
pub const LOCK_FILE: &str = ".store.lock";

/// Handle on a store directory. Cheap; open as many as you like.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

/// Result of [`Store::import`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Entries new to the store.
    pub inserted: usize,
    /// Entries already present (by stable id) and refreshed; their names were kept.
    pub updated: usize,
    /// Whether the imported file's active workspace became active (only when none was).
    pub activated: bool,
    /// Skipped or adjusted entries, in words.
    pub warnings: Vec<String>,
}

impl Store {
    /// The default data directory: `$OPENWORK_DATA_DIR`, else `dirs::data_dir()/openwork`
    /// ([`openwork_wire::runtime::data_dir`]).
    pub fn default_dir() -> Result<PathBuf, StoreError> {
        openwork_wire::runtime::data_dir().map_err(|_| StoreError::NoDataDir)
    }

    /// A store in the default data directory.
    pub fn open_default() -> Result<Self, StoreError> {
        Ok(Self::at(Self::default_dir()?))
    }

    /// A store in `dir` (created on first write).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of `workspaces.json`.
    pub fn workspaces_path(&self) -> PathBuf {
        self.dir.join(STORE_FILE)
    }

    /// Path of `remote-tokens.json`.
    pub fn tokens_path(&self) -> PathBuf {
        self.dir.join(TOKENS_FILE)
    }

    /// Read the store (migrating older versions in memory).
    pub fn load(&self) -> Result<StoreFile, StoreError> {
        let _lock = self.lock()?;
        self.read_workspaces()
    }

    /// Secrets of one workspace.
    pub fn secrets(&self, id: &str) -> Result<Option<Secrets>, StoreError> {
        let _lock = self.lock()?;
        Ok(self.read_tokens()?.get(id).cloned())
    }

    /// The entry `key` names (id, unique id prefix or name; see
    /// [`StoreFile::find`]), or the active one without a key, with its secrets.
    pub fn entry_with_secrets(&self, key: Option<&str>) -> Result<Option<(WorkspaceEntry, Secrets)>, StoreError> {
        let _lock = self.lock()?;
        let file = self.read_workspaces()?;
        let Some(entry) = (match key {
            Some(key) => file.find(key),
            None => file.active(),
        }) else {
            return Ok(None);
        };
        let secrets = self.read_tokens()?.get(&entry.id).cloned().unwrap_or_default();
        Ok(Some((entry.clone(), secrets)))
    }

    /// Read-modify-write under the lock. `f` gets both documents; each is
    /// written back (atomically) only if it changed.
    pub fn update<T>(&self, f: impl FnOnce(&mut StoreFile, &mut TokenFile) -> T) -> Result<T, StoreError> {
        let _lock = self.lock()?;
        let mut ws = self.read_workspaces()?;
        let mut tokens = self.read_tokens()?;
        let (ws_before, tokens_before) = (ws.clone(), tokens.clone());
        let out = f(&mut ws, &mut tokens);
        if ws != ws_before || !self.workspaces_path().exists() {
            self.write_json(&self.workspaces_path(), &ws, 0o644)?;
        }
        if tokens != tokens_before {
            self.write_json(&self.tokens_path(), &tokens, 0o600)?;
        }
        Ok(out)
    }

    /// Merge a workspace file (desktop `openwork-workspaces.json` v1–3, or a client
    /// store of any version) into this store. Existing entries keep their names;
    /// the file's active workspace becomes active only when none is.
    pub fn import(&self, path: &Path) -> Result<ImportReport, StoreError> {
        let bytes = crate::fsutil::read_optional(path)
            .and_then(|b| b.ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)))
            .map_err(|source| StoreError::Io { action: "read", path: path.to_path_buf(), source })?;
        let migrated = parse_any(&bytes).map_err(|e| match e {
            MigrateError::Invalid(reason) => StoreError::Unrecognised { path: path.to_path_buf(), reason },
            MigrateError::TooNew { found, supported } => StoreError::TooNew { path: path.to_path_buf(), found, supported },
        })?;
        self.update(|ws, _| {
            let mut report = ImportReport { warnings: migrated.warnings, ..Default::default() };
            for entry in migrated.store.workspaces {
                match ws.upsert(entry, true) {
                    Upsert::Inserted => report.inserted += 1,
                    Upsert::Updated => report.updated += 1,
                }
            }
            if ws.active().is_none() {
                if let Some(id) = migrated.store.active_id.filter(|id| ws.get(id).is_some()) {
                    ws.active_id = Some(id);
                    report.activated = true;
                }
            }
            report
        })
    }

    fn lock(&self) -> Result<LockGuard, StoreError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| StoreError::Io { action: "create", path: self.dir.clone(), source })?;
        let path = self.dir.join(LOCK_FILE);
        lock_exclusive(&path).map_err(|source| StoreError::Io { action: "lock", path, source })
    }

    fn read_workspaces(&self) -> Result<StoreFile, StoreError> {
        let path = self.workspaces_path();
        let Some(bytes) = read_optional(&path).map_err(|source| StoreError::Io { action: "read", path: path.clone(), source })? else {
            return Ok(StoreFile::default());
        };
        match parse_any(&bytes) {
            Ok(Migrated { store, source: SourceFormat::Client(_), .. }) => Ok(store),
            Ok(Migrated { source: SourceFormat::Desktop(_), .. }) => Err(self.quarantine(
                &path,
                "it is a desktop workspace file; use `openwork workspace import` for those".into(),
            )),
            Err(MigrateError::TooNew { found, supported }) => Err(StoreError::TooNew { path, found, supported }),
            Err(MigrateError::Invalid(reason)) => Err(self.quarantine(&path, reason)),
        }
    }

    fn read_tokens(&self) -> Result<TokenFile, StoreError> {
        let path = self.tokens_path();
        let Some(bytes) = read_optional(&path).map_err(|source| StoreError::Io { action: "read", path: path.clone(), source })? else {
            return Ok(TokenFile::default());
        };
        match serde_json::from_slice::<TokenFile>(&bytes) {
            Ok(t) if t.version > TOKENS_VERSION => {
                Err(StoreError::TooNew { path, found: t.version, supported: TOKENS_VERSION })
            }
            Ok(t) => Ok(t),
            Err(e) => Err(self.quarantine(&path, e.to_string())),
        }
    }

    /// Move a bad file aside (`<name>.corrupt-<unix ms>`) and describe it as an error.
    fn quarantine(&self, path: &Path, reason: String) -> StoreError {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        let mut backup = path.with_file_name(format!("{name}.corrupt-{}", now_ms()));
        let mut n = 1;
        while backup.exists() {
            backup = path.with_file_name(format!("{name}.corrupt-{}-{n}", now_ms()));
            n += 1;
        }
        if let Err(source) = std::fs::rename(path, &backup) {
            return StoreError::Io { action: "move aside corrupt", path: path.to_path_buf(), source };
        }
        StoreError::Corrupt { path: path.to_path_buf(), backup, reason }
    }

    fn write_json<T: serde::Serialize>(&self, path: &Path, value: &T, mode: u32) -> Result<(), StoreError> {
        let mut bytes = serde_json::to_vec_pretty(value).expect("store documents serialize");
        bytes.push(b'\n');
        write_atomic(path, &bytes, mode).map_err(|source| StoreError::Io { action: "write", path: path.to_path_buf(), source })
    }
}
