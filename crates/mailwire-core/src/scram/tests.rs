use super::*;

// RFC 7677 §3: user "user", password "pencil".
const C_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
const S_NONCE: &str = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const CLIENT_FIRST: &[u8] = b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const SERVER_FIRST: &[u8] =
    b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const CLIENT_FINAL: &[u8] = b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const SERVER_FINAL: &[u8] = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

fn rfc_verifier() -> ScramVerifier {
    let salt = decode_base64(b"W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
    ScramVerifier::derive(Secret::new("pencil"), &salt, 4096).unwrap()
}

fn rfc_client() -> ScramClient {
    ScramClient::with_nonce(None, "user", Secret::new("pencil"), C_NONCE).unwrap()
}

/// The server up to the server-first-message of the RFC 7677 §3 example.
fn rfc_server(verifier: Option<ScramVerifier>) -> ScramServerFinal {
    let server = ScramServer::client_first(CLIENT_FIRST).unwrap();
    assert_eq!(server.user(), "user");
    assert_eq!(server.authzid(), None);
    let (server, first) = server
        .server_first_with_nonce(verifier, b"k", S_NONCE)
        .unwrap();
    if server.known {
        assert_eq!(first, SERVER_FIRST);
    }
    server
}

#[test]
fn rfc7677_example_through_both_machines() {
    let client = rfc_client();
    assert_eq!(client.client_first(), CLIENT_FIRST);
    let server = rfc_server(Some(rfc_verifier()));
    let (client, client_final) = client.server_first(SERVER_FIRST).unwrap();
    assert_eq!(client_final.expose(), CLIENT_FINAL);
    let success = server.client_final(CLIENT_FINAL).unwrap();
    assert_eq!(success.user(), "user");
    assert_eq!(success.server_final(), SERVER_FINAL);
    client.server_final(SERVER_FINAL).unwrap();
}

#[test]
fn wrong_password_fails_at_the_proof() {
    let client = ScramClient::with_nonce(None, "user", Secret::new("pencil2"), C_NONCE).unwrap();
    let (_, client_final) = client.server_first(SERVER_FIRST).unwrap();
    let server = rfc_server(Some(rfc_verifier()));
    assert_eq!(
        server.client_final(client_final.expose()),
        Err(ScramError::AuthenticationFailed)
    );
}

#[test]
fn unknown_user_gets_a_stable_mock_salt_and_fails() {
    let answer = |user: &str, key: &[u8]| {
        let msg = format!("n,,n={user},r=abc");
        let (_, first) = ScramServer::client_first(msg.as_bytes())
            .unwrap()
            .server_first(None, key)
            .unwrap();
        ServerFirst::parse(&first).unwrap()
    };
    let a = answer("nobody", b"key1");
    let b = answer("nobody", b"key1");
    assert_eq!((a.salt.len(), a.iterations), (SALT_LEN, DEFAULT_ITERATIONS));
    assert_eq!(a.salt, b.salt, "the same user gets the same salt");
    assert_ne!(a.nonce, b.nonce, "but fresh nonces");
    assert_ne!(a.salt, answer("somebody", b"key1").salt);
    assert_ne!(a.salt, answer("nobody", b"key2").salt);
    // Even the right proof for the mock keys fails.
    let server = rfc_server(None);
    assert_eq!(
        server.client_final(CLIENT_FINAL),
        Err(ScramError::AuthenticationFailed)
    );
}

#[test]
fn tampered_server_signature_fails_at_the_client() {
    let (client, _) = rfc_client().server_first(SERVER_FIRST).unwrap();
    let mut sig = decode_base64(&SERVER_FINAL[2..]).unwrap();
    sig[0] ^= 1;
    let tampered = format!("v={}", encode_base64(&sig));
    assert_eq!(
        client.clone().server_final(tampered.as_bytes()),
        Err(ScramError::ServerSignatureMismatch)
    );
    assert_eq!(
        client.clone().server_final(b"e=invalid-proof"),
        Err(ScramError::ServerError("invalid-proof".into()))
    );
    assert!(matches!(
        client.server_final(b"v=AAAA"),
        Err(ScramError::Malformed { .. })
    ));
}

#[test]
fn client_refuses_bad_server_first() {
    let err = |m: &[u8]| rfc_client().server_first(m).unwrap_err();
    // Nonce not extending ours, or equal to ours.
    assert!(matches!(
        err(b"r=XOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
        ScramError::NonceMismatch(_)
    ));
    assert!(matches!(
        err(b"r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
        ScramError::NonceMismatch(_)
    ));
    assert_eq!(
        err(b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095"),
        ScramError::TooFewIterations(4095)
    );
    assert_eq!(
        err(b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4000000000"),
        ScramError::TooManyIterations(4_000_000_000)
    );
    assert!(matches!(
        err(b"m=x,r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
        ScramError::UnsupportedExtension(_)
    ));
    for bad in [
        &b""[..],
        b"r=rOprNGfwEbeRWgbNEkqOx",
        b"r=rOprNGfwEbeRWgbNEkqOx,s=,i=4096",
        b"r=rOprNGfwEbeRWgbNEkqOx,s=!!,i=4096",
        b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=04096",
        b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999",
        b"r=rOprNGfwEbeRWgbNEkqOx,i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",
        b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,bogus",
        b"r=rOprNGfwEbeRWgbNEkqO\x7f,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        b"r=\xff,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    ] {
        assert!(
            matches!(
                err(bad),
                ScramError::Malformed {
                    message: ScramMessage::ServerFirst,
                    ..
                }
            ),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    // An extension after the required attributes is ignored.
    assert!(
        rfc_client()
            .server_first(b"r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,x=1")
            .is_ok()
    );
}

#[test]
fn client_first_parsing() {
    let f = ClientFirst::parse(b"y,a=ad=3Dmin=2C1,n=us=2Cer=3D,r=abc,x=ext").unwrap();
    assert_eq!(f.authzid(), Some("ad=min,1"));
    assert_eq!(f.user(), "us,er=");
    assert_eq!(f.nonce(), "abc");
    assert_eq!(f.gs2_header, "y,a=ad=3Dmin=2C1,");
    assert_eq!(f.bare, "n=us=2Cer=3D,r=abc,x=ext");
    assert_eq!(
        ClientFirst::parse(b"p=tls-unique,,n=user,r=abc"),
        Err(ScramError::ChannelBindingUnsupported("tls-unique".into()))
    );
    assert_eq!(
        ClientFirst::parse(b"n,,m=ext,n=user,r=abc"),
        Err(ScramError::UnsupportedExtension("ext".into()))
    );
    for bad in [
        &b""[..],
        b"n,",
        b"x,,n=user,r=abc",
        b"n,b=z,n=user,r=abc",
        b"n,,n=,r=abc",
        b"n,,n=us=er,r=abc",
        b"n,,n=user=2",
        b"n,,n=user",
        b"n,,r=abc,n=user",
        b"n,,n=user,r=",
        b"n,,n=user,r=a b",
        b"n,,n=u\0ser,r=abc",
        b"n,,n=user,r=abc,=x",
        b"n,,n=\xc3,r=abc",
    ] {
        assert!(
            matches!(
                ClientFirst::parse(bad),
                Err(ScramError::Malformed {
                    message: ScramMessage::ClientFirst,
                    ..
                })
            ),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    let long = vec![b'a'; MAX_MESSAGE_LEN + 1];
    assert!(ClientFirst::parse(&long).is_err());
}

#[test]
fn server_checks_client_final() {
    let check = |m: &[u8]| rfc_server(Some(rfc_verifier())).client_final(m);
    // Wrong channel binding: "eSws" is base64 of "y,,", the client said "n,,".
    assert_eq!(
        check(b"c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
        Err(ScramError::ChannelBindingMismatch)
    );
    assert!(matches!(
        check(b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
        Err(ScramError::NonceMismatch(_))
    ));
    for bad in [
        &b""[..],
        b"c=biws,r=abc",
        b"c=biws,r=abc,p=",
        b"c=biws,r=abc,p=AAAA",
        b"r=abc,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        b"c=b!ws,r=abc,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        b"c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,r=abc",
    ] {
        let e = check(bad).unwrap_err();
        assert!(
            matches!(
                e,
                ScramError::Malformed {
                    message: ScramMessage::ClientFinal,
                    ..
                }
            ),
            "{:?}: {e}",
            String::from_utf8_lossy(bad)
        );
        assert!(
            !e.to_string().contains("dHzb"),
            "the proof is not shown: {e}"
        );
    }
}

#[test]
fn authzid_and_escaped_names_round_trip() {
    let verifier = ScramVerifier::generate(Secret::new("pw")).unwrap();
    let client = ScramClient::new(Some("bo=b"), "al,ice", Secret::new("pw")).unwrap();
    let first = client.client_first();
    assert!(first.starts_with(b"n,a=bo=3Db,n=al=2Cice,r="));
    let server = ScramServer::client_first(&first).unwrap();
    assert_eq!((server.user(), server.authzid()), ("al,ice", Some("bo=b")));
    let (server, sf) = server.server_first(Some(verifier), b"k").unwrap();
    let (client, cf) = client.server_first(&sf).unwrap();
    let ok = server.client_final(cf.expose()).unwrap();
    assert_eq!(ok.authzid(), Some("bo=b"));
    client.server_final(ok.server_final()).unwrap();
}

#[test]
fn saslprep_is_applied_to_passwords() {
    // RFC 4013 §3: U+00AD (soft hyphen) maps to nothing, U+00A0 to a space; so these passwords
    // give the same verifier. A control character is prohibited.
    let salt = [1u8; 16];
    let a = ScramVerifier::derive(Secret::new("I\u{AD}X y"), &salt, 4096).unwrap();
    let b = ScramVerifier::derive(Secret::new("IX\u{A0}y"), &salt, 4096).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        ScramVerifier::derive(Secret::new("a\u{7}b"), &salt, 4096),
        Err(ScramError::Saslprep("password"))
    );
    assert_eq!(
        ScramVerifier::derive(Secret::new("pw"), &salt, 1),
        Err(ScramError::TooFewIterations(1))
    );
}

#[test]
fn verifier_storage_and_debug() {
    let v = rfc_verifier();
    let stored = v.to_stored();
    assert!(
        stored
            .expose()
            .starts_with("SCRAM-SHA-256$4096$W22ZaJ0SNY7soEsUEjb6gQ==$")
    );
    assert_eq!(ScramVerifier::from_stored(stored.expose()).unwrap(), v);
    for bad in [
        "",
        "SCRAM-SHA-1$4096$W22ZaJ0SNY7soEsUEjb6gQ==$AA==$AA==",
        "SCRAM-SHA-256$4096$W22ZaJ0SNY7soEsUEjb6gQ==$AA==$AA==",
        "SCRAM-SHA-256$x$W22ZaJ0SNY7soEsUEjb6gQ==$AA==$AA==",
    ] {
        assert!(ScramVerifier::from_stored(bad).is_err(), "{bad}");
    }
    let shown = format!("{v:?} {:?}", rfc_client());
    let key = encode_base64(v.stored_key());
    assert!(
        !shown.contains(&key[..8]) && !shown.contains("pencil"),
        "{shown}"
    );
    assert!(
        !shown.contains(&format!("{:?}", v.server_key())[..12]),
        "{shown}"
    );
}

#[test]
fn nonces_given_to_constructors_are_checked() {
    assert!(matches!(
        ScramClient::with_nonce(None, "u", Secret::new("p"), "a,b"),
        Err(ScramError::InvalidNonce(_))
    ));
    let server = ScramServer::client_first(CLIENT_FIRST).unwrap();
    assert!(matches!(
        server.server_first_with_nonce(None, b"k", ""),
        Err(ScramError::InvalidNonce(_))
    ));
    assert_eq!(
        ScramClient::new(None, "a\u{7}", Secret::new("p")).unwrap_err(),
        ScramError::Saslprep("user name")
    );
}

proptest::proptest! {
    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
        let _ = ClientFirst::parse(&bytes);
        let _ = ServerFirst::parse(&bytes);
        let _ = ClientFinal::parse(&bytes);
        let _ = ServerFinal::parse(&bytes);
        let _ = rfc_client().server_first(&bytes);
        if let Ok(s) = ScramServer::client_first(&bytes) {
            let (s, _) = s.server_first(None, b"k").unwrap();
            let _ = s.client_final(&bytes);
        }
    }

    #[test]
    fn structured_messages_never_panic(
        parts in proptest::collection::vec("[a-z=,23CD!\\x00-\\x7f]{0,12}", 0..8)
    ) {
        let msg = parts.join(",");
        let _ = ClientFirst::parse(msg.as_bytes());
        let _ = ServerFirst::parse(msg.as_bytes());
        let _ = ClientFinal::parse(msg.as_bytes());
        let _ = ServerFinal::parse(msg.as_bytes());
    }
}
