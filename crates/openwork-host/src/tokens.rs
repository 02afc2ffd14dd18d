//! Client and host tokens.
//!
//! Invariants:
//! - generated on first run (32 random bytes, base64url), persisted in
//!   `<config>/tokens.json` ([`StoredTokens`], shared with local clients)
//!   with mode 0600 and reused on restart, so paired clients keep working;
//! - overridable per run (`OPENWORK_TOKEN`, `OPENWORK_HOST_TOKEN`); overrides
//!   are never written to disk;
//! - compared in constant time ([`TokenSet::check_client`]), and only ever
//!   logged masked ([`mask`]).
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use anyhow::{Context, Result};
use base64::Engine as _;
use openwork_wire::runtime::StoredTokens;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Which token a request presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// The token remote clients pair with.
    Client,
    /// The token for host-only operations (switching, approvals, rotation).
    Host,
}

/// A fresh random token: 32 bytes from the OS RNG, base64url without padding.
///
/// A token never starts with `-`: command lines would read it as a flag
/// (`--token -x…`). Drawing again costs nothing and keeps 256 bits of entropy
/// minus a fraction of a bit.
pub fn generate() -> String {
    loop {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        if !token.starts_with('-') {
            return token;
        }
    }
}

/// Least estimated entropy, in bits, of a token the host takes from its
/// token file, a flag or the environment ([`check_strength`]).
pub const MIN_BITS: f64 = 128.0;

/// How to make a token that passes [`check_strength`], for messages.
pub const HOW_TO_MAKE_ONE: &str = "make one with `openssl rand -base64 32`";

/// Estimated entropy of `token`, in bits: the cost of the cheapest way to
/// write it down, deterministic.
///
/// Each character costs `log2` of the alphabet its character classes make
/// (16 for hex; else 26 per letter case, 10 digits, 32 symbols), except
/// where the token is cheaper to describe: a run of one character repeated
/// or stepping up or down by one (`aaaa`, `abcd`, `4321`), a walk along a
/// keyboard row (`qwerty`, `asdf`), or a copy of an earlier part (`xyzxyz`)
/// cost about what naming them costs. The first 256 characters are looked
/// at. A canonical random UUID counts as its 122 random bits. Anything but
/// printable ASCII counts as 0 (a token travels in an HTTP header). Words
/// are not recognised: a passphrase of common words is over-estimated.
pub fn estimate_bits(token: &str) -> f64 {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return 0.0;
    }
    if is_uuid_v4(token) {
        return 122.0;
    }
    let s: Vec<u8> = token.bytes().take(256).collect();
    let per_char = charset(token).log2();
    let n = s.len();
    // cost[i]: cheapest description of s[..i].
    let mut cost = vec![f64::INFINITY; n + 1];
    cost[0] = 0.0;
    for i in 0..n {
        let here = cost[i];
        let mut relax = |to: usize, c: f64| {
            if here + c < cost[to] {
                cost[to] = here + c;
            }
        };
        relax(i + 1, per_char);
        // Runs: the first character, then each next one a step of -1, 0 or +1.
        for step in [-1i16, 0, 1] {
            let len = 1 + (i + 1..n).take_while(|&k| s[k] as i16 - s[k - 1] as i16 == step).count();
            for l in 3..=len {
                relax(i + l, per_char + 3f64.log2() + (l as f64).log2());
            }
        }
        // Keyboard rows, either way.
        for row in KEYBOARD_ROWS {
            for rev in [false, true] {
                let r: Vec<u8> = if rev { row.bytes().rev().collect() } else { row.bytes().collect() };
                let Some(start) = r.iter().position(|c| *c == s[i].to_ascii_lowercase()) else { continue };
                let len = (0..n - i).take_while(|&k| r.get(start + k) == Some(&s[i + k].to_ascii_lowercase())).count();
                for l in 3..=len {
                    relax(i + l, ((KEYBOARD_ROWS.len() * 2 * row.len()) as f64).log2() + (l as f64).log2());
                }
            }
        }
        // Copies of an earlier part: where it starts, how long.
        for from in 0..i {
            let len = (0..n - i).take_while(|&k| s[from + k] == s[i + k]).count();
            for l in 3..=len {
                relax(i + l, (i as f64).log2().max(1.0) + (l as f64).log2());
            }
        }
    }
    cost[n]
}

