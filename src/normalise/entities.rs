//! Entities: which source mentions name the same source, and under what canonical name.
//!
//! - Person names cluster by their words: "Kim" and "KIM JONG UN" join "Kim Jong-Un", the
//!   fullest mixed-case form in the article.
//! - Outlets take their lexicon name ("KCNA" → "Korean Central News Agency").
//! - Definite descriptions join the latest earlier mention with the same head noun
//!   ("the ministry" after "the unification ministry in Seoul"), or the person introduced with
//!   that descriptor ("the North Korean leader" after "North Korean leader Kim Jong-Un").
//! - Pronouns join the nearest earlier mention that fits them (he/she: a person; it: an
//!   institution, outlet or document; they: a group). An unresolved pronoun is dropped.

use crate::detect::sources::{Attribution, KnownName, Np, NpKind, QuoteLink, SourceMention};
use crate::model::Role;

/// A comparison key for names: lowercase words, hyphens and case ignored
/// ("KIM JONG UN" and "Kim Jong-Un" give the same key).
pub fn name_key(name: &str) -> String {
    name_words(name).join(" ")
}

/// Whether every word of `key` (a [`name_key`]) is a word of `name`: "kim" is in "Kim Jong-Un".
pub fn name_contains(name: &str, key: &str) -> bool {
    let words = name_words(name);
    key.split(' ').all(|w| words.iter().any(|x| x == w))
}

fn name_words(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == '-' || c == '‑')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect()
}

fn strip_article(text: &str) -> &str {
    for article in ["the ", "The ", "a ", "A ", "an ", "An "] {
        if let Some(rest) = text.strip_prefix(article) {
            return rest;
        }
    }
    text
}

fn is_mixed_case(s: &str) -> bool {
    s.chars().any(char::is_lowercase)
}

/// Turns the parser's noun phrases into source mentions with entities, and the quote links
/// (indices into `nps`) into indices into the returned mentions.
pub(crate) fn resolve(
    text: &str,
    nps: Vec<Np>,
    links: Vec<(Option<usize>, Option<usize>)>,
    known: &[KnownName],
) -> Attribution {
    // Order by position; of two overlapping phrases keep the longer.
    let mut order: Vec<usize> = (0..nps.len()).collect();
    order.sort_by_key(|&i| (nps[i].span.start, std::cmp::Reverse(nps[i].span.end)));
    let mut kept: Vec<usize> = Vec::new();
    // For every np index, the kept np index it maps to.
    let mut alias: Vec<Option<usize>> = vec![None; nps.len()];
    for &i in &order {
        match kept.last() {
            Some(&k) if nps[k].span.overlaps(&nps[i].span) => alias[i] = Some(k),
            _ => {
                kept.push(i);
                alias[i] = Some(i);
            }
        }
    }

    let mut entity: Vec<Option<String>> = vec![None; nps.len()];
    let mut role: Vec<Role> = nps.iter().map(|n| n.role).collect();
    // Every person name of the article, source or not, in mixed case where possible.
    let person_names: Vec<(Vec<String>, &str)> = kept
        .iter()
        .filter(|&&i| nps[i].kind == NpKind::Name && nps[i].role == Role::Person)
        .map(|&i| nps[i].span.slice(text))
        .chain(known.iter().map(|k| k.name.as_str()))
        .map(|n| (name_words(n), n))
        .collect();
    let canonical_person = |written: &str| -> String {
        let words = name_words(written);
        // The fullest name containing all of this mention's words.
        person_names
            .iter()
            .filter(|(w, _)| words.iter().all(|x| w.contains(x)))
            .max_by_key(|(w, s)| (w.len(), is_mixed_case(s)))
            .map_or(written, |(_, s)| s)
            .to_string()
    };
    for (pos, &i) in kept.iter().enumerate() {
        let np = &nps[i];
        let written = np.span.slice(text);
        let resolved = match &np.kind {
            NpKind::Name if np.canonical.is_some() => np.canonical.clone(),
            NpKind::Name if np.role == Role::Person => Some(canonical_person(written)),
            NpKind::Name => {
                let name = strip_article(written);
                // An acronym joins an earlier name with those initials ("UN" → "United Nations").
                kept[..pos]
                    .iter()
                    .filter_map(|&j| entity[j].clone())
                    .find(|e| initials(e) == name && name.len() > 1)
                    .or_else(|| Some(name.to_string()))
            }
            NpKind::Description { head, definite } => {
                let earlier = kept[..pos].iter().rev().find(|&&j| match &nps[j].kind {
                    NpKind::Description { head: h, .. } => h == head && *definite,
                    NpKind::Name => {
                        *definite
                            && nps[j].descriptor.as_deref().is_some_and(|d| {
                                let d = d.to_lowercase();
                                let w = strip_article(written).to_lowercase();
                                d == w || d.ends_with(&format!(" {w}"))
                            })
                    }
                    NpKind::Pronoun => false,
                });
                match earlier {
                    Some(&j) => {
                        role[i] = role[j];
                        entity[j].clone()
                    }
                    None => Some(strip_article(written).to_string()),
                }
            }
            NpKind::Pronoun => {
                let p = written.to_lowercase();
                let fits = |j: usize| -> bool {
                    let r = role[j];
                    match p.as_str() {
                        "he" | "she" | "i" => r == Role::Person,
                        "it" => matches!(r, Role::Organisation | Role::Outlet | Role::Document),
                        _ => matches!(r, Role::Anonymous | Role::Organisation | Role::Person),
                    }
                };
                let earlier = kept[..pos]
                    .iter()
                    .rev()
                    .take_while(|&&j| np.span.start.saturating_sub(nps[j].span.end) < 3000)
                    .find(|&&j| fits(j) && entity[j].is_some());
                // A person named nearer, even where not a source ("Ana Ruiz runs the clinic.").
                let nearer_name = known
                    .iter()
                    .rev()
                    .filter(|k| k.span.end <= np.span.start)
                    .find(|k| earlier.is_none_or(|&j| k.span.start > nps[j].span.end))
                    .filter(|k| {
                        matches!(p.as_str(), "he" | "she" | "i")
                            && np.span.start - k.span.end < 3000
                    });
                match (nearer_name, earlier) {
                    (Some(k), _) => {
                        role[i] = Role::Person;
                        Some(canonical_person(&k.name))
                    }
                    (None, Some(&j)) => {
                        role[i] = role[j];
                        entity[j].clone()
                    }
                    (None, None) => None,
                }
            }
        };
        entity[i] = resolved;
    }

    // Mentions that resolved; map np index → mention index.
    let mut mention_of: Vec<Option<usize>> = vec![None; nps.len()];
    let mut mentions = Vec::new();
    for &i in &kept {
        if let Some(e) = &entity[i] {
            mention_of[i] = Some(mentions.len());
            mentions.push(SourceMention {
                span: nps[i].span,
                entity: e.clone(),
                role: role[i],
            });
        }
    }
    let map = |i: Option<usize>| i.and_then(|i| alias[i]).and_then(|k| mention_of[k]);
    let links = links
        .into_iter()
        .map(|(s, v)| QuoteLink {
            speaker: map(s),
            via: map(v),
        })
        .collect();
    Attribution { mentions, links }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .collect()
}
