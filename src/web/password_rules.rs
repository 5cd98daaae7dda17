//! What a new staff password must be: long enough (longer for admins), not the account's own
//! address, not one character or a short pattern repeated, not a run like `1234567890`, and not
//! one of the passwords everyone tries first.

use crate::store::staff::Role;

/// The shortest password of a staff account.
pub const MIN_LEN: usize = 10;
/// The shortest password of an admin account.
pub const MIN_ADMIN_LEN: usize = 12;

/// Passwords of ten characters or more that guessing lists try first (compared lower-cased and
/// without spaces). Written for codedesk; not exhaustive.
const COMMON: &[&str] = &[
    "password123",
    "password1234",
    "password12345",
    "passw0rd123",
    "p@ssw0rd123",
    "qwertyuiop",
    "qwerty12345",
    "qwerty123456",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "asdfghjkl1",
    "zxcvbnm123",
    "iloveyou12",
    "welcome123",
    "welcome1234",
    "letmein123",
    "changeme123",
    "administrator",
    "admin12345",
    "admin123456",
    "football123",
    "baseball123",
    "sunshine123",
    "princess123",
    "trustno1234",
    "monkey12345",
    "dragon12345",
    "superman123",
    "starwars123",
    "codedesk123",
    "codedesk2026",
    "medicalcoding",
    "correcthorsebatterystaple",
];

/// Why `password` may not be set for `email` with `role`, or `Ok`.
pub fn check(email: &str, role: Role, password: &str) -> Result<(), String> {
    let min = match role {
        Role::Admin => MIN_ADMIN_LEN,
        Role::Staff => MIN_LEN,
    };
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < min {
        return Err(format!(
            "the password is too short: use at least {min} characters{}",
            if role == Role::Admin {
                " for an admin account"
            } else {
                ""
            }
        ));
    }
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if lower.contains(&email) || (local.len() >= 4 && lower.contains(local)) {
        return Err("the password contains the account's address: choose another".into());
    }
    if (1..=4).any(|n| repeats(&chars, n)) {
        return Err(
            "the password is a few characters repeated: choose something longer to guess \
             (e.g. several unrelated words)"
                .into(),
        );
    }
    if is_run(&lower) {
        return Err("the password is a run of keys like 1234567890 or abcdefghij".into());
    }
    let squeezed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if COMMON.contains(&squeezed.as_str()) {
        return Err("the password is one that attackers try first: choose another".into());
    }
    Ok(())
}

/// Whether `chars` is its first `n` characters over and over.
fn repeats(chars: &[char], n: usize) -> bool {
    n > 0 && chars.iter().enumerate().all(|(i, c)| *c == chars[i % n])
}

/// Runs of keys that passwords are cut from (forwards or backwards).
const RUNS: &[&str] = &[
    "12345678901234567890",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
];

/// Whether `lower` is a piece of one of [`RUNS`], forwards or backwards: `1234567890`.
fn is_run(lower: &str) -> bool {
    let backwards: String = lower.chars().rev().collect();
    RUNS.iter()
        .any(|run| run.contains(lower) || run.contains(backwards.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        let refused = |email: &str, role: Role, pw: &str, why: &str| {
            let e = check(email, role, pw).unwrap_err();
            assert!(e.contains(why), "{pw}: {e}");
        };
        refused("a@x.example", Role::Staff, "short", "at least 10");
        refused("a@x.example", Role::Admin, "eleven char", "at least 12");
        refused(
            "pat@clinic.example",
            Role::Staff,
            "PAT@clinic.example",
            "address",
        );
        refused(
            "patricia@x.example",
            Role::Staff,
            "patricia2026!",
            "address",
        );
        refused("a@x.example", Role::Staff, "aaaaaaaaaa", "repeated");
        refused("a@x.example", Role::Staff, "abababababab", "repeated");
        refused("a@x.example", Role::Staff, "1234567890", "run");
        refused("a@x.example", Role::Staff, "9876543210", "run");
        refused("a@x.example", Role::Staff, "Password123", "attackers try");
        refused("a@x.example", Role::Staff, "qwerty uiop", "attackers try");
        check("a@x.example", Role::Staff, "reviewer password 1").unwrap();
        check("a@x.example", Role::Admin, "lantern orbit pickle").unwrap();
        check("a@x.example", Role::Staff, "abcdeabcdeX").unwrap();
    }
}
