//! Line-level recognisers for page furniture and special blocks. Each works on
//! one whitespace-normalised block and is anchored, so a long paragraph fails
//! fast; length guards keep article prose from matching loose patterns.

use parallax_model::RemovalKind;
use regex::Regex;
use std::sync::LazyLock;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// Agencies and platforms that appear as photo credits.
const CREDITS: &str = r"Reuters|AFP|AP|Getty Images|Getty|PA(?: Media| Wire| Images)?|EPA(?:-EFE)?|Shutterstock|Alamy|Bloomberg|Flickr|Wikimedia(?: Commons)?|Twitter|Facebook|Instagram|YouTube|iStock(?:photo)?|NurPhoto|Anadolu(?: Agency)?|Xinhua|AAP|ABACA|Sipa(?: USA)?|Zuma(?: Press)?|SOPA Images|Rex Features|Flash ?90|Handout|Screenshot|Courtesy(?: of [\p{L} .'’-]{1,30})?|GPO|IDF Spokesperson|Wikipedia|Pixabay|Unsplash";

/// Comment-section headers and comment-form lines.
static COMMENT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:leave a (?:reply|comment)|leave your comment|cancel reply|post (?:a |your )?comment|add (?:a |your |new )?comment|permalink|reply to (?:this )?comment|submit(?: a)? comment|comments?(?: \(\d+\))?|\d+ (?:comments?|responses?|replies)|no comments(?: yet)?|(?:\d+|one|two|three|four|five) thoughts? on(?-u:\b).*|\d+ responses? to(?-u:\b).*|comments are closed\.?|join the (?:discussion|conversation)|your email address will not be published\.?.*|required fields are marked.*|notify me of (?:follow-up comments|new (?:comments|posts)).*|you must be logged in to post a comment\.?|log in or register to post comments\.?|log in to (?:post a )?comment\.?|save my name,? email,? and website.*|this site uses akismet.*|view (?:all )?comments|show comments|load (?:more )?comments|reply(?: ↓)?|report(?: comment)?|comment policy.*|comments powered by disqus\.?|please enable javascript to view the comments.*)$",
    )
});

/// Lines that open a comment section: everything after them is comments.
static COMMENT_ZONE_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:leave a (?:reply|comment)|comments?(?: \(\d+\))?|\d+ (?:comments?|responses?|replies)|(?:\d+|one|two|three|four|five) thoughts? on(?-u:\b).*|\d+ responses? to(?-u:\b).*|join the (?:discussion|conversation)|submitted by .{1,60} on .{4,60}|.{1,60} \(not verified\)(?: on .{4,60})?)$",
    )
});

/// A comment's byline: `Jane Doe says: November 7, 2019 at 3:12 pm`.
static COMMENT_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:([\p{L}][\p{L}\p{N} .'’_-]{1,40}?)\s+)?(?:says:?\s+)?(?:on\s+)?(?:\d{1,2}\s+\p{L}{3,9}\.?,?\s+\d{4}|\p{L}{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}/\d{1,2}/\d{2,4})\s+at\s+\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?$",
    )
});

static CATEGORIES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:categories|category|tags|tagged(?: with| as| in)?|filed under|posted in|topics?|keywords|related topics)\s*:\s*\S|(?:filed under|posted in|tagged(?: with| as)?)\s+[^.!?]{1,100}$)",
    )
});

static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:share(?: this)?(?: (?:article|story|post|page))?(?: (?:on|via) (?:facebook|twitter|x|whatsapp|linkedin|reddit|email|bluesky|messenger))?|share via .{1,30}|click to (?:share|email|print)(?-u:\b).*|tweet(?: this)?|email(?: this)?(?: (?:article|story))?|print(?: this)?(?: (?:article|story|page))?|like this|whatsapp|facebook|twitter|linkedin|pinterest|reddit|telegram|messenger|copy link|(?:follow|like) (?:us|me|him|her|[\p{L} .'’@_-]{2,40}) on (?:twitter|facebook|instagram|x|linkedin|tiktok|youtube|bluesky|threads|telegram)(?-u:\b).*)\s*[:.!]?$",
    )
});

/// `Share this post: Facebook | X | Email`: a share label, a colon, then a
/// short list of network names (any network, so new or local ones are
/// covered too); see [`is_share_list`] for the length limits.
static SHARE_LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:share|share (?:this|the) (?:article|story|post|page|piece)|share (?:on|via))\s*:[\p{L}@.+|,/·• ]*$",
    )
});