/// Keyboard rows a walk along counts as one guess (lower case, US layout).
const KEYBOARD_ROWS: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// Size of the alphabet the characters of `token` are drawn from.
fn charset(token: &str) -> f64 {
    let all = |f: fn(&u8) -> bool| token.as_bytes().iter().all(f);
    if all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) || all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()) {
        return 16.0;
    }
    let any = |f: fn(&u8) -> bool| token.as_bytes().iter().any(f);
    let mut n = 0.0;
    for (present, size) in [
        (any(u8::is_ascii_lowercase), 26.0),
        (any(u8::is_ascii_uppercase), 26.0),
        (any(u8::is_ascii_digit), 10.0),
        (any(u8::is_ascii_punctuation), 32.0),
    ] {
        if present {
            n += size;
        }
    }
    n
}

/// `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx` (one letter case).
pub fn is_uuid_v4(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { *c == b'-' } else { c.is_ascii_hexdigit() })
        && b[14] == b'4'
        && matches!(b[19].to_ascii_lowercase(), b'8' | b'9' | b'a' | b'b')
        && (token.bytes().all(|c| !c.is_ascii_uppercase()) || token.bytes().all(|c| !c.is_ascii_lowercase()))
}

/// Which tokens a run accepts besides those of [`MIN_BITS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strength {
    /// [`MIN_BITS`] or more.
    #[default]
    Strict,
    /// Also a random UUID (122 bits): `openwork-orchestrator` makes its
    /// sidecar's tokens with `randomUUID()`.
    OrAnyUuid,
}

/// Refuse a token with less than [`MIN_BITS`] of estimated entropy
/// ([`estimate_bits`]); `what` names it and where it came from, `fix` says
/// what to do.
pub fn check_strength(token: &str, what: &str, fix: &str, strength: Strength) -> Result<()> {
    if strength == Strength::OrAnyUuid && is_uuid_v4(token) {
        return Ok(());
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        anyhow::bail!("{what} has spaces, control or non-ASCII characters (a token is printable ASCII): {fix}");
    }
    let bits = estimate_bits(token);
    if bits < MIN_BITS {
        anyhow::bail!("{what} is too easy to guess (about {bits:.0} bits of entropy, at least {MIN_BITS:.0} needed): {fix}");
    }
    Ok(())
}

pub use openwork_wire::runtime::mask;

/// Hex SHA-256 prefix identifying a token without revealing it (audit logs).
pub fn fingerprint(token: &str) -> String {
    fingerprint_of_hash(&hex::encode(Sha256::digest(token.as_bytes())))
}

/// The [`fingerprint`] of a token known only by its hex SHA-256 (a stored
/// device token): the first 6 bytes.
pub fn fingerprint_of_hash(hex_sha256: &str) -> String {
    hex_sha256.chars().take(12).collect()
}

/// Constant-time equality of two secrets, independent of where they differ
/// and of their lengths (both sides are hashed first).
pub fn secrets_equal(presented: &str, expected: &str) -> bool {
    let a = Sha256::digest(presented.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.ct_eq(&b).into()
}

/// The host's two tokens, with where they came from.
#[derive(Debug)]
pub struct TokenSet {
    inner: RwLock<StoredTokens>,
    file: PathBuf,
    client_overridden: bool,
    host_overridden: bool,
}

/// Why the client token could not be rotated.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// The token comes from the environment or a flag for this run.
    #[error("the client token comes from OPENWORK_TOKEN/--token; change it there")]
    Overridden,
    /// The token file could not be read or written; the old token stays.
    #[error("{0:#}")]
    Io(anyhow::Error),
}

/// Where the token file lives under a config dir.
pub fn token_file(config_dir: &Path) -> PathBuf {
    openwork_wire::runtime::token_file(config_dir)
}

