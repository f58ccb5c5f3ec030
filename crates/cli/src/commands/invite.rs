//! `mandate invite`: mail one person, a department or everyone who cannot
//! sign in yet a link with which they choose a password. The mail waits in
//! the outbox and goes with the next round of sending (`mandate serve` or
//! `mandate tick` with an SMTP server).

use crate::args::InviteArgs;
use crate::context::{Context, organisation};
use anyhow::{Context as _, Result, anyhow, bail};
use mandate_app::identity::{InviteScope, invite};
use mandate_core::Email;
use mandate_core::audit::Actor;
use mandate_core::timefmt::now;
use std::process::ExitCode;

pub async fn run(ctx: &Context, args: InviteArgs) -> Result<ExitCode> {
    let store = ctx.open_for_writing(false).await?;
    let org = organisation(&store, args.org.as_deref()).await?;
    let scope = match (args.everyone, args.department, args.email) {
        (true, None, None) => InviteScope::Everyone,
        (false, Some(department), None) => InviteScope::Department(department),
        (false, None, Some(email)) => {
            let email = Email::parse(&email).context("--email")?;
            let person = store
                .person_by_email(org.id, &email)
                .await?
                .ok_or_else(|| {
                    anyhow!(
                        "nobody in the register of {} has the email {email}",
                        org.slug
                    )
                })?;
            InviteScope::Person(person.id)
        }
        _ => bail!("say whom to invite: --everyone, --department D or --email E (one of them)"),
    };
    let done = invite(&store, &Actor::system("invite"), org.id, &scope, now())
        .await
        .map_err(|e| anyhow!(e))?;
    println!("{} invitation(s) queued", done.invited);
    if done.already_invited > 0 {
        println!(
            "{} person(s) left out: their invitation is still open",
            done.already_invited
        );
    }
    if ctx.mail.smtp_url.is_none() {
        eprintln!(
            "No SMTP server is configured here: the invitations wait in the outbox until a server with --smtp-url sends them."
        );
    }
    Ok(ExitCode::SUCCESS)
}
