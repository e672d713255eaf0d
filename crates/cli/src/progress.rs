//! A progress bar on stderr, driven by pipeline [`Progress`] events.

use indicatif::{ProgressBar, ProgressStyle};
use parallax_pipeline::Progress;

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(verb: &'static str) -> Self {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} {msg}  {per_sec}  eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(verb);
        bar.set_message("files");
        Bar { bar }
    }

    pub fn update(&self, p: Progress) {
        match p {
            Progress::Total(n) => self.bar.set_length(n),
            Progress::FileDone => self.bar.inc(1),
            Progress::ArticlesDone(n) => self.bar.inc(n),
            Progress::LeftOut(n) => self.bar.println(format!(
                "note: {n} file(s) inside the folders are not article formats and are left \
                 out (--all-files reads them)"
            )),
            Progress::Stage(name, total) => {
                self.bar.set_prefix(name);
                self.bar.set_message("articles");
                self.bar.set_position(0);
                self.bar.set_length(total);
                self.bar.reset_eta();
            }
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
