//! nom decoders for POP3 (RFC 1939 §3–§7, RFC 2449 §3, RFC 5034 §5, RFC 6856).
//!
//! The line-level parsers (`parse_*`) work on one line without its CRLF; the framing that finds
//! lines and enforces limits runs first. The public `decode_*` functions combine both for callers
//! that hold a whole buffer.

use mailwire_core::Secret;
use mailwire_core::dot::unstuff;
use mailwire_core::sasl::decode_base64;
use nom::bytes::complete::{tag, take_while_m_n, take_while1};
use nom::combinator::{all_consuming, map_res, opt, rest};
use nom::sequence::preceded;
use nom::{IResult, Parser};

use super::{DecodeError, ErrorKind, Expect, Limits, ParseError};
use crate::types::{
    ApopDigest, Arg, AuthLine, CapaTag, Capability, Command, ExpirePolicy, Keyword, LangRequest,
    LanguageListing, LanguageTag, Mechanism, MsgNum, Password, RespCodeText, Response,
    ResponseCode, SaslAuth, ScanListing, Status, StatusKind, Text, UidListing, UniqueId,
};

type Res<'a, T> = IResult<&'a [u8], T>;

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

fn ascii(b: &[u8]) -> &str {
    // Callers pass only bytes already checked to be ASCII.
    core::str::from_utf8(b).unwrap_or_default()
}

/// `1*10DIGIT` fitting a `u32`.
fn number_u32(i: &[u8]) -> Res<'_, u32> {
    map_res(take_while_m_n(1, 10, is_digit), |d: &[u8]| {
        ascii(d).parse::<u32>()
    })
    .parse(i)
}

/// `1*20DIGIT` fitting a `u64`.
fn number_u64(i: &[u8]) -> Res<'_, u64> {
    map_res(take_while_m_n(1, 20, is_digit), |d: &[u8]| {
        ascii(d).parse::<u64>()
    })
    .parse(i)
}

fn msg_num(i: &[u8]) -> Res<'_, MsgNum> {
    map_res(number_u32, MsgNum::try_from).parse(i)
}

/// Parses the whole of `b` with `p`.
fn whole<'a, T>(
    b: &'a [u8],
    p: impl Parser<&'a [u8], Output = T, Error = nom::error::Error<&'a [u8]>>,
    what: &'static str,
) -> Result<T, ErrorKind> {
    all_consuming(p)
        .parse(b)
        .map(|(_, v)| v)
        .map_err(|_| ErrorKind::InvalidArgument(what))
}

fn arg(b: &[u8]) -> Result<Arg<'_>, ErrorKind> {
    let s = core::str::from_utf8(b).map_err(|_| ErrorKind::InvalidArgument("argument"))?;
    Arg::new(s).map_err(|_| ErrorKind::InvalidArgument("argument"))
}

/// Splits `keyword [SP args]`.
fn keyword_and_args(line: &[u8]) -> Result<(&[u8], Option<&[u8]>), ErrorKind> {
    let (after, kw) = take_while1::<_, _, nom::error::Error<&[u8]>>(|c| c != b' ')
        .parse(line)
        .map_err(|_| ErrorKind::UnknownCommand)?;
    let (_, args) = opt(preceded(
        tag::<_, _, nom::error::Error<&[u8]>>(&b" "[..]),
        rest,
    ))
    .parse(after)
    .map_err(|_| ErrorKind::UnknownCommand)?;
    Ok((kw, args))
}

