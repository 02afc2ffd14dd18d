//! Property tests of the policy over encodings an attacker would try:
//! machine-wide routes and foreign folders spelled with single, double and
//! mixed-case percent-encodings, encoded brackets, any letter case.
//!
//! - a machine-wide route, however its path is encoded, is never forwarded
//!   (403 once decoded, 400 when still encoded after one decoding);
//! - any spelling of a location input naming another folder is refused;
//! - an allowed route, however encoded, is forwarded as its one canonical path.
//!
//! Reproducible: seeded from `PROXY_PROP_SEED` (default [`DEFAULT_SEED`],
//! printed); inputs that once failed are in `tests/regressions/encodings.jsonl`
//! and replayed first; a new failure is appended there.
use std::path::{Path, PathBuf};

use http::Method;
use openwork_proxy::routes::{Class, ROUTES};
use openwork_proxy::{decide, pin};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::{json, Value};

const DEFAULT_SEED: u64 = 0x0e4c_0d1e_2026_1130;
const ACTIVE: &str = "/home/me/project";
const CASES: u32 = 2000;

fn seed() -> u64 {
    std::env::var("PROXY_PROP_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_SEED)
}

fn runner(name: &str) -> TestRunner {
    let digest = {
        // A per-property seed from the run's seed and the property's name.
        let mut s = [0u8; 32];
        for (i, b) in format!("{}:{name}", seed()).bytes().enumerate() {
            s[i % 32] = s[i % 32].wrapping_mul(31).wrapping_add(b);
        }
        s
    };
    TestRunner::new_with_rng(
        Config { cases: CASES, failure_persistence: None, ..Config::default() },
        TestRng::from_seed(RngAlgorithm::ChaCha, &digest),
    )
}

fn regressions_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions/encodings.jsonl")
}

/// Regression cases of `property`.
fn regressions(property: &str) -> Vec<Value> {
    std::fs::read_to_string(regressions_file())
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["property"] == property)
        .collect()
}

/// Run `property` over its regressions, then `cases` drawn from `strategy`.
fn check<S: Strategy>(property: &str, strategy: S, test: impl Fn(&S::Value) -> Result<(), TestCaseError>)
where
    S::Value: serde::Serialize + for<'de> serde::Deserialize<'de>,
{
    for case in regressions(property) {
        let input: S::Value = serde_json::from_value(case["input"].clone()).unwrap();
        if let Err(e) = test(&input) {
            panic!("{property}: regression case failed again: {e}\n{case}");
        }
    }
    match runner(property).run(&strategy, |v| test(&v)) {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => {
            let line = json!({ "property": property, "input": input }).to_string();
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new().append(true).create(true).open(regressions_file()) {
                let _ = writeln!(f, "{line}");
            }
            panic!("{property}: {why}\nseed {}; kept as a regression case:\n{line}", seed());
        }
        Err(e) => panic!("{property}: {e}"),
    }
}

/// A concrete path for a pattern.
fn sample(pattern: &str) -> String {
    pattern
        .split('/')
        .skip(1)
        .map(|s| match s {
            "*" => "src/main.rs".to_string(),
            s if s.starts_with('{') => "ses_1".to_string(),
            s => s.to_string(),
        })
        .fold(String::new(), |acc, s| format!("{acc}/{s}"))
}

/// How each byte of a text is written: as is, `%xx`, `%XX`, or `%25xx`
/// (encoded twice).
fn spelling(text: String) -> impl Strategy<Value = String> {
    let n = text.len();
    prop::collection::vec(0u8..8, n).prop_map(move |how| {
        let mut out = String::new();
        for (b, h) in text.bytes().zip(how) {
            let keep = b == b'/' || b == b'=' || b == b'&';
            match h {
                _ if keep => out.push(b as char),
                0..=3 => out.push(b as char),
                4 | 5 => out.push_str(&format!("%{b:02x}")),
                6 => out.push_str(&format!("%{b:02X}")),
                _ => out.push_str(&format!("%25{b:02X}")),
            }
        }
        out
    })
}

