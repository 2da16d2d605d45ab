//! `pop3_values`: values built through the public constructors encode to wire text that decodes
//! back to an equal value (the guarantee in `mailwire_pop3::types`).

use std::borrow::Cow;

use mailwire_core::Secret;
use mailwire_pop3::codec::{Encode, decode_command, decode_response};
use mailwire_pop3::{
    ApopDigest, Arg, Capability, Command, Keyword, LangRequest, LanguageListing, LanguageTag,
    Mechanism, MsgNum, RespCodeText, Response, ResponseCode, SaslAuth, ScanListing, Status,
    StatusKind, Text, UidListing, UniqueId,
};

use crate::util::{expect_for, expected_body, relaxed_limits};

/// Reads fields out of the fuzzer's bytes: a byte, a number, or a field up to the next `\0`.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    fn field(&mut self) -> &'a [u8] {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        let f = &self.0[..end];
        self.0 = self.0.get(end + 1..).unwrap_or_default();
        f
    }

    fn str(&mut self) -> Option<&'a str> {
        core::str::from_utf8(self.field()).ok()
    }

    fn msg(&mut self) -> Option<MsgNum> {
        MsgNum::new(self.u32())
    }

    fn text(&mut self) -> Option<Text<'a>> {
        Text::new(self.field()).ok()
    }
}

/// Layout: `[kind]`, then the fields of the value (bytes, little-endian numbers, `\0`-terminated
/// strings). Values the constructors refuse are skipped. Kinds below 128 build commands, the rest
/// responses.
pub(crate) fn values(data: &[u8]) {
    let mut f = Fields(data);
    let kind = f.byte();
    if kind < 128 {
        if let Some(cmd) = command(kind, &mut f) {
            check_command(&cmd);
        }
    } else if let Some(resp) = response(kind - 128, &mut f) {
        check_response(&resp);
    }
}

fn command<'a>(kind: u8, f: &mut Fields<'a>) -> Option<Command<'a>> {
    Some(match kind % 19 {
        0 => Command::User(Arg::new(f.str()?).ok()?),
        1 => Command::Pass(mailwire_pop3::Password::new(f.field()).ok()?),
        2 => {
            let name = Arg::new(f.str()?).ok()?;
            let mut d = [0u8; 16];
            d.iter_mut().for_each(|b| *b = f.byte());
            Command::Apop {
                name,
                digest: ApopDigest::from_bytes(d),
            }
        }
        3 => Command::Stat,
        4 => Command::List(if f.byte() & 1 == 0 {
            None
        } else {
            Some(f.msg()?)
        }),
        5 => Command::Retr(f.msg()?),
        6 => Command::Dele(f.msg()?),
        7 => Command::Noop,
        8 => Command::Rset,
        9 => Command::Quit,
        10 => Command::Top {
            msg: f.msg()?,
            lines: f.u32(),
        },
        11 => Command::Uidl(if f.byte() & 1 == 0 {
            None
        } else {
            Some(f.msg()?)
        }),
        12 => Command::Capa,
        13 => Command::Stls,
        14 => {
            let flag = f.byte();
            if flag & 1 == 0 {
                Command::Auth(None)
            } else {
                let mechanism = Mechanism::new(f.str()?).ok()?;
                let initial_response = (flag & 2 != 0).then(|| Secret::new(f.field().to_vec()));
                Command::Auth(Some(SaslAuth {
                    mechanism,
                    initial_response,
                }))
            }
        }
        15 => Command::Utf8,
        16 => Command::Lang(match f.byte() % 3 {
            0 => None,
            1 => Some(LangRequest::Wildcard),
            _ => Some(LangRequest::Range(LanguageTag::new(f.str()?).ok()?)),
        }),
        17 => {
            let keyword = Keyword::new(f.str()?).ok()?;
            let n = f.byte() % 4;
            let params = (0..n)
                .map(|_| f.str().and_then(|s| Arg::new(s).ok()))
                .collect::<Option<Vec<_>>>()?;
            Command::Other { keyword, params }
        }
        _ => Command::Lang(None),
    })
}

fn status<'a>(f: &mut Fields<'a>) -> Option<Status<'a>> {
    let flags = f.byte();
    let kind = if flags & 1 == 0 {
        StatusKind::Ok
    } else {
        StatusKind::Err
    };
    let code = match (flags >> 1) % 8 {
        0 | 1 => None,
        2 => Some(ResponseCode::InUse),
        3 => Some(ResponseCode::LoginDelay),
        4 => Some(ResponseCode::SysTemp),
        5 => Some(ResponseCode::Auth),
        6 => Some(ResponseCode::Utf8),
        _ => Some(ResponseCode::Other(RespCodeText::new(f.str()?).ok()?)),
    };
    let text = f.text()?;
    // Known, documented limitation (see `mailwire_pop3::arbitrary::text`): text starting with
    // `[` after no code reads back as a response code.
    if code.is_none() && text.as_bytes().first() == Some(&b'[') {
        return None;
    }
    Some(Status { kind, code, text })
}

fn ok_status<'a>(f: &mut Fields<'a>) -> Option<Status<'a>> {
    let s = status(f)?;
    s.is_ok().then_some(s)
}

