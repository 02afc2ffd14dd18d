//! Every route of OpenCode 1.18.33 (its own API description, `GET /doc`, as
//! a list in `opencode-1.18.33-endpoints.txt`) is classified by the policy,
//! and nothing the policy lists is missing from OpenCode. A new OpenCode
//! with a new route fails here until the route is classified.
use http::Method;
use openwork_proxy::routes::{classifies, ROUTES};

/// `(method, pattern)` of every operation in the list.
fn opencode_routes() -> Vec<(Method, String)> {
    include_str!("opencode-1.18.33-endpoints.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split_whitespace();
            (f.next().unwrap().parse().unwrap(), f.next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn every_opencode_route_is_classified() {
    let ops = opencode_routes();
    assert_eq!(ops.len(), 188, "OpenCode 1.18.33 has 188 operations");
    let missing: Vec<String> =
        ops.iter().filter(|(m, p)| !classifies(m, p)).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(missing.is_empty(), "not classified (or matched by another entry):\n{}", missing.join("\n"));
    // Nothing listed that OpenCode does not have (but `GET /doc`, the
    // description itself, which it serves outside the document).
    let extra: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.pattern != "/doc" && !ops.iter().any(|(m, p)| *m == r.method && p == r.pattern))
        .map(|r| format!("{} {}", r.method, r.pattern))
        .collect();
    assert!(extra.is_empty(), "listed but not an OpenCode route: {extra:?}");
}
