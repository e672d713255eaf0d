//! Behaviour on small hand-written inputs: one test per furniture kind, the
//! offset map, metadata precedence, the HTML block path and bad input.

mod common;

use common::{assert_sound, text_doc};
use parallax_clean::{clean, clean_page, detect_language, CleanError};
use parallax_html::{Page, PageBlock};
use parallax_model::{Article, BlockKind, ContentKind, RawDoc, RemovalKind, SourceFormat};

const BODY_1: &str = "The council voted on Tuesday to close the library, ending a campaign that had lasted for three years.";
const BODY_2: &str = "Residents said they would appeal against the decision and called on the mayor to intervene before the summer.";
const BODY_3: &str = "The mayor’s office said it was reviewing the vote and would publish its response within a fortnight.";

fn body() -> String {
    format!("{BODY_1}\n\n{BODY_2}\n\n{BODY_3}")
}

fn run(content: &str) -> (RawDoc, Article) {
    let doc = text_doc(content);
    let article = clean(&doc).unwrap_or_else(|e| panic!("clean failed: {e}\n{content}"));
    assert_sound(&doc, &article);
    (doc, article)
}

fn removed(article: &Article, kind: RemovalKind) -> Vec<&str> {
    article
        .removed
        .iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.text.as_str())
        .collect()
}

fn assert_body_intact(article: &Article) {
    for paragraph in [BODY_1, BODY_2, BODY_3] {
        assert!(
            article.text.contains(paragraph),
            "lost: {paragraph}\n---\n{}",
            article.text
        );
    }
}

#[test]
fn date_header_on_its_own_line_and_glued_to_text() {
    let (_, a) = run(&format!(" date 2021-03-04\n\n{}", body()));
    assert_eq!(a.published.as_deref(), Some("2021-03-04"));
    assert_eq!(
        removed(&a, RemovalKind::DateHeader),
        vec!["date 2021-03-04"]
    );
    assert!(a.text.starts_with(BODY_1));

    let (doc, a) = run(&format!(" date 2021-03-04 {}", body()));
    assert_eq!(a.published.as_deref(), Some("2021-03-04"));
    assert!(a.text.starts_with(BODY_1));
    assert_eq!(a.title, None, "a first sentence is not a headline");
    let src = a.offsets.to_source(0).expect("first byte maps");
    assert!(doc.content[src..].starts_with("The council"));
}

#[test]
fn labelled_date_and_byline_lines_at_the_top() {
    let (_, a) = run(&format!(
        "Library to close after council vote\n\nBy Jane Doe\n\nPublished: 4 March 2021 at 10:15 am\n\n{}",
        body()
    ));
    assert_eq!(
        a.title.as_deref(),
        Some("Library to close after council vote")
    );
    assert_eq!(a.author.as_deref(), Some("Jane Doe"));
    assert_eq!(a.published.as_deref(), Some("2021-03-04"));
    assert!(a.text.starts_with(BODY_1));
    assert_body_intact(&a);
}

#[test]
fn doubled_headline_is_recorded_once_as_duplicate() {
    let (_, a) = run(&format!(
        "Library to close after ‘long’ campaign\n\nLibrary to close after ‘long’ campaign\n\n{}",
        body()
    ));
    assert_eq!(
        a.title.as_deref(),
        Some("Library to close after ‘long’ campaign")
    );
    assert_eq!(removed(&a, RemovalKind::DuplicateHeadline).len(), 2);
    assert!(!a.text.contains("Library to close"));
    assert_body_intact(&a);
}

#[test]
fn headline_with_glued_photo_credit() {
    let (_, a) = run(&format!(
        "Mayor with residents\n\nMayor with residentsReuters\n\n{}",
        body()
    ));
    assert_eq!(a.title.as_deref(), Some("Mayor with residents"));
    assert_eq!(
        removed(&a, RemovalKind::Caption),
        vec!["Mayor with residentsReuters"]
    );
    assert!(!a.text.contains("Reuters"));

    // Only the glued line: the headline is recovered from it.
    let (_, a) = run(&format!("Mayor defends library closureAFP\n\n{}", body()));
    assert_eq!(a.title.as_deref(), Some("Mayor defends library closure"));
    assert!(!a.text.contains("AFP"));
}

