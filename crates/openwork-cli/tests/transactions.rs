//! State changes are transactional (persist → serve → announce): a switch or
//! a token rotation that cannot be saved changes nothing and says so (507);
//! concurrent switches run one after the other, so the saved file, the
//! folder served and the last `workspace.switched` event always agree.
mod support;

use std::io::BufRead;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use serde_json::{json, Value};
use support::*;

/// The host's `/events`, parsed, on a channel.
fn events(host: &TestHost) -> Receiver<Value> {
    let resp = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/events", host.url))
        .bearer_auth(&host.client_token)
        .send()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(resp).lines().map_while(Result::ok) {
            let Some(data) = line.strip_prefix("data:") else { continue };
            if let Ok(v) = serde_json::from_str::<Value>(data.trim()) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

fn switch(host: &TestHost, path: &str) -> (u16, Value) {
    let resp = http()
        .post(format!("{}/workspaces/active", host.url))
        .header("x-openwork-host-token", &host.host_token)
        .json(&json!({ "path": path }))
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

fn saved_active(sandbox: &Sandbox) -> String {
    let raw = std::fs::read(sandbox.path("ow-data").join("host-workspaces.json")).unwrap();
    serde_json::from_slice::<Value>(&raw).unwrap()["active"].as_str().unwrap().to_string()
}

fn served(host: &TestHost) -> String {
    let (_, w) = get(&format!("{}/workspaces/active", host.url), Some(&host.client_token));
    w["path"].as_str().unwrap().to_string()
}

#[test]
fn a_switch_on_a_full_disk_changes_nothing_and_says_so() {
    let sandbox = Sandbox::new();
    let other = sandbox.path("other");
    std::fs::create_dir_all(&other).unwrap();
    let _fs = TinyFs::mount(&sandbox.path("ow-data"), "2m");
    let host = TestHost::start(&sandbox, &[]);
    let before = served(&host);
    let rx = events(&host);
    let filler = fill_disk(&sandbox.path("ow-data"));
    let (status, body) = switch(&host, &canonical(&other));
    assert_eq!((status, body["code"].as_str()), (507, Some("storage_full")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("nothing was changed"), "{body}");
    assert_eq!(served(&host), before, "the host still serves the folder it served");
    assert_eq!(saved_active(&sandbox), before);
    assert!(
        rx.recv_timeout(Duration::from_secs(2)).map_or(true, |e| e["type"] != "workspace.switched"),
        "no switch was announced"
    );
    // Space again: the switch goes through, all three agree.
    std::fs::remove_file(filler).unwrap();
    let (status, body) = switch(&host, &canonical(&other));
    assert_eq!(status, 200, "{body}");
    assert_eq!(served(&host), canonical(&other));
    assert_eq!(saved_active(&sandbox), canonical(&other));
    let ev = poll(Duration::from_secs(30), "workspace.switched", || rx.try_iter().find(|e| e["type"] == "workspace.switched"));
    assert_eq!(ev["properties"]["to"]["path"], canonical(&other));
}

#[test]
fn a_rotation_on_a_full_disk_keeps_the_old_token() {
    let sandbox = Sandbox::new();
    let _fs = TinyFs::mount(&sandbox.path("ow-config"), "1m");
    let host = TestHost::start(&sandbox, &[]);
    let filler = fill_disk(&sandbox.path("ow-config"));
    let resp = http().post(format!("{}/tokens/rotate", host.url)).header("x-openwork-host-token", &host.host_token).send().unwrap();
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap();
    assert_eq!((status, body["code"].as_str()), (507, Some("storage_full")), "{body}");
    let (status, _) = get(&format!("{}/workspaces", host.url), Some(&host.client_token));
    assert_eq!(status, 200, "the old token still works");
    std::fs::remove_file(filler).unwrap();
    let resp = http().post(format!("{}/tokens/rotate", host.url)).header("x-openwork-host-token", &host.host_token).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let fresh: Value = resp.json().unwrap();
    let (status, _) = get(&format!("{}/workspaces", host.url), Some(&host.client_token));
    assert_eq!(status, 401, "rotated: the old token is refused");
    let (status, _) = get(&format!("{}/workspaces", host.url), Some(fresh["clientToken"].as_str().unwrap()));
    assert_eq!(status, 200);
}

#[test]
fn concurrent_switches_leave_file_folder_and_event_in_agreement() {
    const BURSTS: usize = 100;
    const PER_BURST: usize = 8;
    let sandbox = Sandbox::new();
    let folders: Vec<String> = (0..PER_BURST)
        .map(|i| {
            let d = sandbox.path(&format!("folder-{i}"));
            std::fs::create_dir_all(&d).unwrap();
            canonical(&d)
        })
        .collect();
    let host = TestHost::start(&sandbox, &[]);
    let rx = events(&host);
    let mut last_event = None;
    let mut switched = 0usize;
    let mut disagreements = Vec::new();
    let t0 = std::time::Instant::now();
    for burst in 0..BURSTS {
        std::thread::scope(|s| {
            for f in &folders {
                let host = &host;
                s.spawn(move || assert_eq!(switch(host, f).0, 200));
            }
        });
        switched += PER_BURST;
        // Every switch announced (each before its answer), in order of the lock.
        let mut seen = 0;
        while seen < PER_BURST {
            let e = rx.recv_timeout(Duration::from_secs(30)).expect("a workspace.switched event");
            if e["type"] == "workspace.switched" {
                last_event = Some(e["properties"]["to"]["path"].as_str().unwrap().to_string());
                seen += 1;
            }
        }
        let (file, folder, event) = (saved_active(&sandbox), served(&host), last_event.clone().unwrap());
        if file != folder || folder != event {
            disagreements.push(format!("burst {burst}: file {file}, served {folder}, last event {event}"));
        }
    }
    report(
        "concurrent switches",
        format!("{BURSTS} bursts of {PER_BURST} ({switched} switches) in {:?}, {} disagreements", t0.elapsed(), disagreements.len()),
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
