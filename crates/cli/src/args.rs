//! The command line's shape, declared with clap.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "mandate",
    version,
    about = "Mandate: the leadership side of an ISO/IEC 27001 ISMS (Clause 5)",
    long_about = "Mandate keeps the records Clause 5 of ISO/IEC 27001 asks top management for, \
                  runs the workflows that produce them, and keeps every change in a hash-chained, \
                  signed audit log that anyone can verify offline."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct Global {
    /// Where the data lives: sqlite://PATH (embedded, the default) or postgres://USER@HOST/DB
    #[arg(
        long,
        env = "MANDATE_DATABASE_URL",
        global = true,
        default_value = "sqlite://mandate-data/mandate.db"
    )]
    pub database_url: String,
    /// The audit log's signing key file [default: beside the SQLite file, or ./mandate-data/ for PostgreSQL]
    #[arg(long, env = "MANDATE_SIGNING_KEY", global = true)]
    pub signing_key: Option<PathBuf>,
    /// The SMTP server mail goes through: smtp://HOST:PORT (add ?tls=required for STARTTLS) or
    /// smtps://USER:PASSWORD@HOST:465 [default: none, mail waits in the outbox]
    #[arg(long, env = "MANDATE_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of Mandate's mail
    #[arg(
        long,
        env = "MANDATE_MAIL_FROM",
        global = true,
        default_value = "Mandate <mandate@localhost>"
    )]
    pub mail_from: String,
    /// The web interface's address as people reach it, for links in mail
    #[arg(
        long,
        env = "MANDATE_PUBLIC_URL",
        global = true,
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create the database, the signing key, an organisation and its first admin
    Init(InitArgs),
    /// Load a realistic sample organisation (and optionally serve it)
    Demo(DemoArgs),
    /// Serve the web interface and the API
    Serve(ServeArgs),
    /// Import records from files
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export records to files
    #[command(subcommand)]
    Export(ExportCommand),
    /// Verify, checkpoint and export the audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage API tokens
    #[command(subcommand)]
    Token(TokenCommand),
    /// Mail people from the register a link with which they choose a password and sign in
    Invite(InviteArgs),
    /// Manage the tokens with which an identity provider provisions people through SCIM
    #[command(subcommand)]
    ScimToken(ScimTokenCommand),
    /// Set, show and test sign-in through the organisation's OpenID provider
    #[command(subcommand)]
    Sso(SsoCommand),
    /// Judge every Clause 5 requirement from the records; exit 1 when any is not met
    Check(CheckArgs),
    /// Run the background work once (reconcile acknowledgements, queue digests, send mail), for cron
    Tick,
    /// Write a consistent backup of the whole database (safe while the server runs)
    Backup(BackupArgs),
    /// Restore a backup into this database
    Restore(RestoreArgs),
}

