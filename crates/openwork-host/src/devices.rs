//! Device tokens and one-time pairing.
//!
//! - [`DeviceTokens`]: a token per device, with a [`TokenScope`], made by the
//!   host (`POST /tokens`, `openwork token add`, a pairing), listed without
//!   secrets, revoked at once (open streams of the token end:
//!   [`DeviceTokens::revoked`]). Stored hashed (SHA-256; the tokens are 256
//!   random bits) in `<config>/device-tokens.json`, mode 0600. The host's
//!   client token is the owner token `client` ([`CLIENT_ID`]).
//! - [`Pairings`]: one-time codes a device exchanges for its own token:
//!   random (128 bits), valid [`Pairings::TTL`], used once, kept hashed in
//!   memory only.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use openwork_wire::api::{IssuedToken, TokenInfo, TokenScope};
use openwork_wire::ErrorCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::watch;

use crate::error::Error;
use crate::stamp::{new_id, now_ms};

/// Id of the host's client token among the device tokens.
pub const CLIENT_ID: &str = "client";

/// Longest label kept.
pub const MAX_LABEL: usize = 120;

/// Prefix of device tokens (`owt_…`), as the existing OpenWork server makes them.
const PREFIX: &str = "owt_";

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A stored hex hash as bytes; `None` (never matches) unless it is 32
/// bytes of hex.
fn decode_hash(hex_hash: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_hash, &mut out).ok()?;
    Some(out)
}

/// Invisible formatting characters (bidirectional overrides, zero-width
/// characters, soft hyphen, BOM): they would make a label read as another.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}

