//! What can go wrong with a provider, each said in one line that an admin
//! can act on (`mandate sso test` prints them as they are).

/// Why an ID token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Signature,
    Audience,
    Issuer,
    Expired,
    Nonce,
    Malformed,
}

impl TokenProblem {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signature => "its signature does not verify with the provider's keys",
            Self::Audience => "it was issued for another client",
            Self::Issuer => "it names another issuer",
            Self::Expired => "it has expired",
            Self::Nonce => "its nonce is not this sign-in's (a replayed token)",
            Self::Malformed => "it is not a well-formed ID token",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    #[error("a setting is not valid: {0}")]
    Config(String),
    #[error("the issuer cannot be reached or gave no discovery document: {0}")]
    Unreachable(String),
    #[error("the discovery document is not usable: {0}")]
    Discovery(String),
    #[error("the provider publishes no signing keys (its JWKS is empty)")]
    NoKeys,
    #[error("the provider refused the client id or secret (invalid_client)")]
    WrongClientSecret,
    #[error("the provider refused the code exchange: {0}")]
    TokenExchange(String),
    #[error("the provider sent no ID token")]
    NoIdToken,
    #[error("the ID token was refused: {}", .0.as_str())]
    IdToken(TokenProblem),
    #[error("the provider's UserInfo answer could not be read: {0}")]
    UserInfo(String),
}