/// `Follow the Gazette for live updates`: a follow prompt naming no network.
static FOLLOW_FOR_UPDATES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^follow (?:us|me|the [^.!?]+?|@\w+) (?:for|to get) (?:live |the latest |more |all the latest |regular |breaking )?(?:updates|news|coverage|analysis)(?-u:\b)[^.!?]*[.!]?$",
    )
});

/// A line made only of social network names (`Facebook Twitter Email`).
static SHARE_BUTTONS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:share|facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|email|e-mail|print|telegram|messenger|copy link|bluesky|comments?)\s*[,|/·•]?\s*){2,}$",
    )
});

static RELATED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[►▶»•]?\s*(?:read more|read also|also read|related(?: articles?| stories| content| coverage| posts?| reading)?|see also|more on this(?: story| topic)?|recommended(?: for you)?|you (?:may|might) also like|most (?:read|popular|viewed)|trending(?: now)?|further reading|more from [\p{L} .'’-]{1,40}|more (?:[\p{L}'’-]+ ){0,2}(?:news|stories|headlines|coverage|articles|videos|podcasts))\s*(?:[:|›»].*)?$",
    )
});

static ADVERT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:advertisement|advertising|advert|sponsored(?: content| post)?|ad|story continues (?:below|after) (?:this )?advertisement|continue reading (?:the main story|below)|scroll to continue)$",
    )
});

/// Breadcrumbs (`Home › News › Politics`) and skip links.
static NAVIGATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:skip to (?:main )?(?:content|navigation)|(?:main )?menu|back to top|home|(?:[\p{L}&' -]{1,25}\s*[›»>|/]\s*){2,}[\p{L}&' -]{1,25}|media playback is unsupported on your device|loading\.*|[←«‹].{1,150}|.{1,150}[→»›]|(?:previous|next|older|newer) (?:article|post|story|entry)(?:\s*[:|]\s*.{0,150})?)$",
    )
});

static COOKIE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:we use cookies|this (?:web)?site uses cookies|uses cookies to|accept (?:all )?cookies|cookie (?:policy|settings|preferences)|by continuing to (?:use|browse) (?:this|our) (?:site|website))(?-u:\b)",
    )
});

static NEWSLETTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:sign up (?:to|for) (?:our|the|my) [\p{L} '’-]{0,40}newsletters?|subscribe to (?:our|the|my) [\p{L} '’-]{0,40}newsletters?|get (?:our|the) [\p{L} '’-]{0,40}newsletters?|newsletter sign[- ]?up|delivered (?:straight |directly )?to your inbox|enter your email(?: address)? (?:to|below|here))(?-u:\b)",
    )
});

/// A call to action alone on its line.
static PROMO_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:donate(?: now| today)?|subscribe(?: now| today)?|support us|become a (?:member|supporter|subscriber)|join us|buy tickets)\s*[.!]?$",
    )
});

/// Words one of which every [`PROMO`] match contains.
const PROMO_KEYWORDS: &[&str] = &[
    "depends on",
    "relies on",
    "ticket",
    "seat",
    "place",
    "spot",
    "register",
    "rsvp",
    "sign up",
    "support",
    "fund",
    "donate",
    "subscribe",
    "become a",
    "click here",
];

/// An imperative call to action starting a sentence (`Buy your tickets here.`).
static PROMO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[.!?]\s+)(?:please )?(?:(?:buy|book|get|grab|reserve|secure) (?:your |the |a )?(?:tickets?|seats?|places?|spot)(?-u:\b)|tickets (?:are )?(?:available|on sale) (?:here|now|online)(?-u:\b)|subscribe to (?:our|my) [\p{L}'’ -]{0,30}(?:channel|podcast|magazine|print edition)(?-u:\b)|(?:register|rsvp|sign up) (?:here|now|today|for free)(?-u:\b)|(?:support|fund) (?:us|our (?:journalism|work|reporting)|independent journalism)(?-u:\b)|donate (?:now|today|here)(?-u:\b)|subscribe (?:now|today|here)(?-u:\b)|become an? (?:member|subscriber|patron|supporter)(?-u:\b)|click here to (?:subscribe|donate|buy|book|register)(?-u:\b)|[\p{L} ,'’-]{0,80}(?:depends|relies) on (?:donations|the support|support|subscriptions) (?:from|of) (?:its |our )?readers)",
    )
});

/// One part of a wire story's staff credit: `Reporting by Jane Doe in
/// Paris`, `additional reporting by ...`, `Editing by John Roe`.
static WIRE_CREDIT_PART: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:and )?(?:additional |further )?(?:reporting|writing|editing|compiled|compiling|research|graphics|fact-checking|translation|production|produced|written|edited|reported)(?: and (?:writing|editing|reporting))? by \S",
    )
});

