//! What every command needs: the database location, the signing key, and
//! which organisation it is about.

use crate::args::Global;
use anyhow::{Context as _, Result, anyhow, bail};
use mandate_core::audit::{PublicKey, SigningKey};
use mandate_core::{Organisation, Slug};
use mandate_store::{DatabaseUrl, Store, keyfile};
use std::path::PathBuf;

pub struct Context {
    pub url: DatabaseUrl,
    pub key_path: PathBuf,
    pub mail: mandate_notify::MailConfig,
}

impl Context {
    pub fn new(global: &Global) -> Result<Self> {
        let url = DatabaseUrl::parse(&global.database_url).map_err(|e| anyhow!(e))?;
        let key_path = global
            .signing_key
            .clone()
            .unwrap_or_else(|| url.default_key_path());
        let mail = mandate_notify::MailConfig {
            smtp_url: global.smtp_url.clone().filter(|u| !u.trim().is_empty()),
            from: global.mail_from.clone(),
            public_url: global.public_url.clone(),
        };
        if let Some(url) = &mail.smtp_url {
            // A bad address is found now, not when the first mail is due.
            mandate_notify::Sender::new(url, &mail).map_err(|e| anyhow!("--smtp-url: {e}"))?;
        }
        Ok(Self {
            url,
            key_path,
            mail,
        })
    }

    /// Opens the store for writing; `create` makes a new database and key if
    /// there are none.
    pub async fn open_for_writing(&self, create: bool) -> Result<Store> {
        let key = if create {
            keyfile::load_or_create(&self.key_path)?
        } else {
            keyfile::load(&self.key_path)?
        };
        Ok(Store::open(&self.url, create, Some(key)).await?)
    }

    /// Opens the store for reading only; no key is needed.
    pub async fn open_for_reading(&self) -> Result<Store> {
        Ok(Store::open(&self.url, false, None).await?)
    }

    pub fn signing_key(&self) -> Result<SigningKey> {
        Ok(keyfile::load(&self.key_path)?)
    }

    /// The public key given as hex or as a file of hex, or else the signing key's.
    pub fn public_key(&self, given: Option<&str>) -> Result<PublicKey> {
        match given {
            None => Ok(self.signing_key()?.public_key()),
            Some(text) => {
                let hex = if std::path::Path::new(text).is_file() {
                    std::fs::read_to_string(text)
                        .with_context(|| format!("cannot read the public key file {text}"))?
                } else {
                    text.to_string()
                };
                PublicKey::from_hex(&hex).map_err(|e| anyhow!("--public-key: {e}"))
            }
        }
    }
}

/// The organisation `slug` names, or the only one there is.
pub async fn organisation(store: &Store, slug: Option<&str>) -> Result<Organisation> {
    if let Some(slug) = slug {
        let parsed = Slug::parse(slug)?;
        return store
            .organisation_by_slug(&parsed)
            .await?
            .ok_or_else(|| anyhow!("there is no organisation {slug:?}"));
    }
    let mut all = store.organisations().await?;
    match all.len() {
        0 => bail!("the database holds no organisation yet (run `mandate init` or `mandate demo`)"),
        1 => Ok(all.remove(0)),
        n => {
            let slugs: Vec<String> = all.iter().map(|o| o.slug.to_string()).collect();
            bail!(
                "the database holds {n} organisations ({}): choose one with --org",
                slugs.join(", ")
            )
        }
    }
}

/// The organisation `slug` names, or every organisation.
pub async fn organisations(store: &Store, slug: Option<&str>) -> Result<Vec<Organisation>> {
    match slug {
        Some(_) => Ok(vec![organisation(store, slug).await?]),
        None => Ok(store.organisations().await?),
    }
}
