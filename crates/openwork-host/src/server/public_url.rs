//! The base URL handed out to clients: the one they used to reach us.
use axum::http::HeaderMap;

/// The base URL a client used to reach us (`--connect-host` wins over the
/// request's `Host` header), e.g. `http://192.168.1.5:8787`.
pub fn public_base(headers: &HeaderMap, connect_host: Option<&str>) -> String {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http");
    if let Some(h) = connect_host {
        let h = h.trim_end_matches('/');
        if h.starts_with("http://") || h.starts_with("https://") {
            return h.to_string();
        }
        return format!("{}://{h}", forwarded_proto.unwrap_or("http"));
    }
    let host = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| is_sane_host(h))
        .unwrap_or("127.0.0.1");
    format!("{}://{host}", forwarded_proto.unwrap_or("http"))
}

/// A `Host` header we are willing to echo back in URLs.
fn is_sane_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_from_host_header_or_connect_host() {
        let mut h = HeaderMap::new();
        h.insert(http::header::HOST, "10.0.0.2:8787".parse().unwrap());
        assert_eq!(public_base(&h, None), "http://10.0.0.2:8787");
        assert_eq!(public_base(&h, Some("box.tailnet.ts.net")), "http://box.tailnet.ts.net");
        assert_eq!(public_base(&h, Some("https://box.example/")), "https://box.example");
        h.insert(http::header::HOST, "evil/<script>".parse().unwrap());
        assert_eq!(public_base(&h, None), "http://127.0.0.1");
    }
}
