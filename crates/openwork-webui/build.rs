//! Rebuild the embedded assets whenever `web/dist` changes (files added or
//! removed, not only edited: hashed names change on every UI build).
fn main() {
    println!("cargo:rerun-if-changed=../../web/dist");
}
