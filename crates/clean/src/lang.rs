//! Language identification (ISO 639-1), only when the detector is confident.

/// Enough text to identify a language; more only costs time.
const SAMPLE_BYTES: usize = 1500;
/// Below this, trigram statistics are noise.
const MIN_LETTERS: usize = 20;

/// Detect the language of `text` as an ISO 639-1 code (`en`), or `None` when
/// the text is too short or the detector is not confident.
pub fn detect_language(text: &str) -> Option<String> {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    if sample.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS {
        return None;
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    iso639_1(info.lang().code()).map(str::to_string)
}

/// Normalise a declared language tag (`en-GB`, `EN`, `eng`) to ISO 639-1.
pub(crate) fn normalize_language_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.len() {
        2 if primary.chars().all(|c| c.is_ascii_lowercase()) => Some(primary),
        3 => iso639_1(&primary).map(str::to_string),
        _ => None,
    }
}

/// ISO 639-3 (as whatlang reports it) to ISO 639-1.
fn iso639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "epo" => "eo",
        "eng" => "en",
        "rus" => "ru",
        "cmn" | "zho" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" => "fr",
        "deu" => "de",
        "ukr" => "uk",
        "kat" => "ka",
        "ara" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" => "nl",
        "hun" => "hu",
        "ces" => "cs",
        "ell" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" | "fas" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" => "hy",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_confident_languages() {
        let en = "The Labour MP resigned from the party on Wednesday after the national \
                  executive committee decided he could not stand as a candidate.";
        assert_eq!(detect_language(en).as_deref(), Some("en"));
        let de = "Der Abgeordnete ist am Mittwoch aus der Partei ausgetreten, nachdem der \
                  Vorstand entschieden hatte, dass er nicht kandidieren darf.";
        assert_eq!(detect_language(de).as_deref(), Some("de"));
    }

    #[test]
    fn refuses_short_or_empty_text() {
        assert_eq!(detect_language(""), None);
        assert_eq!(detect_language("OK then"), None);
        assert_eq!(detect_language("12345 !!! ..."), None);
    }

    #[test]
    fn normalises_tags() {
        assert_eq!(normalize_language_tag("en-GB").as_deref(), Some("en"));
        assert_eq!(normalize_language_tag("FR").as_deref(), Some("fr"));
        assert_eq!(normalize_language_tag("deu").as_deref(), Some("de"));
        assert_eq!(normalize_language_tag("x"), None);
    }
}
