//! One key for the spellings of one mailbox, for the sender rules (guest quota, rate limit, loop
//! guard, blocked senders): letter case does not count, a `+tag` does not count, and on Gmail
//! (`gmail.com`, `googlemail.com`) dots in the local part do not count either. Pure.

/// Domains whose mail service ignores dots in the local part, and the one they are keyed as.
const DOTLESS: &[(&str, &str)] = &[("gmail.com", "gmail.com"), ("googlemail.com", "gmail.com")];

/// The key of `address`: lower case, without `+tag`, without dots on Gmail.
/// `Jane.Doe+quota2@GoogleMail.com` and `janedoe@gmail.com` have the same key.
pub fn address_key(address: &str) -> String {
    let address = address.trim().to_lowercase();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return address;
    };
    let domain = domain.trim_end_matches('.');
    let local = match local.split_once('+') {
        // A local part that is only a tag ("+x@...") is kept whole: it is no subaddress.
        Some((base, _)) if !base.is_empty() => base,
        _ => local,
    };
    match DOTLESS.iter().find(|(d, _)| *d == domain) {
        Some((_, canonical)) => format!("{}@{canonical}", local.replace('.', "")),
        None => format!("{local}@{domain}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_tags_and_gmail_dots_make_no_new_sender() {
        let one = [
            "jane.doe@gmail.com",
            "Jane.Doe@Gmail.com",
            "JANEDOE@GMAIL.COM",
            "j.a.n.e.d.o.e+q1@gmail.com",
            "janedoe+anything+else@googlemail.com",
            "Jane.Doe@googlemail.com.",
        ];
        for a in one {
            assert_eq!(address_key(a), "janedoe@gmail.com", "{a}");
        }
        assert_eq!(address_key("Pat+Q2@Clinic.Example"), "pat@clinic.example");
        assert_eq!(address_key("PAT@clinic.example"), "pat@clinic.example");
    }

    #[test]
    fn dots_count_where_the_provider_does_not_ignore_them() {
        assert_eq!(
            address_key("jane.doe@clinic.example"),
            "jane.doe@clinic.example"
        );
        assert_ne!(
            address_key("jane.doe@clinic.example"),
            address_key("janedoe@clinic.example")
        );
        // Another domain is another sender, and a subdomain is not Gmail.
        assert_ne!(
            address_key("pat@clinic.example"),
            address_key("pat@north.clinic.example")
        );
        assert_eq!(address_key("j.d@mail.gmail.com"), "j.d@mail.gmail.com");
    }

    #[test]
    fn odd_addresses_still_get_a_key() {
        assert_eq!(address_key("+tag@clinic.example"), "+tag@clinic.example");
        assert_eq!(address_key("no-at-sign"), "no-at-sign");
        assert_eq!(address_key(" Pat@X.example "), "pat@x.example");
    }
}
