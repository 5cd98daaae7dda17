//! The key that seals refresh tokens in the database (AES-256-GCM from ring, already built for
//! rustls): from `CODEDESK_SECRET_KEY` (64 hex digits), else from the key file, which is created
//! 0600 with 32 random bytes on first use. A sealed token is bound to its mailbox, so it cannot
//! be copied to another row. The key is never printed; only a short fingerprint is stored.

use anyhow::{Context, Result, bail};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The variable that holds the key as 64 hex digits.
pub const SECRET_KEY_VAR: &str = "CODEDESK_SECRET_KEY";

/// A 256-bit key and its fingerprint.
pub struct SecretKey {
    key: LessSafeKey,
    id: String,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.id)
    }
}

impl SecretKey {
    /// The key from `from_env` (the value of `CODEDESK_SECRET_KEY`) when set, else from `file`
    /// (created when missing).
    pub fn load(from_env: Option<&str>, file: &Path) -> Result<SecretKey> {
        if let Some(text) = from_env {
            return SecretKey::from_hex(text)
                .with_context(|| format!("{SECRET_KEY_VAR} is not a key"));
        }
        match std::fs::read_to_string(file) {
            Ok(text) => {
                let mode = std::fs::metadata(file)?.permissions().mode();
                if mode & 0o077 != 0 {
                    bail!(
                        "the secret key file {} can be read by others (mode {:o}): run `chmod 600 {}`",
                        file.display(),
                        mode & 0o777,
                        file.display()
                    );
                }
                SecretKey::from_hex(&text)
                    .with_context(|| format!("the secret key file {} holds no key", file.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SecretKey::create(file),
            Err(e) => Err(e)
                .with_context(|| format!("cannot read the secret key file {}", file.display())),
        }
    }

    /// The key from the process environment or `file`.
    pub fn from_environment(file: &Path) -> Result<SecretKey> {
        let var = std::env::var(SECRET_KEY_VAR).ok();
        SecretKey::load(var.as_deref(), file)
    }

    fn create(file: &Path) -> Result<SecretKey> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| anyhow::anyhow!("the system gave no random bytes for a new key"))?;
        let text = hex::encode(bytes);
        match crate::private_files::create_new(file) {
            Ok(mut f) => {
                f.write_all(format!("{text}\n").as_bytes())
                    .and_then(|()| f.sync_all())
                    .with_context(|| {
                        format!("cannot write the secret key file {}", file.display())
                    })?;
                tracing::info!(file = %file.display(), "created a new secret key file for OAuth2 tokens");
                SecretKey::from_hex(&text)
            }
            // Another process created it meanwhile: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => SecretKey::load(None, file),
            Err(e) => Err(e).with_context(|| {
                format!(
                    "cannot create the secret key file {} (or set {SECRET_KEY_VAR})",
                    file.display()
                )
            }),
        }
    }

    /// A key from 64 hex digits (`openssl rand -hex 32`).
    pub fn from_hex(text: &str) -> Result<SecretKey> {
        let text = text.trim();
        let bytes = hex::decode(text)
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "a key is 64 hex digits (32 bytes), e.g. from `openssl rand -hex 32`"
                )
            })?;
        let digest = Sha256::new()
            .chain_update(b"codedesk secret key id\0")
            .chain_update(&bytes)
            .finalize();
        let key = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| anyhow::anyhow!("the key was refused by AES-256-GCM"))?;
        Ok(SecretKey {
            key: LessSafeKey::new(key),
            id: hex::encode(&digest[..8]),
        })
    }

    /// A short fingerprint of the key (not the key), stored beside what it sealed.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `secret` encrypted and authenticated, bound to `bound_to`: hex of nonce, ciphertext, tag.
    pub fn seal(&self, secret: &str, bound_to: &str) -> Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| anyhow::anyhow!("the system gave no random bytes"))?;
        let mut data = secret.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(bound_to.as_bytes()),
                &mut data,
            )
            .map_err(|_| anyhow::anyhow!("cannot encrypt"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(hex::encode(out))
    }

    /// The secret sealed by [`SecretKey::seal`] with this key for `bound_to`; an error when the
    /// key or the binding differs, or the text was changed.
    pub fn open(&self, sealed: &str, bound_to: &str) -> Result<String> {
        let bytes = hex::decode(sealed).context("the sealed token is not hex")?;
        if bytes.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            bail!("the sealed token is too short");
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let mut data = data.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(bound_to.as_bytes()), &mut data)
            .map_err(|_| {
                anyhow::anyhow!("the sealed token does not open with this key for this mailbox")
            })?;
        String::from_utf8(plain.to_vec()).context("the sealed token is not text")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_hex(&hex::encode([byte; 32])).unwrap()
    }

    #[test]
    fn sealed_tokens_open_only_with_the_key_and_mailbox_they_were_sealed_for() {
        let k = key(7);
        let sealed = k.seal("refresh-token-value", "desk-a").unwrap();
        assert!(!sealed.contains(&hex::encode("refresh-token-value")));
        assert_eq!(k.open(&sealed, "desk-a").unwrap(), "refresh-token-value");
        assert!(k.open(&sealed, "desk-b").is_err());
        assert!(key(8).open(&sealed, "desk-a").is_err());
        // Two seals of one secret differ (a fresh nonce each).
        assert_ne!(sealed, k.seal("refresh-token-value", "desk-a").unwrap());
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert!(
            k.open(&String::from_utf8(tampered).unwrap(), "desk-a")
                .is_err()
        );
        assert_ne!(key(7).id(), key(8).id());
    }

    #[test]
    fn bad_keys_say_what_a_key_is() {
        for bad in ["", "abc", &"g".repeat(64), &"00".repeat(31)] {
            let e = format!("{:#}", SecretKey::from_hex(bad).unwrap_err());
            assert!(e.contains("64 hex digits"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_key_file_is_created_owner_only_and_reused() {
        let dir = std::env::temp_dir().join(format!("codedesk-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret.key");
        let first = SecretKey::load(None, &file).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = SecretKey::load(None, &file).unwrap();
        assert_eq!(first.id(), again.id());
        let sealed = first.seal("t", "m").unwrap();
        assert_eq!(again.open(&sealed, "m").unwrap(), "t");
        // The variable wins over the file.
        let from_env = SecretKey::load(Some(&hex::encode([1u8; 32])), &file).unwrap();
        assert_ne!(from_env.id(), first.id());
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = format!("{:#}", SecretKey::load(None, &file).unwrap_err());
        assert!(e.contains("chmod 600"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