/// Parses one command line (without CRLF).
pub(crate) fn parse_command(line: &[u8]) -> Result<Command<'_>, ErrorKind> {
    let (kw, raw_args) = keyword_and_args(line)?;
    if kw.len() > 4 || kw.len() < 3 {
        return Err(ErrorKind::UnknownCommand);
    }
    let mut upper = [0u8; 4];
    upper[..kw.len()].copy_from_slice(kw);
    upper.make_ascii_uppercase();
    let upper = &upper[..kw.len()];

    if upper == b"PASS" {
        let pass = raw_args.ok_or(ErrorKind::MissingArgument)?;
        return Password::new(pass)
            .map(Command::Pass)
            .map_err(|_| ErrorKind::InvalidArgument("password"));
    }

    let mut args: Vec<&[u8]> = match raw_args {
        None => Vec::new(),
        Some(a) => a.split(|&c| c == b' ').collect(),
    };
    if args.iter().any(|a| a.is_empty()) {
        return Err(ErrorKind::InvalidArgument("spacing"));
    }
    let count = |n: core::ops::RangeInclusive<usize>| {
        if args.len() < *n.start() {
            Err(ErrorKind::MissingArgument)
        } else if args.len() > *n.end() {
            Err(ErrorKind::TooManyArguments)
        } else {
            Ok(())
        }
    };
    let num = |b: &[u8]| whole(b, msg_num, "message number");

    Ok(match upper {
        b"USER" => {
            count(1..=1)?;
            Command::User(arg(args[0])?)
        }
        b"APOP" => {
            count(2..=2)?;
            let digest = ApopDigest::from_hex(args[1])
                .map_err(|_| ErrorKind::InvalidArgument("APOP digest"))?;
            Command::Apop {
                name: arg(args[0])?,
                digest,
            }
        }
        b"STAT" | b"NOOP" | b"RSET" | b"QUIT" | b"CAPA" | b"STLS" | b"UTF8" => {
            count(0..=0)?;
            match upper {
                b"STAT" => Command::Stat,
                b"NOOP" => Command::Noop,
                b"RSET" => Command::Rset,
                b"QUIT" => Command::Quit,
                b"CAPA" => Command::Capa,
                b"STLS" => Command::Stls,
                _ => Command::Utf8,
            }
        }
        b"LIST" | b"UIDL" => {
            count(0..=1)?;
            let n = args.first().map(|a| num(a)).transpose()?;
            if upper == b"LIST" {
                Command::List(n)
            } else {
                Command::Uidl(n)
            }
        }
        b"RETR" | b"DELE" => {
            count(1..=1)?;
            let n = num(args[0])?;
            if upper == b"RETR" {
                Command::Retr(n)
            } else {
                Command::Dele(n)
            }
        }
        b"TOP" => {
            count(2..=2)?;
            Command::Top {
                msg: num(args[0])?,
                lines: whole(args[1], number_u32, "line count")?,
            }
        }
        b"AUTH" => {
            count(0..=2)?;
            match args.as_slice() {
                [] => Command::Auth(None),
                [mech, initial @ ..] => {
                    let mechanism = Mechanism::from_any_case(ascii_checked(mech)?)
                        .map_err(|_| ErrorKind::InvalidArgument("SASL mechanism"))?;
                    let initial_response = match initial.first().copied() {
                        None => None,
                        Some(b"=") => Some(Secret::new(Vec::new())),
                        Some(b64) => Some(Secret::new(
                            decode_base64(b64).map_err(|_| ErrorKind::InvalidBase64)?,
                        )),
                    };
                    Command::Auth(Some(SaslAuth {
                        mechanism,
                        initial_response,
                    }))
                }
            }
        }
        b"LANG" => {
            count(0..=1)?;
            match args.first().copied() {
                None => Command::Lang(None),
                Some(b"*") => Command::Lang(Some(LangRequest::Wildcard)),
                Some(tag) => Command::Lang(Some(LangRequest::Range(
                    LanguageTag::new(ascii_checked(tag)?)
                        .map_err(|_| ErrorKind::InvalidArgument("language range"))?,
                ))),
            }
        }
        _ => {
            let keyword =
                Keyword::new(ascii_checked(kw)?).map_err(|_| ErrorKind::UnknownCommand)?;
            let params = args.drain(..).map(arg).collect::<Result<Vec<_>, _>>()?;
            Command::Other { keyword, params }
        }
    })
}

fn ascii_checked(b: &[u8]) -> Result<&str, ErrorKind> {
    if b.is_ascii() {
        Ok(ascii(b))
    } else {
        Err(ErrorKind::InvalidArgument("non-ASCII argument"))
    }
}

/// Parses one client line of a SASL exchange (RFC 5034 §4): base64 or `*`.
pub(crate) fn parse_auth_line(line: &[u8]) -> Result<AuthLine, ErrorKind> {
    if line == b"*" {
        return Ok(AuthLine::Cancel);
    }
    decode_base64(line)
        .map(|d| AuthLine::Response(Secret::new(d)))
        .map_err(|_| ErrorKind::InvalidBase64)
}