impl TokenSet {
    /// Load the tokens from `file`, creating it (0600) with fresh tokens when
    /// it is missing. `client_override`/`host_override` replace the stored
    /// values for this run only.
    ///
    /// Every token must pass [`check_strength`]: a weak token in the file or
    /// given for the run is refused with a message that says how to make one.
    pub fn load_or_create(
        file: &Path,
        client_override: Option<String>,
        host_override: Option<String>,
        strength: Strength,
    ) -> Result<Self> {
        let stored = match crate::paths::read_limited(file, crate::paths::MAX_READ) {
            Ok(Some(bytes)) => {
                check_private(file)?;
                serde_json::from_slice::<StoredTokens>(&bytes).with_context(|| {
                    format!("token file {} is not valid; fix or delete it", file.display())
                })?
            }
            Ok(None) => {
                let fresh = StoredTokens { client_token: generate(), host_token: generate() };
                write_token_file(file, &fresh)?;
                fresh
            }
            Err(e) => return Err(e).with_context(|| format!("could not read {}", file.display())),
        };
        let client_overridden = client_override.as_deref().is_some_and(|t| !t.is_empty());
        let host_overridden = host_override.as_deref().is_some_and(|t| !t.is_empty());
        let tokens = StoredTokens {
            client_token: client_override.filter(|t| !t.is_empty()).unwrap_or(stored.client_token),
            host_token: host_override.filter(|t| !t.is_empty()).unwrap_or(stored.host_token),
        };
        let stored_fix = format!(
            "{HOW_TO_MAKE_ONE} and put it in the file, or delete {} and OpenWork makes new tokens (paired devices then need the new client token)",
            file.display()
        );
        let (client_from, client_fix) = if client_overridden {
            ("the client token from OPENWORK_TOKEN/--token".to_string(), HOW_TO_MAKE_ONE.to_string())
        } else {
            (format!("the client token in {}", file.display()), stored_fix.clone())
        };
        let (host_from, host_fix) = if host_overridden {
            ("the host token from OPENWORK_HOST_TOKEN/--host-token".to_string(), HOW_TO_MAKE_ONE.to_string())
        } else {
            (format!("the host token in {}", file.display()), stored_fix)
        };
        check_strength(&tokens.client_token, &client_from, &client_fix, strength)?;
        check_strength(&tokens.host_token, &host_from, &host_fix, strength)?;
        if tokens.client_token == tokens.host_token {
            anyhow::bail!("the client token and the host token must differ");
        }
        Ok(Self {
            inner: RwLock::new(tokens),
            file: file.to_path_buf(),
            client_overridden,
            host_overridden,
        })
    }

    /// The current client token.
    pub fn client(&self) -> String {
        self.read().client_token.clone()
    }

    /// The current host token.
    pub fn host(&self) -> String {
        self.read().host_token.clone()
    }

    /// Which token `presented` is, if any (constant time against both).
    pub fn classify(&self, presented: &str) -> Option<TokenKind> {
        self.classify_then(presented, |kind| kind)
    }

    /// [`TokenSet::classify`], with `then` run on the answer before the
    /// tokens can change: a rotation that makes `presented` stop working
    /// (and whatever its caller does after it, such as ending the old
    /// token's streams) comes after `then`. `then` must not use this set.
    pub fn classify_then<R>(
        &self,
        presented: &str,
        then: impl FnOnce(Option<TokenKind>) -> R,
    ) -> R {
        let t = self.read();
        let is_client = secrets_equal(presented, &t.client_token);
        let is_host = secrets_equal(presented, &t.host_token);
        let kind = match (is_client, is_host) {
            (true, _) => Some(TokenKind::Client),
            (_, true) => Some(TokenKind::Host),
            _ => None,
        };
        then(kind)
    }

    /// Replace the client token with a fresh one: persisted first, then in
    /// use (a failure, e.g. a full disk, leaves the old token valid).
    /// Refused when the client token was overridden for this run.
    pub fn rotate_client(&self) -> Result<String, RotateError> {
        if self.client_overridden {
            return Err(RotateError::Overridden);
        }
        let mut t = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let fresh = generate();
        let mut on_disk = read_token_file(&self.file).map_err(RotateError::Io)?.unwrap_or_else(|| t.clone());
        on_disk.client_token = fresh.clone();
        write_token_file(&self.file, &on_disk).map_err(RotateError::Io)?;
        t.client_token = fresh.clone();
        Ok(fresh)
    }

