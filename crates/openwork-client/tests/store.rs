//! The on-disk store: round trip, permissions, corruption, concurrent writers.
use std::os::unix::fs::PermissionsExt;

use openwork_client::{Secrets, Store, StoreError, WorkspaceEntry};

#[test]
fn round_trip_and_upsert_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().join("data"));
    assert!(store.load().unwrap().workspaces.is_empty(), "missing file = empty store");
    let e = WorkspaceEntry::openwork("http://LOCALHOST:8787/", "ws_1", "proj", "http://localhost:8787/opencode", "/p").unwrap();
    let id = e.id.clone();
    store.update(|ws, _| { ws.upsert(e.clone(), false); ws.active_id = Some(id.clone()); }).unwrap();
    // Same server spelled differently: same id, one entry, createdAt kept, name kept.
    let again = WorkspaceEntry::openwork("localhost:8787", "ws_1", "proj2", "http://localhost:8787/opencode", "/p").unwrap();
    assert_eq!(again.id, id);
    store.update(|ws, _| { ws.upsert(again, true); }).unwrap();
    let file = Store::at(dir.path().join("data")).load().unwrap();
    assert_eq!(file.workspaces.len(), 1);
    assert_eq!(file.workspaces[0].name, "proj");
    assert_eq!(file.workspaces[0].created_at, e.created_at);
    assert_eq!(file.workspaces[0].openwork_workspace_name.as_deref(), Some("proj2"));
    assert_eq!(file.active_id.as_deref(), Some(id.as_str()));
    assert_eq!(file.active().unwrap().primary_line(), "http://localhost:8787");
    assert_eq!(file.active().unwrap().secondary_line(), "proj2");
    let raw: serde_json::Value = serde_json::from_slice(&std::fs::read(store.workspaces_path()).unwrap()).unwrap();
    assert_eq!(raw["version"], 1);
    assert_eq!(raw["format"], "openwork.workspaces");
}

#[test]
fn tokens_live_in_a_0600_file_and_never_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    let e = WorkspaceEntry::opencode("http://127.0.0.1:4096", Some("/x")).unwrap();
    let id = e.id.clone();
    store
        .update(|ws, tokens| {
            ws.upsert(e, false);
            tokens.set(&id, Secrets { token: Some("tok-SECRET-1".into()), opencode_password: Some("pw-SECRET-2".into()), ..Default::default() });
        })
        .unwrap();
    let store_text = std::fs::read_to_string(store.workspaces_path()).unwrap();
    assert!(!store_text.contains("SECRET"), "{store_text}");
    let mode = std::fs::metadata(store.tokens_path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let got = store.secrets(&id).unwrap().unwrap();
    assert_eq!(got.token.as_deref(), Some("tok-SECRET-1"));
    assert!(!format!("{got:?}").contains("SECRET"), "Debug must redact");
    // No temp files left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn corrupt_file_is_kept_as_backup_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    std::fs::write(store.workspaces_path(), b"{ not json").unwrap();
    let err = store.load().unwrap_err();
    let StoreError::Corrupt { backup, .. } = &err else { panic!("expected Corrupt, got {err:?}") };
    assert!(backup.file_name().unwrap().to_str().unwrap().starts_with("workspaces.json.corrupt-"));
    assert_eq!(std::fs::read(backup).unwrap(), b"{ not json", "content preserved");
    assert!(err.to_string().contains("corrupt"));
    // The update that hit it did not write anything over it.
    std::fs::write(store.workspaces_path(), b"also bad").unwrap();
    let err = store.update(|ws, _| ws.upsert(WorkspaceEntry::local("/a", None), false)).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }));
    let backups = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_str().unwrap().contains(".corrupt-"))
        .count();
    assert_eq!(backups, 2);
}

#[test]
fn newer_version_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    let doc = br#"{"format":"openwork.workspaces","version":7,"workspaces":[]}"#;
    std::fs::write(store.workspaces_path(), doc).unwrap();
    assert!(matches!(store.load(), Err(StoreError::TooNew { found: 7, .. })));
    assert!(store.update(|ws, _| ws.upsert(WorkspaceEntry::local("/a", None), false)).is_err());
    assert_eq!(std::fs::read(store.workspaces_path()).unwrap(), doc);
}

#[test]
fn concurrent_writers_do_not_lose_entries() {
    let dir = tempfile::tempdir().unwrap();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                for i in 0..10 {
                    let store = Store::at(&path); // a separate handle (and lock fd) every time
                    let e = WorkspaceEntry::opencode(&format!("http://127.0.0.1:{}", 4000 + t), Some(&format!("/w/{i}"))).unwrap();
                    store
                        .update(|ws, tokens| {
                            tokens.set(&e.id, Secrets { token: Some(format!("t{t}-{i}")), ..Default::default() });
                            ws.upsert(e, false)
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let store = Store::at(dir.path());
    let file = store.load().unwrap();
    assert_eq!(file.workspaces.len(), 80);
    let mut ids: Vec<_> = file.workspaces.iter().map(|w| w.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 80);
    for w in &file.workspaces {
        assert!(store.secrets(&w.id).unwrap().is_some(), "token for {}", w.id);
    }
}

#[test]
fn remove_clears_active_and_find_resolves_prefix_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    let a = WorkspaceEntry::local("/one", Some("alpha"));
    let b = WorkspaceEntry::local("/two", Some("beta"));
    let (aid, bid) = (a.id.clone(), b.id.clone());
    store.update(|ws, _| { ws.upsert(a, false); ws.upsert(b, false); ws.active_id = Some(aid.clone()); }).unwrap();
    let file = store.load().unwrap();
    assert_eq!(file.find("beta").unwrap().id, bid);
    assert_eq!(file.find(&aid).unwrap().id, aid);
    assert!(file.find("nope").is_none());
    store.update(|ws, _| ws.remove(&aid)).unwrap();
    let file = store.load().unwrap();
    assert_eq!(file.active_id, None);
    assert_eq!(file.workspaces.len(), 1);
}