fn with_case(text: String) -> impl Strategy<Value = String> {
    let n = text.len();
    prop::collection::vec(any::<bool>(), n)
        .prop_map(move |up| text.chars().zip(up).map(|(c, u)| if u { c.to_ascii_uppercase() } else { c }).collect())
}

#[test]
fn machine_routes_are_never_forwarded_however_encoded() {
    let machine: Vec<(String, String)> = ROUTES
        .iter()
        .filter(|r| r.class == Class::Machine)
        .map(|r| (r.method.to_string(), sample(r.pattern)))
        .collect();
    let strategy = prop::sample::select(machine).prop_flat_map(|(m, p)| (Just(m), spelling(p)));
    check("machine routes", strategy, |(method, path)| {
        let m: Method = method.parse().unwrap();
        match decide(&m, path, None, &http::HeaderMap::new(), ACTIVE) {
            Ok(d) => Err(TestCaseError::fail(format!("{method} {path} forwarded as {} {}", d.route.method, d.path))),
            Err(r) => {
                prop_assert!(r.status() == 403 || r.status() == 400, "{method} {path}: {r:?}");
                Ok(())
            }
        }
    });
}

#[test]
fn allowed_routes_are_forwarded_as_one_canonical_path() {
    let allowed: Vec<(String, String)> = ROUTES
        .iter()
        .filter(|r| r.class != Class::Machine)
        .map(|r| (r.method.to_string(), sample(r.pattern)))
        .collect();
    // Single encodings only (double ones are refused, see above).
    let strategy = prop::sample::select(allowed).prop_flat_map(|(m, p)| {
        let n = p.len();
        (Just(m), Just(p), prop::collection::vec(0u8..3, n))
    });
    check("allowed routes", strategy, |(method, plain, how)| {
        let spelled: String = plain
            .bytes()
            .zip(how)
            .map(|(b, h)| match h {
                _ if b == b'/' => "/".to_string(),
                0 => (b as char).to_string(),
                1 => format!("%{b:02x}"),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let m: Method = method.parse().unwrap();
        let d = decide(&m, &spelled, None, &http::HeaderMap::new(), ACTIVE).map_err(|r| TestCaseError::fail(format!("{spelled}: {r:?}")))?;
        let canonical = decide(&m, plain, None, &http::HeaderMap::new(), ACTIVE).unwrap();
        prop_assert_eq!(&d.path, &canonical.path);
        prop_assert_eq!(d.route.pattern, canonical.route.pattern);
        Ok(())
    });
}

/// Keys OpenCode reads a folder (or another location) from.
const LOCATION_KEYS: &[&str] =
    &["directory", "location[directory]", "location[workspace]", "workspace", "location.directory", "location"];

#[test]
fn foreign_folders_are_refused_in_any_spelling() {
    let folders = vec!["/etc", "/home/me/other", "/home/me/project/../other", "/home/me/project2", "/", "~"];
    let strategy = (prop::sample::select(LOCATION_KEYS.to_vec()), prop::sample::select(folders), any::<bool>())
        .prop_flat_map(|(k, f, v2)| {
            (with_case(k.to_string()).prop_flat_map(spelling), spelling(f.to_string()), Just(v2))
        });
    check("foreign folders", strategy, |(key, value, v2)| {
        let route = ROUTES.iter().find(|r| r.pattern == if *v2 { "/api/fs/list" } else { "/file" }).unwrap();
        let q = format!("{key}={value}");
        prop_assert!(pin::query(Some(&q), route, ACTIVE, None).is_err(), "{q} passed on {}", route.pattern);
        // The same folder in the header.
        let mut h = http::HeaderMap::new();
        if let Ok(v) = value.parse() {
            h.insert(pin::DIRECTORY_HEADER, v);
            let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
            if !openwork_proxy::path::same_dir(&decoded, ACTIVE) {
                prop_assert!(pin::check_headers(&h, ACTIVE).is_err(), "header {value} passed");
            }
        }
        Ok(())
    });
}