    /// Whether the host token was given for this run rather than stored.
    pub fn host_overridden(&self) -> bool {
        self.host_overridden
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, StoredTokens> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// Rotate the client token in a token file directly (no host running).
pub fn rotate_client_in_file(file: &Path) -> Result<String> {
    let mut t = read_token_file(file)?
        .unwrap_or_else(|| StoredTokens { client_token: generate(), host_token: generate() });
    t.client_token = generate();
    write_token_file(file, &t)?;
    Ok(t.client_token)
}

fn read_token_file(file: &Path) -> Result<Option<StoredTokens>> {
    match crate::paths::read_limited(file, crate::paths::MAX_READ) {
        Ok(Some(bytes)) => Ok(Some(
            serde_json::from_slice(&bytes)
                .with_context(|| format!("token file {} is not valid", file.display()))?,
        )),
        Ok(None) => Ok(None),
        Err(e) => Err(e).with_context(|| format!("could not read {}", file.display())),
    }
}

fn write_token_file(file: &Path, tokens: &StoredTokens) -> Result<()> {
    if let Some(dir) = file.parent() {
        crate::paths::ensure_private_dir(dir)?;
    }
    let json = serde_json::to_vec_pretty(tokens)?;
    crate::paths::write_atomic(file, &json, 0o600)
}

/// Refuse a token file that others can read, and say how to fix it.
fn check_private(file: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        anyhow::bail!(
            "token file {} has mode {mode:o}; run `chmod 600 {}` (or `openwork token rotate`)",
            file.display(),
            file.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn tokens_are_random_and_long() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn tokens_never_look_like_a_flag() {
        // 1 in 64 raw draws starts with '-'; 2,000 draws miss that with
        // probability (63/64)^2000 < 1e-13 if the guard were gone.
        for _ in 0..2000 {
            assert!(!generate().starts_with('-'));
        }
    }

    #[test]
    fn mask_hides_most_of_the_token() {
        let t = "abcdefghijklmnopqrstuvwxyz";
        let m = mask(t);
        assert_eq!(m, "abcd…yz");
        assert!(!m.contains("efgh"));
        assert_eq!(mask("abc"), "****");
    }

    #[test]
    fn compare_is_exact() {
        assert!(secrets_equal("secret", "secret"));
        assert!(!secrets_equal("secret", "secreT"));
        assert!(!secrets_equal("secret", "secret1"));
        assert!(!secrets_equal("", "secret"));
    }

    #[test]
    fn persisted_0600_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let file = token_file(dir.path());
        let first = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let second = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap();
        assert_eq!(first.client(), second.client());
        assert_eq!(first.host(), second.host());
        assert_ne!(first.client(), first.host());
        assert_eq!(second.classify(&first.client()), Some(TokenKind::Client));
        assert_eq!(second.classify(&first.host()), Some(TokenKind::Host));
        assert_eq!(second.classify("nope"), None);
    }

    #[test]
    fn overrides_win_and_are_not_persisted() {
        let dir = tempfile::tempdir().unwrap();
        let file = token_file(dir.path());
        let strong = generate();
        let set = TokenSet::load_or_create(&file, Some(strong.clone()), None, Strength::Strict).unwrap();
        assert_eq!(set.client(), strong);
        let raw = std::fs::read_to_string(&file).unwrap();
        assert!(!raw.contains(&strong));
        assert!(set.rotate_client().is_err());
    }

    #[test]
    fn rotation_persists_and_invalidates_old_token() {
        let dir = tempfile::tempdir().unwrap();
        let file = token_file(dir.path());
        let set = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap();
        let old = set.client();
        let fresh = set.rotate_client().unwrap();
        assert_ne!(old, fresh);
        assert_eq!(set.classify(&old), None);
        let reloaded = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap();
        assert_eq!(reloaded.client(), fresh);
        assert_eq!(reloaded.host(), set.host());
    }

    #[test]
    fn a_rotation_waits_for_what_follows_a_check() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let file = token_file(dir.path());
        let set = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap();
        let old = set.client();
        let rotated = AtomicBool::new(false);
        std::thread::scope(|s| {
            let kind = set.classify_then(&old, |kind| {
                s.spawn(|| {
                    set.rotate_client().unwrap();
                    rotated.store(true, Ordering::SeqCst);
                });
                std::thread::sleep(std::time::Duration::from_millis(50));
                // Not rotated while the answer is used.
                assert!(!rotated.load(Ordering::SeqCst));
                kind
            });
            assert_eq!(kind, Some(TokenKind::Client));
        });
        assert!(rotated.load(Ordering::SeqCst));
        assert_eq!(set.classify(&old), None);
    }

    #[test]
    fn world_readable_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = token_file(dir.path());
        TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }

