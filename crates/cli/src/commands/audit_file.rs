//! Offline verification of an exported chain: nothing but the file and the
//! deployment's public key.

use crate::output::thousands;
use anyhow::{Context as _, Result};
use mandate_core::OrgId;
use mandate_core::audit::{
    ChainVerifier, Checkpoint, ExportLine, Head, PublicKey, Tamper, VerifyReport,
};
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

/// One organisation's part of the file, as it is read.
struct Section {
    org_id: OrgId,
    name: String,
    checkpoints: Vec<Checkpoint>,
    head: Option<Head>,
    verifier: Option<ChainVerifier>,
}

impl Section {
    fn verifier(&mut self, key: &PublicKey) -> Result<&mut ChainVerifier, Tamper> {
        if self.verifier.is_none() {
            let mut verifier =
                ChainVerifier::new(*key, self.org_id, std::mem::take(&mut self.checkpoints))?;
            if let Some(head) = &self.head {
                verifier.expect_head(head)?;
            }
            self.verifier = Some(verifier);
        }
        Ok(self.verifier.as_mut().expect("just set"))
    }

    fn finish(mut self, key: &PublicKey) -> Result<VerifyReport, Tamper> {
        self.verifier(key)?;
        let head = self.head.take();
        self.verifier
            .take()
            .expect("just set")
            .finish(head.as_ref())
    }
}

pub fn verify(path: &Path, key: &PublicKey) -> Result<ExitCode> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut section: Option<Section> = None;
    let mut verified = 0;
    let fail = |name: &str, why: String| {
        eprintln!("{name}: TAMPERED: {why}");
        Ok(ExitCode::from(1))
    };
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let number = index + 1;
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        let parsed: ExportLine = match serde_json::from_str(&line) {
            Ok(p) => p,
            Err(e) => {
                return fail(
                    &path.display().to_string(),
                    format!("line {number} is not an export line ({e})"),
                );
            }
        };
        match parsed {
            ExportLine::Header {
                org_id,
                organisation,
                ..
            } => {
                if let Some(done) = section.take() {
                    match report(done, key) {
                        Ok(()) => verified += 1,
                        Err(code) => return Ok(code),
                    }
                }
                section = Some(Section {
                    org_id,
                    name: organisation,
                    checkpoints: Vec::new(),
                    head: None,
                    verifier: None,
                });
            }
            other => {
                let Some(current) = section.as_mut() else {
                    return fail(
                        &path.display().to_string(),
                        format!("line {number} comes before any header"),
                    );
                };
                let outcome = match other {
                    ExportLine::Checkpoint(cp) if current.verifier.is_none() => {
                        current.checkpoints.push(cp);
                        Ok(())
                    }
                    ExportLine::Head(head)
                        if current.verifier.is_none() && current.head.is_none() =>
                    {
                        current.head = Some(head);
                        Ok(())
                    }
                    ExportLine::Event(event) => current.verifier(key).and_then(|v| v.push(&event)),
                    _ => return fail(&current.name, format!("line {number} is out of place")),
                };
                if let Err(tamper) = outcome {
                    eprintln!("{}: TAMPERED: {tamper}", current.name);
                    return Ok(ExitCode::from(1));
                }
            }
        }
    }
    match section {
        Some(done) => match report(done, key) {
            Ok(()) => verified += 1,
            Err(code) => return Ok(code),
        },
        None => {
            return fail(
                &path.display().to_string(),
                "the file holds no chain".into(),
            );
        }
    }
    println!(
        "{}: {verified} organisation chain(s) verified with public key {key}",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn report(section: Section, key: &PublicKey) -> Result<(), ExitCode> {
    let name = section.name.clone();
    match section.finish(key) {
        Ok(r) => {
            println!(
                "{name}: {} events and {} checkpoints verified; head at event {}",
                thousands(r.events as u64),
                thousands(r.checkpoints as u64),
                r.head.seq
            );
            Ok(())
        }
        Err(tamper) => {
            eprintln!("{name}: TAMPERED: {tamper}");
            Err(ExitCode::from(1))
        }
    }
}
