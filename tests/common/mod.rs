//! Helpers shared by the integration tests.

/// Checks that every annotation's code-point offsets select its stated text in an exported
/// `newsmark/1` document, as `text[start:end]` would in Python.
pub fn check_code_point_offsets(doc: &serde_json::Value) -> Result<(), String> {
    let chars: Vec<char> = doc["text"].as_str().ok_or("no text")?.chars().collect();
    for a in doc["annotations"].as_array().ok_or("no annotations")? {
        let (start, end) = (
            a["start"].as_u64().unwrap() as usize,
            a["end"].as_u64().unwrap() as usize,
        );
        let selected: String = chars
            .get(start..end)
            .ok_or("offsets out of bounds")?
            .iter()
            .collect();
        if selected != a["text"].as_str().unwrap_or_default() {
            return Err(format!(
                "code-point offsets of {} select {selected:?}, not {}",
                a["id"], a["text"]
            ));
        }
    }
    Ok(())
}
