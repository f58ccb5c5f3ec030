//! One module per command.

mod audit;
mod audit_file;
mod backup;
mod check;
mod demo;
mod demo_campaigns;
mod demo_commitment;
mod demo_improvement;
mod demo_performance;
mod demo_policies;
mod evidence;
mod import;
mod init;
mod invite;
mod policy_files;
mod scim_token;
mod serve;
mod sso;
mod tick;
mod token;

use crate::args::{Cli, Command};
use crate::context::Context;
use anyhow::Result;
use std::process::ExitCode;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Context::new(&cli.global)?;
    match cli.command {
        Command::Init(args) => init::run(&ctx, args).await,
        Command::Demo(args) => demo::run(&ctx, args).await,
        Command::Serve(args) => serve::run(&ctx, args).await,
        Command::Import(command) => import::run(&ctx, command).await,
        Command::Export(command) => policy_files::export(&ctx, command).await,
        Command::Audit(command) => audit::run(&ctx, command).await,
        Command::Token(command) => token::run(&ctx, command).await,
        Command::Invite(args) => invite::run(&ctx, args).await,
        Command::ScimToken(command) => scim_token::run(&ctx, command).await,
        Command::Sso(command) => sso::run(&ctx, command).await,
        Command::Check(args) => check::run(&ctx, args).await,
        Command::Tick => tick::run(&ctx).await,
        Command::Backup(args) => backup::backup(&ctx, args).await,
        Command::Restore(args) => backup::restore(&ctx, args).await,
    }
}
