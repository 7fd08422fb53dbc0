//! The operator's trust policy: who may sign which plugins, with which
//! capabilities, when; what is revoked; which versions are too old.
//!
//! Two file formats (chosen by file name):
//!
//! * `*.toml`: the full policy (see `policies/trust.toml`):
//!
//!   ```toml
//!   [[signer]]
//!   identity = "acme-security@example.com"
//!   key = "ssh-ed25519 AAAAC3... acme"
//!   plugins = ["parser-acme-*"]     # glob patterns (`*` and `?`) on plugin names
//!   kinds = ["parser"]              # parser, normalizer, policy
//!   capabilities = ["log"]          # the most this signer's plugins may get
//!   valid_after = "2026-01-01"      # optional; YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ
//!   valid_before = "2027-01-01"     # optional
//!
//!   [revoked]
//!   keys = ["SHA256:..."]           # fingerprints (or full key lines)
//!   digests = ["sha256:..."]        # plugin digests
//!
//!   [minimum_versions]
//!   parser-acme-scan = "1.4.0"      # rollback protection (SemVer precedence); a name no
//!                                   # signer's `plugins` matches is an error
//!   ```
//!
//! * anything else: an OpenSSH `allowed_signers` file
//!   (`principals [options] ssh-ed25519 KEY [comment]`, options
//!   `namespaces=`, `valid-after=`, `valid-before=`), read as unscoped
//!   signers: any plugin name, any stage kind, capabilities up to the stage
//!   kind's ceiling. `namespaces=` is an OpenSSH pattern list, matched as
//!   `ssh-keygen -Y verify` matches it ([`match_pattern_list`]: `*`, `?`, and
//!   a matching `!pattern` vetoes the line); a line whose list does not match
//!   `cordon-plugin` does not count. The principals are reported as the
//!   signer's identity; cordon never matches them against anything (the key
//!   decides), so their patterns have no effect here.
//!
//! Each key appears in at most one `[[signer]]` entry (a second entry would
//! silently widen the first one's scope): a repeated key is an error naming
//! both identities.
//!
//! A policy with no usable signer fails closed: it is an error, not "trust
//! nothing silently".

use cordon_manifest::plugin::PluginManifest;
use cordon_manifest::{Capability, StageKind};
use serde::Deserialize;
use ssh_key::PublicKey;
use std::collections::BTreeMap;
use std::fmt;

use crate::sshsig::{NAMESPACE, VerifiedSignature, ed25519_bytes, fingerprint};
use crate::time::{Notation, format_time, parse_time};

/// Errors reading a trust file. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// Malformed file.
    #[error("{file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong, with the line where known.
        message: String,
    },
    /// No usable signer: fail closed.
    #[error(
        "{file}: the trust policy lists no usable signer; refusing to trust any plugin (fail closed)"
    )]
    Empty {
        /// The file.
        file: String,
    },
}

/// One trusted signer and its scope.
#[derive(Debug, Clone)]
pub struct Signer {
    /// Who this is (an email, a team).
    pub identity: String,
    /// The public key.
    pub key: PublicKey,
    /// `SHA256:...`.
    pub fingerprint: String,
    /// Plugin name patterns it may sign.
    pub plugins: Vec<String>,
    /// Stage kinds it may sign.
    pub kinds: Vec<StageKind>,
    /// Capability ceiling; `None` = the stage kind's ceiling.
    pub capabilities: Option<Vec<Capability>>,
    /// Not valid before (Unix seconds).
    pub valid_after: Option<i64>,
    /// Not valid from (Unix seconds).
    pub valid_before: Option<i64>,
}

/// A parsed trust policy.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    /// The file it came from.
    pub file: String,
    /// Trusted signers.
    pub signers: Vec<Signer>,
    /// Revoked key fingerprints (`SHA256:...`).
    pub revoked_keys: Vec<String>,
    /// Revoked plugin digests (`sha256:...`).
    pub revoked_digests: Vec<String>,
    /// Minimum version per plugin name.
    pub minimum_versions: BTreeMap<String, String>,
}

/// A plugin the trust policy accepted, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Signer identity.
    pub identity: String,
    /// Signer key fingerprint.
    pub fingerprint: String,
    /// The most the plugin may be granted (signer ceiling ∩ kind ceiling).
    pub ceiling: Vec<Capability>,
}

