//! Turns a paragraph and the annotations over it into a tree of nested highlight elements
//! for the reading view (`nest`), and that tree into the markup the view renders
//! (`to_html`). Pure and browser-free, so it is tested natively.
//!
//! Annotations that nest (a source inside a quote) become nested elements. One that partly
//! overlaps another is split into several elements that share its id. The text of the
//! leaves, in order, is exactly the paragraph's text: the view adds no characters, so a
//! selection in it maps back to offsets in the article.

use crate::model::{Kind, Span};

/// An annotation as the view needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub id: String,
    pub kind: Kind,
    pub span: Span,
}

// So that `nest` and `to_html` take the marks as callers hold them, without a copy.
impl AsRef<Mark> for Mark {
    fn as_ref(&self) -> &Mark {
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(Span),
    Mark {
        /// Index into the marks given to [`nest`].
        mark: usize,
        /// Whether this element starts the annotation (a split one has later parts).
        first: bool,
        children: Vec<Piece>,
    },
}

/// Builds the tree for `range` (a paragraph) from `marks` (any order, any overlap).
pub fn nest<M: AsRef<Mark>>(range: Span, marks: &[M]) -> Vec<Piece> {
    let marks: Vec<&Mark> = marks.iter().map(AsRef::as_ref).collect();
    // Outer first: earlier start, then longer, then quote < source < date.
    let mut order: Vec<usize> = (0..marks.len())
        .filter(|&i| marks[i].span.overlaps(&range) && !marks[i].span.is_empty())
        .collect();
    order.sort_by_key(|&i| {
        (
            marks[i].span.start,
            std::cmp::Reverse(marks[i].span.end),
            marks[i].kind,
        )
    });
    let rank: std::collections::HashMap<usize, usize> =
        order.iter().enumerate().map(|(r, &i)| (i, r)).collect();

    let mut cuts: Vec<usize> = vec![range.start, range.end];
    for &i in &order {
        cuts.push(marks[i].span.start.clamp(range.start, range.end));
        cuts.push(marks[i].span.end.clamp(range.start, range.end));
    }
    cuts.sort_unstable();
    cuts.dedup();

    // A stack of open elements: (mark, children so far).
    let mut root: Vec<Piece> = Vec::new();
    let mut stack: Vec<(usize, Vec<Piece>)> = Vec::new();
    let mut started: Vec<bool> = vec![false; marks.len()];
    fn close(stack: &mut Vec<(usize, Vec<Piece>)>, root: &mut Vec<Piece>, started: &mut [bool]) {
        let (mark, children) = stack.pop().expect("only called with open elements");
        let first = !started[mark];
        started[mark] = true;
        let piece = Piece::Mark {
            mark,
            first,
            children,
        };
        match stack.last_mut() {
            Some((_, parent)) => parent.push(piece),
            None => root.push(piece),
        }
    }
    for w in cuts.windows(2) {
        let seg = Span::new(w[0], w[1]);
        if seg.is_empty() {
            continue;
        }
        let mut active: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| marks[i].span.contains(&seg))
            .collect();
        active.sort_by_key(|i| rank[i]);
        // Keep the longest prefix of the stack that is still active, in order.
        let keep = stack
            .iter()
            .zip(&active)
            .take_while(|((open, _), want)| open == *want)
            .count();
        while stack.len() > keep {
            close(&mut stack, &mut root, &mut started);
        }
        for &i in &active[keep..] {
            stack.push((i, Vec::new()));
        }
        match stack.last_mut() {
            Some((_, children)) => children.push(Piece::Text(seg)),
            None => root.push(Piece::Text(seg)),
        }
    }
    while !stack.is_empty() {
        close(&mut stack, &mut root, &mut started);
    }
    root
}

/// The text spans of the leaves, in order (for tests and checks).
pub fn leaves(pieces: &[Piece]) -> Vec<Span> {
    let mut out = Vec::new();
    for p in pieces {
        match p {
            Piece::Text(s) => out.push(*s),
            Piece::Mark { children, .. } => out.extend(leaves(children)),
        }
    }
    out
}

/// What a highlight element carries beyond its kind and id.
#[derive(Clone, Copy, Debug)]
pub struct MarkLabel<'a> {
    /// Its tooltip.
    pub title: &'a str,
    /// Whether a person made or changed the annotation.
    pub user: bool,
}

/// Whether [`to_html`] can write `text`: no HTML text carries U+0000.
pub fn markup_can_carry(text: &str) -> bool {
    !text.contains('\0')
}

/// The paragraph `text`, which starts at byte `start` of the article, with `marks` as nested
/// `<span class="hl hl-quote first" data-kind="quote" data-ann-id="q1" title="…">` elements:
/// the markup the reading view gives the browser to parse, one string per paragraph, instead
/// of building thousands of elements one call at a time. `label(i)` describes `marks[i]`.
///
/// The text is escaped so that the browser's parser gives back exactly `text`: markup in it
/// stays text, and a carriage return (which the parser turns into a line feed) is written as
/// a character reference. `None` when `text` holds U+0000, which no HTML text can carry.
pub fn to_html<'a>(
    text: &str,
    start: usize,
    marks: &[impl AsRef<Mark>],
    label: impl Fn(usize) -> MarkLabel<'a>,
) -> Option<String> {
    if !markup_can_carry(text) {
        return None;
    }
    let range = Span::new(start, start + text.len());
    let mut out = String::with_capacity(text.len() + marks.len() * 96);
    write_pieces(&mut out, &nest(range, marks), text, start, marks, &label);
    Some(out)
}

