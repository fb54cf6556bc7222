//! Text layout shared by the detectors: paragraphs.
//!
//! A paragraph ends at a blank line. Texts pasted without any blank line (one paragraph per
//! line, as many sites copy) are split at single line breaks instead, so both layouts give
//! the same paragraphs.

use crate::model::Span;

#[derive(Clone, Debug)]
pub struct Layout {
    /// Paragraph spans, trimmed of surrounding whitespace, in order, never empty.
    pub paragraphs: Vec<Span>,
}

impl Layout {
    pub fn new(text: &str) -> Self {
        let has_blank_line = has_blank_line(text);
        let mut paragraphs = Vec::new();
        let mut start = 0;
        // From line break to line break (`find` looks for them much faster than a byte loop).
        for i in newlines(text) {
            let line_start = i + 1;
            let next_is_break = !has_blank_line || next_line_is_blank(text, line_start);
            if next_is_break {
                push_trimmed(text, start, i, &mut paragraphs);
                start = line_start;
            }
        }
        push_trimmed(text, start, text.len(), &mut paragraphs);
        Layout { paragraphs }
    }

    /// The paragraph containing byte `pos`, if any.
    pub fn paragraph_at(&self, pos: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.end < pos);
        (i < self.paragraphs.len() && self.paragraphs[i].start <= pos).then_some(i)
    }
}

/// The byte offsets of the text's line feeds, in order.
fn newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let i = from + text[from..].find('\n')?;
        from = i + 1;
        Some(i)
    })
}

/// Whether the line starting at byte `line_start` is blank (only spaces, tabs or \r) and
/// ends with a line feed: a paragraph break.
fn next_line_is_blank(text: &str, line_start: usize) -> bool {
    let rest = &text.as_bytes()[line_start..];
    let blank_len = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .count();
    rest.get(blank_len) == Some(&b'\n')
}

fn has_blank_line(text: &str) -> bool {
    newlines(text).any(|i| next_line_is_blank(text, i + 1))
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let slice = &text[start..end];
    let trimmed_start = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        let s = start + trimmed_start;
        out.push(Span::new(s, s + trimmed.len()));
    }
}

/// Whether byte `b` is an ASCII word byte (`[0-9A-Za-z_]`: what `\w` and `(?-u:\b)` read on
/// ASCII). A table: the detectors test every byte of the text, and a load costs less than
/// the comparisons.
#[inline]
pub fn is_ascii_word(b: u8) -> bool {
    static ASCII_WORD: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 128 {
            table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
            b += 1;
        }
        table
    };
    ASCII_WORD[usize::from(b)]
}

/// True for characters that can be part of a word (letters, digits, marks).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Characters a reader cannot see (zero-width space and joiners, the byte-order mark, soft
/// hyphen, direction marks, embeddings and isolates): pasted text carries them, and a
/// detector deciding by a character's neighbours looks past them.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Combining marks, which belong to the letter before them.
pub fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_word_bytes_are_letters_digits_and_underscore() {
        for b in 0..=u8::MAX {
            let want = b.is_ascii_alphanumeric() || b == b'_';
            assert_eq!(is_ascii_word(b), want, "byte {b}");
        }
    }

    fn paras(text: &str) -> Vec<&str> {
        Layout::new(text)
            .paragraphs
            .iter()
            .map(|s| s.slice(text))
            .collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(paras("a\nb\n\nc\r\n \r\nd\n"), vec!["a\nb", "c", "d"]);
    }

    #[test]
    fn single_newlines_when_no_blank_line() {
        assert_eq!(paras("a\r\nb\nc"), vec!["a", "b", "c"]);
        assert!(paras("  \n ").is_empty());
    }
}