fn response_code(inner: &[u8]) -> Option<ResponseCode<'_>> {
    let s = core::str::from_utf8(inner).ok()?;
    let known = [
        ("IN-USE", ResponseCode::InUse),
        ("LOGIN-DELAY", ResponseCode::LoginDelay),
        ("SYS/TEMP", ResponseCode::SysTemp),
        ("SYS/PERM", ResponseCode::SysPerm),
        ("AUTH", ResponseCode::Auth),
        ("UTF8", ResponseCode::Utf8),
    ];
    for (name, code) in known {
        if name.eq_ignore_ascii_case(s) {
            return Some(code);
        }
    }
    RespCodeText::new(s).ok().map(ResponseCode::Other)
}

fn text(b: &[u8]) -> Result<Text<'_>, ErrorKind> {
    Text::new(b).map_err(|_| ErrorKind::InvalidArgument("text (CR inside a line)"))
}

/// Parses a status line: `+OK`/`-ERR` [SP [resp-code] text] (RFC 2449 §3).
pub(crate) fn parse_status(line: &[u8]) -> Result<Status<'_>, ErrorKind> {
    let (kind, after) = if let Some(r) = line.strip_prefix(b"+OK") {
        (StatusKind::Ok, r)
    } else if let Some(r) = line.strip_prefix(b"-ERR") {
        (StatusKind::Err, r)
    } else {
        return Err(ErrorKind::InvalidStatus);
    };
    let t = match after {
        [] => &[][..],
        [b' ', t @ ..] => t,
        _ => return Err(ErrorKind::InvalidStatus),
    };
    let (code, t) = match t {
        [b'[', inner @ ..] => match memchr::memchr(b']', inner) {
            Some(end) => match response_code(&inner[..end]) {
                Some(code) => {
                    let after = &inner[end + 1..];
                    (Some(code), after.strip_prefix(b" ").unwrap_or(after))
                }
                None => (None, t),
            },
            None => (None, t),
        },
        _ => (None, t),
    };
    Ok(Status {
        kind,
        code,
        text: text(t)?,
    })
}

/// `msg SP size [SP info]`
fn scan_listing(line: &[u8]) -> Result<ScanListing<'_>, ErrorKind> {
    let bad = |_| ErrorKind::InvalidListing("scan listing");
    let (r, (msg, _, size)) = (msg_num, tag(&b" "[..]), number_u64)
        .parse(line)
        .map_err(bad)?;
    let info = match r {
        [] => Text::empty(),
        [b' ', info @ ..] => text(info)?,
        _ => return Err(ErrorKind::InvalidListing("scan listing")),
    };
    Ok(ScanListing { msg, size, info })
}

/// `msg SP unique-id`
fn uid_listing(line: &[u8]) -> Result<UidListing<'_>, ErrorKind> {
    let bad = |_| ErrorKind::InvalidListing("unique-id listing");
    let (uid, (msg, _)) = (msg_num, tag(&b" "[..])).parse(line).map_err(bad)?;
    let uid = UniqueId::new(
        ascii_checked(uid).map_err(|_| ErrorKind::InvalidListing("unique-id listing"))?,
    )
    .map_err(|_| ErrorKind::InvalidListing("unique-id listing"))?;
    Ok(UidListing { msg, uid })
}

