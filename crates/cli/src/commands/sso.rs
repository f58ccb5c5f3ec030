//! `mandate sso set|show|test`: sign-in through the organisation's OpenID
//! provider, from the command line (where a locked-out admin can always
//! reach it). The client secret is read from a file, never from argv.

use crate::args::{SsoCommand, SsoSetArgs};
use crate::context::{Context, organisation};
use anyhow::{Context as _, Result, anyhow};
use mandate_app::identity::sso::{redirect_uri, save_sso_settings, test_sso};
use mandate_core::audit::Actor;
use mandate_core::sso::{PasswordPolicy, RoleMapping, SsoSettings};
use mandate_core::{AccessRole, Email};
use mandate_store::{SecretChange, SsoConfig};
use std::process::ExitCode;

pub async fn run(ctx: &Context, command: SsoCommand) -> Result<ExitCode> {
    match command {
        SsoCommand::Set(args) => {
            let store = ctx.open_for_writing(false).await?;
            let org = organisation(&store, args.org.as_deref()).await?;
            let before = store.sso_settings(org.id).await?;
            let secret = match &args.client_secret_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    SecretChange::Set(text.trim().to_string())
                }
                None => SecretChange::Keep,
            };
            let settings = changed(before.settings.clone(), *args)?;
            let after = save_sso_settings(
                &store,
                &Actor::system("sso"),
                org.id,
                Some(before.version),
                settings,
                secret,
            )
            .await?;
            eprintln!("Saved the single sign-on settings of {}.", org.slug);
            print(&after, &ctx.mail.public_url);
        }
        SsoCommand::Show(args) => {
            // With the key: whether the kept secret still opens is shown.
            let store = ctx.open_for_writing(false).await?;
            let org = organisation(&store, args.org.as_deref()).await?;
            let config = store.sso_settings(org.id).await?;
            if config.version == 0 {
                eprintln!("{} has no single sign-on settings yet.", org.slug);
            }
            print(&config, &ctx.mail.public_url);
        }
        SsoCommand::Test(args) => {
            let store = ctx.open_for_writing(false).await?;
            let org = organisation(&store, args.org.as_deref()).await?;
            match test_sso(&store, org.id, &ctx.mail.public_url).await {
                Ok(checks) => {
                    for line in checks {
                        println!("ok: {line}");
                    }
                }
                Err(failure) => return Err(anyhow!("{}", failure.plain())),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The settings with the arguments given applied.
fn changed(mut s: SsoSettings, args: SsoSetArgs) -> Result<SsoSettings> {
    if args.enable {
        s.enabled = true;
    }
    if args.disable {
        s.enabled = false;
    }
    if let Some(v) = args.name {
        s.display_name = v;
    }
    if let Some(v) = args.issuer {
        s.issuer = v;
    }
    if let Some(v) = args.client_id {
        s.client_id = v;
    }
    if let Some(v) = args.scopes {
        s.scopes = vec![v];
    }
    if let Some(v) = args.email_claim {
        s.email_claim = v;
    }
    if let Some(v) = args.trust_email {
        s.trust_email = v;
    }
    if let Some(v) = args.groups_claim {
        s.groups_claim = Some(v).filter(|c| !c.trim().is_empty());
    }
    if args.no_mappings {
        s.role_mappings.clear();
    }
    if !args.mappings.is_empty() {
        s.role_mappings = args
            .mappings
            .iter()
            .map(|m| {
                let (group, role) = m
                    .rsplit_once('=')
                    .ok_or_else(|| anyhow!("--map {m:?}: write it GROUP=ROLE"))?;
                let role: AccessRole = role.trim().parse()?;
                Ok(RoleMapping {
                    group: group.trim().to_string(),
                    role,
                })
            })
            .collect::<Result<_>>()?;
    }
    if let Some(v) = args.passwords {
        s.passwords = PasswordPolicy::parse(&v).map_err(|e| anyhow!(e))?;
    }
    if !args.break_glass.is_empty() {
        s.break_glass = args
            .break_glass
            .iter()
            .map(|e| {
                Email::parse(e.trim()).map_err(|_| anyhow!("--break-glass {e:?} is not an email"))
            })
            .collect::<Result<_>>()?;
    }
    Ok(s)
}

fn print(config: &SsoConfig, public_url: &str) {
    let s = &config.settings;
    let secret = match (config.client_secret_set, config.client_secret_readable) {
        (false, _) => "not set",
        (true, true) => "set",
        (true, false) => "set, but it no longer opens (the signing key changed): set it again",
    };
    println!("enabled: {}", s.enabled);
    println!("name: {}", s.display_name);
    println!("issuer: {}", s.issuer);
    println!("client id: {}", s.client_id);
    println!("client secret: {secret}");
    println!("scopes: openid {}", s.scopes.join(" "));
    println!("email claim: {}", s.email_claim);
    println!("trust unverified emails: {}", s.trust_email);
    println!(
        "groups claim: {}",
        s.groups_claim.as_deref().unwrap_or("(none)")
    );
    for m in &s.role_mappings {
        println!("map: {} = {}", m.group, m.role);
    }
    println!("passwords: {}", s.passwords.as_str());
    for e in &s.break_glass {
        println!("break-glass: {e}");
    }
    println!(
        "redirect URI (from --public-url): {}",
        redirect_uri(public_url)
    );
}
