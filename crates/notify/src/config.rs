//! Where mail goes: the SMTP server (none: mail stays in the outbox, shown
//! in the interface), the sender address, and the address of the web
//! interface that links in messages point to.

#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, or STARTTLS with `?tls=required`),
    /// `smtps://user:password@host:465`; none keeps mail in the outbox.
    pub smtp_url: Option<String>,
    /// `Mandate <mandate@example.com>`.
    pub from: String,
    /// Links in messages start with this, as `https://mandate.example.com`.
    pub public_url: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Mandate <mandate@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}