/// An all-capitals label opening a block (`SOLIDARITY NIGHT:`, `BOOK NOW:`).
static CAPS_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"^\p{Lu}[\p{Lu}\p{N}&'’ -]+:\s"));

/// Event-listing phrases: prices, doors, booking, where the money goes.
static EVENT_DETAILS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:tickets?(?: cost| are| from| at)? \p{Sc}?\d|\d+ \p{L}+ on the door|on the door|book (?:here|now|online|your (?:place|seat|ticket)s?)|(?:all )?proceeds (?:will )?go to|doors open|admission (?:is )?(?:free|\p{Sc}?\d)|free entry|entry (?:is )?(?:free|\p{Sc}?\d)|all welcome|rsvp)",
    )
});

/// A newsroom's request for tips: `Got a story? Email ...`.
static TIP_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:got|have you got|have|know) a (?:story|news story|tip|news tip|story idea|lead)(?: for (?:us|me|[\p{L} .'’-]{1,30}))?\??|do you have (?:a story|information)[^.?]{0,60}\?)\s*(?:[-–—:]\s*)?(?:please )?(?:email|e-mail|contact|call|text|message|write to|get in touch|send)(?-u:\b)",
    )
});

static CAPTION_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:photo(?:graph)?|image|picture|pictured|credit|photo credit|image credit|caption|illustration|main image|top image|above|below)\s*(?::|\||–|—)\s*\S|(?:image|media) (?:copyright|caption)(?-u:\b)|copyright (?:getty|reuters|pa|afp|ap)(?-u:\b))",
    )
});

/// A caption ending in a parenthesised credit: `(Chris Williamson/Twitter)`,
/// `(AP Photo/Matt Dunham)`, `(Photo: Reuters)`.
static CAPTION_PAREN_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\((?:(?i:photo|image|picture|credit|photograph)(?: by)?:?\s*[^()]{{1,60}}|[^()/]{{1,60}}/\s*(?:{CREDITS})(?:\s[^()/]{{0,20}})?|(?:via )?(?i:{CREDITS})(?: Photo)?(?:\s*/\s*[^()]{{1,40}})?)\)\s*$"
    ))
});

/// A caption closing with its credit: `... on Monday. Photograph: Jane Roe/PA`.
static CAPTION_TRAILING_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[.!?”]\s+|\s)(?:Photograph|Photo|Picture|Image|Illustration|Composite|Credit|Image credit|Photo credit)\s*:\s*[^.:]{1,80}\.?$",
    )
});

/// A credit glued to the end of a caption: `... with Jeremy CorbynReuters`,
/// `... at a rallyYonatan Sindel/Flash90`.
static CAPTION_GLUED_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"[\p{{Ll}}.)](?:(?:{CREDITS})(?:\s*/\s*[\p{{L}} .'’-]{{1,40}})?|\p{{Lu}}[\p{{L}}.'’-]*(?: [\p{{L}}.'’-]+){{0,3}}\s*/\s*(?:{CREDITS}))$"
    ))
});

/// A credit after a separator: `Jeremy Corbyn | Reuters`, `... – Getty Images`.
static CAPTION_SEP_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?:\s[|–—-]\s*|\s(?-u:\b)via\s+)(?:(?:photo|image|credit):?\s*)?(?:{CREDITS})(?: Photo)?(?:\s*/\s*[\p{{L}} .'’-]{{1,40}})?$"
    ))
});

static CREDIT_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^(?:\(?(?:(?:photo|image|credit):?\s*)?(?:{CREDITS})(?: photo)?(?:\s*/\s*[\p{{L}} .'’-]{{1,40}})?\)?|[\p{{L}} .'’-]{{1,40}} via Getty Images)$"
    ))
});

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[Bb]y|BY|Written by|Posted by|Words by)\s+(\p{Lu}[\p{L}.'’-]+(?:\s+(?:\p{Lu}[\p{L}.'’-]+|and|&|de|van|von|der|al|bin|la|le))*)\s*(?:[,|–—-].{0,60})?$",
    )
});

static TWEET_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:—|–|-|&mdash;)\s*[^()]{1,80}\(@\w{1,30}\)\s+(?:(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2},\s*\d{4}|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{4})\s*$",
    )
});

static EMBED_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:pic\.twitter\.com/\w+|^a post shared by .{1,80}\(@[\w.]{1,30}\)|^view this post on instagram)",
    )
});

static UPDATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:updates?|updated|editor['’]?s note|correction|clarification|postscript)(?-u:\b)(?:\s*\d{1,2}[:.]\d{2})?\s*(?:[,:–—(-]|\s+\d|$|\s+on(?-u:\b))",
    )
});