impl Command {
    pub fn is_server(&self) -> bool {
        matches!(
            self,
            Command::Serve(_) | Command::Demo(DemoArgs { serve: true, .. })
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// One line per requirement, for people
    Text,
    /// The whole evaluation, for machines
    Json,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Judge the records as they stood at the end of this day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct InitArgs {
    /// Email of the first admin (the password comes from MANDATE_ADMIN_PASSWORD or a prompt)
    #[arg(long)]
    pub admin_email: String,
    /// The admin's name [default: from the email address]
    #[arg(long)]
    pub admin_name: Option<String>,
    /// The organisation's name
    #[arg(long, default_value = "My organisation")]
    pub org_name: String,
    /// A short name for the organisation, used with --org [default: from the name]
    #[arg(long)]
    pub org_slug: Option<String>,
}

#[derive(Args)]
pub struct DemoArgs {
    /// How many people the sample organisation has
    #[arg(long, default_value_t = 250, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub people: u32,
    /// Seed of the generator: the same seed gives the same organisation
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Serve the demo once it is loaded
    #[arg(long)]
    pub serve: bool,
    /// Address to serve on, with --serve
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "MANDATE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// A second address serving only /metrics, without a token (for a Prometheus on a private interface)
    #[arg(long, env = "MANDATE_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// Serve /metrics on the main address to this bearer token [default: /metrics only on --metrics-bind]
    #[arg(long, env = "MANDATE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// A reverse proxy (address or CIDR range) whose X-Forwarded-For is believed for the client's
    /// address; repeat it or separate with commas [default: none, the header is ignored]
    #[arg(
        long = "trusted-proxy",
        env = "MANDATE_TRUSTED_PROXIES",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<mandate_web::auth::client::Cidr>,
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import or update people from a CSV file (header: name,email[,department,manager_email,start_date,end_date,kind])
    People(ImportPeopleArgs),
    /// Import policies from Markdown files with YAML front matter (as `export policies` writes them)
    Policies(ImportPoliciesArgs),
}

#[derive(Args)]
pub struct ImportPoliciesArgs {
    /// The directory holding one `.md` file per policy
    pub dir: PathBuf,
    /// Email of the login recorded as the author of new drafts
    #[arg(long)]
    pub author: String,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Write one Markdown file per policy (YAML front matter, then the newest version's text)
    Policies(ExportPoliciesArgs),
    /// Write the auditor's evidence pack: every Clause 5 requirement with its evidence, the
    /// records behind it and the audit chain's signed head, as of a day
    Evidence(ExportEvidenceArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvidenceFormat {
    /// One self-contained HTML file
    Html,
    /// A PDF, typeset in process
    Pdf,
    /// The same content as JSON
    Json,
}

#[derive(Args)]
pub struct ExportEvidenceArgs {
    #[arg(long, value_enum)]
    pub format: EvidenceFormat,
    /// The file to write
    #[arg(long)]
    pub out: PathBuf,
    /// The records as they stood at the end of this day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct ExportPoliciesArgs {
    /// The directory to write into (created if missing)
    pub dir: PathBuf,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct ImportPeopleArgs {
    /// The CSV file
    pub file: PathBuf,
    /// Import the valid rows and report the others, instead of importing nothing
    #[arg(long)]
    pub skip_invalid: bool,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit chain and check every signed checkpoint; exit 1 on any tampering
    Verify(VerifyArgs),
    /// Sign a checkpoint at the current end of the chain now
    Checkpoint(OrgArg),
    /// Write the chain and its checkpoints as JSON lines, for verification without the database
    Export(ExportArgs),
    /// Print the public key auditors verify the log with
    PublicKey,
}

#[derive(Args)]
pub struct OrgArg {
    /// Only this organisation [default: all]
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Only this organisation [default: all]
    #[arg(long, conflicts_with = "file")]
    pub org: Option<String>,
    /// Verify an exported file instead of the database
    #[arg(long, requires = "public_key")]
    pub file: Option<PathBuf>,
    /// The public key to verify with: 64 hex characters, or a file holding them
    /// [default: derived from the signing key]
    #[arg(long)]
    pub public_key: Option<String>,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The file to write
    #[arg(long)]
    pub out: PathBuf,
    /// Only this organisation [default: all]
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct BackupArgs {
    /// The backup file to write (JSON lines)
    pub path: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The backup file to read
    pub path: PathBuf,
    /// Replace the contents of a database that is not empty
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; it is printed once and acts with the user's access role
    Create(TokenCreateArgs),
}

#[derive(Subcommand)]
pub enum ScimTokenCommand {
    /// Create a token for an identity provider; it is printed once
    Create(ScimTokenCreateArgs),
    /// List the organisation's SCIM tokens (never their secrets)
    List(ScimTokenListArgs),
    /// Revoke a token: the provider using it is refused from then on
    Revoke(ScimTokenRevokeArgs),
}

#[derive(Args)]
pub struct ScimTokenCreateArgs {
    /// The provider's name, as the audit log names its changes (`scim:<name>`)
    pub name: String,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct ScimTokenListArgs {
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct ScimTokenRevokeArgs {
    /// The token's id, as `mandate scim-token list` shows it
    pub id: uuid::Uuid,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Subcommand)]
pub enum SsoCommand {
    /// Change the settings: what is not given stays as it is
    Set(Box<SsoSetArgs>),
    /// Show the settings (never the client secret)
    Show(SsoOrgArgs),
    /// Fetch the provider's discovery document and keys and check the client; say what is wrong in one line
    Test(SsoOrgArgs),
}

#[derive(Args)]
pub struct SsoOrgArgs {
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct SsoSetArgs {
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
    /// Offer the provider on the sign-in page
    #[arg(long, conflicts_with = "disable")]
    pub enable: bool,
    /// Stop offering it
    #[arg(long)]
    pub disable: bool,
    /// The provider's name, as in "Sign in with <name>"
    #[arg(long)]
    pub name: Option<String>,
    /// The issuer URL (https; plain http only on loopback)
    #[arg(long)]
    pub issuer: Option<String>,
    #[arg(long)]
    pub client_id: Option<String>,
    /// A file holding the client secret (never on the command line: argv is visible to others)
    #[arg(long, env = "MANDATE_SSO_CLIENT_SECRET_FILE")]
    pub client_secret_file: Option<std::path::PathBuf>,
    /// Scopes besides openid, separated by spaces
    #[arg(long)]
    pub scopes: Option<String>,
    /// The claim that carries the email
    #[arg(long)]
    pub email_claim: Option<String>,
    /// Accept emails the provider does not mark verified (true or false)
    #[arg(long)]
    pub trust_email: Option<bool>,
    /// The claim that lists groups ("" for none)
    #[arg(long)]
    pub groups_claim: Option<String>,
    /// A group and the access role it gives, as GROUP=ROLE; repeat in order; replaces the mappings
    #[arg(long = "map", value_name = "GROUP=ROLE")]
    pub mappings: Vec<String>,
    /// Remove every group mapping
    #[arg(long, conflicts_with = "mappings")]
    pub no_mappings: bool,
    /// everyone, or break-glass-only
    #[arg(long)]
    pub passwords: Option<String>,
    /// An admin who keeps their password (an email); repeat; replaces the list
    #[arg(long = "break-glass", value_name = "EMAIL")]
    pub break_glass: Vec<String>,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("whom").required(true).args(["everyone", "department", "email"]))]
pub struct InviteArgs {
    /// Everyone in the register with no login (or one without a password) and no open invitation
    #[arg(long)]
    pub everyone: bool,
    /// The people of this department who cannot sign in yet and have no open invitation
    #[arg(long)]
    pub department: Option<String>,
    /// This person (by their email in the register), even if an invitation is still open
    #[arg(long)]
    pub email: Option<String>,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Args)]
pub struct TokenCreateArgs {
    /// The user's login email
    #[arg(long)]
    pub email: String,
    /// What the token is for
    #[arg(long, default_value = "command line")]
    pub name: String,
    /// The organisation (needed when the database holds several)
    #[arg(long)]
    pub org: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::{Cli, Command};
    use clap::Parser;

    #[test]
    fn trusted_proxies_are_repeated_or_separated_by_commas() {
        let cli = Cli::try_parse_from([
            "mandate",
            "serve",
            "--trusted-proxy",
            "10.0.0.0/8,fd00::/8",
            "--trusted-proxy",
            "192.0.2.1",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let Command::Serve(serve) = cli.command else {
            panic!("serve")
        };
        let given: Vec<String> = serve
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(given, ["10.0.0.0/8", "fd00::/8", "192.0.2.1/32"]);
        assert!(
            Cli::try_parse_from(["mandate", "serve", "--trusted-proxy", "10.0.0.0/40"]).is_err()
        );
        let none = Cli::try_parse_from(["mandate", "serve"]).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(none.command, Command::Serve(s) if s.trusted_proxies.is_empty()));
    }
}