fn capability<'a>(f: &mut Fields<'a>) -> Option<Capability<'a>> {
    Some(match f.byte() % 15 {
        0 => Capability::Top,
        1 => Capability::User,
        2 => Capability::Sasl(
            (0..f.byte() % 4)
                .map(|_| f.str().and_then(|s| Mechanism::new(s).ok()))
                .collect::<Option<_>>()?,
        ),
        3 => Capability::RespCodes,
        4 => Capability::LoginDelay {
            seconds: f.u32(),
            per_user: f.byte() & 1 != 0,
        },
        5 => Capability::Pipelining,
        6 => Capability::Expire {
            policy: match f.byte() & 1 {
                0 => mailwire_pop3::ExpirePolicy::Never,
                _ => mailwire_pop3::ExpirePolicy::Days(f.u32()),
            },
            per_user: f.byte() & 1 != 0,
        },
        7 => Capability::Uidl,
        8 => Capability::Implementation(f.text()?),
        9 => Capability::Stls,
        10 => Capability::AuthRespCode,
        11 => Capability::Utf8 {
            user: f.byte() & 1 != 0,
        },
        12 => Capability::Lang,
        _ => Capability::Other {
            tag: mailwire_pop3::CapaTag::new(f.str()?).ok()?,
            params: (0..f.byte() % 3)
                .map(|_| f.str().and_then(|s| Arg::new(s).ok()))
                .collect::<Option<_>>()?,
        },
    })
}

fn scan<'a>(f: &mut Fields<'a>) -> Option<ScanListing<'a>> {
    Some(ScanListing {
        msg: f.msg()?,
        size: u64::from(f.u32()) << (f.byte() % 33),
        info: f.text()?,
    })
}

fn uid<'a>(f: &mut Fields<'a>) -> Option<UidListing<'a>> {
    Some(UidListing {
        msg: f.msg()?,
        uid: UniqueId::new(f.str()?).ok()?,
    })
}

fn many<'a, T>(f: &mut Fields<'a>, item: fn(&mut Fields<'a>) -> Option<T>) -> Option<Vec<T>> {
    (0..f.byte() % 5).map(|_| item(f)).collect()
}

fn response<'a>(kind: u8, f: &mut Fields<'a>) -> Option<Response<'a>> {
    Some(match kind % 13 {
        0 => Response::Greeting(status(f)?),
        1 => Response::Status(status(f)?),
        2 => Response::Stat {
            count: f.u32(),
            size: u64::from(f.u32()),
            text: f.text()?,
        },
        3 => Response::Scan(scan(f)?),
        4 => Response::ScanList {
            status: ok_status(f)?,
            listings: many(f, scan)?,
        },
        5 => Response::Uid(uid(f)?),
        6 => Response::UidList {
            status: ok_status(f)?,
            listings: many(f, uid)?,
        },
        7 => Response::Capabilities {
            status: ok_status(f)?,
            capabilities: many(f, capability)?,
        },
        8 => Response::Mechanisms {
            status: ok_status(f)?,
            mechanisms: many(f, |f| f.str().and_then(|s| Mechanism::new(s).ok()))?,
        },
        9 => Response::Languages {
            status: ok_status(f)?,
            languages: many(f, |f| {
                Some(LanguageListing {
                    tag: LanguageTag::new(f.str()?).ok()?,
                    description: f.text()?,
                })
            })?,
        },
        10 => Response::Message {
            status: ok_status(f)?,
            body: Cow::Borrowed(f.0),
        },
        11 => Response::MultiLine {
            status: ok_status(f)?,
            body: Cow::Borrowed(f.0),
        },
        _ => Response::Challenge(Secret::new(f.0.to_vec())),
    })
}

fn check_command(cmd: &Command<'_>) {
    let wire = cmd.to_wire();
    let (rest, back) = match decode_command(&wire, &relaxed_limits()) {
        Ok(v) => v,
        Err(e) => panic!(
            "{cmd:?} encodes to {:?}, which does not decode: {e}",
            String::from_utf8_lossy(&wire)
        ),
    };
    assert!(
        rest.is_empty(),
        "{cmd:?} encodes to more than one line: {:?}",
        String::from_utf8_lossy(&wire)
    );
    assert_eq!(&back, cmd);
    assert_eq!(back.to_wire(), wire);
}

fn check_response(resp: &Response<'_>) {
    let wire = resp.to_wire();
    let expect = expect_for(resp);
    let (rest, back) = match decode_response(&wire, expect, &relaxed_limits()) {
        Ok(v) => v,
        Err(e) => panic!(
            "{resp:?} encodes to {:?}, which does not decode as {expect:?}: {e}",
            String::from_utf8_lossy(&wire)
        ),
    };
    assert!(
        rest.is_empty(),
        "{resp:?} encodes to more than one response: {:?}",
        String::from_utf8_lossy(&wire)
    );
    match (resp, &back) {
        (Response::Message { status, body }, Response::Message { status: s, body: b })
        | (Response::MultiLine { status, body }, Response::MultiLine { status: s, body: b }) => {
            assert_eq!(s, status);
            assert_eq!(b.as_ref(), expected_body(body, false).as_slice());
        }
        _ => assert_eq!(&back, resp),
    }
    assert_eq!(back.to_wire(), wire);
}