/// Drupal-style author picture alt text: `Asa Winstanley's picture`.
static AUTHOR_PICTURE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(.{2,60}?)['’]s (?:picture|photo|avatar|profile (?:picture|photo|image)|image|headshot)$")
});

static ABOUT_AUTHOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:about the (?:authors?|writer|contributor))\s*(?::|$)"));

/// `Jane Doe is a freelance journalist ...`, `John Roe is the author of ...`.
static BIO_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[*_—–-]\s*)?(\p{Lu}[\p{L}.'’-]+(?:\s+\p{Lu}[\p{L}.'’-]+){0,3})\s+(?:is|was)\s+(?:an?\s+|the\s+)?(?:[\p{L}'’-]+\s+){0,6}(?:journalist|writer|reporter|correspondent|editor|columnist|author|co-author|contributor|freelancer|researcher|analyst|blogger|commentator|activist|academic|professor|lecturer|campaigner|filmmaker|photographer|producer|broadcaster|historian|founder|director|fellow)(?-u:\b)",
    )
});

static PRONOUN_BIO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:He|She|They)\s+(?:is|was|are|were|has|have|writes|wrote|tweets|also|previously|lives|works|can be)(?-u:\b)",
    )
});

/// A commenter's name line: a name, initials or a user handle, optionally
/// with `says:` or a posting time (`Jane D. · 12 March 2025 at 18:04`).
static COMMENTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:@?[\p{L}\p{N}][\p{L}\p{N}_.'’-]*)(?: (?:[\p{Lu}\p{N}][\p{L}\p{N}_.'’-]*|de|van|von|der|al|bin)){0,3}(?:\s+(?:says|wrote|said)\s*:?)?(?:\s*(?:[|·•,–—-]\s*)?(?:on\s+)?(?:\d{1,2}\s+\p{L}{3,9}\.?,?\s+\d{4}|\p{L}{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}/\d{1,2}/\d{2,4}|\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago)(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:am|pm)?)?)?$",
    )
});

static NAME_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\p{Lu}[\p{L}.'’-]+(?:\s+(?:\p{Lu}[\p{L}.'’-]+|de|van|von|der|al|bin)){1,3}$")
});

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn ends_sentence(s: &str) -> bool {
    s.ends_with(['.', '!', '?', '”', '"', '’', '\''])
}

/// A photo caption or credit line.
pub(crate) fn is_caption(t: &str) -> bool {
    if t.len() > 400 {
        return false;
    }
    if (t.len() <= 100 && CREDIT_ONLY.is_match(t)) || CAPTION_PREFIX.is_match(t) {
        return true;
    }
    let paren_credit = t.ends_with(')') && CAPTION_PAREN_CREDIT.is_match(t);
    let trailing_credit = || t.contains(':') && CAPTION_TRAILING_CREDIT.is_match(t);
    // Longer blocks ending in a credit are prose with a caption glued on;
    // keeping the prose matters more than dropping the caption.
    if (paren_credit || trailing_credit()) && word_count(t) <= 35 {
        return true;
    }
    let short_fragment = word_count(t) <= 40 && !ends_sentence(t);
    short_fragment && (CAPTION_GLUED_CREDIT.is_match(t) || CAPTION_SEP_CREDIT.is_match(t))
}

