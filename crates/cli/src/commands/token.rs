//! `mandate token create`: an API token for a user, printed once.

use crate::args::TokenCommand;
use crate::context::{Context, organisation};
use anyhow::{Context as _, Result, anyhow};
use mandate_core::Email;
use mandate_core::audit::Actor;
use mandate_core::token::{API_TOKEN_PREFIX, secret_from_bytes, secret_hash};
use std::process::ExitCode;

pub async fn run(ctx: &Context, command: TokenCommand) -> Result<ExitCode> {
    let TokenCommand::Create(args) = command;
    let email = Email::parse(&args.email).context("--email")?;
    let store = ctx.open_for_writing(false).await?;
    let org = organisation(&store, args.org.as_deref()).await?;
    let (user, _) = store
        .user_by_email(org.id, &email)
        .await?
        .ok_or_else(|| anyhow!("{email} has no login in {}", org.slug))?;
    if user.disabled_at.is_some() {
        anyhow::bail!("the login {email} is disabled");
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness for a token: {e}"))?;
    let secret = secret_from_bytes(API_TOKEN_PREFIX, bytes);
    let token = store
        .create_token(
            &Actor::system("token"),
            org.id,
            user.id,
            &args.name,
            &secret_hash(&secret),
        )
        .await?;
    eprintln!(
        "Created the token {:?} for {email} ({}); it is shown once:",
        token.name, user.access_role
    );
    println!("{secret}");
    Ok(ExitCode::SUCCESS)
}