/// A label as kept: trimmed, control and invisible formatting characters
/// dropped, at most [`MAX_LABEL`].
pub fn clean_label(label: Option<&str>) -> Option<String> {
    let l: String = label?.chars().filter(|c| !c.is_control() && !is_invisible_format(*c)).take(MAX_LABEL).collect();
    let l = l.trim().to_string();
    (!l.is_empty()).then_some(l)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    id: String,
    /// Hex SHA-256 of the token.
    hash: String,
    /// `hash` decoded once (on load, on issue), compared on every request;
    /// not stored. `None`: not a valid hash, matches nothing.
    #[serde(skip)]
    digest: Option<[u8; 32]>,
    scope: TokenScope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    created_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_used_at: Option<u64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoreFile {
    schema_version: u32,
    tokens: Vec<Record>,
}

#[derive(Debug, Default)]
struct Inner {
    records: Vec<Record>,
    /// Per token id: fires when the token stops working.
    revoked: HashMap<String, watch::Sender<bool>>,
    /// When the client token was last used.
    client_used: Option<u64>,
}

/// The device tokens of a host (see the module docs).
#[derive(Debug)]
pub struct DeviceTokens {
    file: Option<PathBuf>,
    inner: Mutex<Inner>,
}

impl DeviceTokens {
    /// Most device tokens kept at once.
    pub const MAX: usize = 1000;

    /// Tokens kept in `file` (created on the first token); a file others can
    /// read is refused, as is one that does not parse.
    pub fn load(file: &Path) -> anyhow::Result<Self> {
        let records = match crate::paths::read_limited(file, crate::paths::MAX_READ) {
            Ok(Some(bytes)) => {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(file)?.permissions().mode() & 0o777;
                anyhow::ensure!(mode & 0o077 == 0, "{} has mode {mode:o}; run `chmod 600 {}`", file.display(), file.display());
                let store: StoreFile = serde_json::from_slice(&bytes)
                    .with_context(|| format!("{} is not valid; fix or delete it (its device tokens stop working)", file.display()))?;
                let mut records = store.tokens;
                for r in &mut records {
                    r.digest = decode_hash(&r.hash);
                }
                records
            }
            Ok(None) => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("could not read {}", file.display())),
        };
        Ok(Self { file: Some(file.to_path_buf()), inner: Mutex::new(Inner { records, ..Inner::default() }) })
    }

    /// No device tokens, kept nowhere (tests).
    pub fn in_memory() -> Self {
        Self { file: None, inner: Mutex::new(Inner::default()) }
    }

    /// Where `load` keeps them in a config dir.
    pub fn file_in(config_dir: &Path) -> PathBuf {
        config_dir.join("device-tokens.json")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn persist(&self, records: &[Record]) -> Result<(), Error> {
        let Some(file) = &self.file else { return Ok(()) };
        let bytes = serde_json::to_vec_pretty(&StoreFile { schema_version: 1, tokens: records.to_vec() })
            .map_err(|e| Error::internal(&e.into()))?;
        if let Some(dir) = file.parent() {
            crate::paths::ensure_private_dir(dir).map_err(|e| Error::internal(&e))?;
        }
        crate::paths::write_atomic(file, &bytes, 0o600).map_err(|e| Error::internal(&e))
    }

    /// Make a token of `scope`: stored first (a full disk: 507, nothing made);
    /// at most [`DeviceTokens::MAX`] exist at once (429 beyond).
    pub fn issue(&self, scope: TokenScope, label: Option<&str>) -> Result<IssuedToken, Error> {
        let token = format!("{PREFIX}{}", crate::tokens::generate());
        let digest = hash(&token);
        let record = Record {
            id: new_id("tok"),
            hash: hex::encode(digest),
            digest: Some(digest),
            scope,
            label: clean_label(label),
            created_at: now_ms(),
            last_used_at: None,
        };
        let mut inner = self.lock();
        if inner.records.len() >= Self::MAX {
            return Err(Error::new(
                ErrorCode::TooManyRequests,
                format!("this host has {} device tokens, the most it keeps; revoke unused ones (`openwork token list`)", Self::MAX),
            ));
        }
        let mut next = inner.records.clone();
        next.insert(0, record.clone());
        self.persist(&next)?;
        inner.records = next;
        tracing::info!(id = %record.id, scope = scope.name(), "device token made");
        Ok(IssuedToken { id: record.id, token, scope, label: record.label, created_at: record.created_at })
    }

    /// The tokens, newest first (with the client token, `created_at` 0).
    pub fn list(&self) -> Vec<TokenInfo> {
        let inner = self.lock();
        let mut items: Vec<TokenInfo> = inner
            .records
            .iter()
            .map(|r| TokenInfo { id: r.id.clone(), scope: r.scope, label: r.label.clone(), created_at: r.created_at, last_used_at: r.last_used_at })
            .collect();
        items.push(TokenInfo {
            id: CLIENT_ID.into(),
            scope: TokenScope::Owner,
            label: Some("client token (openwork token show)".into()),
            created_at: 0,
            last_used_at: inner.client_used,
        });
        items
    }

    /// Revoke `id`: removed from the store first, then its open streams end.
    /// 404 `not_found` for an unknown id; the client token is rotated, not
    /// revoked (`openwork token rotate`). Returns the token's fingerprint
    /// ([`crate::tokens::fingerprint_of_hash`] of the SHA-256 kept here),
    /// which names it in the audit log and in approvals.
    pub fn revoke(&self, id: &str) -> Result<String, Error> {
        if id == CLIENT_ID {
            return Err(Error::forbidden("the client token is rotated (`openwork token rotate`), not revoked"));
        }
        let mut inner = self.lock();
        let Some(pos) = inner.records.iter().position(|r| r.id == id) else {
            return Err(Error::new(ErrorCode::NotFound, format!("no device token `{id}`")));
        };
        let mut next = inner.records.clone();
        let gone = next.remove(pos);
        self.persist(&next)?;
        inner.records = next;
        if let Some(tx) = inner.revoked.remove(id) {
            let _ = tx.send(true);
        }
        tracing::info!(%id, "device token revoked");
        Ok(crate::tokens::fingerprint_of_hash(&gone.hash))
    }

    /// End every open stream of `id` (the client token after a rotation).
    pub fn end_streams(&self, id: &str) {
        if let Some(tx) = self.lock().revoked.remove(id) {
            let _ = tx.send(true);
        }
    }

    /// The id and scope of a device token, if `presented` is one (compared
    /// in constant time with every stored hash, decoded when loaded or
    /// issued), with its revocation signal
    /// (taken under the same lock: a revocation cannot fall in between);
    /// its use is remembered.
    pub fn check(&self, presented: &str) -> Option<(String, TokenScope, watch::Receiver<bool>)> {
        if !presented.starts_with(PREFIX) {
            return None;
        }
        let h = hash(presented);
        let mut inner = self.lock();
        let mut found = None;
        for r in inner.records.iter_mut() {
            let Some(stored) = &r.digest else { continue };
            if bool::from(stored.ct_eq(&h)) {
                r.last_used_at = Some(now_ms());
                found = Some((r.id.clone(), r.scope));
            }
        }
        let (id, scope) = found?;
        let revoked = inner.revoked.entry(id.clone()).or_insert_with(|| watch::channel(false).0).subscribe();
        Some((id, scope, revoked))
    }

    /// The client token was used now.
    pub fn client_used(&self) {
        self.lock().client_used = Some(now_ms());
    }

    /// Fires (`true`) when the token `id` stops working.
    pub fn revoked(&self, id: &str) -> watch::Receiver<bool> {
        self.lock().revoked.entry(id.to_string()).or_insert_with(|| watch::channel(false).0).subscribe()
    }
}

/// What a used pairing code was for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    /// Scope of the device's token.
    pub scope: TokenScope,
    /// Its label, if the pairing named one.
    pub label: Option<String>,
    expires: Instant,
}