    #[test]
    fn weak_tokens_are_estimated_low() {
        for weak in [
            "a",
            "secret",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "passwordpasswordpasswordpasswordpasswordpassword",
            "hunter2hunter2hunter2hunter2",
            "0123456789abcdef0123456789abcdef",
            "qwertyuiopasdfghjklzxcvbnmqwertyuiop",
            "sidecar-client-token",
            "2026-11-30-2026-11-30-2026-11-30",
        ] {
            let bits = estimate_bits(weak);
            assert!(bits < MIN_BITS, "{weak}: {bits:.0} bits");
        }
        assert_eq!(estimate_bits("tab\there-but-long-enough-to-count-as-random-0123456789"), 0.0);
        assert_eq!(estimate_bits("é-non-ascii"), 0.0);
    }

    #[test]
    fn random_tokens_pass() {
        // Our own tokens, and 32 random bytes as hex: always well above.
        let mut lowest = f64::MAX;
        for _ in 0..40 {
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            for t in [generate(), hex::encode(bytes)] {
                let bits = estimate_bits(&t);
                lowest = lowest.min(bits);
                assert!(bits >= MIN_BITS + 64.0, "{t}: {bits:.0} bits");
            }
        }
        assert!(lowest > MIN_BITS);
        eprintln!("lowest estimate of 80 random 32-byte tokens: {lowest:.0} bits");
        for t in ["x", "secret", "sidecar-client-token", "0123456789abcdef0123456789abcdef"] {
            eprintln!("{t}: {:.0} bits", estimate_bits(t));
        }
        // A random UUID: its 122 bits, accepted only where asked for.
        let uuid = "3f2b8c1e-9d4a-4e7b-a1c2-5e6f7a8b9c0d";
        assert!(is_uuid_v4(uuid) && !is_uuid_v4("3f2b8c1e-9d4a-1e7b-a1c2-5e6f7a8b9c0d"));
        assert_eq!(estimate_bits(uuid), 122.0);
        assert!(check_strength(uuid, "t", "fix", Strength::Strict).is_err());
        assert!(check_strength(uuid, "t", "fix", Strength::OrAnyUuid).is_ok());
    }

    #[test]
    fn weak_tokens_are_refused_with_a_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let file = token_file(dir.path());
        let err = TokenSet::load_or_create(&file, Some("x".into()), None, Strength::Strict).unwrap_err().to_string();
        assert!(err.contains("OPENWORK_TOKEN") && err.contains("openssl rand -base64 32") && err.contains("bits"), "{err}");
        let err = TokenSet::load_or_create(&file, None, Some("hunter2hunter2".into()), Strength::Strict).unwrap_err().to_string();
        assert!(err.contains("OPENWORK_HOST_TOKEN"), "{err}");
        // A hand-edited file.
        let set = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap();
        let text = std::fs::read_to_string(&file).unwrap().replace(&set.client(), "1");
        crate::paths::write_atomic(&file, text.as_bytes(), 0o600).unwrap();
        let err = TokenSet::load_or_create(&file, None, None, Strength::Strict).unwrap_err().to_string();
        assert!(err.contains("client token in") && err.contains("delete") && err.contains("openssl"), "{err}");
    }
}