/// Why the trust policy refused a plugin. Each is specific.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The plugin digest is revoked.
    #[error("plugin digest {digest} is revoked")]
    RevokedDigest {
        /// The digest.
        digest: String,
    },
    /// The signer's key is revoked.
    #[error("signing key {fingerprint} is revoked")]
    RevokedKey {
        /// The key.
        fingerprint: String,
    },
    /// No signer in the policy has this key.
    #[error("signing key {fingerprint} is not in the trust policy")]
    UnknownKey {
        /// The key.
        fingerprint: String,
    },
    /// Before `valid_after`.
    #[error("signing key {fingerprint} ({identity}) is not valid before {valid_after}")]
    NotYetValid {
        /// Identity.
        identity: String,
        /// The key.
        fingerprint: String,
        /// When it becomes valid.
        valid_after: String,
    },
    /// At or after `valid_before`.
    #[error("signing key {fingerprint} ({identity}) expired at {valid_before}")]
    Expired {
        /// Identity.
        identity: String,
        /// The key.
        fingerprint: String,
        /// When it expired.
        valid_before: String,
    },
    /// The plugin name is outside the signer's scope.
    #[error("{identity} may not sign plugin {plugin:?} (allowed: {patterns})")]
    NameOutOfScope {
        /// Identity.
        identity: String,
        /// Plugin name.
        plugin: String,
        /// Allowed patterns.
        patterns: String,
    },
    /// The stage kind is outside the signer's scope.
    #[error("{identity} may not sign {kind} stages (allowed: {kinds})")]
    KindOutOfScope {
        /// Identity.
        identity: String,
        /// Stage kind.
        kind: StageKind,
        /// Allowed kinds.
        kinds: String,
    },
    /// Older than the minimum version.
    #[error(
        "plugin {plugin} {version} is older than the minimum version {minimum} (rollback refused)"
    )]
    Rollback {
        /// Plugin name.
        plugin: String,
        /// Its version.
        version: String,
        /// The minimum.
        minimum: String,
    },
    /// The manifest asks for more than the signer may grant.
    #[error(
        "plugin {plugin} requests capability `{capability}`, above the ceiling of {identity} ({ceiling})"
    )]
    AboveCeiling {
        /// Plugin name.
        plugin: String,
        /// Identity.
        identity: String,
        /// The capability.
        capability: Capability,
        /// The ceiling.
        ceiling: String,
    },
}

impl Rejection {
    /// Machine-readable reason.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::RevokedDigest { .. } => "revoked-digest",
            Rejection::RevokedKey { .. } => "revoked-key",
            Rejection::UnknownKey { .. } => "unknown-key",
            Rejection::NotYetValid { .. } => "key-not-yet-valid",
            Rejection::Expired { .. } => "key-expired",
            Rejection::NameOutOfScope { .. } => "name-out-of-scope",
            Rejection::KindOutOfScope { .. } => "kind-out-of-scope",
            Rejection::Rollback { .. } => "rollback",
            Rejection::AboveCeiling { .. } => "capability-above-ceiling",
        }
    }
}

/// Glob match with `*` (any run) and `?` (one char).
pub fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// OpenSSH `match_pattern_list` (`match.c`): `list` is comma-separated
/// patterns with `*` and `?` (case-sensitive, no whitespace trimming), each
/// optionally negated with a leading `!`. A matching negated pattern vetoes
/// the whole list, even when a positive one also matches; otherwise the list
/// matches when any positive pattern does. An empty list matches nothing.
///
/// Used for `namespaces=` in `allowed_signers`, exactly as `ssh-keygen -Y
/// verify` applies it.
pub fn match_pattern_list(name: &str, list: &str) -> bool {
    if list.is_empty() {
        return false;
    }
    let mut positive = false;
    for pattern in list.split(',') {
        match pattern.strip_prefix('!') {
            Some(negated) if glob(negated, name) => return false,
            Some(_) => {}
            None => positive |= glob(pattern, name),
        }
    }
    positive
}

