//! Conversion between the core's UTF-8 byte offsets and the code-point offsets of the
//! exported format (and, for the browser, UTF-16 code units).
//!
//! One [`OffsetMap`] is built per document. It stores only the non-ASCII characters, so an
//! ASCII article costs nothing and a conversion is a binary search.

/// Maps byte offsets of one text to code points and UTF-16 units, and back.
#[derive(Clone, Debug)]
pub struct OffsetMap {
    /// Length of the text in bytes, code points and UTF-16 units.
    lengths: [usize; 3],
    /// For each non-ASCII char: (byte offset, code-point offset, UTF-16 offset) at its start,
    /// and its UTF-8 and UTF-16 lengths.
    wide: Vec<WideChar>,
}

#[derive(Clone, Copy, Debug)]
struct WideChar {
    byte: usize,
    cp: usize,
    utf16: usize,
    utf8_len: u8,
    utf16_len: u8,
}

/// A unit an offset can be counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Byte,
    CodePoint,
    Utf16,
}

impl OffsetMap {
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let (mut cp, mut utf16) = (0usize, 0usize);
        for (byte, ch) in text.char_indices() {
            if !ch.is_ascii() {
                wide.push(WideChar {
                    byte,
                    cp,
                    utf16,
                    utf8_len: ch.len_utf8() as u8,
                    utf16_len: ch.len_utf16() as u8,
                });
            }
            cp += 1;
            utf16 += ch.len_utf16();
        }
        OffsetMap {
            lengths: [text.len(), cp, utf16],
            wide,
        }
    }

    fn pos(&self, c: &WideChar, unit: Unit) -> usize {
        match unit {
            Unit::Byte => c.byte,
            Unit::CodePoint => c.cp,
            Unit::Utf16 => c.utf16,
        }
    }

    fn width(&self, c: &WideChar, unit: Unit) -> usize {
        match unit {
            Unit::Byte => c.utf8_len as usize,
            Unit::CodePoint => 1,
            Unit::Utf16 => c.utf16_len as usize,
        }
    }

    /// Length of the text in `unit`.
    pub fn len(&self, unit: Unit) -> usize {
        self.lengths[unit as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.lengths[0] == 0
    }

    /// Converts an offset from one unit to another. Returns `None` when the offset is past the
    /// end of the text or falls inside a character (in the middle of a UTF-8 sequence or of a
    /// surrogate pair), which is never a valid annotation boundary.
    pub fn convert(&self, offset: usize, from: Unit, to: Unit) -> Option<usize> {
        // Index of the last wide char starting strictly before `offset` (in `from` units).
        let idx = self.wide.partition_point(|c| self.pos(c, from) < offset);
        let (base_from, base_to) = match idx.checked_sub(1).map(|i| &self.wide[i]) {
            None => (0, 0),
            Some(c) => {
                let end_from = self.pos(c, from) + self.width(c, from);
                if offset < end_from {
                    return None; // inside a multi-unit character
                }
                (end_from, self.pos(c, to) + self.width(c, to))
            }
        };
        if offset > self.len(from) {
            return None;
        }
        // Between wide chars every char is ASCII: one unit in every encoding.
        Some(base_to + (offset - base_from))
    }

    pub fn byte_to_cp(&self, byte: usize) -> usize {
        self.convert(byte, Unit::Byte, Unit::CodePoint)
            .expect("core spans are always on char boundaries")
    }

    pub fn cp_to_byte(&self, cp: usize) -> Option<usize> {
        self.convert(cp, Unit::CodePoint, Unit::Byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_all(text: &str) {
        let map = OffsetMap::new(text);
        let mut cp = 0;
        let mut u16 = 0;
        for (byte, ch) in text.char_indices() {
            assert_eq!(
                map.convert(byte, Unit::Byte, Unit::CodePoint),
                Some(cp),
                "{text:?} byte {byte}"
            );
            assert_eq!(map.convert(cp, Unit::CodePoint, Unit::Byte), Some(byte));
            assert_eq!(map.convert(u16, Unit::Utf16, Unit::CodePoint), Some(cp));
            assert_eq!(map.convert(byte, Unit::Byte, Unit::Utf16), Some(u16));
            for inner in 1..ch.len_utf8() {
                assert_eq!(map.convert(byte + inner, Unit::Byte, Unit::CodePoint), None);
            }
            if ch.len_utf16() == 2 {
                assert_eq!(map.convert(u16 + 1, Unit::Utf16, Unit::Byte), None);
            }
            cp += 1;
            u16 += ch.len_utf16();
        }
        assert_eq!(
            map.convert(text.len(), Unit::Byte, Unit::CodePoint),
            Some(cp)
        );
        assert_eq!(map.convert(cp, Unit::CodePoint, Unit::Utf16), Some(u16));
        assert_eq!(map.convert(cp + 1, Unit::CodePoint, Unit::Byte), None);
        assert_eq!(map.len(Unit::CodePoint), cp);
    }

    #[test]
    fn ascii_emoji_crlf_combining_rtl() {
        check_all("");
        check_all("plain ascii");
        check_all("a👍🏽b\r\nc");
        check_all("e\u{301}te\u{301} — «ok»");
        check_all("שלום \"עולם\" مرحبا 😀");
        check_all("😀😀");
    }
}