#[test]
fn caption_lines_anywhere() {
    let content = format!(
        "{BODY_1}\n\nThe mayor at the meeting on Tuesday. (Jane Doe/Twitter)\n\n{BODY_2}\n\nPhoto: Getty Images\n\nProtesters outside the library. Photograph: John Roe/PA\n\n{BODY_3}"
    );
    let (_, a) = run(&content);
    assert_eq!(removed(&a, RemovalKind::Caption).len(), 3);
    assert!(
        !a.text.contains("Twitter") && !a.text.contains("Getty") && !a.text.contains("Photograph")
    );
    assert_body_intact(&a);
}

#[test]
fn comment_form_and_comments_header() {
    let content = format!(
        "{}\n\n4 Comments\n\nI think this is a disgrace and the council should resign.\n\nAgreed, shameful.\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *",
        body()
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    assert!(a.text.ends_with(BODY_3));
    let comments = removed(&a, RemovalKind::Comments).join("\n");
    assert!(comments.contains("disgrace") && comments.contains("Leave a Reply"));
    assert!(comments.contains("Required fields"));
}

#[test]
fn comment_thread_after_a_big_gap_with_author_box() {
    let content = format!(
        "{}\n\n\n\n\nWhat a terrible decision, I can't believe it.\n\n\nI hope they reverse it, I use that library every week\nand so do my kids\n\n\nShame on them!\n\nJane Doe\n\nJane Doe's picture\n\nJane Doe is a freelance journalist based in Leeds.\n\nShe is the author of a book about public libraries.",
        body()
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    assert!(a.text.ends_with(BODY_3), "{}", a.text);
    let comments = removed(&a, RemovalKind::Comments).join("\n");
    assert!(comments.contains("terrible decision") && comments.contains("Shame on them"));
    let bio = removed(&a, RemovalKind::AuthorBio).join("\n");
    assert!(bio.contains("Jane Doe's picture") && bio.contains("freelance journalist"));
    assert!(bio.contains("She is the author"));
}

#[test]
fn big_gap_inside_an_article_is_not_a_comment_thread() {
    let content = format!("{BODY_1}\n\n\n\n{BODY_2}\n\n{BODY_3}");
    let (_, a) = run(&content);
    assert_body_intact(&a);
    assert!(a.removed.is_empty());
}

#[test]
fn trailing_author_bio_without_picture() {
    let content = format!(
        "{}\n\nJohn Roe is an investigative reporter covering local government.",
        body()
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    assert_eq!(removed(&a, RemovalKind::AuthorBio).len(), 1);
}

#[test]
fn article_subject_at_the_end_is_not_an_author_bio() {
    let content = format!(
        "{}\n\nThe mayor, Jane Smith, declined to comment.\n\nJane Smith is a veteran campaigner who has led the council since 2015.",
        body()
    );
    let (_, a) = run(&content);
    assert!(a.text.ends_with("led the council since 2015."));
    assert!(a.removed.is_empty(), "{:?}", a.removed);
}

#[test]
fn two_author_boxes_after_the_article() {
    let content = format!(
        "{}\n\nJane Doe\n\nJane Doe's picture\n\nJane Doe is a reporter.\n\nJohn Roe\n\nJohn Roe's picture\n\nJohn Roe, author of two books on housing, is a contributing editor.",
        body()
    );
    let (_, a) = run(&content);
    assert!(a.text.ends_with(BODY_3), "{}", a.text);
    let bio = removed(&a, RemovalKind::AuthorBio).join("\n");
    assert!(bio.contains("Jane Doe is a reporter") && bio.contains("contributing editor"));
}

#[test]
fn date_header_below_the_headline() {
    let (_, a) = run(&format!("Library to close\n\n date 2021-03-04 {}", body()));
    assert_eq!(a.title.as_deref(), Some("Library to close"));
    assert_eq!(a.published.as_deref(), Some("2021-03-04"));
    assert!(a.text.starts_with(BODY_1));
}

#[test]
fn wordpress_footer_lines() {
    let content = format!(
        "{}\n\nLocal News is an independent website that depends on donations from its readers. Click here to make one.\n\nPosted in Local politics\n\n← Council sets budget\n\nNext post: Parks to reopen",
        body()
    );
    let (_, a) = run(&content);
    assert!(a.text.ends_with(BODY_3), "{}", a.text);
    assert!(!removed(&a, RemovalKind::Promo).is_empty());
    assert!(!removed(&a, RemovalKind::Categories).is_empty());
    assert_eq!(
        removed(&a, RemovalKind::Navigation).len(),
        1,
        "adjacent navigation merges"
    );
}

#[test]
fn promos_newsletters_share_prompts_categories_related_adverts() {
    let content = format!(
        "Home › News › Local\n\n{BODY_1}\n\nShare this article\n\nAdvertisement\n\n{BODY_2}\n\nRead more: Council budget cuts explained\n\n{BODY_3}\n\nCITY DEBATE: What future for libraries? Join our panel of experts. Buy your tickets here.\n\nSign up for our free weekly newsletter.\n\nFollow us on Twitter\n\nFacebook Twitter WhatsApp Email\n\nTags: libraries, council\n\nWe use cookies to improve your experience on our website."
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    assert_eq!(a.blocks.len(), 3, "{}", a.text);
    for kind in [
        RemovalKind::Navigation,
        RemovalKind::SharePrompt,
        RemovalKind::Advert,
        RemovalKind::Related,
        RemovalKind::Promo,
        RemovalKind::Newsletter,
        RemovalKind::Categories,
        RemovalKind::CookieBanner,
    ] {
        assert!(!removed(&a, kind).is_empty(), "no {kind:?} removal");
    }
    assert_eq!(
        removed(&a, RemovalKind::SharePrompt).len(),
        2,
        "share prompts are separate lines, merged only when adjacent"
    );
}

#[test]
fn updates_embedded_posts_and_quoted_letters_are_kept() {
    let content = format!(
        "{BODY_1}\n\nThe mayor posted on social media:\n\nThe library stays open while we review this. pic.twitter.com/AbCdEf12 — Jane Mayor (@janemayor) March 4, 2021\n\nIn her letter, the campaign leader writes:\n\nI have used this library all my life and I will not let it close without a fight.\n\n{BODY_2}\n\n{BODY_3}\n\nUpdate, 5 March\n\nThe council has since agreed to delay the closure by six months."
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    let kinds: Vec<(BlockKind, &str)> =
        a.blocks.iter().map(|b| (b.kind, a.block_text(b))).collect();
    assert!(kinds
        .iter()
        .any(|(k, t)| *k == BlockKind::Embedded && t.contains("@janemayor")));
    assert!(kinds
        .iter()
        .any(|(k, t)| *k == BlockKind::Quote && t.starts_with("I have used")));
    assert!(kinds
        .iter()
        .any(|(k, t)| *k == BlockKind::Update && *t == "Update, 5 March"));
    assert!(kinds
        .iter()
        .any(|(k, t)| *k == BlockKind::Update && t.contains("delay the closure")));
    assert!(a.removed.is_empty(), "{:?}", a.removed);
}

#[test]
fn run_together_sentences_are_repaired_with_unmapped_insertions() {
    let content = "The vote was close.“We lost,” she said.In March the council met again.It voted to close the library and the mayor called it “sad”but necessary.";
    let (doc, a) = run(content);
    assert_eq!(
        a.text,
        "The vote was close.\n\n“We lost,” she said.\n\nIn March the council met again.\n\nIt voted to close the library and the mayor called it “sad” but necessary."
    );
    assert_eq!(a.blocks.len(), 4);
    // The inserted space has no source; its neighbours map exactly.
    let space = a.text.find("” but").expect("repaired") + "”".len();
    assert_eq!(a.offsets.to_source(space), None);
    let b = a.offsets.to_source(space + 1).expect("maps");
    assert_eq!(&doc.content[b..b + 3], "but");
    let q = a.offsets.to_source(space - "”".len()).expect("maps");
    assert!(doc.content[q..].starts_with("”but"));
}

#[test]
fn offsets_fold_whitespace_and_crlf() {
    let content = "Library\u{a0}closes  after   vote\r\n\r\nThe council voted\r\nto close the library on Tuesday, ending a three-year campaign by residents.\r\n";
    let (doc, a) = run(content);
    assert_eq!(a.title.as_deref(), Some("Library closes after vote"));
    assert_eq!(
        a.text,
        "The council voted to close the library on Tuesday, ending a three-year campaign by residents."
    );
    let at = a.text.find("to close").expect("joined");
    let src = a.offsets.to_source(at).expect("maps");
    assert!(doc.content[src..].starts_with("to close"));
    // The joining space replaced "\r\n": no exact claim for it.
    assert_eq!(a.offsets.to_source(at - 1), None);
}

#[test]
fn hints_take_precedence_over_the_text() {
    let mut doc = text_doc(&format!(
        " date 2021-03-04\n\nLibrary to close\n\n{}",
        body()
    ));
    doc.hints.title = Some("Council closes library".into());
    doc.hints.published = Some("2021-03-05T08:00:00Z".into());
    doc.hints.author = Some("Jane Doe".into());
    doc.hints.outlet = Some("Local News".into());
    doc.hints.url = Some("https://example.org/library".into());
    doc.warnings.push("decoded lossily".into());
    let a = clean(&doc).expect("cleans");
    assert_eq!(a.title.as_deref(), Some("Council closes library"));
    assert_eq!(a.published.as_deref(), Some("2021-03-05"));
    assert_eq!(a.author.as_deref(), Some("Jane Doe"));
    assert_eq!(a.outlet.as_deref(), Some("Local News"));
    assert_eq!(a.url.as_deref(), Some("https://example.org/library"));
    assert_eq!(a.warnings, vec!["decoded lossily".to_string()]);
    assert!(
        !a.text.contains("Library to close"),
        "headline line still removed"
    );
    assert_body_intact(&a);

    doc.hints.published = Some("sometime last week".into());
    let a = clean(&doc).expect("cleans");
    assert_eq!(a.published.as_deref(), Some("2021-03-04"));
    assert!(a.warnings.iter().any(|w| w.contains("sometime last week")));
}

#[test]
fn bad_input_gives_errors_not_panics() {
    assert_eq!(clean(&text_doc("")), Err(CleanError::Empty));
    assert_eq!(clean(&text_doc(" \n\t\n ")), Err(CleanError::Empty));
    assert_eq!(
        clean(&text_doc("Leave a Reply\n\nCategories: News\n\nShare this")),
        Err(CleanError::NoArticle)
    );
    for odd in [
        "\u{feff}",
        "“",
        "”x",
        ".A",
        "\"\"\"",
        "a\u{200b}\u{a0}\u{a0}b",
        "é.É",
        " date 2021-02-30 x",
    ] {
        if let Ok(a) = clean(&text_doc(odd)) {
            assert_sound(&text_doc(odd), &a);
        }
    }
}

#[test]
fn no_title_without_a_headline_line() {
    let (_, a) = run(&body());
    assert_eq!(a.title, None);
    assert_eq!(a.blocks.len(), 3);
    assert_eq!(a.language.as_deref(), Some("en"));
}

fn html_doc(content: &str) -> RawDoc {
    RawDoc {
        format: SourceFormat::Html,
        kind: ContentKind::Html,
        ..text_doc(content)
    }
}

#[test]
fn extracted_page_blocks_are_cleaned_and_mapped() {
    let html = "<html><h1>Library closes</h1><p>The council voted on Tuesday to close the library.</p><p>Residents said they would appeal &amp; fight on.</p><p>Share this article</p></html>";
    let doc = html_doc(html);
    let span = |needle: &str| {
        let s = html.find(needle).expect("in page");
        s..s + needle.len()
    };
    let page = Page {
        title: Some("Library closes".into()),
        published: Some("2021-03-04T09:00:00Z".into()),
        author: Some("Jane Doe".into()),
        outlet: Some("Local News".into()),
        url: None,
        language: Some("en-GB".into()),
        genre: None,
        blocks: vec![
            PageBlock {
                kind: BlockKind::Heading,
                text: "Library closes".into(),
                source: Some(span("<h1>Library closes</h1>")),
            },
            PageBlock {
                kind: BlockKind::Paragraph,
                text: "The council voted on Tuesday to close the library.".into(),
                source: Some(span(
                    "<p>The council voted on Tuesday to close the library.</p>",
                )),
            },
            PageBlock {
                kind: BlockKind::Paragraph,
                text: "Residents said they would appeal & fight on.".into(),
                source: Some(span(
                    "<p>Residents said they would appeal &amp; fight on.</p>",
                )),
            },
            PageBlock {
                kind: BlockKind::Paragraph,
                text: "Share this article".into(),
                source: None,
            },
        ],
        removed: Vec::new(),
    };
    let a = clean_page(&doc, page).expect("cleans");
    assert_sound(&doc, &a);
    assert_eq!(a.title.as_deref(), Some("Library closes"));
    assert_eq!(a.published.as_deref(), Some("2021-03-04"));
    assert_eq!(a.author.as_deref(), Some("Jane Doe"));
    assert_eq!(a.outlet.as_deref(), Some("Local News"));
    assert_eq!(
        a.text,
        "The council voted on Tuesday to close the library.\n\nResidents said they would appeal & fight on."
    );
    assert_eq!(
        removed(&a, RemovalKind::DuplicateHeadline),
        vec!["Library closes"]
    );
    assert_eq!(
        removed(&a, RemovalKind::SharePrompt),
        vec!["Share this article"]
    );
    // Verbatim block: exact mapping into the page.
    let src = a.offsets.to_source(4).expect("maps");
    assert!(html[src..].starts_with("council"));
    // Entity-decoded block: aligned through the markup, exact around the
    // entity, which maps to its own source span.
    let fight = a.text.find("fight").expect("word");
    let src = a.offsets.to_source(fight).expect("maps");
    assert!(html[src..].starts_with("fight on."));
    let amp = a.text.find('&').expect("amp");
    let run = a
        .offsets
        .runs
        .iter()
        .find(|r| r.clean.start == amp)
        .expect("entity has a run");
    assert_eq!(&html[run.source.clone()], "&amp;");
    let second = a.blocks[1].span.clone();
    let src = a.offsets.range_to_source(second).expect("maps");
    assert!(html[src].contains("Residents"));
    assert!(a.language.is_some());
}

#[test]
fn html_extraction_failure_is_reported() {
    // Whatever the extractor decides on a page with no article, clean must
    // return an error rather than panic or invent text.
    let result = clean(&html_doc("<html><body><nav>Home</nav></body></html>"));
    assert!(matches!(
        result,
        Err(CleanError::Html(_)) | Err(CleanError::NoArticle)
    ));
}

#[test]
fn detect_language_is_public_and_cautious() {
    assert_eq!(detect_language(BODY_2).as_deref(), Some("en"));
    assert_eq!(detect_language("Hi"), None);
}

#[test]
fn header_block_with_kicker_credit_byline_and_date() {
    let content = format!(
        "EXCLUSIVE\n\nLibrary to close after council vote\n\nThe library on Monday evening.Jane Roe/Flash90\n\nBy Jane Doe\n\nPublished: Thursday, March 4, 2021 at 10:15 am\n\n{}",
        body()
    );
    let (_, a) = run(&content);
    assert_eq!(
        a.title.as_deref(),
        Some("Library to close after council vote")
    );
    assert_eq!(a.author.as_deref(), Some("Jane Doe"));
    assert_eq!(a.published.as_deref(), Some("2021-03-04"));
    assert!(a.text.starts_with(BODY_1), "{}", a.text);
    assert_eq!(removed(&a, RemovalKind::Boilerplate), vec!["EXCLUSIVE"]);
    assert_eq!(removed(&a, RemovalKind::Caption).len(), 1);
}

#[test]
fn wordpress_and_drupal_comment_threads() {
    let wordpress = format!(
        "{}\n\n3 thoughts on “Library to close”\n\nJohn Smith says:\nMarch 4, 2021 at 11:02 am\n\nAbout time too.\n\nReply\n\nLeave a Reply Cancel reply",
        body()
    );
    let drupal = format!(
        "{BODY_1}\n\n{BODY_2}\n\nComments\n\nSubmitted by Sam (not verified) on Thu, 04/03/2021 - 10:00\n\nThis is a disgrace.\n\nPermalink\n\nLog in or register to post comments"
    );
    for content in [wordpress, drupal] {
        let (_, a) = run(&content);
        assert!(
            a.text.ends_with(BODY_3) || a.text.ends_with(BODY_2),
            "{}",
            a.text
        );
        assert!(!a.text.contains("About time") && !a.text.contains("disgrace"));
        assert!(!removed(&a, RemovalKind::Comments).is_empty());
    }
}

#[test]
fn headerless_comment_thread_after_closing_furniture() {
    let content = format!(
        "{}\n\nShare this article\n\nTags: Library, Council\n\nMary Quinn\nShame on the council, we need that library.\n\nTom B.\nI've used it every week since 1990.\n\nreader_99\nThe mayor should step in. Nobody voted for this",
        body()
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    let comments = removed(&a, RemovalKind::Comments).join("\n");
    for piece in [
        "Mary Quinn",
        "Tom B.",
        "every week since 1990",
        "reader_99",
        "Nobody voted",
    ] {
        assert!(comments.contains(piece), "{piece} not removed as comment");
        assert!(!a.text.contains(piece), "{piece} left in text");
    }
}

#[test]
fn name_lines_inside_an_article_are_not_comments() {
    // An interview laid out as name line + answer, with no closing furniture
    // before it: article text.
    let content = format!(
        "{}\n\nMary Quinn\nWe were never asked about the closure.\n\nTom Baker\nThe council has not published its figures.",
        body()
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    assert!(removed(&a, RemovalKind::Comments).is_empty());
    assert!(a.text.contains("We were never asked about the closure."));
}

#[test]
fn wire_credit_tip_line_share_list_and_event_promo() {
    let content = format!(
        "{}\n\n(Reporting by Jane Roe; Editing by John Doe)\n\nShare this post: Facebook | Mastodon | Email\n\nQUIZ NIGHT: The Friends of the Library hold a quiz at the Red Lion on 3 May. Tickets £5 on the door, all proceeds go to the campaign.\n\nJane Roe is the Gazette's local democracy reporter. Got a story? Email jane@gazette.example",
        body()
    );
    let (_, a) = run(&content);
    assert_body_intact(&a);
    assert_eq!(
        removed(&a, RemovalKind::Boilerplate),
        ["(Reporting by Jane Roe; Editing by John Doe)"]
    );
    assert_eq!(
        removed(&a, RemovalKind::SharePrompt),
        ["Share this post: Facebook | Mastodon | Email"]
    );
    assert!(removed(&a, RemovalKind::Promo)[0].starts_with("QUIZ NIGHT:"));
    assert!(removed(&a, RemovalKind::AuthorBio)[0].contains("Got a story?"));
    assert_eq!(a.text, body());
}

#[test]
fn removals_of_one_kind_do_not_merge_across_article_text() {
    let content = format!("{BODY_1}\n\nAdvertisement\n\n{BODY_2}\n\nAdvertisement\n\n{BODY_3}");
    let (_, a) = run(&content);
    let adverts: Vec<_> = a
        .removed
        .iter()
        .filter(|r| r.kind == RemovalKind::Advert)
        .collect();
    assert_eq!(adverts.len(), 2, "{:?}", a.removed);
    for advert in adverts {
        assert_eq!(advert.source.as_ref().map(|s| s.len()), Some(13));
    }
}
