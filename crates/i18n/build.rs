//! The message files are compiled in. The loader's macro makes Cargo track
//! the files that existed when it ran, not a file added later (such as a
//! new `locales/*/NAME.ftl`), so the whole directory is watched here.

fn main() {
    println!("cargo::rerun-if-changed=locales");
}
