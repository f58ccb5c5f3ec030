//! `mandate init`: a new organisation with its first admin, in one step.

use crate::args::InitArgs;
use crate::context::Context;
use anyhow::{Context as _, Result, bail};
use mandate_core::audit::Actor;
use mandate_core::import::ImportRow;
use mandate_core::import::plan_import;
use mandate_core::password::hash_password;
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, Email, NewOrganisation, NewUser, PersonKind, Slug};
use std::io::IsTerminal;
use std::process::ExitCode;

pub const PASSWORD_ENV: &str = "MANDATE_ADMIN_PASSWORD";

pub async fn run(ctx: &Context, args: InitArgs) -> Result<ExitCode> {
    // Everything is checked before anything is written.
    let email = Email::parse(&args.admin_email).context("--admin-email")?;
    let slug = match &args.org_slug {
        Some(s) => Slug::parse(s).context("--org-slug")?,
        None => Slug::parse(&slugify(&args.org_name))
            .context("cannot derive a slug from the organisation's name: pass --org-slug")?,
    };
    let new_org = NewOrganisation::new(slug.clone(), &args.org_name)?;
    let password = admin_password()?;
    let hash = hash_password(&password)?;
    let name = args
        .admin_name
        .clone()
        .unwrap_or_else(|| name_from_email(&email));

    let store = ctx.open_for_writing(true).await?;
    if store.organisation_by_slug(&slug).await?.is_some() {
        bail!("the organisation {slug:?} already exists in {}", ctx.url);
    }
    let row = ImportRow {
        line: 1,
        name,
        email: email.clone(),
        department: None,
        manager_email: None,
        start_date: None,
        end_date: None,
        kind: Some(PersonKind::Employee),
    };
    let (plan, errors) = plan_import(new_org.id, &[], &[row], now());
    if let Some(e) = errors.first() {
        bail!("the admin: {}", e.message);
    }
    let admin = NewUser {
        person_id: plan.inserts[0].id,
        access_role: AccessRole::Admin,
        password_hash: Some(hash),
    };
    let org = store
        .create_organisation(&Actor::system("init"), &new_org, &plan.inserts, &[admin])
        .await?;
    // A starter role catalogue the organisation then edits (5.3).
    let roles = store
        .install_starter_roles(&Actor::system("init"), org.id)
        .await?;
    println!(
        "Created the organisation {:?} ({}) in {}",
        org.name, org.slug, ctx.url
    );
    println!("Admin login: {email}");
    println!("Starter role catalogue: {roles} ISMS roles, to edit under Roles.");
    println!(
        "Audit signing key: {} (keep it safe and private; auditors need only the public key)",
        ctx.key_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn admin_password() -> Result<String> {
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no admin password: set {PASSWORD_ENV} or run `mandate init` in a terminal");
    }
    let first = rpassword::prompt_password("Admin password (at least 12 characters): ")?;
    let second = rpassword::prompt_password("Once more: ")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}

/// `Acme Widgets Ltd.` becomes `acme-widgets-ltd`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-')
        .chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// `ana.silva@x.io` becomes `Ana Silva`.
fn name_from_email(email: &Email) -> String {
    let local = email.as_str().split('@').next().unwrap_or("admin");
    local
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_slugs() {
        assert_eq!(slugify("Acme Widgets Ltd."), "acme-widgets-ltd");
        assert_eq!(slugify("  Zoë & Co  "), "zo-co");
    }

    #[test]
    fn emails_become_names() {
        let email = Email::parse("ana.silva@x.io").expect("valid");
        assert_eq!(name_from_email(&email), "Ana Silva");
    }
}
