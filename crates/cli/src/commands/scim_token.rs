//! `mandate scim-token create|list|revoke`: the tokens with which an
//! identity provider provisions the register through SCIM.

use crate::args::ScimTokenCommand;
use crate::context::{Context, organisation};
use anyhow::Result;
use mandate_app::identity::scim::issue_scim_token;
use mandate_core::audit::Actor;
use mandate_core::scim::timestamp;
use std::process::ExitCode;

pub async fn run(ctx: &Context, command: ScimTokenCommand) -> Result<ExitCode> {
    let actor = Actor::system("scim-token");
    match command {
        ScimTokenCommand::Create(args) => {
            let store = ctx.open_for_writing(false).await?;
            let org = organisation(&store, args.org.as_deref()).await?;
            let (token, secret) = issue_scim_token(&store, &actor, org.id, &args.name).await?;
            eprintln!(
                "Created the SCIM token {:?} ({}) for {}; it is shown once. \
                 The provider's SCIM address is <public URL>/scim/v2.",
                token.name, token.id, org.slug
            );
            println!("{secret}");
        }
        ScimTokenCommand::List(args) => {
            let store = ctx.open_for_reading().await?;
            let org = organisation(&store, args.org.as_deref()).await?;
            let tokens = store.scim_tokens(org.id).await?;
            if tokens.is_empty() {
                eprintln!("{} has no SCIM token.", org.slug);
            }
            for t in tokens {
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {}", timestamp(at)),
                    None => String::from("live"),
                };
                let used = t.last_used_at.map_or_else(
                    || "never used".to_string(),
                    |at| format!("last used {}", timestamp(at)),
                );
                println!(
                    "{}\t{}\t{state}\tcreated {}\t{used}",
                    t.id,
                    t.name,
                    timestamp(t.created_at)
                );
            }
        }
        ScimTokenCommand::Revoke(args) => {
            let store = ctx.open_for_writing(false).await?;
            let org = organisation(&store, args.org.as_deref()).await?;
            let token = store.revoke_scim_token(&actor, org.id, args.id).await?;
            eprintln!("The SCIM token {:?} is revoked.", token.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