fn capability(line: &[u8]) -> Result<Capability<'_>, ErrorKind> {
    let bad = ErrorKind::InvalidListing("capability");
    let (tag, args) = keyword_and_args(line).map_err(|_| bad.clone())?;
    let upper = tag.to_ascii_uppercase();
    if upper == b"IMPLEMENTATION" {
        return Ok(Capability::Implementation(text(args.unwrap_or_default())?));
    }
    // Quirk (lenient): runs of spaces between capability parameters are accepted.
    let params: Vec<&[u8]> = args
        .unwrap_or_default()
        .split(|&c| c == b' ')
        .filter(|p| !p.is_empty())
        .collect();
    let user_flag = |rest: &[&[u8]]| match rest {
        [] => Ok(false),
        [u] if u.eq_ignore_ascii_case(b"USER") => Ok(true),
        _ => Err(bad.clone()),
    };
    let none = |c: Capability<'static>| {
        if params.is_empty() {
            Ok(c)
        } else {
            Err(bad.clone())
        }
    };
    match upper.as_slice() {
        b"TOP" => none(Capability::Top),
        b"USER" => none(Capability::User),
        b"RESP-CODES" => none(Capability::RespCodes),
        b"PIPELINING" => none(Capability::Pipelining),
        b"UIDL" => none(Capability::Uidl),
        b"STLS" => none(Capability::Stls),
        b"AUTH-RESP-CODE" => none(Capability::AuthRespCode),
        b"LANG" => none(Capability::Lang),
        b"UTF8" => Ok(Capability::Utf8 {
            user: user_flag(&params)?,
        }),
        b"SASL" => params
            .iter()
            .map(|m| {
                ascii_checked(m)
                    .ok()
                    .and_then(|m| Mechanism::from_any_case(m).ok())
                    .ok_or(bad.clone())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Capability::Sasl),
        b"LOGIN-DELAY" => match params.split_first() {
            Some((n, rest)) => Ok(Capability::LoginDelay {
                seconds: whole(n, number_u32, "").map_err(|_| bad.clone())?,
                per_user: user_flag(rest)?,
            }),
            None => Err(bad),
        },
        b"EXPIRE" => match params.split_first() {
            Some((p, rest)) => Ok(Capability::Expire {
                policy: if p.eq_ignore_ascii_case(b"NEVER") {
                    ExpirePolicy::Never
                } else {
                    ExpirePolicy::Days(whole(p, number_u32, "").map_err(|_| bad.clone())?)
                },
                per_user: user_flag(rest)?,
            }),
            None => Err(bad),
        },
        _ => {
            let tag = CapaTag::new(ascii_checked(tag).map_err(|_| bad.clone())?)
                .map_err(|_| bad.clone())?;
            let params = params.into_iter().map(arg).collect::<Result<Vec<_>, _>>()?;
            Ok(Capability::Other { tag, params })
        }
    }
}

fn language_listing(line: &[u8]) -> Result<LanguageListing<'_>, ErrorKind> {
    let (tag, description) = match memchr::memchr(b' ', line) {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, &[][..]),
    };
    Ok(LanguageListing {
        tag: LanguageTag::new(ascii_checked(tag)?)
            .map_err(|_| ErrorKind::InvalidListing("language"))?,
        description: text(description)?,
    })
}

