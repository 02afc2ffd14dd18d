//! Every workspace file format ever written must keep loading: one test per fixture.
//! Expected ids were computed independently with Python's hashlib (see `ids.rs`).
use std::path::PathBuf;

use openwork_client::migrate::{parse_any, SourceFormat};
use openwork_client::{RemoteType, Store, WorkspaceType};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn load(name: &str) -> openwork_client::migrate::Migrated {
    let bytes = std::fs::read(fixture(name)).unwrap();
    parse_any(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn desktop_v1_local_only() {
    let m = load("desktop-v1.json");
    assert_eq!(m.source, SourceFormat::Desktop(1));
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let ids: Vec<_> = m.store.workspaces.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["local_98f7a91d36ea17c3", "local_e787c5a8aebd7d3f"]);
    let w = &m.store.workspaces[1];
    assert_eq!(w.workspace_type, WorkspaceType::Local);
    assert_eq!(w.path.as_deref(), Some("/home/user/notes"));
    assert_eq!(w.preset.as_deref(), Some("minimal"));
    assert_eq!(w.name, "notes");
    assert_eq!(m.store.active_id.as_deref(), Some("local_98f7a91d36ea17c3"));
}

#[test]
fn desktop_v2_remote_with_only_base_url_is_opencode() {
    let m = load("desktop-v2.json");
    assert_eq!(m.source, SourceFormat::Desktop(2));
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!(m.store.workspaces.len(), 3);
    let remote = m.store.get("oc_7655c2954283b375").expect("remote with dir");
    assert_eq!(remote.remote_type, Some(RemoteType::Opencode));
    assert_eq!(remote.opencode_base_url.as_deref(), Some("http://127.0.0.1:4096"));
    assert_eq!(remote.opencode_directory.as_deref(), Some("/home/user/project"));
    assert_eq!(remote.name, "Laptop project", "displayName wins over name");
    let bare = m.store.get("oc_cc2273e757820c21").expect("remote without dir");
    assert_eq!(bare.opencode_directory, None);
    assert_eq!(bare.opencode_base_url.as_deref(), Some("http://127.0.0.1:4096"));
    assert_eq!(m.store.active_id.as_deref(), Some("oc_7655c2954283b375"));
}

#[test]
fn desktop_v3_openwork_opencode_and_legacy_remotes() {
    let m = load("desktop-v3.json");
    assert_eq!(m.source, SourceFormat::Desktop(3));
    assert_eq!(m.warnings.len(), 1, "the entry without baseUrl is skipped: {:?}", m.warnings);
    assert!(m.warnings[0].contains("remote-broken"), "{:?}", m.warnings);
    let ids: Vec<_> = m.store.workspaces.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["local_98f7a91d36ea17c3", "ow_f53d9390ca680b90", "oc_7655c2954283b375", "oc_e403430c25a6ade4"]);
    let ow = m.store.get("ow_f53d9390ca680b90").unwrap();
    assert_eq!(ow.remote_type, Some(RemoteType::Openwork));
    assert_eq!(ow.openwork_host_url.as_deref(), Some("http://127.0.0.1:8787"));
    assert_eq!(ow.openwork_workspace_id.as_deref(), Some("ws_9dad1e4e08b0"));
    assert_eq!(ow.openwork_workspace_name.as_deref(), Some("project"));
    assert_eq!(ow.opencode_base_url.as_deref(), Some("http://127.0.0.1:8787/opencode"));
    assert_eq!(ow.opencode_directory.as_deref(), Some("/srv/project"));
    assert_eq!(ow.name, "Server project");
    let legacy = m.store.get("oc_e403430c25a6ade4").unwrap();
    assert_eq!(legacy.remote_type, Some(RemoteType::Opencode), "remoteType absent = opencode");
    assert_eq!(m.store.active_id.as_deref(), Some("ow_f53d9390ca680b90"));
}