fn write_pieces<'a>(
    out: &mut String,
    pieces: &[Piece],
    text: &str,
    start: usize,
    marks: &[impl AsRef<Mark>],
    label: &impl Fn(usize) -> MarkLabel<'a>,
) {
    for piece in pieces {
        match piece {
            Piece::Text(span) => escape_into(out, &text[span.start - start..span.end - start]),
            Piece::Mark {
                mark,
                first,
                children,
            } => {
                let m = marks[*mark].as_ref();
                let kind = m.kind.name();
                let MarkLabel { title, user } = label(*mark);
                out.push_str("<span class=\"hl hl-");
                out.push_str(kind);
                if *first {
                    out.push_str(" first");
                }
                if user {
                    out.push_str(" user");
                }
                out.push_str("\" data-kind=\"");
                out.push_str(kind);
                out.push_str("\" data-ann-id=\"");
                escape_into(out, &m.id);
                out.push_str("\" title=\"");
                escape_into(out, title);
                out.push_str("\">");
                write_pieces(out, children, text, start, marks, label);
                out.push_str("</span>");
            }
        }
    }
}

/// Escapes text for an HTML text node or a double-quoted attribute value.
pub fn escape_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\r']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#13;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_nests_marks_and_keeps_the_text_exact() {
        // "Kim" (a source) inside a quote; the text has markup, an ampersand and a CRLF.
        let text = "\"<b>Hi</b> & bye,\"\r\n Kim said.";
        let start = 100;
        let marks = [
            mark("q1", Kind::Quote, 100, 118),
            mark("s\"1", Kind::Source, 121, 124),
        ];
        let html = to_html(text, start, &marks, |i| MarkLabel {
            title: ["Quote · speaker: Kim", "Source · \"Kim\" <x>"][i],
            user: i == 1,
        })
        .unwrap();
        assert_eq!(
            html,
            "<span class=\"hl hl-quote first\" data-kind=\"quote\" data-ann-id=\"q1\" \
             title=\"Quote · speaker: Kim\">&quot;&lt;b&gt;Hi&lt;/b&gt; &amp; bye,&quot;</span>&#13;\n \
             <span class=\"hl hl-source first user\" data-kind=\"source\" data-ann-id=\"s&quot;1\" \
             title=\"Source · &quot;Kim&quot; &lt;x&gt;\">Kim</span> said."
        );
        assert_eq!(to_html("a\0b", 0, &[] as &[Mark], |_| unreachable!()), None);
        assert_eq!(
            to_html("plain", 0, &[] as &[Mark], |_| unreachable!()).as_deref(),
            Some("plain")
        );
    }

    fn mark(id: &str, kind: Kind, start: usize, end: usize) -> Mark {
        Mark {
            id: id.into(),
            kind,
            span: Span::new(start, end),
        }
    }

    fn covers(pieces: &[Piece], range: Span) {
        let l = leaves(pieces);
        assert_eq!(l.first().map(|s| s.start), Some(range.start));
        assert_eq!(l.last().map(|s| s.end), Some(range.end));
        assert!(l.windows(2).all(|w| w[0].end == w[1].start), "{l:?}");
    }

    #[test]
    fn a_source_nests_inside_a_quote() {
        let marks = [
            mark("q1", Kind::Quote, 2, 10),
            mark("s1", Kind::Source, 4, 7),
        ];
        let range = Span::new(0, 12);
        let tree = nest(range, &marks);
        covers(&tree, range);
        assert_eq!(tree.len(), 3);
        let Piece::Mark {
            mark: 0,
            first: true,
            children,
        } = &tree[1]
        else {
            panic!("{tree:?}")
        };
        assert!(matches!(children[1], Piece::Mark { mark: 1, .. }));
    }

    #[test]
    fn a_partial_overlap_splits_the_later_annotation() {
        let marks = [
            mark("q1", Kind::Quote, 0, 10),
            mark("d1", Kind::Date, 5, 15),
        ];
        let range = Span::new(0, 15);
        let tree = nest(range, &marks);
        covers(&tree, range);
        let firsts: Vec<(usize, bool)> = fn_marks(&tree);
        assert_eq!(firsts, vec![(0, true), (1, true), (1, false)]);
    }

    fn fn_marks(pieces: &[Piece]) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        for p in pieces {
            if let Piece::Mark {
                mark,
                first,
                children,
            } = p
            {
                out.push((*mark, *first));
                out.extend(fn_marks(children));
            }
        }
        out
    }

    #[test]
    fn marks_outside_the_paragraph_are_clipped_or_ignored() {
        let marks = [
            mark("q1", Kind::Quote, 0, 30),
            mark("d1", Kind::Date, 40, 45),
        ];
        let range = Span::new(20, 35);
        let tree = nest(range, &marks);
        covers(&tree, range);
        assert_eq!(fn_marks(&tree), vec![(0, true)]);
    }
}