/// One line of a multi-line listing response.
#[derive(Debug)]
pub(crate) enum ListItem<'a> {
    Scan(ScanListing<'a>),
    Uid(UidListing<'a>),
    Capability(Capability<'a>),
    Mechanism(Mechanism<'static>),
    Language(LanguageListing<'a>),
}

impl ListItem<'_> {
    pub(crate) fn into_static(self) -> ListItem<'static> {
        match self {
            ListItem::Scan(l) => ListItem::Scan(ScanListing {
                msg: l.msg,
                size: l.size,
                info: l.info.into_static(),
            }),
            ListItem::Uid(l) => ListItem::Uid(UidListing {
                msg: l.msg,
                uid: l.uid.into_static(),
            }),
            ListItem::Capability(c) => ListItem::Capability(c.into_static()),
            ListItem::Mechanism(m) => ListItem::Mechanism(m),
            ListItem::Language(l) => ListItem::Language(LanguageListing {
                tag: l.tag.into_static(),
                description: l.description.into_static(),
            }),
        }
    }
}

/// Parses one (already un-stuffed) line of a listing of shape `expect`.
pub(crate) fn parse_list_line(expect: Expect, line: &[u8]) -> Result<ListItem<'_>, ErrorKind> {
    match expect {
        Expect::ScanList => scan_listing(line).map(ListItem::Scan),
        Expect::UidList => uid_listing(line).map(ListItem::Uid),
        Expect::Capabilities => capability(line).map(ListItem::Capability),
        Expect::Mechanisms => ascii_checked(line)
            .ok()
            .and_then(|m| Mechanism::from_any_case(m).ok())
            .map(ListItem::Mechanism)
            .ok_or(ErrorKind::InvalidListing("mechanism")),
        Expect::Languages => language_listing(line).map(ListItem::Language),
        _ => Err(ErrorKind::InvalidListing("listing")),
    }
}

/// What a first response line tells the caller.
#[derive(Debug)]
pub(crate) enum FirstLine<'a> {
    /// The response is complete.
    Done(Response<'a>),
    /// A `+OK` of a multi-line shape: lines up to `.` follow.
    MultiLine(Status<'a>),
}

fn is_challenge(line: &[u8]) -> bool {
    // Quirk (lenient): a bare "+" without the space RFC 5034 §4 requires is taken as an empty
    // challenge.
    line == b"+" || line.starts_with(b"+ ")
}

/// Parses the first line of a response of shape `expect` (`Guess` is resolved by the caller).
pub(crate) fn parse_single_line(expect: Expect, line: &[u8]) -> Result<FirstLine<'_>, ErrorKind> {
    if matches!(expect, Expect::Auth | Expect::Guess) && is_challenge(line) {
        let data = line.get(2..).unwrap_or_default();
        let decoded = decode_base64(data).map_err(|_| ErrorKind::InvalidBase64)?;
        return Ok(FirstLine::Done(Response::Challenge(Secret::new(decoded))));
    }
    let status = parse_status(line)?;
    if status.kind == StatusKind::Err {
        return Ok(FirstLine::Done(match expect {
            Expect::Greeting => Response::Greeting(status),
            _ => Response::Status(status),
        }));
    }
    if expect.is_multi_line() {
        return Ok(FirstLine::MultiLine(status));
    }
    let after_ok = line.get(4..).unwrap_or_default();
    Ok(FirstLine::Done(match expect {
        Expect::Greeting => Response::Greeting(status),
        Expect::Stat => {
            let bad = |_| ErrorKind::InvalidListing("STAT");
            let (r, (count, _, size)) = (number_u32, tag(&b" "[..]), number_u64)
                .parse(after_ok)
                .map_err(bad)?;
            let text = match r {
                [] => Text::empty(),
                [b' ', t @ ..] => text(t)?,
                _ => return Err(ErrorKind::InvalidListing("STAT")),
            };
            Response::Stat { count, size, text }
        }
        Expect::Scan => Response::Scan(scan_listing(after_ok)?),
        Expect::Uid => Response::Uid(uid_listing(after_ok)?),
        _ => Response::Status(status),
    }))
}

/// Finds the first line of `input`: `(line without CRLF, bytes through the LF)`.
fn first_line(input: &[u8], limit: usize) -> Result<(&[u8], usize), DecodeError> {
    match memchr::memchr(b'\n', input) {
        Some(lf) => {
            let line = &input[..lf];
            if lf + 1 > limit {
                return Err(ParseError::new(ErrorKind::LineTooLong { limit }, line)
                    .skipping(lf + 1)
                    .into());
            }
            match line.strip_suffix(b"\r") {
                Some(l) => Ok((l, lf + 1)),
                None => Err(ParseError::new(ErrorKind::BareLf, line)
                    .skipping(lf + 1)
                    .into()),
            }
        }
        None if input.len() >= limit => {
            Err(ParseError::new(ErrorKind::LineTooLong { limit }, input)
                .skipping(input.len())
                .into())
        }
        None => Err(DecodeError::Incomplete),
    }
}

/// Decodes one command line (server side; RFC 1939 §3, RFC 2449 §3).
///
/// ```
/// use mailwire_pop3::codec::{decode_command, Limits};
/// use mailwire_pop3::{Command, MsgNum};
///
/// let (rest, cmd) = decode_command(b"TOP 1 10\r\nQUIT\r\n", &Limits::default()).unwrap();
/// assert_eq!(cmd, Command::Top { msg: MsgNum::ONE, lines: 10 });
/// assert_eq!(rest, b"QUIT\r\n");
/// ```
pub fn decode_command<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<(&'a [u8], Command<'a>), DecodeError> {
    let (line, used) = first_line(input, limits.max_command_line)?;
    match parse_command(line) {
        Ok(cmd) => Ok((&input[used..], cmd)),
        Err(kind) => Err(ParseError::new(kind, line).skipping(used).into()),
    }
}

/// Decodes one client line of an `AUTH` exchange (RFC 5034 §4).
pub fn decode_auth_line<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<(&'a [u8], AuthLine), DecodeError> {
    let (line, used) = first_line(input, limits.max_sasl_line)?;
    match parse_auth_line(line) {
        Ok(l) => Ok((&input[used..], l)),
        Err(kind) => Err(ParseError::new(kind, line).skipping(used).into()),
    }
}

/// Decodes one response of the expected shape (client side).
///
/// ```
/// use mailwire_pop3::codec::{decode_response, Expect, Limits};
/// use mailwire_pop3::Response;
///
/// let wire = b"+OK 120 octets\r\n..dotted\r\nplain\r\n.\r\n";
/// let (rest, resp) = decode_response(wire, Expect::Message, &Limits::default()).unwrap();
/// match resp {
///     Response::Message { body, .. } => assert_eq!(&body[..], b".dotted\r\nplain\r\n"),
///     other => panic!("{other:?}"),
/// }
/// assert!(rest.is_empty());
/// ```
pub fn decode_response<'a>(
    input: &'a [u8],
    expect: Expect,
    limits: &Limits,
) -> Result<(&'a [u8], Response<'a>), DecodeError> {
    let challenge_possible =
        expect == Expect::Auth || (expect == Expect::Guess && input.starts_with(b"+ "));
    let limit = if challenge_possible {
        limits.max_sasl_line
    } else {
        limits.max_status_line
    };
    let (line, used) = first_line(input, limit)?;
    let fail = |kind, skip| DecodeError::Failed(ParseError::new(kind, line).skipping(skip));
    let expect = match expect {
        Expect::Guess => guess_shape(line, &input[used..])?,
        e => e,
    };
    let status = match parse_single_line(expect, line) {
        Ok(FirstLine::Done(r)) => return Ok((&input[used..], r)),
        Ok(FirstLine::MultiLine(s)) => s,
        Err(kind) => return Err(fail(kind, used)),
    };
    let body = &input[used..];
    if matches!(expect, Expect::Message | Expect::MultiLine) {
        let (body, n) = unstuff(body).ok_or(DecodeError::Incomplete)?;
        let rest = &input[used + n..];
        return Ok(if expect == Expect::Message {
            (rest, Response::Message { status, body })
        } else {
            (rest, Response::MultiLine { status, body })
        });
    }
    let mut items = Vec::new();
    let mut pos = 0;
    loop {
        let (l, n) = match first_line(body.get(pos..).unwrap_or_default(), limits.max_status_line) {
            Ok(v) => v,
            Err(DecodeError::Failed(e)) => return Err(resync(input, used, e)),
            Err(e) => return Err(e),
        };
        pos += n;
        if l == b"." {
            break;
        }
        let l = l.strip_prefix(b".").unwrap_or(l);
        if items.len() >= limits.max_listing_lines {
            let e = ParseError::new(ErrorKind::TooManyLines(limits.max_listing_lines), l);
            return Err(resync(input, used, e));
        }
        match parse_list_line(expect, l) {
            Ok(item) => items.push(item),
            Err(kind) => {
                let e = ParseError::new(kind, l);
                return Err(resync(input, used, e));
            }
        }
    }
    let rest = &input[used + pos..];
    Ok((rest, assemble(expect, status, items)))
}

