//! Stable identifiers derived with SHA-256 (never `DefaultHasher`, whose
//! output may change between Rust releases).
use sha2::{Digest, Sha256};

/// Lower-case hex of the first `n_bytes` bytes of SHA-256 over `parts`
/// joined by a NUL byte.
pub fn sha256_hex_prefix(parts: &[&str], n_bytes: usize) -> String {
    let mut hasher = Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hasher.update([0u8]);
        }
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    hex::encode(&digest[..n_bytes.min(digest.len())])
}

/// Host workspace id: `ws_` + first 6 bytes (12 hex) of SHA-256 of the
/// absolute workspace path.
pub fn workspace_id(path: &str) -> String {
    format!("ws_{}", sha256_hex_prefix(&[path], 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_id_test_vectors() {
        // Documented vector: SHA-256("/home/user/project") starts 9dad1e4e08b0.
        let id = workspace_id("/home/user/project");
        assert_eq!(id, "ws_9dad1e4e08b0");
        assert!(id.starts_with("ws_"));
        assert_eq!(id, workspace_id("/home/user/project"));
        assert_ne!(id, workspace_id("/home/user/project2"));
    }

    #[test]
    fn parts_are_separated() {
        assert_ne!(sha256_hex_prefix(&["ab", "c"], 8), sha256_hex_prefix(&["a", "bc"], 8));
    }
}