#[test]
fn client_v1_loads_unchanged() {
    let m = load("client-v1.json");
    assert_eq!(m.source, SourceFormat::Client(1));
    assert_eq!(m.store.workspaces.len(), 3);
    let oc = m.store.get("oc_7655c2954283b375").unwrap();
    assert_eq!(oc.name, "project (direct)");
    assert_eq!(oc.created_at, 1767225600000);
    assert_eq!(oc.updated_at, 1767312000000);
    assert_eq!(m.store.active().unwrap().badge(), "[OpenWork]");
    // Ids in the fixture match the documented formula.
    for w in &m.store.workspaces {
        let expected = match w.remote_type {
            Some(RemoteType::Openwork) => openwork_client::ids::openwork_remote_id(
                w.openwork_host_url.as_deref().unwrap(),
                w.openwork_workspace_id.as_deref().unwrap(),
            ),
            Some(RemoteType::Opencode) => openwork_client::ids::opencode_remote_id(
                w.opencode_base_url.as_deref().unwrap(),
                w.opencode_directory.as_deref().unwrap_or(""),
            ),
            None => openwork_client::ids::local_id(w.path.as_deref().unwrap()),
        };
        assert_eq!(w.id, expected);
    }
}

#[test]
fn client_v1_fixture_works_as_a_store_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("client-v1.json"), dir.path().join("workspaces.json")).unwrap();
    let store = Store::at(dir.path());
    let file = store.load().unwrap();
    assert_eq!(file.workspaces.len(), 3);
    assert_eq!(file.active_id.as_deref(), Some("ow_f53d9390ca680b90"));
}

#[test]
fn old_spellings_base_url_and_directory_are_accepted_in_client_format() {
    let doc = br#"{"format":"openwork.workspaces","version":1,"workspaces":[{"id":"oc_x","name":"n",
        "workspaceType":"remote","remoteType":"opencode","baseUrl":"http://h:1","directory":"/d","createdAt":1,"updatedAt":2}]}"#;
    let m = parse_any(doc).unwrap();
    assert_eq!(m.store.workspaces[0].opencode_base_url.as_deref(), Some("http://h:1"));
    assert_eq!(m.store.workspaces[0].opencode_directory.as_deref(), Some("/d"));
}

#[test]
fn unknown_versions_are_rejected() {
    assert!(matches!(
        parse_any(br#"{"format":"openwork.workspaces","version":99,"workspaces":[]}"#),
        Err(openwork_client::migrate::MigrateError::TooNew { found: 99, .. })
    ));
    assert!(parse_any(br#"{"version":4,"workspaces":[]}"#).is_err());
    assert!(parse_any(b"[]").is_err());
}

#[test]
fn import_merges_desktop_v3_into_existing_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path());
    // An entry already present (same server, renamed by the user) and an unrelated one.
    store
        .update(|ws, _| {
            let mut e = openwork_client::WorkspaceEntry::opencode("http://127.0.0.1:4096", Some("/home/user/project")).unwrap();
            e.name = "mine".into();
            ws.upsert(e, false);
            ws.upsert(openwork_client::WorkspaceEntry::local("/elsewhere", None), false);
            ws.active_id = None;
        })
        .unwrap();
    let report = store.import(&fixture("desktop-v3.json")).unwrap();
    assert_eq!((report.inserted, report.updated), (3, 1));
    assert!(report.activated);
    assert_eq!(report.warnings.len(), 1);
    let file = store.load().unwrap();
    assert_eq!(file.workspaces.len(), 5, "merged, not replaced");
    assert_eq!(file.get("oc_7655c2954283b375").unwrap().name, "mine", "existing names are kept");
    assert_eq!(file.active_id.as_deref(), Some("ow_f53d9390ca680b90"));
    // Importing again changes nothing.
    let again = store.import(&fixture("desktop-v3.json")).unwrap();
    assert_eq!((again.inserted, again.updated, again.activated), (0, 4, false));
    assert_eq!(store.load().unwrap().workspaces.len(), 5);
}
