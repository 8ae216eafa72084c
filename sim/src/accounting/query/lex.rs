//! The `where` filter's tokens.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Op(String),
    LParen,
    RParen,
    Comma,
    Dot,
}

pub(super) fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '"' || ch == '\'' {
            let (t, next) = string_literal(&c, i)?;
            i = next;
            out.push(Tok::Str(t));
        } else if ch.is_ascii_digit() || (ch == '-' && i + 1 < c.len() && c[i + 1].is_ascii_digit()) {
            let start = i;
            i += 1;
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num(c[start..i].iter().collect()));
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(&two.as_str()) {
                out.push(Tok::Op(two));
                i += 2;
                continue;
            }
            match ch {
                '(' => out.push(Tok::LParen),
                ')' => out.push(Tok::RParen),
                ',' => out.push(Tok::Comma),
                '.' => out.push(Tok::Dot),
                '<' | '>' | '!' | '=' => out.push(Tok::Op(if ch == '=' { "==".into() } else { ch.to_string() })),
                _ => return Err(format!("Unexpected character '{ch}'")),
            }
            i += 1;
        }
    }
    Ok(out)
}

/// The string literal opening at `start` (quoted with ' or ", \ escaping): its text and the index after it.
fn string_literal(c: &[char], start: usize) -> Result<(String, usize), String> {
    let q = c[start];
    let mut i = start + 1;
    let mut t = String::new();
    loop {
        if i >= c.len() {
            return Err("Unterminated string literal".into());
        }
        if c[i] == '\\' && i + 1 < c.len() {
            t.push(c[i + 1]);
            i += 2;
        } else if c[i] == q {
            i += 1;
            break;
        } else {
            t.push(c[i]);
            i += 1;
        }
    }
    Ok((t, i))
}
