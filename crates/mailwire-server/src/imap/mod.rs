//! The IMAP server side: message content (issue 7 builds the session on it).

pub mod message;
