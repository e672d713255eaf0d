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
            "{prefix} [{bar:30}] {pos}/{len} files  {per_sec}  eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(verb);
        Bar { bar }
    }

    pub fn update(&self, p: Progress) {
        match p {
            Progress::Total(n) => self.bar.set_length(n),
            Progress::FileDone => self.bar.inc(1),
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
