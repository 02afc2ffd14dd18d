//! Finding, checking and installing the `opencode` binary.
//!
//! Search order: `--opencode-bin`, `$OPENCODE_BIN`, `$PATH`, then the
//! project's own install location (`<data>/engine`, filled by
//! `openwork engine install`).
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};
use openwork_wire::TESTED_OPENCODE_VERSION;

/// npm package that carries OpenCode.
pub const NPM_PACKAGE: &str = "opencode-ai";

/// Where `openwork engine install` puts OpenCode under a data dir.
pub fn install_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("engine")
}

/// The binary inside an install dir, if installed.
pub fn installed_binary(install_dir: &Path) -> Option<PathBuf> {
    let nm = install_dir.join("node_modules");
    [
        nm.join("opencode-linux-x64/bin/opencode"),
        nm.join("opencode-linux-arm64/bin/opencode"),
        nm.join("opencode-darwin-arm64/bin/opencode"),
        nm.join("opencode-darwin-x64/bin/opencode"),
        nm.join("opencode-linux-x64-baseline/bin/opencode"),
        nm.join(".bin/opencode"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// Where the binary was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--opencode-bin`.
    Flag,
    /// `$OPENCODE_BIN`.
    Env,
    /// `$PATH`.
    Path,
    /// OpenWork's own install.
    Installed,
}

/// Locate the binary; a clear error naming every place looked at otherwise.
pub fn locate(flag: Option<&Path>, data_dir: &Path) -> Result<(PathBuf, Source)> {
    if let Some(p) = flag {
        return existing(p, "--opencode-bin").map(|p| (p, Source::Flag));
    }
    if let Some(p) = std::env::var_os("OPENCODE_BIN").filter(|v| !v.is_empty()) {
        return existing(Path::new(&p), "OPENCODE_BIN").map(|p| (p, Source::Env));
    }
    if let Some(p) = search_path("opencode") {
        return Ok((p, Source::Path));
    }
    let dir = install_dir(data_dir);
    if let Some(p) = installed_binary(&dir) {
        return Ok((p, Source::Installed));
    }
    bail!(
        "OpenCode is not installed: no `opencode` on PATH, OPENCODE_BIN unset, nothing in {}.\n\
         Install it with `openwork engine install` (npm package {NPM_PACKAGE}@{TESTED_OPENCODE_VERSION}), \
         or pass --opencode-bin PATH.",
        dir.display()
    )
}

fn existing(p: &Path, origin: &str) -> Result<PathBuf> {
    if p.is_file() {
        Ok(p.to_path_buf())
    } else {
        bail!("{origin} points to {}, which is not a file", p.display())
    }
}

fn search_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// Run `opencode --version` (5 s bound) and return the version string.
pub async fn version(bin: &Path) -> Result<String> {
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::process::Command::new(bin)
            .arg("--version")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .with_context(|| format!("`{} --version` did not answer within 5 s", bin.display()))?
    .with_context(|| format!("could not run {}", bin.display()))?;
    if !out.status.success() {
        bail!("`{} --version` failed with {}", bin.display(), out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.split_whitespace().last().unwrap_or_default().trim_start_matches('v');
    if v.is_empty() {
        bail!("`{} --version` printed nothing", bin.display());
    }
    Ok(v.to_string())
}

/// Key of `bin` in the version cache: path, size and modification time.
fn cache_key(bin: &Path) -> Result<String> {
    let meta = std::fs::metadata(bin).with_context(|| format!("cannot stat {}", bin.display()))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Ok(format!("{}|{}|{}", bin.display(), meta.len(), mtime))
}

fn read_cache(file: &Path) -> std::collections::BTreeMap<String, String> {
    crate::paths::read_limited(file, crate::paths::MAX_READ)
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The version of `bin` remembered in `<data>/engine-version.json`, if this
/// exact binary (path, size, modification time) was asked before.
pub fn remembered_version(bin: &Path, data_dir: &Path) -> Option<String> {
    let key = cache_key(bin).ok()?;
    read_cache(&data_dir.join("engine-version.json")).remove(&key)
}

/// `--version` of `bin`, remembered in `<data>/engine-version.json` keyed by
/// the binary's path, size and modification time, so only the first start
/// after an install pays for running it (OpenCode takes ~0.6-1 s to answer).
pub async fn cached_version(bin: &Path, data_dir: &Path) -> Result<String> {
    if let Some(v) = remembered_version(bin, data_dir) {
        return Ok(v);
    }
    let key = cache_key(bin)?;
    let v = version(bin).await?;
    let file = data_dir.join("engine-version.json");
    let mut cache = read_cache(&file);
    cache.retain(|k, _| !k.starts_with(&format!("{}|", bin.display())));
    cache.insert(key, v.clone());
    if let Ok(json) = serde_json::to_vec_pretty(&cache) {
        if let Err(e) = crate::paths::write_atomic(&file, &json, 0o600) {
            tracing::debug!("could not cache the OpenCode version: {e:#}");
        }
    }
    Ok(v)
}

/// A warning when `version` is not the tested one.
pub fn version_warning(version: &str) -> Option<String> {
    (version != TESTED_OPENCODE_VERSION).then(|| {
        format!(
            "OpenCode {version} is not the tested version {TESTED_OPENCODE_VERSION}; \
             it will probably work, but if something breaks install the tested one with `openwork engine install`"
        )
    })
}

/// Install `opencode-ai@version` with npm into `dir`, streaming npm's output
/// to this process's stderr so the user sees progress.
pub async fn install(dir: &Path, version: &str) -> Result<PathBuf> {
    crate::paths::ensure_private_dir(dir)?;
    let npm = search_path("npm").context(
        "`npm` was not found on PATH; install Node.js (https://nodejs.org) and try again",
    )?;
    eprintln!("Installing {NPM_PACKAGE}@{version} into {} ...", dir.display());
    let status = tokio::process::Command::new(npm)
        .args(["install", "--no-audit", "--no-fund", "--loglevel", "http", "--prefix"])
        .arg(dir)
        .arg(format!("{NPM_PACKAGE}@{version}"))
        .stdin(Stdio::null())
        // npm's output goes to stderr: stdout may carry `--json` lines.
        .stdout(stderr_stdio()?)
        .stderr(Stdio::inherit())
        .status()
        .await
        .context("could not run npm")?;
    if !status.success() {
        bail!("npm install of {NPM_PACKAGE}@{version} failed ({status})");
    }
    let bin = installed_binary(dir).with_context(|| {
        format!("npm finished but no opencode binary was found under {}", dir.display())
    })?;
    let v = self::version(&bin).await?;
    eprintln!("Installed OpenCode {v} at {}", bin.display());
    Ok(bin)
}

/// This process's stderr, for a child's stdout.
fn stderr_stdio() -> Result<Stdio> {
    use std::os::fd::AsFd;
    let fd = std::io::stderr().as_fd().try_clone_to_owned().context("cannot duplicate stderr")?;
    Ok(Stdio::from(fd))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_flag_binary_is_a_clear_error() {
        let err = locate(Some(Path::new("/nonexistent/opencode")), Path::new("/tmp")).unwrap_err();
        assert!(err.to_string().contains("--opencode-bin"), "{err}");
    }

    #[tokio::test]
    async fn version_is_cached_until_the_binary_changes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("fake-opencode");
        let counter = dir.path().join("runs");
        let script = |v: &str| {
            format!("#!/bin/sh\necho x >> {}\necho {v}\n", counter.display())
        };
        std::fs::write(&bin, script("1.0.0")).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let runs = || std::fs::read_to_string(&counter).unwrap_or_default().lines().count();
        assert_eq!(cached_version(&bin, dir.path()).await.unwrap(), "1.0.0");
        assert_eq!(cached_version(&bin, dir.path()).await.unwrap(), "1.0.0");
        assert_eq!(runs(), 1, "second call served from the cache");
        // A different binary (size changes) is asked again.
        std::fs::write(&bin, script("2.0.0-longer")).unwrap();
        assert_eq!(cached_version(&bin, dir.path()).await.unwrap(), "2.0.0-longer");
        assert_eq!(runs(), 2);
    }

    #[test]
    fn version_warning_only_for_other_versions() {
        assert!(version_warning(TESTED_OPENCODE_VERSION).is_none());
        assert!(version_warning("0.0.1").unwrap().contains("0.0.1"));
    }
}