/// Furniture recognisable from a single block, wherever it appears.
pub(crate) fn furniture_kind(t: &str) -> Option<RemovalKind> {
    let len = t.len();
    if len <= 200 && COMMENT_LINE.is_match(t) {
        return Some(RemovalKind::Comments);
    }
    if len <= 300 && CATEGORIES.is_match(t) {
        return Some(RemovalKind::Categories);
    }
    if len <= 160 && (SHARE.is_match(t) || SHARE_BUTTONS.is_match(t)) {
        return Some(RemovalKind::SharePrompt);
    }
    if len <= 300 && t.contains(" by ") && is_wire_credit(t) {
        return Some(RemovalKind::Boilerplate);
    }
    if len <= 160 && (is_share_list(t) || FOLLOW_FOR_UPDATES.is_match(t)) {
        return Some(RemovalKind::SharePrompt);
    }
    if len <= 200 && RELATED.is_match(t) {
        return Some(RemovalKind::Related);
    }
    if len <= 160 && NAVIGATION.is_match(t) {
        return Some(RemovalKind::Navigation);
    }
    if len <= 80 && ADVERT.is_match(t) {
        return Some(RemovalKind::Advert);
    }
    // Cheap keyword tests first: the unanchored patterns are the costly ones.
    let lower = if len <= 900 {
        t.to_lowercase()
    } else {
        String::new()
    };
    if len <= 500 && lower.contains("cookie") && COOKIE.is_match(t) {
        return Some(RemovalKind::CookieBanner);
    }
    if len <= 400
        && (lower.contains("newsletter") || lower.contains("inbox") || lower.contains("your email"))
        && NEWSLETTER.is_match(t)
    {
        return Some(RemovalKind::Newsletter);
    }
    if len <= 600 && is_event_promo(t) {
        return Some(RemovalKind::Promo);
    }
    if len <= 300 && TIP_LINE.is_match(t) {
        return Some(RemovalKind::Promo);
    }
    if len <= 40 && PROMO_LINE.is_match(t) {
        return Some(RemovalKind::Promo);
    }
    if len <= 900 && PROMO_KEYWORDS.iter().any(|k| lower.contains(k)) && PROMO.is_match(t) {
        return Some(RemovalKind::Promo);
    }
    if is_caption(t) {
        return Some(RemovalKind::Caption);
    }
    if len <= 80 && AUTHOR_PICTURE.is_match(t) {
        return Some(RemovalKind::AuthorBio);
    }
    None
}