/// Compare two versions by SemVer 2.0 precedence (`1.2.3`, `1.2.3-rc.1`):
/// the core numerically (missing parts are 0, a leading `v` is ignored); a
/// pre-release sorts before its release; pre-release identifiers compare one
/// by one, numeric ones numerically (of any length), below alphanumeric
/// ones, which compare in ASCII order; a shorter identifier list sorts first
/// when all before are equal; build metadata (`+...`) is ignored. So
/// `1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta.2 <
/// 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0`. `None` when either is not a version
/// (including empty identifiers, characters outside `[0-9A-Za-z-]`, and
/// numeric pre-release identifiers with leading zeros).
pub fn compare_versions(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;

    fn identifier_ok(id: &str) -> bool {
        !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
    }
    fn numeric(id: &str) -> bool {
        id.bytes().all(|c| c.is_ascii_digit())
    }
    fn parse(v: &str) -> Option<([u64; 3], Option<Vec<&str>>)> {
        let v = v.trim();
        let v = v.strip_prefix('v').unwrap_or(v);
        let (v, build) = match v.split_once('+') {
            Some((v, b)) => (v, Some(b)),
            None => (v, None),
        };
        if let Some(b) = build
            && !b.split('.').all(identifier_ok)
        {
            return None;
        }
        let (core, pre) = match v.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (v, None),
        };
        let mut out = [0u64; 3];
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 3 {
            return None;
        }
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !numeric(p) {
                return None;
            }
            out[i] = p.parse().ok()?;
        }
        let pre = match pre {
            None => None,
            Some(p) => {
                let ids: Vec<&str> = p.split('.').collect();
                if !ids.iter().all(|id| {
                    identifier_ok(id) && !(numeric(id) && id.len() > 1 && id.starts_with('0'))
                }) {
                    return None;
                }
                Some(ids)
            }
        };
        Some((out, pre))
    }
    fn identifier(x: &str, y: &str) -> Ordering {
        match (numeric(x), numeric(y)) {
            // No leading zeros: the longer number is the larger.
            (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.cmp(y),
        }
    }
    let (a, b) = (parse(a)?, parse(b)?);
    Some(a.0.cmp(&b.0).then_with(|| {
        match (&a.1, &b.1) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => x
                .iter()
                .zip(y.iter())
                .map(|(p, q)| identifier(p, q))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| x.len().cmp(&y.len())),
        }
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    signer: Vec<RawSigner>,
    #[serde(default)]
    revoked: RawRevoked,
    #[serde(default)]
    minimum_versions: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSigner {
    identity: String,
    key: String,
    plugins: Vec<String>,
    kinds: Vec<StageKind>,
    #[serde(default)]
    capabilities: Vec<Capability>,
    valid_after: Option<String>,
    valid_before: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRevoked {
    #[serde(default)]
    keys: Vec<String>,
    #[serde(default)]
    digests: Vec<String>,
}

/// A `revoked.keys` entry as the `SHA256:...` fingerprint it revokes: either
/// an OpenSSH SHA-256 fingerprint (`SHA256:` + unpadded base64 of exactly 32
/// bytes, canonical, as `ssh-keygen -l` prints it) or a public key line (whose
/// fingerprint is taken). Anything else is an error: an entry that could
/// match no key would silently revoke nothing.
fn revoked_key_fingerprint(entry: &str) -> Result<String, String> {
    let entry = entry.trim();
    if let Some((prefix, _)) = entry.split_once(':')
        && !prefix.contains(char::is_whitespace)
    {
        let not_fp = || {
            format!(
                "{entry:?} is not an OpenSSH SHA-256 fingerprint (`SHA256:` + 43 characters of \
                 unpadded base64, as `ssh-keygen -lf KEY.pub` prints it) nor a public key line"
            )
        };
        return match entry.parse::<ssh_key::Fingerprint>() {
            Ok(fp @ ssh_key::Fingerprint::Sha256(_)) if fp.to_string() == entry => Ok(entry.into()),
            _ => Err(not_fp()),
        };
    }
    crate::keys::parse_public(entry)
        .map(|k| fingerprint(&k))
        .map_err(|e| format!("{entry:?}: {e}"))
}

/// A `revoked.digests` entry, normalised to lower case: `sha256:` + 64 hex
/// digits (either case, prefix included).
fn revoked_digest(entry: &str) -> Result<String, String> {
    let lower = entry.trim().to_ascii_lowercase();
    match lower.strip_prefix("sha256:") {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(lower),
        _ => Err(format!(
            "{entry:?} is not a plugin digest (`sha256:` + 64 hex digits, as `cordon inspect` prints it)"
        )),
    }
}

/// Split an allowed_signers options field on unquoted commas, dropping
/// the quotes.
pub fn split_options(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Split an allowed_signers line into whitespace-separated fields, keeping
/// quoted option values (which may contain spaces) together.
pub fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl TrustPolicy {
    /// Parse a trust file; `file` names it (and picks the format: `*.toml` is
    /// a trust policy, anything else an `allowed_signers` file).
    pub fn parse(text: &str, file: &str) -> Result<TrustPolicy, TrustError> {
        let policy = if file.ends_with(".toml") {
            Self::parse_toml(text, file)?
        } else {
            Self::parse_allowed_signers(text, file)?
        };
        if policy.signers.is_empty() {
            return Err(TrustError::Empty {
                file: file.to_string(),
            });
        }
        Ok(policy)
    }

    fn parse_toml(text: &str, file: &str) -> Result<TrustPolicy, TrustError> {
        let invalid = |message: String| TrustError::Invalid {
            file: file.to_string(),
            message,
        };
        let raw: RawPolicy =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_string()))?;
        let mut signers = Vec::new();
        for (i, s) in raw.signer.into_iter().enumerate() {
            let at = |m: String| invalid(format!("signer[{i}] ({}): {m}", s.identity));
            let key = crate::keys::parse_public(&s.key).map_err(at)?;
            if s.plugins.is_empty() || s.kinds.is_empty() {
                return Err(at("`plugins` and `kinds` must each name at least one entry (use \"*\" for any plugin)".into()));
            }
            let time = |v: &Option<String>, name: &str| -> Result<Option<i64>, TrustError> {
                v.as_ref()
                    .map(|t| parse_time(t, Notation::Trust).map_err(|e| at(format!("{name}: {e}"))))
                    .transpose()
            };
            // One entry per key: two entries would silently union their
            // scopes (the wider one wins), which no reader of the file expects.
            let bytes = ed25519_bytes(key.key_data());
            if let Some(first) = signers
                .iter()
                .find(|o: &&Signer| ed25519_bytes(o.key.key_data()) == bytes)
            {
                return Err(at(format!(
                    "key {} is already the key of signer {:?}; a key may appear in one [[signer]] \
                     entry only (merge the scopes into one entry)",
                    first.fingerprint, first.identity
                )));
            }
            signers.push(Signer {
                fingerprint: fingerprint(&key),
                identity: s.identity.clone(),
                key,
                plugins: s.plugins.clone(),
                kinds: s.kinds.clone(),
                capabilities: Some(s.capabilities.clone()),
                valid_after: time(&s.valid_after, "valid_after")?,
                valid_before: time(&s.valid_before, "valid_before")?,
            });
        }
        let revoked_keys = raw
            .revoked
            .keys
            .iter()
            .map(|k| revoked_key_fingerprint(k).map_err(|e| invalid(format!("revoked.keys: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let revoked_digests = raw
            .revoked
            .digests
            .iter()
            .map(|d| revoked_digest(d).map_err(|e| invalid(format!("revoked.digests: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        for (name, v) in &raw.minimum_versions {
            if compare_versions(v, v).is_none() {
                return Err(invalid(format!(
                    "minimum_versions.{name}: {v:?} is not a version"
                )));
            }
            // A name no signer may sign is a typo (or a stale entry): no
            // plugin it could protect would ever be accepted, and the plugin
            // meant would silently have no rollback protection. (With no
            // signer at all, the fail-closed error below says more.)
            if !signers.is_empty()
                && !signers
                    .iter()
                    .any(|s| s.plugins.iter().any(|p| glob(p, name)))
            {
                return Err(invalid(format!(
                    "minimum_versions.{name}: no signer's `plugins` pattern matches {name:?}, so this \
                     entry protects nothing (a typo in the plugin name?); signers' patterns: {}",
                    signers
                        .iter()
                        .flat_map(|s| s.plugins.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        Ok(TrustPolicy {
            file: file.to_string(),
            signers,
            revoked_keys,
            revoked_digests,
            minimum_versions: raw.minimum_versions,
        })
    }

    fn parse_allowed_signers(text: &str, file: &str) -> Result<TrustPolicy, TrustError> {
        let mut signers = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let invalid = |m: String| TrustError::Invalid {
                file: file.to_string(),
                message: format!("line {}: {m}", n + 1),
            };
            let f = fields(line);
            let is_key_type =
                |s: &str| s.starts_with("ssh-") || s.starts_with("ecdsa-") || s.starts_with("sk-");
            let (principals, options, key_at) = match f.as_slice() {
                [p, t, ..] if is_key_type(t) => (p.clone(), None, 1),
                [p, o, t, ..] if is_key_type(t) => (p.clone(), Some(o.clone()), 2),
                _ => {
                    return Err(invalid(
                        "expected `principals [options] ssh-ed25519 KEY`".into(),
                    ));
                }
            };
            let key_line = f[key_at..].join(" ");
            let key = crate::keys::parse_public(&key_line).map_err(invalid)?;
            let (mut valid_after, mut valid_before, mut for_us) = (None, None, true);
            for opt in options.as_deref().map(split_options).unwrap_or_default() {
                let (name, value) = opt.split_once('=').unwrap_or((opt.as_str(), ""));
                match name.to_ascii_lowercase().as_str() {
                    "namespaces" => {
                        for_us = match_pattern_list(NAMESPACE, value);
                    }
                    "valid-after" => {
                        valid_after = Some(
                            parse_time(value, Notation::OpenSsh)
                                .map_err(|e| invalid(format!("valid-after: {e}")))?,
                        );
                    }
                    "valid-before" => {
                        valid_before = Some(
                            parse_time(value, Notation::OpenSsh)
                                .map_err(|e| invalid(format!("valid-before: {e}")))?,
                        );
                    }
                    "cert-authority" => {
                        return Err(invalid("cert-authority lines are not supported; list the signing keys themselves".into()));
                    }
                    other => return Err(invalid(format!("unknown option {other:?}"))),
                }
            }
            if !for_us {
                continue;
            }
            signers.push(Signer {
                fingerprint: fingerprint(&key),
                identity: principals,
                key,
                plugins: vec!["*".into()],
                kinds: vec![StageKind::Parser, StageKind::Normalizer, StageKind::Policy],
                capabilities: None,
                valid_after,
                valid_before,
            });
        }
        Ok(TrustPolicy {
            file: file.to_string(),
            signers,
            revoked_keys: Vec::new(),
            revoked_digests: Vec::new(),
            minimum_versions: BTreeMap::new(),
        })
    }

    /// Whether a plugin digest is revoked. Checked before anything else.
    pub fn check_digest(&self, digest: &str) -> Result<(), Rejection> {
        if self
            .revoked_digests
            .iter()
            .any(|d| d.eq_ignore_ascii_case(digest))
        {
            return Err(Rejection::RevokedDigest {
                digest: digest.to_string(),
            });
        }
        Ok(())
    }

    /// Decide about a plugin whose signature verified: key known and not
    /// revoked, validity window, scope (name and kind), rollback, capability
    /// ceiling. `now` is Unix seconds.
    pub fn evaluate(
        &self,
        signature: &VerifiedSignature,
        manifest: &PluginManifest,
        now: i64,
    ) -> Result<Accepted, Rejection> {
        if self.revoked_keys.contains(&signature.fingerprint) {
            return Err(Rejection::RevokedKey {
                fingerprint: signature.fingerprint.clone(),
            });
        }
        let key = ed25519_bytes(signature.key.key_data());
        let candidates: Vec<&Signer> = self
            .signers
            .iter()
            .filter(|s| key.is_some() && ed25519_bytes(s.key.key_data()) == key)
            .collect();
        if candidates.is_empty() {
            return Err(Rejection::UnknownKey {
                fingerprint: signature.fingerprint.clone(),
            });
        }
        let mut first_err = None;
        for s in candidates {
            match self.evaluate_signer(s, manifest, now) {
                Ok(a) => return Ok(a),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or_else(|| Rejection::UnknownKey {
            fingerprint: signature.fingerprint.clone(),
        }))
    }

    fn evaluate_signer(
        &self,
        s: &Signer,
        m: &PluginManifest,
        now: i64,
    ) -> Result<Accepted, Rejection> {
        if let Some(after) = s.valid_after
            && now < after
        {
            return Err(Rejection::NotYetValid {
                identity: s.identity.clone(),
                fingerprint: s.fingerprint.clone(),
                valid_after: format_time(after),
            });
        }
        if let Some(before) = s.valid_before
            && now >= before
        {
            return Err(Rejection::Expired {
                identity: s.identity.clone(),
                fingerprint: s.fingerprint.clone(),
                valid_before: format_time(before),
            });
        }
        if !s.plugins.iter().any(|p| glob(p, &m.name)) {
            return Err(Rejection::NameOutOfScope {
                identity: s.identity.clone(),
                plugin: m.name.clone(),
                patterns: s.plugins.join(", "),
            });
        }
        if !s.kinds.contains(&m.kind) {
            return Err(Rejection::KindOutOfScope {
                identity: s.identity.clone(),
                kind: m.kind,
                kinds: s
                    .kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if let Some(min) = self.minimum_versions.get(&m.name)
            && compare_versions(&m.version, min) != Some(std::cmp::Ordering::Greater)
            && compare_versions(&m.version, min) != Some(std::cmp::Ordering::Equal)
        {
            return Err(Rejection::Rollback {
                plugin: m.name.clone(),
                version: m.version.clone(),
                minimum: min.clone(),
            });
        }
        let ceiling: Vec<Capability> = m
            .kind
            .ceiling()
            .iter()
            .copied()
            .filter(|c| s.capabilities.as_ref().is_none_or(|caps| caps.contains(c)))
            .collect();
        if let Some(c) = m.capabilities.iter().find(|c| !ceiling.contains(c)) {
            return Err(Rejection::AboveCeiling {
                plugin: m.name.clone(),
                identity: s.identity.clone(),
                capability: *c,
                ceiling: if ceiling.is_empty() {
                    "none".into()
                } else {
                    ceiling
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            });
        }
        Ok(Accepted {
            identity: s.identity.clone(),
            fingerprint: s.fingerprint.clone(),
            ceiling,
        })
    }
}

impl fmt::Display for Accepted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.identity, self.fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("parser-*", "parser-trivy"));
        assert!(glob("*", "anything"));
        assert!(glob("p?rser-*-x", "parser-a-b-x"));
        assert!(!glob("parser-*", "policy-x"));
        assert!(!glob("parser-trivy", "parser-trivy2"));
    }

    #[test]
    fn pattern_lists_follow_openssh() {
        for (list, expected) in [
            ("cordon-plugin", true),
            ("cordon-*", true),
            ("cordon-plugi?", true),
            ("other,cordon-plugin", true),
            ("!other,cordon-plugin", true),
            ("other", false),
            ("", false),
            ("!cordon-plugin", false),
            ("!cordon-plugin,*", false),
            ("*,!cordon-plugin", false),
            ("!cordon-*,cordon-plugin", false),
            // No trimming, case-sensitive: as OpenSSH.
            (" cordon-plugin", false),
            ("Cordon-Plugin", false),
        ] {
            assert_eq!(
                match_pattern_list("cordon-plugin", list),
                expected,
                "{list:?}"
            );
        }
    }

    #[test]
    fn versions() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("1.4.0", "1.10.0"), Some(Less));
        assert_eq!(compare_versions("2.0.0-rc.1", "2.0.0"), Some(Less));
        assert_eq!(compare_versions("1.2", "1.2.0"), Some(Equal));
        assert_eq!(compare_versions("x", "1"), None);
    }

    fn signer_toml(identity: &str, key: &str) -> String {
        format!(
            "[[signer]]\nidentity = \"{identity}\"\nkey = \"{key}\"\nplugins = [\"*\"]\nkinds = [\"parser\"]\n"
        )
    }

    fn policy_with(rest: &str) -> Result<TrustPolicy, TrustError> {
        let k = crate::keys::generate("t").expect("key");
        TrustPolicy::parse(
            &format!("{}\n{rest}\n", signer_toml("a@x", &k.public_openssh)),
            "t.toml",
        )
    }

    #[test]
    fn revocation_entries_are_validated() {
        let k = crate::keys::generate("revoked").expect("key");
        let fp = k.fingerprint.clone();
        assert_eq!(fp.len(), "SHA256:".len() + 43, "{fp}");
        let short = crate::keys::generate("x").expect("key").fingerprint[..49].to_string();
        // The same 32 bytes with non-zero padding bits: not canonical.
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let last = alphabet.find(&fp[fp.len() - 1..]).expect("base64");
        let non_canonical = format!("{}{}", &fp[..fp.len() - 1], &alphabet[last + 1..last + 2]);
        for bad in [
            "SHA256:typo".to_string(),
            non_canonical,
            format!("{fp}="),
            short,
            format!("sha256:{}", &fp[7..]),
            format!("MD5:{}", &fp[7..]),
            "ssh-ed25519 AAAAnotakey".to_string(),
            String::new(),
        ] {
            let err = policy_with(&format!("[revoked]\nkeys = [\"{bad}\"]"))
                .expect_err(&format!("{bad:?} must be refused"))
                .to_string();
            assert!(
                err.starts_with("t.toml: ") && err.contains(&format!("{bad:?}")),
                "{err}"
            );
        }
        // A fingerprint and a key line both revoke the key.
        for good in [fp.clone(), k.public_openssh.clone()] {
            let p = policy_with(&format!("[revoked]\nkeys = [\"{good}\"]")).expect(&good);
            assert_eq!(p.revoked_keys, std::slice::from_ref(&fp));
        }

        let hex = "AB".repeat(32);
        for bad in [
            format!("sha256:{}", &hex[1..]),
            format!("sha256:{hex}0"),
            format!("sha256:{}g", &hex[1..]),
            format!("sha512:{hex}"),
            hex.clone(),
            format!("SHA256:{}", &fp[7..]),
        ] {
            let err = policy_with(&format!("[revoked]\ndigests = [\"{bad}\"]"))
                .expect_err(&format!("{bad:?} must be refused"))
                .to_string();
            assert!(
                err.starts_with("t.toml: ") && err.contains(&format!("{bad:?}")),
                "{err}"
            );
        }
        // Case is normalised: an upper-case digest revokes the lower-case one.
        for good in [format!("sha256:{hex}"), format!("SHA256:{hex}")] {
            let p = policy_with(&format!("[revoked]\ndigests = [\"{good}\"]")).expect(&good);
            let lower = format!("sha256:{}", hex.to_ascii_lowercase());
            assert_eq!(p.revoked_digests, std::slice::from_ref(&lower));
            assert!(p.check_digest(&lower).is_err());
        }
    }

    #[test]
    fn one_key_in_two_signer_entries_is_refused() {
        let k = crate::keys::generate("k").expect("key");
        // The same key with another comment is still the same key.
        let renamed = format!(
            "{} other-comment",
            k.public_openssh.rsplit_once(' ').expect("comment").0
        );
        let text = format!(
            "{}{}",
            signer_toml("narrow@x", &k.public_openssh),
            signer_toml("wide@x", &renamed)
        );
        let err = TrustPolicy::parse(&text, "t.toml")
            .expect_err("duplicate key")
            .to_string();
        assert!(
            err.starts_with("t.toml: ")
                && err.contains("narrow@x")
                && err.contains("wide@x")
                && err.contains(&k.fingerprint),
            "{err}"
        );
        // Two different keys are fine.
        let other = crate::keys::generate("o").expect("key");
        let text = format!(
            "{}{}",
            signer_toml("narrow@x", &k.public_openssh),
            signer_toml("wide@x", &other.public_openssh)
        );
        assert_eq!(
            TrustPolicy::parse(&text, "t.toml")
                .expect("ok")
                .signers
                .len(),
            2
        );
    }

    #[test]
    fn impossible_dates_are_errors() {
        let k = crate::keys::generate("k").expect("key");
        let toml = |field: &str, value: &str| {
            let text = format!(
                "{}{field} = \"{value}\"\n",
                signer_toml("a@x", &k.public_openssh)
            );
            TrustPolicy::parse(&text, "t.toml")
        };
        let ssh = |option: &str, value: &str| {
            let text = format!("a@x {option}=\"{value}\" {}\n", k.public_openssh);
            TrustPolicy::parse(&text, "allowed_signers")
        };
        for bad in [
            "2026-02-31",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-01-01T25:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T10:60:00Z",
            "2026-01-01T10:00:60Z",
        ] {
            for field in ["valid_after", "valid_before"] {
                let err = toml(field, bad).expect_err(bad).to_string();
                assert!(err.contains(bad) && err.contains(field), "{err}");
            }
        }
        for bad in [
            "20260231",
            "20260229",
            "20261301",
            "202601012500",
            "20260101106000",
            "20260101105960",
        ] {
            for option in ["valid-after", "valid-before"] {
                let err = ssh(option, bad).expect_err(bad).to_string();
                assert!(err.contains(bad) && err.contains(option), "{err}");
            }
        }
        // Real leap days are fine, in both notations.
        for good in ["2024-02-29", "2000-02-29T23:59:59Z"] {
            toml("valid_after", good).expect(good);
        }
        for good in ["20240229", "20000229235959Z"] {
            ssh("valid-after", good).expect(good);
        }
    }

    #[test]
    fn minimum_versions_must_name_a_plugin_some_signer_may_sign() {
        let k = crate::keys::generate("k").expect("key");
        let policy = |plugins: &str, name: &str| {
            let text = format!(
                "[[signer]]\nidentity = \"a@x\"\nkey = \"{}\"\nplugins = [{plugins}]\nkinds = [\"parser\"]\n\
                 [minimum_versions]\n{name} = \"1.4.0\"\n",
                k.public_openssh
            );
            TrustPolicy::parse(&text, "t.toml")
        };
        // A typo: rollback protection for parser-acme-scan would vanish.
        let err = policy("\"parser-acme-*\"", "parsr-acme-scan")
            .expect_err("typo")
            .to_string();
        assert!(
            err.starts_with("t.toml: ") && err.contains("minimum_versions.parsr-acme-scan"),
            "{err}"
        );
        for (plugins, name) in [
            ("\"parser-acme-*\"", "parser-acme-scan"),
            ("\"parser-acme-scan\"", "parser-acme-scan"),
            ("\"other\", \"parser-?cme-scan\"", "parser-acme-scan"),
            ("\"*\"", "anything"),
        ] {
            let p = policy(plugins, name).expect(name);
            assert_eq!(p.minimum_versions.len(), 1);
        }
    }

    #[test]
    fn versions_follow_semver_precedence() {
        use std::cmp::Ordering::*;
        // The chain from SemVer 2.0.0, section 11, each strictly below the next.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1-0",
            "1.0.1",
        ];
        for (i, a) in chain.iter().enumerate() {
            for (j, b) in chain.iter().enumerate() {
                assert_eq!(compare_versions(a, b), Some(i.cmp(&j)), "{a} vs {b}");
            }
        }
        // Numeric identifiers compare numerically (beyond u64 too), below
        // alphanumeric ones; build metadata is ignored.
        for (a, b, o) in [
            ("1.0.0-2", "1.0.0-10", Less),
            (
                "1.0.0-99999999999999999999999",
                "1.0.0-100000000000000000000000",
                Less,
            ),
            ("1.0.0-999", "1.0.0-a", Less),
            ("1.0.0-a-b", "1.0.0-a", Greater),
            ("1.0.0-rc.1+build.5", "1.0.0-rc.1+other", Equal),
            ("1.0.0+build", "1.0.0", Equal),
            ("1.0.0-rc.1", "1.0.0+anything", Less),
        ] {
            assert_eq!(compare_versions(a, b), Some(o), "{a} vs {b}");
        }
        // Not versions: empty identifiers, bad characters, leading zeros in a
        // numeric identifier (SemVer forbids them).
        for bad in [
            "1.0.0-",
            "1.0.0-a..b",
            "1.0.0-a_b",
            "1.0.0-01",
            "1.0.0+",
            "1..0",
        ] {
            assert_eq!(compare_versions(bad, "1.0.0"), None, "{bad}");
        }
    }

    #[test]
    fn empty_files_fail_closed() {
        for (text, file) in [
            ("", "trust.toml"),
            ("# nothing\n", "allowed_signers"),
            ("[revoked]\ndigests=[]\n", "t.toml"),
        ] {
            assert!(
                matches!(
                    TrustPolicy::parse(text, file),
                    Err(TrustError::Empty { .. })
                ),
                "{file}: {text:?}"
            );
        }
    }
}
