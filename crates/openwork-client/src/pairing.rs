//! Pairing with a host: a link `http://HOST:PORT/?pair=<code>` (from
//! `openwork pair` or the host's settings page) is exchanged once for this
//! device's own token (`POST /pairing/exchange`).
use openwork_wire::api::{IssuedToken, PairingExchange};

use crate::call::{self, CallError};

/// The host URL and the code of a pairing link, if `url` is one.
pub fn parse_link(url: &str) -> Option<(String, String)> {
    let parsed = url::Url::parse(url).ok()?;
    let code = parsed.query_pairs().find(|(k, _)| k == "pair").map(|(_, v)| v.into_owned())?;
    let mut base = parsed.clone();
    base.set_query(None);
    base.set_fragment(None);
    Some((base.as_str().trim_end_matches('/').to_string(), code))
}

/// Exchange `code` at the host `base_url` for a device token named `label`.
pub async fn exchange(http: &reqwest::Client, base_url: &str, code: &str, label: Option<String>) -> Result<IssuedToken, CallError> {
    let body = PairingExchange { code: code.to_string(), label };
    call::json(http.post(format!("{base_url}/pairing/exchange")).json(&body)).await
}

/// A QR code drawn with Unicode half blocks (two rows per line).
pub fn qr_text(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let dark = |x: i64, y: i64| -> bool {
        x >= 0 && y >= 0 && (x as usize) < width && (y as usize) < width
            && colors[y as usize * width + x as usize] == qrcode::Color::Dark
    };
    let mut out = String::new();
    let quiet = 2i64;
    let mut y = -quiet;
    while y < width as i64 + quiet {
        for x in -quiet..width as i64 + quiet {
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (true, true) => ' ',
                (true, false) => '▄',
                (false, true) => '▀',
                (false, false) => '█',
            });
        }
        out.push('\n');
        y += 2;
    }
    Some(out)
}

/// A QR code of `data` as an SVG image (black modules on white, a quiet
/// zone of two modules), for a page to show.
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 4;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for y in 0..width {
        for x in 0..width {
            if colors[y * width + x] == qrcode::Color::Dark {
                out.push_str(&format!("M{} {}h1v1h-1z", x + 2, y + 2));
            }
        }
    }
    out.push_str("\"/></svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes() {
        let svg = qr_svg("http://10.0.0.2:8787/?pair=abc123").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("M"));
        assert!(qr_text("x").unwrap().lines().count() > 5);
    }

    #[test]
    fn pairing_links() {
        assert_eq!(
            parse_link("http://10.0.0.2:8787/?pair=abc123"),
            Some(("http://10.0.0.2:8787".into(), "abc123".into()))
        );
        assert_eq!(parse_link("http://10.0.0.2:8787/?token=x"), None);
        assert_eq!(parse_link("not a url"), None);
    }
}