/// `Share this post: Facebook | X | Email`, at most eight short names.
fn is_share_list(t: &str) -> bool {
    if !SHARE_LIST.is_match(t) {
        return false;
    }
    let list = t.split_once(':').map_or("", |(_, list)| list);
    let names: Vec<&str> = list
        .split(['|', ',', '/', '·', '•'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    names.len() <= 8 && names.iter().all(|n| n.len() <= 20 && word_count(n) <= 2)
}

/// A wire story's staff credit, `(Reporting by Jane Doe; Editing by John
/// Roe)`, with or without the brackets: every `;`-separated part names a
/// newsroom role and who did it.
fn is_wire_credit(t: &str) -> bool {
    let inner = t.trim_end_matches('.').trim();
    let inner = match inner.strip_prefix(['(', '[']) {
        Some(rest) => match rest.strip_suffix([')', ']']) {
            Some(inner) => inner,
            None => return false,
        },
        None => inner,
    };
    !inner.contains(['(', ')', '[', ']'])
        && inner.split(';').all(|part| {
            let part = part.trim();
            part.len() <= 150
                && WIRE_CREDIT_PART.is_match(part)
                && part
                    .split_once(" by ")
                    .is_some_and(|(_, names)| names_and_places(names))
        })
}

/// `Jane Doe and John Roe in New York`: capitalised words joined by the few
/// lowercase words credits use; `the BBC suggests otherwise` is not.
fn names_and_places(t: &str) -> bool {
    const JOINERS: &[&str] = &[
        "and", "in", "at", "from", "with", "&", "de", "da", "del", "di", "van", "von", "der", "al",
        "bin", "le", "la",
    ];
    let mut words = t.split_whitespace().map(|w| w.trim_matches([',', '.']));
    words
        .next()
        .is_some_and(|w| w.starts_with(char::is_uppercase))
        && words.all(|w| w.is_empty() || w.starts_with(char::is_uppercase) || JOINERS.contains(&w))
}

/// An event advert: an all-capitals label, then at least two listing
/// details (a ticket price, `on the door`, `proceeds go to`, ...). Two are
/// needed because a dateline (`LONDON: ...`) may report on a ticketed event.
fn is_event_promo(t: &str) -> bool {
    let label_fits = CAPS_LABEL
        .find(t)
        .is_some_and(|m| m.len() <= 42 && word_count(m.as_str()) <= 5);
    if !label_fits {
        return false;
    }
    let mut details = EVENT_DETAILS.find_iter(t);
    details.next().is_some() && details.next().is_some()
}

/// The text before a credit glued to its end (`Corbyn quitsReuters` →
/// `Corbyn quits`).
pub(crate) fn strip_glued_credit(t: &str) -> Option<&str> {
    let m = CAPTION_GLUED_CREDIT.find(t)?;
    // The match starts with the last lowercase letter, which stays.
    let first_len = t[m.start()..].chars().next().map_or(0, char::len_utf8);
    Some(t[..m.start() + first_len].trim_end())
}

pub(crate) fn comment_zone_start(t: &str) -> bool {
    if t.len() > 200 {
        return false;
    }
    if COMMENT_ZONE_START.is_match(t) {
        return true;
    }
    if !t.contains(" at ") {
        return false;
    }
    // `Published 7 Nov 2019 at 10:15` is a date line, not a comment byline.
    COMMENT_BYLINE.captures(t).is_some_and(|c| {
        c.get(1).is_none_or(|name| {
            let first = name.as_str().split_whitespace().next().unwrap_or("");
            !matches!(
                first.to_lowercase().as_str(),
                "published" | "posted" | "updated" | "modified" | "last" | "first" | "date"
            )
        })
    })
}

/// The author's name from a byline line (`By Jane Doe`).
pub(crate) fn byline(t: &str) -> Option<String> {
    if t.len() > 120 || word_count(t) > 14 {
        return None;
    }
    BYLINE.captures(t).map(|c| c[1].to_string())
}

pub(crate) fn is_embedded_post(t: &str) -> bool {
    (t.contains("(@") && TWEET_SIGNATURE.is_match(t))
        || ((t.contains("pic.twitter.com") || t.starts_with(['A', 'a', 'V', 'v']))
            && EMBED_MARKER.is_match(t))
}

pub(crate) fn is_update(t: &str) -> bool {
    UPDATE.is_match(t)
}

/// `Update, 12 November`: an update heading with no prose of its own.
pub(crate) fn is_update_heading(t: &str) -> bool {
    is_update(t) && word_count(t) <= 8 && !t.ends_with('.')
}

pub(crate) fn author_picture_name(t: &str) -> Option<String> {
    if t.len() > 80 {
        return None;
    }
    AUTHOR_PICTURE.captures(t).map(|c| c[1].to_string())
}

/// `About the author` on its own, or opening an inline bio.
pub(crate) fn is_about_author(t: &str) -> bool {
    t.len() <= 700 && ABOUT_AUTHOR.is_match(t)
}

/// A one-to-three word all-capitals kicker above a headline (`EXCLUSIVE`).
pub(crate) fn is_kicker(t: &str) -> bool {
    t.len() <= 30
        && word_count(t) <= 3
        && t.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !t.chars().any(char::is_lowercase)
        && !t.ends_with(['.', '!', '?'])
}

pub(crate) fn is_bio_sentence(t: &str) -> bool {
    t.len() <= 700 && (t.contains(" is ") || t.contains(" was ")) && BIO_SENTENCE.is_match(t)
}

/// The person a bio sentence is about (`Jane Doe` in `Jane Doe is a ...`).
pub(crate) fn bio_subject(t: &str) -> Option<&str> {
    if !is_bio_sentence(t) {
        return None;
    }
    BIO_SENTENCE.captures(t)?.get(1).map(|m| m.as_str())
}

pub(crate) fn is_pronoun_bio(t: &str) -> bool {
    t.len() <= 500 && PRONOUN_BIO.is_match(t)
}

pub(crate) fn is_name_only(t: &str) -> bool {
    // `Enter President Trump.` is a sentence, not a name line.
    t.len() <= 60 && !t.ends_with(['.', '!', '?']) && NAME_ONLY.is_match(t)
}

/// A line that could head one reader comment: a short name or handle
/// (`Joan Petrakis`, `Owen T.`, `eastwick_resident`), perhaps with `says:`
/// or a posting time. It is only trusted in a run of such lines, each with
/// its comment under it (see `classify::mark_commenter_thread`).
pub(crate) fn is_commenter_line(t: &str) -> bool {
    if t.len() > 80 || word_count(t) > 10 {
        return false;
    }
    // A sentence is not a name; a trailing initial (`Owen T.`) is.
    let sentence_end = t.ends_with(['!', '?', ';', ','])
        || (t.ends_with('.')
            && !t
                .rsplit(' ')
                .next()
                .is_some_and(|w| w.chars().count() == 2 && w.starts_with(char::is_uppercase)));
    !sentence_end && COMMENTER.is_match(t)
}

/// A headline: a short line, capitalised, without closing punctuation.
pub(crate) fn looks_like_headline(t: &str) -> bool {
    let words = word_count(t);
    if !(2..=30).contains(&words) || t.len() > 220 {
        return false;
    }
    let Some(first) = t.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit() || matches!(first, '“' | '"' | '‘' | '\''))
    {
        return false;
    }
    if t.ends_with(['.', ',', ';', ':'])
        || t.ends_with(".”")
        || t.ends_with(".\"")
        || t.ends_with(".’")
    {
        return false;
    }
    !t.contains("pic.twitter.com") && furniture_kind(t).is_none()
}

/// Prose long enough to be the article's first paragraph.
pub(crate) fn is_body_paragraph(t: &str) -> bool {
    t.len() >= 120 || word_count(t) >= 18
}

/// A sub-heading inside the article body.
pub(crate) fn looks_like_heading(t: &str) -> bool {
    let words = word_count(t);
    (1..=12).contains(&words)
        && t.len() <= 120
        && t.chars().next().is_some_and(|c| c.is_uppercase())
        && !t.ends_with(['.', ',', ';', ':', '!', '?', '”', '"', '’', ')'])
}

/// First-person singular prose (a letter or statement quoted in full).
pub(crate) fn is_first_person(t: &str) -> bool {
    t.starts_with("I ")
        || t.starts_with("I’")
        || t.starts_with("I'")
        || t.contains(" I ")
        || t.contains(" my ")
        || t.contains(" me ")
}

/// Comparison key for headlines: letters and digits, lower-cased.
pub(crate) fn comparable(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `line` is `headline` followed by a short credit (`...CorbynReuters`).
pub(crate) fn is_headline_plus_credit(line: &str, headline: &str) -> bool {
    let Some(rest) = line.strip_prefix(headline) else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '|', '-', '–', '—', '/', ':']);
    !rest.is_empty()
        && word_count(rest) <= 5
        && rest.len() <= 50
        && rest
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c == '(')
        && !ends_sentence(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions() {
        assert!(is_caption("Chris Williamson with Jeremy CorbynReuters"));
        assert!(is_caption(
            "Jane Doe announced her run in a video. (Jane Doe/Twitter)"
        ));
        assert!(is_caption(
            "Protesters outside parliament (AP Photo/Matt Dunham)"
        ));
        assert!(is_caption("Photo: Reuters"));
        assert!(is_caption("Getty Images"));
        assert!(is_caption("The minister in Brussels | Reuters"));
        assert!(!is_caption(
            "The minister told Reuters on Monday that he would resign."
        ));
        assert!(!is_caption("Chris Williamson with Jeremy Corbyn"));
        assert!(!is_caption("Prices rose sharply (see chart)."));
    }

    #[test]
    fn line_furniture() {
        use RemovalKind::*;
        let cases = [
            ("Leave a Reply", Comments),
            ("Your email address will not be published. Required fields are marked *", Comments),
            ("12 Comments", Comments),
            ("Categories: News", Categories),
            ("Tags: Labour, antisemitism", Categories),
            ("Share this article", SharePrompt),
            ("Follow us on Twitter", SharePrompt),
            ("Facebook Twitter WhatsApp Email", SharePrompt),
            ("Read more: Labour MP resigns", Related),
            ("Advertisement", Advert),
            ("Sign up for our daily newsletter to get the news.", Newsletter),
            ("We use cookies to improve your experience.", CookieBanner),
            (
                "CITY DEBATE: Is the plan any good? Experts will argue it out. Buy your tickets here.",
                Promo,
            ),
            ("Jane Doe's picture", AuthorBio),
        ];
        for (text, kind) in cases {
            assert_eq!(furniture_kind(text), Some(kind), "{text}");
        }
        for prose in [
            "A number of people have left comments on his Facebook page.",
            "You can still view it for free online.",
            "Related charges were dropped last year.",
            "He said he would share the letter with the committee.",
        ] {
            assert_eq!(furniture_kind(prose), None, "{prose}");
        }
    }

    #[test]
    fn special_blocks() {
        assert!(is_embedded_post(
            "Leaving the party today. pic.twitter.com/abc123 — Jane Doe (@janedoe) December 20, 2018"
        ));
        assert!(is_update_heading("Update, 12 November"));
        assert!(is_update("UPDATE: The MP has since apologised."));
        assert!(!is_update("Updates to the rules were agreed."));
        assert_eq!(byline("By Jane Doe").as_deref(), Some("Jane Doe"));
        assert_eq!(byline("By the way, nothing"), None);
        assert_eq!(
            author_picture_name("Jane Doe's picture").as_deref(),
            Some("Jane Doe")
        );
        assert!(is_bio_sentence(
            "Jane Doe is an investigative journalist who lives in Leeds."
        ));
        assert!(!is_bio_sentence(
            "Jane Doe is expected to resign on Monday."
        ));
        assert!(looks_like_headline(
            "Minister quits over party’s ‘tolerance’ of racism"
        ));
        assert!(!looks_like_headline("The minister quit on Monday."));
        assert!(is_headline_plus_credit(
            "Jane with JohnReuters",
            "Jane with John"
        ));
    }

    #[test]
    fn more_rules() {
        assert!(is_headline_plus_credit(
            "Jane with JohnYonatan Sindel/Flash90",
            "Jane with John"
        ));
        assert!(is_caption("The minister at the rallyFlash90"));
        assert!(is_caption(
            "The minister at the rally. Photograph: Jane Roe/PA"
        ));
        assert!(is_caption("The minister in Brussels (REUTERS)"));
        assert!(is_caption("The minister in Brussels (via Twitter)"));
        assert!(is_caption("The minister in Brussels. Credit: Screenshot."));
        assert!(!is_caption(
            "The MP for Derby North (Labour/Co-op) spoke first."
        ));
        assert!(comment_zone_start(
            "Jane Doe says: November 7, 2019 at 3:12 pm"
        ));
        assert!(comment_zone_start("7 November 2019 at 15:12"));
        assert!(comment_zone_start(
            "Submitted by Jane (not verified) on Thu, 11/07/2019 - 14:32"
        ));
        assert!(comment_zone_start("Jane Doe (not verified)"));
        assert!(!comment_zone_start("Published 7 November 2019 at 15:12"));
        assert!(!comment_zone_start("A Labour spokesman said:"));
        assert!(is_name_only("Jane van Doe"));
        assert!(!is_name_only("Enter President Trump."));
        assert!(is_kicker("EXCLUSIVE"));
        assert!(!is_kicker("EU"));
        assert!(is_bio_sentence("*Jane Doe is a writer based in Leeds."));
        assert!(is_about_author(
            "About the author: Jane Doe writes on housing."
        ));
        assert_eq!(furniture_kind("Donate"), Some(RemovalKind::Promo));
        assert_eq!(
            furniture_kind("More world news"),
            Some(RemovalKind::Related)
        );
        assert_eq!(furniture_kind("More news on this later."), None);
    }

    #[test]
    fn wire_credits_share_lists_promos_tips() {
        use RemovalKind::*;
        for credit in [
            "(Reporting by Jane Doe; Editing by John Roe)",
            "(Reporting by Jane Doe in Paris; Additional reporting by Ann Lee; Writing by Bo Sun; Editing by John Roe.)",
            "(Additional reporting by Ann Lee, Bo Sun and Cy Day in Singapore)",
            "Reporting by Jane Doe; Editing by John Roe",
        ] {
            assert_eq!(furniture_kind(credit), Some(Boilerplate), "{credit}");
        }
        for prose in [
            "(Reporting by the BBC suggests otherwise)",
            "Reporting by the Times was later confirmed (see below).",
            "(Editing by hand takes time; reporting matters more.)",
        ] {
            assert_ne!(furniture_kind(prose), Some(Boilerplate), "{prose}");
        }
        assert_eq!(
            furniture_kind("Share this post: Facebook | Chirp | Email"),
            Some(SharePrompt)
        );
        assert_eq!(
            furniture_kind("Share: Facebook, X, WhatsApp"),
            Some(SharePrompt)
        );
        assert_eq!(furniture_kind("Share this post:"), Some(SharePrompt));
        assert_eq!(
            furniture_kind("Follow the Gazette for live updates throughout the strike."),
            Some(SharePrompt)
        );
        assert_eq!(
            furniture_kind("Follow the money for the real story, he said."),
            None
        );
        assert_eq!(
            furniture_kind("Share prices: the index fell 3% as investors sold bank stocks."),
            None
        );
        assert_eq!(
            furniture_kind(
                "QUIZ NIGHT: Join us at the Red Lion on Friday. Tickets £5 on the door, all proceeds go to the food bank."
            ),
            Some(Promo)
        );
        // A dateline over a report that mentions one ticket detail stays.
        assert_eq!(
            furniture_kind(
                "LONDON: The concert sold out within minutes, and tickets $90 each were resold for ten times that."
            ),
            None
        );
        assert_eq!(
            furniture_kind("Got a story? Email news@example.org"),
            Some(Promo)
        );
        assert_eq!(
            furniture_kind("Got a story, he said, and ran with it."),
            None
        );
        assert!(is_bio_sentence(
            "Jane Doe is the Clarion's local democracy reporter."
        ));
        for name in [
            "Joan Petrakis",
            "Owen T.",
            "eastwick_resident",
            "Harbourside Leftie",
        ] {
            assert!(is_commenter_line(name), "{name}");
        }
        assert!(is_commenter_line("Jane Doe says: 12 March 2025 at 18:04"));
        assert!(is_commenter_line("Jane Doe · 3 hours ago"));
        for line in ["The end.", "Yes, and more", "He said so.", "Why not?"] {
            assert!(!is_commenter_line(line), "{line}");
        }
        assert_eq!(furniture_kind("Permalink"), Some(RemovalKind::Comments));
        assert_eq!(
            furniture_kind("► Read more: Council cuts"),
            Some(RemovalKind::Related)
        );
    }
}