/// Sets `skip` of an error inside a multi-line body to the end of that body, or reports
/// `Incomplete` until the end has arrived.
fn resync(input: &[u8], body_start: usize, mut e: ParseError) -> DecodeError {
    match unstuff(&input[body_start..]) {
        Some((_, n)) => {
            e.skip = body_start + n;
            DecodeError::Failed(e)
        }
        None => DecodeError::Incomplete,
    }
}

/// Decides single- or multi-line for [`Expect::Guess`] by looking at the next line.
fn guess_shape(line: &[u8], next: &[u8]) -> Result<Expect, DecodeError> {
    if is_challenge(line) || !line.starts_with(b"+OK") {
        return Ok(Expect::Auth);
    }
    if next.is_empty() {
        return Err(DecodeError::Incomplete);
    }
    if next.starts_with(b"+") || next.starts_with(b"-") {
        Ok(Expect::Status)
    } else {
        Ok(Expect::MultiLine)
    }
}

pub(crate) fn assemble<'a>(
    expect: Expect,
    status: Status<'a>,
    items: Vec<ListItem<'a>>,
) -> Response<'a> {
    macro_rules! collect {
        ($variant:ident) => {
            items
                .into_iter()
                .filter_map(|i| match i {
                    ListItem::$variant(v) => Some(v),
                    _ => None,
                })
                .collect()
        };
    }
    match expect {
        Expect::ScanList => Response::ScanList {
            status,
            listings: collect!(Scan),
        },
        Expect::UidList => Response::UidList {
            status,
            listings: collect!(Uid),
        },
        Expect::Capabilities => Response::Capabilities {
            status,
            capabilities: collect!(Capability),
        },
        Expect::Mechanisms => Response::Mechanisms {
            status,
            mechanisms: collect!(Mechanism),
        },
        Expect::Languages => Response::Languages {
            status,
            languages: collect!(Language),
        },
        _ => Response::Status(status),
    }
}
