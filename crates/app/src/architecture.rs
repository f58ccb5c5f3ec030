//! The dependency arrows of `shared/DESIGN.md`, checked against the crates'
//! manifests: `cli -> app`, `web -> app`, `notify -> app`,
//! `app -> store -> core`, `app -> report -> core`, and the CLI reaching
//! into `web` only to serve. An arrow pointing the wrong way fails here
//! before it settles in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each crate and the workspace crates it may depend on (not counting
/// dev-dependencies: tests may use the test kit anywhere).
const ALLOWED: &[(&str, &[&str])] = &[
    ("core", &[]),
    ("store", &["core"]),
    ("report", &["core"]),
    ("pdf", &["report", "core"]),
    // The OpenID client is a crate of its own for its build cost; it knows
    // nothing of Mandate.
    ("oidc", &[]),
    ("app", &["oidc", "store", "report", "core"]),
    ("notify", &["app", "oidc", "store", "report", "core"]),
    // The mail settings page checks templates with notify's rules.
    ("web", &["app", "notify", "oidc", "store", "report", "core"]),
    (
        "cli",
        &[
            "app", "web", "notify", "oidc", "pdf", "store", "report", "core",
        ],
    ),
    // Fixtures made through the store; only ever a dev-dependency.
    ("testkit", &["store", "core"]),
];

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates/")
        .to_path_buf()
}

/// The workspace crates each crate depends on, from its manifest.
fn arrows() -> BTreeMap<String, Vec<String>> {
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(crates_dir()).expect("crates/ lists") {
        let dir = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let manifest: toml::Table = text.parse().expect("a manifest parses");
        let deps = manifest
            .get("dependencies")
            .and_then(|d| d.as_table())
            .map(|d| {
                d.keys()
                    .filter_map(|k| k.strip_prefix("mandate-"))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        all.insert(name, deps);
    }
    all
}

#[test]
fn dependencies_point_one_way() {
    let arrows = arrows();
    for (krate, deps) in &arrows {
        let Some((_, allowed)) = ALLOWED.iter().find(|(c, _)| c == krate) else {
            panic!("crate {krate} is not in the architecture test: give it its place");
        };
        for dep in deps {
            assert!(
                allowed.contains(&dep.as_str()),
                "{krate} depends on {dep}: DESIGN.md's arrows do not allow it"
            );
        }
    }
    // The arrows this layer exists for.
    for front in ["cli", "web"] {
        assert!(arrows[front].iter().any(|d| d == "app"), "{front} uses app");
    }
}

#[test]
fn the_cli_reaches_into_web_only_to_serve() {
    let src = crates_dir().join("cli").join("src");
    let mut users = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("lists") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read_to_string(&path).is_ok_and(|t| t.contains("mandate_web")) {
                let relative = path.strip_prefix(&src).expect("under src");
                users.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    users.sort();
    // `serve` runs the server; `args` parses its flags (the trusted proxies).
    assert_eq!(users, ["args.rs", "commands/serve.rs"]);
}