/// One-time pairing codes (see the module docs).
#[derive(Debug, Default)]
pub struct Pairings {
    codes: Mutex<Vec<Pending>>,
}

#[derive(Debug)]
struct Pending {
    hash: [u8; 32],
    scope: TokenScope,
    label: Option<String>,
    expires: Instant,
}

impl Pairings {
    /// How long a code works.
    pub const TTL: Duration = Duration::from_secs(5 * 60);
    /// Codes waiting at once (the oldest goes beyond).
    const MAX: usize = 32;

    /// A new code for a token of `scope` (named `label`).
    pub fn create(&self, scope: TokenScope, label: Option<&str>) -> (String, Duration) {
        self.create_at(scope, label, Instant::now())
    }

    fn create_at(&self, scope: TokenScope, label: Option<&str>, now: Instant) -> (String, Duration) {
        let code = hex::encode(rand::random::<[u8; 16]>());
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.retain(|p| p.expires > now);
        if codes.len() >= Self::MAX {
            codes.remove(0);
        }
        codes.push(Pending { hash: hash(&code), scope, label: clean_label(label), expires: now + Self::TTL });
        (code, Self::TTL)
    }

    /// Put back a code [`Pairings::redeem`] took when no token could be
    /// made for it (a full disk): it works again until it expires.
    pub fn give_back(&self, code: &str, redeemed: Redeemed) {
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.push(Pending { hash: hash(code.trim()), scope: redeemed.scope, label: redeemed.label, expires: redeemed.expires });
    }

    /// Use `code` up: its scope and label, once, while it lives.
    pub fn redeem(&self, code: &str) -> Option<Redeemed> {
        self.redeem_at(code, Instant::now())
    }

