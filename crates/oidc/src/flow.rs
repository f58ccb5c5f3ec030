//! One provider: discovered once, then asked to begin and finish sign-ins.

use crate::error::{OidcError, TokenProblem};
use openidconnect::core::{
    CoreClient, CoreClientAuthMethod, CoreGenderClaim, CoreJsonWebKeySet,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreResponseType,
};
use openidconnect::{
    AdditionalClaims, AuthType, AuthenticationFlow, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, IdToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    SignatureVerificationError, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::RwLock;

/// Every claim besides the standard ones: the groups claim, and an email
/// kept under another name (`upn`, say).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct Extra {
    #[serde(flatten)]
    claims: Map<String, Value>,
}

impl AdditionalClaims for Extra {}

type Token =
    IdToken<Extra, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// How Mandate is registered with the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// `<public URL>/sign-in/sso/callback`.
    pub redirect_uri: String,
}

/// A sign-in begun: where to send the browser, and what to keep until it
/// comes back (the state by its hash; nonce and verifier as they are).
#[derive(Debug)]
pub struct Begun {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What the provider said about the person: the ID token's subject and its
/// claims merged with UserInfo's.
#[derive(Clone, Debug, PartialEq)]
pub struct Claims {
    pub subject: String,
    pub claims: Map<String, Value>,
}

/// A discovered provider. Its keys are fetched again once when a token is
/// signed with a key it did not know (the provider rotated its keys).
pub struct Provider {
    config: ProviderConfig,
    metadata: RwLock<CoreProviderMetadata>,
    http: crate::http::Capped,
}

fn signing_algorithms() -> Vec<CoreJwsSigningAlgorithm> {
    use CoreJwsSigningAlgorithm::*;
    vec![
        RsaSsaPkcs1V15Sha256,
        RsaSsaPkcs1V15Sha384,
        RsaSsaPkcs1V15Sha512,
        RsaSsaPssSha256,
        EcdsaP256Sha256,
        EcdsaP384Sha384,
        EdDsa,
    ]
}

impl Provider {
    /// Fetches the discovery document (whose issuer must be the configured
    /// one, exactly) and the signing keys.
    pub async fn discover(config: ProviderConfig) -> Result<Self, OidcError> {
        let http = crate::http::client()?;
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| OidcError::Config(format!("the issuer URL: {e}")))?;
        RedirectUrl::new(config.redirect_uri.clone())
            .map_err(|e| OidcError::Config(format!("the redirect URL: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(discovery_error)?;
        if metadata.jwks().keys().is_empty() {
            return Err(OidcError::NoKeys);
        }
        if metadata.token_endpoint().is_none() {
            return Err(OidcError::Discovery("it names no token endpoint".into()));
        }
        Ok(Self {
            config,
            metadata: RwLock::new(metadata),
            http,
        })
    }

    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    fn metadata(&self) -> CoreProviderMetadata {
        match self.metadata.read() {
            Ok(m) => m.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        // client_secret_basic unless the provider says it takes only the
        // secret in the request body.
        let post_only = metadata
            .token_endpoint_auth_methods_supported()
            .is_some_and(|methods| {
                !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                    && methods.contains(&CoreClientAuthMethod::ClientSecretPost)
            });
        let redirect = RedirectUrl::new(self.config.redirect_uri.clone())
            .map_err(|e| OidcError::Config(format!("the redirect URL: {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        Ok(if post_only {
            client.set_auth_type(AuthType::RequestBody)
        } else {
            client
        })
    }

    /// The provider's authorization URL for a new sign-in, with a fresh
    /// state, nonce and PKCE (S256) challenge.
    pub fn begin(&self, scopes: &[String]) -> Result<Begun, OidcError> {
        let client = self.client(self.metadata())?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Begun {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code, checks the ID token against the nonce, and reads
    /// UserInfo when the provider has it.
    pub async fn finish(
        &self,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<Claims, OidcError> {
        let client = self.client(self.metadata())?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Discovery(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let raw = tokens.id_token().ok_or(OidcError::NoIdToken)?.to_string();
        let token: Token = raw
            .parse()
            .map_err(|_| OidcError::IdToken(TokenProblem::Malformed))?;
        let nonce = Nonce::new(nonce.to_string());
        let mut claims = match self.verify(&client, &token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // Keys rotated since discovery: fetch them once more.
                self.refresh_keys().await?;
                let client = self.client(self.metadata())?;
                self.verify(&client, &token, &nonce).map_err(claims_error)?
            }
            other => other.map_err(claims_error)?,
        };
        if let Ok(request) =
            client.user_info(tokens.access_token().clone(), Some(subject_of(&claims)))
        {
            let info: UserInfoClaims<Extra, CoreGenderClaim> = request
                .request_async(&self.http)
                .await
                .map_err(|e| OidcError::UserInfo(e.to_string()))?;
            for (name, value) in standard_claims(
                info.email().map(|e| e.as_str()),
                info.email_verified(),
                info.preferred_username().map(|u| u.as_str()),
            )
            .into_iter()
            .chain(info.additional_claims().claims.clone())
            {
                claims.claims.entry(name).or_insert(value);
            }
        }
        Ok(claims)
    }

    fn verify(
        &self,
        client: &CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        token: &Token,
        nonce: &Nonce,
    ) -> Result<Claims, ClaimsVerificationError> {
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(signing_algorithms());
        let verified = token.claims(&verifier, nonce)?;
        let mut claims = standard_claims(
            verified.email().map(|e| e.as_str()),
            verified.email_verified(),
            verified.preferred_username().map(|u| u.as_str()),
        );
        for (name, value) in verified.additional_claims().claims.clone() {
            claims.entry(name).or_insert(value);
        }
        Ok(Claims {
            subject: verified.subject().as_str().to_string(),
            claims,
        })
    }

    async fn refresh_keys(&self) -> Result<(), OidcError> {
        let uri = self.metadata().jwks_uri().clone();
        let keys = CoreJsonWebKeySet::fetch_async(&uri, &self.http)
            .await
            .map_err(|e| OidcError::Unreachable(format!("its keys: {e}")))?;
        if let Ok(mut metadata) = self.metadata.write() {
            *metadata = metadata.clone().set_jwks(keys);
        }
        Ok(())
    }

    /// Checks the client id and secret without a browser: a code exchange
    /// with a code that cannot be right. The provider answers
    /// `invalid_grant` when it accepted the client, `invalid_client` when
    /// it did not.
    pub async fn check_client(&self) -> Result<(), OidcError> {
        let client = self.client(self.metadata())?;
        let answer = client
            .exchange_code(AuthorizationCode::new("mandate-sso-test".into()))
            .map_err(|e| OidcError::Discovery(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(
                "mandate-sso-test-verifier-0123456789-abcdefghijklmno".into(),
            ))
            .request_async(&self.http)
            .await;
        match answer {
            Err(RequestTokenError::ServerResponse(r))
                if r.error().to_string() == "invalid_grant" =>
            {
                Ok(())
            }
            Err(e) => Err(token_error(e)),
            Ok(_) => Err(OidcError::TokenExchange(
                "the provider took a made-up code".into(),
            )),
        }
    }
}

fn subject_of(claims: &Claims) -> openidconnect::SubjectIdentifier {
    openidconnect::SubjectIdentifier::new(claims.subject.clone())
}

fn standard_claims(
    email: Option<&str>,
    email_verified: Option<bool>,
    preferred_username: Option<&str>,
) -> Map<String, Value> {
    let mut claims = Map::new();
    if let Some(email) = email {
        claims.insert("email".into(), Value::from(email));
    }
    if let Some(verified) = email_verified {
        claims.insert("email_verified".into(), Value::from(verified));
    }
    if let Some(name) = preferred_username {
        claims.insert("preferred_username".into(), Value::from(name));
    }
    claims
}

fn discovery_error<E: std::error::Error>(e: openidconnect::DiscoveryError<E>) -> OidcError {
    use openidconnect::DiscoveryError::*;
    match e {
        Request(inner) => OidcError::Unreachable(chain(&inner)),
        Response(status, _, detail) => OidcError::Unreachable(format!("HTTP {status}: {detail}")),
        Parse(inner) => OidcError::Discovery(inner.to_string()),
        Validation(detail) => OidcError::Discovery(detail),
        other => OidcError::Discovery(other.to_string()),
    }
}

fn token_error<RE: std::error::Error + 'static, T: openidconnect::ErrorResponse + 'static>(
    e: RequestTokenError<RE, T>,
) -> OidcError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let text = serde_json::to_value(&r)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_default();
            if text == "invalid_client" || text == "unauthorized_client" {
                OidcError::WrongClientSecret
            } else {
                OidcError::TokenExchange(r.to_string())
            }
        }
        RequestTokenError::Request(inner) => OidcError::Unreachable(chain(&inner)),
        other => OidcError::TokenExchange(chain(&other)),
    }
}

fn claims_error(e: ClaimsVerificationError) -> OidcError {
    use ClaimsVerificationError::*;
    let problem = match e {
        Expired(_) => TokenProblem::Expired,
        InvalidAudience(_) => TokenProblem::Audience,
        InvalidIssuer(_) => TokenProblem::Issuer,
        InvalidNonce(_) => TokenProblem::Nonce,
        SignatureVerification(_) | Unsupported(_) => TokenProblem::Signature,
        _ => TokenProblem::Malformed,
    };
    OidcError::IdToken(problem)
}

/// An error and its sources in one line: reqwest's own message alone says
/// only "error sending request".
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
