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

use crate::detect::sources::{
    Attribution, Gender, KnownName, Np, NpKind, QuoteLink, SourceMention,
};
use crate::model::{strip_article, Role};
use foldhash::{HashMap, HashMapExt};

/// A comparison key for names: lowercase words, hyphens and case ignored
/// ("KIM JONG UN" and "Kim Jong-Un" give the same key).
pub fn name_key(name: &str) -> String {
    name_words(name).join(" ")
}

/// The words of a name, lowercase, split at spaces and hyphens, final periods dropped.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == '-' || c == '‑')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect()
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
    let persons = PersonNames::new(
        kept.iter()
            .filter(|&&i| nps[i].kind == NpKind::Name && nps[i].role == Role::Person)
            .map(|&i| (nps[i].span.slice(text), nps[i].span.start, None))
            .chain(
                known
                    .iter()
                    .map(|k| (k.name.as_str(), k.span.start, k.gender)),
            ),
    );
    // What earlier mentions introduced, for the ones that refer back.
    let mut by_initials: HashMap<String, String> = HashMap::new();
    let mut by_head: HashMap<String, usize> = HashMap::new();
    let mut by_descriptor: HashMap<String, usize> = HashMap::new();
    for (pos, &i) in kept.iter().enumerate() {
        let np = &nps[i];
        let written = np.span.slice(text);
        let resolved = match &np.kind {
            NpKind::Name if np.canonical.is_some() => np.canonical.clone(),
            NpKind::Name if np.role == Role::Person => {
                let canonical = persons.canonical(written, np.span.start);
                // "North Korean leader Kim Jong-Un": "the North Korean leader" may follow.
                if let Some(d) = &np.descriptor {
                    let words: Vec<String> = d.split_whitespace().map(str::to_lowercase).collect();
                    for k in 0..words.len() {
                        by_descriptor.insert(words[k..].join(" "), i);
                    }
                }
                Some(canonical)
            }
            NpKind::Name => {
                let name = strip_article(written);
                // An acronym joins an earlier name with those initials ("UN" → "United Nations").
                let resolved = by_initials
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| name.to_string());
                if name.split_whitespace().count() > 1 {
                    by_initials.insert(initials(name), resolved.clone());
                }
                Some(resolved)
            }
            NpKind::Description { head, definite } => {
                let described = strip_article(written).to_lowercase();
                let earlier = if *definite {
                    by_descriptor
                        .get(&described)
                        .or_else(|| by_head.get(head))
                        .copied()
                } else {
                    None
                };
                by_head.insert(head.clone(), i);
                // "The former prime minister" right after "Theresa May said": the person
                // just named.
                let just_named = || {
                    let before = known.partition_point(|k| k.span.end <= np.span.start);
                    let k = &known[before.checked_sub(1)?];
                    (*definite && np.role == Role::Person && np.span.start - k.span.end < NEAR / 4)
                        .then(|| persons.canonical(&k.name, k.span.start))
                };
                match earlier {
                    Some(j) => {
                        role[i] = role[j];
                        entity[j].clone()
                    }
                    None => just_named().or_else(|| Some(strip_article(written).to_string())),
                }
            }
            NpKind::Pronoun => {
                let p = written.to_lowercase();
                let gender = match p.as_str() {
                    "he" => Some(Gender::Male),
                    "she" => Some(Gender::Female),
                    _ => None,
                };
                let personal = matches!(p.as_str(), "he" | "she" | "i");
                let fits = |r: Role| match p.as_str() {
                    "he" | "she" | "i" => r == Role::Person,
                    "it" => matches!(r, Role::Organisation | Role::Outlet | Role::Document),
                    _ => matches!(r, Role::Anonymous | Role::Organisation | Role::Person),
                };
                let compatible = |e: &str| {
                    gender.is_none() || persons.gender_of(e).is_none_or(|g| Some(g) == gender)
                };
                // The nearest earlier source that fits, within a few paragraphs.
                let earlier = kept[..pos]
                    .iter()
                    .rev()
                    .take_while(|&&j| np.span.start.saturating_sub(nps[j].span.end) < NEAR)
                    .find(|&&j| {
                        fits(role[j])
                            && entity[j]
                                .as_deref()
                                .is_some_and(|e| role[j] != Role::Person || compatible(e))
                    });
                // A person named nearer, even where not a source ("Ana Ruiz runs the clinic."),
                // but not one named in the same sentence as the earlier source: "Helen Price,
                // who represents Severn Vale ward, said … She said" is about Helen Price.
                let before = known.partition_point(|k| k.span.end <= np.span.start);
                let nearer_name = known[..before]
                    .iter()
                    .rev()
                    .take_while(|k| np.span.start - k.span.end < NEAR)
                    .take_while(|k| {
                        earlier.is_none_or(|&j| {
                            let source = nps[j].span;
                            k.span.start > source.end
                                && (role[j] != Role::Person
                                    || ends_sentence(&text[source.end..k.span.start]))
                        })
                    })
                    .map(|k| persons.canonical(&k.name, k.span.start))
                    .find(|e| personal && compatible(e));
                match (nearer_name, earlier) {
                    (Some(e), _) => {
                        role[i] = Role::Person;
                        Some(e)
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

/// Whether a sentence ends in `between` (a full stop, question or exclamation mark followed by
/// a space, or a paragraph break).
fn ends_sentence(between: &str) -> bool {
    between.contains("\n")
        || between
            .match_indices(['.', '!', '?'])
            .any(|(i, _)| between[i + 1..].starts_with(char::is_whitespace))
}

/// How far back (in bytes) a pronoun looks for its antecedent: a few paragraphs.
const NEAR: usize = 3000;

/// The person names of an article, each under its word key, indexed by word so that the
/// full name a short one stands for is found without scanning them all.
struct PersonNames<'t> {
    names: Vec<PersonName<'t>>,
    by_word: HashMap<String, Vec<usize>>,
    by_written: HashMap<String, usize>,
}

struct PersonName<'t> {
    words: Vec<String>,
    /// The written form, in mixed case where the article has one.
    written: &'t str,
    /// Byte offsets where it occurs, ascending.
    at: Vec<usize>,
    gender: Option<Gender>,
}

impl<'t> PersonNames<'t> {
    fn new(items: impl Iterator<Item = (&'t str, usize, Option<Gender>)>) -> Self {
        let mut index: HashMap<Vec<String>, usize> = HashMap::new();
        let mut names: Vec<PersonName<'t>> = Vec::new();
        for (w, at, gender) in items {
            let words = name_words(w);
            let k = *index.entry(words.clone()).or_insert_with(|| {
                names.push(PersonName {
                    words,
                    written: w,
                    at: Vec::new(),
                    gender: None,
                });
                names.len() - 1
            });
            let name = &mut names[k];
            if !is_mixed_case(name.written) && is_mixed_case(w) {
                name.written = w;
            }
            name.at.push(at);
            name.gender = name.gender.or(gender);
        }
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_written = HashMap::new();
        for (k, name) in names.iter_mut().enumerate() {
            name.at.sort_unstable();
            for w in &name.words {
                by_word.entry(w.clone()).or_default().push(k);
            }
            by_written.insert(name.written.to_string(), k);
        }
        PersonNames {
            names,
            by_word,
            by_written,
        }
    }

    /// The full name that `written`, at byte `at`, stands for: among the names containing all
    /// its words ("Kim" → "Kim Jong-Un", "Kim Yo-Jong"), the one introduced first before it,
    /// else the first named after it.
    fn canonical(&self, written: &str, at: usize) -> String {
        let words = name_words(written);
        let Some(candidates) = words.first().and_then(|w| self.by_word.get(w)) else {
            return written.to_string();
        };
        let fuller = candidates
            .iter()
            .map(|&k| &self.names[k])
            .filter(|n| n.words.len() > words.len() && words.iter().all(|x| n.words.contains(x)));
        // The person introduced first wins ("Kim" is the leader named in the lead, not "his
        // sister Kim Yo-Jong" named later); names only seen after `at` rank behind.
        let rank = |n: &PersonName| -> (bool, std::cmp::Reverse<usize>, usize) {
            let first = n.at.first().copied().unwrap_or(usize::MAX);
            (first < at, std::cmp::Reverse(first), n.words.len())
        };
        match fuller.max_by_key(|n| rank(n)) {
            Some(n) => n.written.to_string(),
            None => candidates
                .iter()
                .map(|&k| &self.names[k])
                .find(|n| n.words == words)
                .map_or(written, |n| n.written)
                .to_string(),
        }
    }

    /// The gender the article gives the person under this canonical name, if any.
    fn gender_of(&self, canonical: &str) -> Option<Gender> {
        self.by_written
            .get(canonical)
            .and_then(|&k| self.names[k].gender)
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .collect()
}
