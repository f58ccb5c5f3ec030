//! What an admin sets for sign-in through the organisation's OpenID
//! provider. The client secret is not here: it is sealed by the store and
//! never read back to anyone.

use crate::access::AccessRole;
use crate::email::Email;
use serde::{Deserialize, Serialize};

/// Who may still sign in with a password once single sign-on is on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordPolicy {
    /// Passwords work beside the provider.
    #[default]
    Everyone,
    /// Only the named break-glass admins may use a password: for the day the
    /// provider is down or misconfigured.
    BreakGlassOnly,
}

impl PasswordPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everyone => "everyone",
            Self::BreakGlassOnly => "break_glass_only",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().replace('-', "_").as_str() {
            "everyone" => Ok(Self::Everyone),
            "break_glass_only" => Ok(Self::BreakGlassOnly),
            other => Err(format!(
                "{other:?} is not a password policy (expected everyone or break_glass_only)"
            )),
        }
    }
}

/// A value of the provider's group claim and the access role it gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleMapping {
    pub group: String,
    pub role: AccessRole,
}

/// Fields added later read as their defaults from settings saved before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SsoSettings {
    /// Whether the sign-in page offers the provider.
    pub enabled: bool,
    /// The provider's name as people know it: "Sign in with <display_name>".
    pub display_name: String,
    /// The issuer URL; its discovery document is at
    /// `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Asked for besides `openid`, which is always asked for.
    pub scopes: Vec<String>,
    /// The claim that carries the email (`email` for most providers;
    /// `preferred_username` or `upn` for some Entra ID set-ups).
    pub email_claim: String,
    /// Whether the provider is trusted for its emails when it does not say
    /// `email_verified: true` (Entra ID never sends it).
    pub trust_email: bool,
    /// The claim that lists the person's groups; none: roles are not mapped.
    pub groups_claim: Option<String>,
    /// The first mapping, in this order, whose group the person is in gives
    /// their access role.
    pub role_mappings: Vec<RoleMapping>,
    pub passwords: PasswordPolicy,
    /// Admins who may still sign in with a password under
    /// [`PasswordPolicy::BreakGlassOnly`]; their role is never changed by
    /// the provider's groups.
    pub break_glass: Vec<Email>,
}

impl Default for SsoSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            display_name: String::new(),
            issuer: String::new(),
            client_id: String::new(),
            scopes: vec!["email".into(), "profile".into()],
            email_claim: "email".into(),
            trust_email: false,
            groups_claim: None,
            role_mappings: Vec::new(),
            passwords: PasswordPolicy::Everyone,
            break_glass: Vec::new(),
        }
    }
}

const MAX_MAPPINGS: usize = 200;
const MAX_SCOPES: usize = 20;

impl SsoSettings {
    /// The settings trimmed and checked, or what is wrong, in one sentence.
    pub fn validated(mut self) -> Result<Self, String> {
        self.display_name = self.display_name.trim().to_string();
        // Kept exactly as entered (but for spaces): the discovery document
        // must name the same issuer, and some end theirs with `/` (Auth0).
        self.issuer = self.issuer.trim().to_string();
        self.client_id = self.client_id.trim().to_string();
        self.email_claim = self.email_claim.trim().to_string();
        self.groups_claim = self
            .groups_claim
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let count = self.display_name.chars().count();
        if count == 0 || count > 60 || self.display_name.chars().any(char::is_control) {
            return Err("the provider's name needs 1 to 60 characters".into());
        }
        check_issuer(&self.issuer)?;
        if self.client_id.is_empty()
            || self.client_id.len() > 255
            || self.client_id.chars().any(char::is_control)
        {
            return Err("the client id needs 1 to 255 characters".into());
        }
        let mut scopes: Vec<String> = Vec::new();
        for scope in self.scopes.iter().flat_map(|s| s.split_whitespace()) {
            if !scope
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
            {
                return Err(format!("{scope:?} is not a scope"));
            }
            if scope != "openid" && !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_string());
            }
        }
        if scopes.len() > MAX_SCOPES {
            return Err(format!("at most {MAX_SCOPES} scopes"));
        }
        self.scopes = scopes;
        check_claim("the email claim", &self.email_claim)?;
        if let Some(claim) = &self.groups_claim {
            check_claim("the groups claim", claim)?;
        }
        if self.role_mappings.len() > MAX_MAPPINGS {
            return Err(format!("at most {MAX_MAPPINGS} group mappings"));
        }
        for mapping in &mut self.role_mappings {
            mapping.group = mapping.group.trim().to_string();
            if mapping.group.is_empty() || mapping.group.len() > 255 {
                return Err("a mapped group needs 1 to 255 characters".into());
            }
        }
        if !self.role_mappings.is_empty() && self.groups_claim.is_none() {
            return Err("group mappings need the claim that carries the groups".into());
        }
        self.break_glass.sort();
        self.break_glass.dedup();
        if self.passwords == PasswordPolicy::BreakGlassOnly && !self.enabled {
            return Err(
                "passwords can be turned off only while sign-in through the provider is on".into(),
            );
        }
        if self.passwords == PasswordPolicy::BreakGlassOnly && self.break_glass.is_empty() {
            return Err(
                "turning passwords off needs at least one break-glass admin, for the day the provider is down"
                    .into(),
            );
        }
        Ok(self)
    }

    /// The role the groups give: the first mapping whose group is among
    /// them (groups compare exactly: providers send ids or names verbatim).
    pub fn role_for(&self, groups: &[String]) -> Option<AccessRole> {
        self.role_mappings
            .iter()
            .find(|m| groups.contains(&m.group))
            .map(|m| m.role)
    }

    pub fn is_break_glass(&self, email: &Email) -> bool {
        self.break_glass.contains(email)
    }
}

