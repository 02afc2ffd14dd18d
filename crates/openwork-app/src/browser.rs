//! Opening the user's browser on a sign-in link without putting the code on
//! a command line (other local users can read every process's arguments in
//! `/proc`): the code goes into a 0600 HTML file in a 0700 directory, the
//! browser is given the file's path, and the page posts the code to the app
//! (as Jupyter does with its redirect file).
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Start the default browser on `target` (`$BROWSER`, then `xdg-open` /
/// `open`). Returns whether a launcher was started.
pub fn open(target: &str) -> bool {
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(b) = std::env::var("BROWSER") {
        candidates.extend(b.split(':').filter(|s| !s.is_empty()).map(str::to_string));
    }
    candidates.push(if cfg!(target_os = "macos") { "open".into() } else { "xdg-open".into() });
    candidates.into_iter().any(|cmd| {
        std::process::Command::new(cmd)
            .arg(target)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok()
    })
}

/// Directory of the sign-in pages in `data_dir` (0700).
pub fn sign_in_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("sign-in")
}

/// Write a page that signs in with the code of `sign_in_url`
/// (`http://127.0.0.1:PORT/signin?code=…`) to a new 0600 file under
/// [`sign_in_dir`], removing pages whose codes have expired. Returns its path.
pub fn write_sign_in_page(data_dir: &Path, sign_in_url: &str) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let url = url::Url::parse(sign_in_url).context("sign-in URL")?;
    let code = url.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).context("no code in the sign-in URL")?;
    let action = format!("{}/signin", url.origin().ascii_serialization());
    let dir = sign_in_dir(data_dir);
    openwork_client::fsutil::ensure_private_dir(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    remove_expired(&dir);
    let page = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
         <title>Signing in to OpenWork…</title></head>\n<body>\n<form id=\"f\" method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"code\" value=\"{code}\"><button type=\"submit\">Sign in to OpenWork</button></form>\n\
         <script>document.getElementById('f').submit()</script>\n</body></html>\n",
        action = html_escape(&action),
        code = html_escape(&code),
    );
    let path = dir.join(format!("open-{}.html", hex::encode(rand::random::<[u8; 8]>())));
    openwork_client::fsutil::write_atomic(&path, page.as_bytes(), 0o600)
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(path)
}

/// Open the browser on a sign-in page for `sign_in_url` (see
/// [`write_sign_in_page`]). Returns whether a launcher was started.
pub fn open_sign_in(data_dir: &Path, sign_in_url: &str) -> Result<bool> {
    let page = write_sign_in_page(data_dir, sign_in_url)?;
    let target = url::Url::from_file_path(&page).map(String::from).unwrap_or_else(|_| page.display().to_string());
    Ok(open(&target))
}

/// Remove sign-in pages older than a code lives.
fn remove_expired(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let old = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if old.is_some_and(|age| age > crate::auth::CODE_TTL) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_page_holds_the_code_privately() {
        let tmp = tempfile::tempdir().unwrap();
        let page = write_sign_in_page(tmp.path(), "http://127.0.0.1:4000/signin?code=abc123").unwrap();
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(text.contains("action=\"http://127.0.0.1:4000/signin\"") && text.contains("value=\"abc123\""), "{text}");
        assert_eq!(std::fs::metadata(&page).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(page.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
    }
}
