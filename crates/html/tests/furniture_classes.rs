//! Class/id words that name furniture must not drop the article when they
//! only describe it: taxonomy slugs from the post's own tags and the
//! `widget` wrapper of widget-built blogs.

fn body(page: &parallax_html::Page) -> String {
    parallax_html::eval::body_text(page)
}

const SENTENCE: &str = "The harbour board approved a new ferry timetable on Tuesday, after a long public consultation across the islands";

#[test]
fn taxonomy_slugs_are_not_furniture() {
    let paras: String = (0..4)
        .map(|i| format!("<p>{SENTENCE} ({i}).</p>"))
        .collect();
    // More paragraphs in the sidebar than in the post: the post is not
    // saved by holding most of the page's paragraphs.
    let side: String = (0..6)
        .map(|i| {
            format!("<p>Archive entry {i}, a teaser of a story from the archive of this blog.</p>")
        })
        .collect();
    let html = format!(
        "<html><body><div id=\"main\">\
         <div class=\"post hentry tag-internet-sharing tag-tax-credits category-social-media\">{paras}</div>\
         </div><div class=\"sidebar\">{side}</div>\
         <div id=\"about\"><p>{SENTENCE}, about us.</p></div></body></html>"
    );
    let page = parallax_html::extract(&html, None).expect("an article");
    let text = body(&page);
    assert!(text.contains("(3)"), "article dropped: {text:?}");
    assert!(!text.contains("Archive entry"), "sidebar kept: {text:?}");
}

#[test]
fn a_real_share_box_is_still_removed() {
    let paras: String = (0..4)
        .map(|i| format!("<p>{SENTENCE} ({i}).</p>"))
        .collect();
    let html = format!(
        "<html><body><article>{paras}<div class=\"share-tools\">Share this story on all the networks you use every day</div></article></body></html>"
    );
    let page = parallax_html::extract(&html, None).expect("an article");
    assert!(!body(&page).contains("networks"), "{:?}", body(&page));
}

#[test]
fn prose_widget_is_the_post_but_link_widgets_stay_out() {
    // A Blogger-style post: lines separated by <br>, inside `widget Blog`.
    let lines: String = (0..14).map(|i| format!("{SENTENCE} ({i}).<br>")).collect();
    let links: String = (0..30)
        .map(|i| format!("<li><a href=/p{i}>Older post number {i}</a></li>"))
        .collect();
    let html = format!(
        "<html><body><div class=\"widget Blog\" id=\"Blog1\"><div class=\"post-body\">{lines}</div></div>\
         <div class=\"widget BlogArchive\"><ul>{links}</ul></div>\
         <div class=\"widget Text\"><p>{SENTENCE}, as the sidebar says.</p></div>\
         <div id=\"about\"><p>{SENTENCE}, about this blog.</p><p>{SENTENCE}, and more about it.</p></div></body></html>"
    );
    let page = parallax_html::extract(&html, None).expect("an article");
    let text = body(&page);
    assert!(text.contains("(13)"), "post dropped: {text:?}");
    assert!(!text.contains("Older post"), "archive kept: {text:?}");
    assert!(
        !text.contains("sidebar says"),
        "short widget kept: {text:?}"
    );
}