/// An `https` URL without query or fragment; plain `http` only on the
/// loopback interface, where a provider under test runs.
fn check_issuer(issuer: &str) -> Result<(), String> {
    let wrong =
        || format!("{issuer:?} is not an issuer URL (https://..., without query or fragment)");
    let (scheme, rest) = issuer.split_once("://").ok_or_else(wrong)?;
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let plain = issuer.len() <= 500
        && !host.is_empty()
        && !rest.contains(['?', '#', ' ', '@', '\\'])
        && !issuer.chars().any(char::is_control);
    if !plain {
        return Err(wrong());
    }
    match scheme {
        "https" => Ok(()),
        "http" if matches!(host, "127.0.0.1" | "localhost" | "::1") => Ok(()),
        "http" => Err(format!(
            "{issuer:?}: the issuer must use https (plain http only on this machine's loopback)"
        )),
        _ => Err(wrong()),
    }
}

fn check_claim(what: &str, claim: &str) -> Result<(), String> {
    if claim.is_empty() || claim.len() > 100 || !claim.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!("{what} needs 1 to 100 visible characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SsoSettings {
        SsoSettings {
            enabled: true,
            display_name: " Acme ID ".into(),
            issuer: "https://id.acme.example/".into(),
            client_id: "mandate".into(),
            scopes: vec!["openid email".into(), "groups".into(), "email".into()],
            ..SsoSettings::default()
        }
    }

    #[test]
    fn settings_are_trimmed_and_openid_is_implied() {
        let s = good().validated().expect("test value");
        assert_eq!(s.display_name, "Acme ID");
        assert_eq!(s.issuer, "https://id.acme.example/");
        assert_eq!(s.scopes, vec!["email", "groups"]);
    }

    #[test]
    fn issuers_must_be_https_except_on_loopback() {
        for ok in [
            "https://login.microsoftonline.com/tenant/v2.0",
            "http://127.0.0.1:4567",
            "http://localhost:8080/realms/x",
            "http://[::1]:9000",
        ] {
            let s = SsoSettings {
                issuer: ok.into(),
                ..good()
            };
            assert!(s.validated().is_ok(), "{ok}");
        }
        for bad in [
            "http://id.acme.example",
            "ftp://id.acme.example",
            "https://",
            "https://id.acme.example/?x=1",
            "https://user@id.acme.example",
            "id.acme.example",
        ] {
            let s = SsoSettings {
                issuer: bad.into(),
                ..good()
            };
            assert!(s.validated().is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_off_needs_a_break_glass_admin() {
        let s = SsoSettings {
            passwords: PasswordPolicy::BreakGlassOnly,
            ..good()
        };
        assert!(s.validated().expect_err("an error").contains("break-glass"));
        let s = SsoSettings {
            passwords: PasswordPolicy::BreakGlassOnly,
            break_glass: vec![Email::parse("root@acme.example").expect("test value")],
            ..good()
        };
        assert!(s.clone().validated().is_ok());
        let off = SsoSettings {
            enabled: false,
            ..s
        };
        assert!(
            off.validated()
                .expect_err("an error")
                .contains("while sign-in")
        );
    }

    #[test]
    fn the_first_mapping_that_matches_gives_the_role() {
        let s = SsoSettings {
            groups_claim: Some("groups".into()),
            role_mappings: vec![
                RoleMapping {
                    group: "isms".into(),
                    role: AccessRole::IsmsManager,
                },
                RoleMapping {
                    group: "all".into(),
                    role: AccessRole::Staff,
                },
            ],
            ..good()
        };
        let s = s.validated().expect("test value");
        assert_eq!(
            s.role_for(&["all".into(), "isms".into()]),
            Some(AccessRole::IsmsManager)
        );
        assert_eq!(s.role_for(&["all".into()]), Some(AccessRole::Staff));
        assert_eq!(s.role_for(&["ISMS".into()]), None);
        let no_claim = SsoSettings {
            groups_claim: None,
            ..s
        };
        assert!(no_claim.validated().is_err());
    }

    #[test]
    fn password_policies_parse_from_either_spelling() {
        assert_eq!(
            PasswordPolicy::parse("break-glass-only"),
            Ok(PasswordPolicy::BreakGlassOnly)
        );
        assert!(PasswordPolicy::parse("nobody").is_err());
    }
}
