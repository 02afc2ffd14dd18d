//! Opening the user's browser.

/// Try to open `url` in the default browser (`$BROWSER`, then `xdg-open` /
/// `open`). Returns whether a launcher was started.
pub fn open(url: &str) -> bool {
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(b) = std::env::var("BROWSER") {
        candidates.extend(b.split(':').filter(|s| !s.is_empty()).map(str::to_string));
    }
    candidates.push(if cfg!(target_os = "macos") { "open".into() } else { "xdg-open".into() });
    candidates.into_iter().any(|cmd| {
        std::process::Command::new(cmd)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok()
    })
}
