//! Stable workspace ids for the client store.
//!
//! Formula (SHA-256 via [`openwork_wire::ids::sha256_hex_prefix`], parts joined
//! by a NUL byte, first 8 bytes = 16 lower-case hex digits):
//!
//! | kind | id |
//! | --- | --- |
//! | OpenWork remote | `ow_` + hex8(`"openwork"`, normalised host URL, host workspace id) |
//! | OpenCode remote | `oc_` + hex8(`"opencode"`, normalised base URL, normalised directory or `""`) |
//! | local | `local_` + hex8(`"local"`, path) |
//!
//! URLs are normalised with [`crate::url::normalize_url`] and directories with
//! [`crate::url::normalize_directory`] before hashing, so the same server
//! spelled differently gets the same id. Test vectors (computed independently
//! with Python's `hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]`):
//!
//! - `openwork_remote_id("http://127.0.0.1:8787", "ws_9dad1e4e08b0")` = `ow_f53d9390ca680b90`
//! - `opencode_remote_id("http://127.0.0.1:4096", "/home/user/project")` = `oc_7655c2954283b375`
//! - `opencode_remote_id("http://127.0.0.1:4096", "")` = `oc_cc2273e757820c21`
//! - `local_id("/home/user/project")` = `local_98f7a91d36ea17c3`
use openwork_wire::ids::sha256_hex_prefix;

/// Bytes of the digest kept in an id.
const ID_BYTES: usize = 8;

/// Id of an OpenWork remote. `host_url` must already be normalised.
pub fn openwork_remote_id(host_url: &str, host_workspace_id: &str) -> String {
    format!("ow_{}", sha256_hex_prefix(&["openwork", host_url, host_workspace_id], ID_BYTES))
}

/// Id of a direct OpenCode remote. `base_url` and `directory` must already be normalised.
pub fn opencode_remote_id(base_url: &str, directory: &str) -> String {
    format!("oc_{}", sha256_hex_prefix(&["opencode", base_url, directory], ID_BYTES))
}

/// Id of a local workspace.
pub fn local_id(path: &str) -> String {
    format!("local_{}", sha256_hex_prefix(&["local", path], ID_BYTES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_vectors() {
        assert_eq!(openwork_remote_id("http://127.0.0.1:8787", "ws_9dad1e4e08b0"), "ow_f53d9390ca680b90");
        assert_eq!(opencode_remote_id("http://127.0.0.1:4096", "/home/user/project"), "oc_7655c2954283b375");
        assert_eq!(opencode_remote_id("http://127.0.0.1:4096", ""), "oc_cc2273e757820c21");
        assert_eq!(local_id("/home/user/project"), "local_98f7a91d36ea17c3");
    }

    #[test]
    fn kinds_do_not_collide() {
        assert_ne!(&opencode_remote_id("http://h", "x")[3..], &openwork_remote_id("http://h", "x")[3..]);
        assert_ne!(opencode_remote_id("http://h", "/a"), opencode_remote_id("http://h", "/b"));
    }
}