    fn redeem_at(&self, code: &str, now: Instant) -> Option<Redeemed> {
        let h = hash(code.trim());
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.retain(|p| p.expires > now);
        let pos = codes.iter().position(|p| bool::from(p.hash.ct_eq(&h)))?;
        let p = codes.remove(pos);
        Some(Redeemed { scope: p.scope, label: p.label, expires: p.expires })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn issue_check_list_revoke() {
        let dir = tempfile::tempdir().unwrap();
        let file = DeviceTokens::file_in(dir.path());
        let tokens = DeviceTokens::load(&file).unwrap();
        let t = tokens.issue(TokenScope::Viewer, Some("phone\u{7}\u{202E}\u{200B}")).unwrap();
        assert!(t.token.starts_with("owt_") && t.label.as_deref() == Some("phone"));
        assert_eq!(tokens.check(&t.token).map(|(id, scope, _)| (id, scope)), Some((t.id.clone(), TokenScope::Viewer)));
        assert!(tokens.check("owt_nope").is_none());
        let raw = std::fs::read_to_string(&file).unwrap();
        assert!(!raw.contains(&t.token), "stored hashed");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        // Kept across restarts.
        let again = DeviceTokens::load(&file).unwrap();
        assert!(again.check(&t.token).is_some());
        let listed = again.list();
        assert!(listed.iter().any(|i| i.id == t.id && i.last_used_at.is_some()));
        assert!(listed.iter().any(|i| i.id == CLIENT_ID && i.scope == TokenScope::Owner));
        // Revoked: gone, and its streams told.
        let rx = again.revoked(&t.id);
        assert_eq!(again.revoke(&t.id).unwrap(), crate::tokens::fingerprint(&t.token), "the audit log's name for it");
        assert!(*rx.borrow());
        assert!(again.check(&t.token).is_none());
        assert_eq!(again.revoke(&t.id).unwrap_err().0.code, ErrorCode::NotFound);
        assert!(again.revoke(CLIENT_ID).is_err());
    }

    #[test]
    fn the_file_keeps_its_shape_and_a_bad_hash_matches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = DeviceTokens::file_in(dir.path());
        let t = DeviceTokens::load(&file)
            .unwrap()
            .issue(TokenScope::Owner, Some("laptop"))
            .unwrap();
        let read = || -> serde_json::Value {
            let bytes = std::fs::read(&file).unwrap();
            serde_json::from_slice(&bytes).unwrap()
        };
        let mut stored = read();
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys(&stored), ["schemaVersion", "tokens"]);
        // The decoded hash is not stored.
        let fields = keys(&stored["tokens"][0]);
        assert_eq!(fields, ["createdAt", "hash", "id", "label", "scope"]);
        assert_eq!(stored["tokens"][0]["hash"], hex::encode(hash(&t.token)));
        // Hand-edited records whose hash is not 32 bytes of hex match
        // nothing; the others still work.
        let record = stored["tokens"][0].clone();
        for (id, bad) in [
            ("tok_nothex", "zz".repeat(32)),
            ("tok_short", hex::encode(hash(&t.token))[..62].to_string()),
            ("tok_empty", String::new()),
        ] {
            let mut r = record.clone();
            r["id"] = id.into();
            r["hash"] = bad.into();
            stored["tokens"].as_array_mut().unwrap().insert(0, r);
        }
        crate::paths::write_atomic(&file, &serde_json::to_vec(&stored).unwrap(), 0o600).unwrap();
        let tokens = DeviceTokens::load(&file).unwrap();
        let found = tokens.check(&t.token).map(|(id, scope, _)| (id, scope));
        assert_eq!(found, Some((t.id.clone(), TokenScope::Owner)));
        assert!(tokens.check("owt_").is_none() && tokens.check("owt_zz").is_none());
        assert_eq!(tokens.list().len(), 5, "kept, listed, revocable");
        tokens.revoke("tok_short").unwrap();
        let again = read();
        let kept: Vec<(&str, &str)> = again["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_str().unwrap(), r["hash"].as_str().unwrap()))
            .collect();
        let (nothex, good) = ("zz".repeat(32), hex::encode(hash(&t.token)));
        // Bad hashes are kept as they were.
        let expected = [
            ("tok_empty", ""),
            ("tok_nothex", &*nothex),
            (&*t.id, &*good),
        ];
        assert_eq!(kept, expected);
    }

    #[test]
    fn pairing_codes_work_once() {
        let p = Pairings::default();
        let (code, ttl) = p.create(TokenScope::Collaborator, Some("laptop"));
        assert!(ttl <= Duration::from_secs(600));
        assert_eq!(code.len(), 32);
        assert_eq!(p.redeem("0".repeat(32).as_str()), None);
        let used = p.redeem(&code).expect("a fresh code works");
        assert_eq!((used.scope, used.label.as_deref()), (TokenScope::Collaborator, Some("laptop")));
        assert_eq!(p.redeem(&code), None, "used twice");
        // Given back (no token could be made): it works once more.
        p.give_back(&code, used);
        assert!(p.redeem(&code).is_some());
        assert_eq!(p.redeem(&code), None);
        // Dead once it expires.
        let t0 = Instant::now();
        let (late, _) = p.create_at(TokenScope::Viewer, None, t0);
        assert_eq!(p.redeem_at(&late, t0 + Pairings::TTL), None);
        let (ok, _) = p.create_at(TokenScope::Viewer, None, t0);
        assert!(p.redeem_at(&ok, t0 + Pairings::TTL - Duration::from_millis(1)).is_some());
    }

    #[test]
    fn at_most_max_tokens_exist_at_once() {
        let tokens = DeviceTokens::in_memory();
        let first = tokens.issue(TokenScope::Viewer, None).unwrap();
        for _ in 1..DeviceTokens::MAX {
            tokens.issue(TokenScope::Viewer, None).unwrap();
        }
        let refused = tokens.issue(TokenScope::Viewer, None).unwrap_err();
        assert_eq!(refused.0.code, ErrorCode::TooManyRequests);
        tokens.revoke(&first.id).unwrap();
        assert!(tokens.issue(TokenScope::Viewer, None).is_ok(), "room again after a revocation");
    }
}
