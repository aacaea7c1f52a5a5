//! Compiler-style output through codespan-reporting.
//!
//! Two things keep the output proportional to the input on hostile files: a line longer than
//! [`LONG_LINE`] is shown as a window around each label on it (codespan would reprint the whole
//! line for every finding), and findings of one code and severity whose labels start on the same
//! line that say the same thing are shown once, with a note counting the others. Info findings
//! (notes) that repeat one another word for word within an input are shown once too, with a
//! note naming where the others are. The machine formats keep every finding.

use super::Summary;
use super::wrap::wrap;
use crate::check::InputReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::hive::base_block::filetime_to_rfc3339;
use crate::model::KeyPath;
use crate::source::{FileId, SourceMap};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io;
use std::ops::Range;
use termcolor::{Buffer, WriteColor};

/// Lines longer than this many bytes are shown as a window around each label.
const LONG_LINE: usize = 1000;
/// Bytes of the line shown on either side of a label on a long line.
const CONTEXT: usize = 40;
/// At most this many bytes of a label on a long line are shown (and underlined).
const LABEL_SHOWN: usize = 80;
const CUT: &str = "…";

fn severity(s: Severity) -> cs::Severity {
    match s {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    }
}

/// The codespan form of one finding, with hive provenance spelled out in a note; labels on long
/// lines point into excerpts that `view` makes.
fn to_codespan(
    report: &InputReport,
    d: &Diagnostic,
    view: &mut View<'_>,
    collapsed: &Collapsed,
    width: Option<usize>,
) -> cs::Diagnostic<Shown> {
    let hidden_on_line = collapsed.on_line;
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        let (file, range) = view.place(p.origin.file, p.origin.range());
        labels.push(cs::Label::primary(file, range).with_message(&p.message));
    }
    for s in &d.secondary {
        let (file, range) = view.place(s.origin.file, s.origin.range());
        labels.push(cs::Label::secondary(file, range).with_message(&s.message));
    }
    let mut notes: Vec<String> = d.notes.iter().map(ToString::to_string).collect();
    if hidden_on_line > 0 {
        notes.push(format!(
            "{hidden_on_line} more {} finding{} on this line {} not shown here; the JSON and SARIF reports list each",
            d.code.code,
            if hidden_on_line == 1 { "" } else { "s" },
            if hidden_on_line == 1 { "is" } else { "are" },
        ));
    }
    if !collapsed.elsewhere.is_empty() {
        notes.push(format!(
            "the same note also {} (not repeated here; the JSON and SARIF reports list each)",
            list_places(&collapsed.elsewhere)
        ));
    }
    if let Some(offset) = d.primary.as_ref().and_then(|p| p.origin.hive_offset()) {
        let written = d
            .key
            .as_deref()
            .and_then(KeyPath::parse)
            .and_then(|p| report.registry.key(&p))
            .and_then(|k| k.last_written)
            .and_then(filetime_to_rfc3339);
        notes.push(match written {
            Some(t) => format!(
                "in {} at hive offset {offset:#x}; key last written {t}",
                report.path
            ),
            None => format!("in {} at hive offset {offset:#x}", report.path),
        });
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    let mut message = d.message.clone();
    if let Some(width) = width {
        // codespan starts each note line with the line-number gutter and `= ` (or two spaces).
        let gutter = gutter_digits(report, d) + 3;
        for note in &mut notes {
            *note = wrap(note, width.saturating_sub(gutter), 0, 0);
        }
        let header = severity_word(d.severity).len() + d.code.code.len() + 4;
        message = wrap(&message, width, header, 4);
    }
    cs::Diagnostic::new(severity(d.severity))
        .with_code(d.code.code)
        .with_message(message)
        .with_labels(labels)
        .with_notes(notes)
}

/// How codespan names a severity in the header line.
fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The digits of the largest line number the labels show: the width of codespan's gutter.
/// Excerpts of long lines never number higher than the line itself, so this is an upper bound.
fn gutter_digits(report: &InputReport, d: &Diagnostic) -> usize {
    d.primary
        .iter()
        .chain(&d.secondary)
        .filter_map(|l| {
            let file = report.sources.get(l.origin.file)?;
            Some(file.line_index(l.origin.end as usize) + 1)
        })
        .max()
        .map_or(0, |n| n.to_string().len())
}

/// Writes every finding of every report, then one summary line.
/// `width`: wrap prose to this many columns (`None`: never wrap, as the snapshots are kept).
pub fn render(
    out: &mut dyn WriteColor,
    reports: &[InputReport],
    summary: &Summary,
    width: Option<usize>,
) -> io::Result<()> {
    render_reports(out, reports, true, width)?;
    writeln!(out, "{}", prose(summary_line(summary), width))?;
    match fixes_line(summary) {
        Some(line) => writeln!(out, "{}", prose(line, width)),
        None => Ok(()),
    }
}

/// The findings alone (`--quiet`): no target lines and no summary.
pub fn render_findings(
    out: &mut dyn WriteColor,
    reports: &[InputReport],
    width: Option<usize>,
) -> io::Result<()> {
    render_reports(out, reports, false, width)
}

fn render_reports(
    out: &mut dyn WriteColor,
    reports: &[InputReport],
    with_targets: bool,
    width: Option<usize>,
) -> io::Result<()> {
    // Each input renders on its own: in a batch they render in parallel, a chunk at a time,
    // and are written in order (rendering was a third of a batch, all on one thread). A
    // console that takes colours by calls rather than escapes renders in line.
    if reports.len() > 1 && !out.is_synchronous() {
        let color = out.supports_color();
        for chunk in reports.chunks(RENDER_CHUNK) {
            let rendered: Vec<io::Result<Buffer>> = chunk
                .par_iter()
                .map(|report| {
                    let mut buffer = if color {
                        Buffer::ansi()
                    } else {
                        Buffer::no_color()
                    };
                    render_report(&mut buffer, report, with_targets, width)?;
                    Ok(buffer)
                })
                .collect();
            for buffer in rendered {
                out.write_all(buffer?.as_slice())?;
            }
        }
        return Ok(());
    }
    for report in reports {
        render_report(out, report, with_targets, width)?;
    }
    Ok(())
}

/// Inputs rendered in parallel before their output is written: bounds what is held at once.
const RENDER_CHUNK: usize = 256;

fn render_report(
    out: &mut dyn WriteColor,
    report: &InputReport,
    with_targets: bool,
    width: Option<usize>,
) -> io::Result<()> {
    let config = Config::default();
    // What was linted, and as which Windows, comes first: it frames every finding below.
    if with_targets && (!report.diagnostics.is_empty() || report.target.os.is_some()) {
        let target = format!("{}: target {}", report.path, report.target.describe());
        writeln!(out, "{}", prose(target, width))?;
        if let Some(note) = report
            .hive
            .as_ref()
            .and_then(|h| h.control_set_note.as_ref())
        {
            writeln!(out, "{}", prose(format!("{}: {note}", report.path), width))?;
        }
    }
    let shown: Vec<(&Diagnostic, Collapsed)> = report
        .diagnostics
        .iter()
        .zip(collapse(report))
        .filter_map(|(d, c)| Some((d, c?)))
        .collect();
    if with_targets && shown.len() > MANY {
        let counts = severity_counts(&Summary::of(std::slice::from_ref(report)));
        let line = format!("{}: {counts} (errors first)", report.path);
        writeln!(out, "{}", prose(line, width))?;
    }
    if with_targets && !shown.is_empty() {
        writeln!(out)?;
    }
    // Errors first, then warnings, then infos, each in file order: a screenful of notes
    // never hides an error below it.
    let mut ordered: Vec<&(&Diagnostic, Collapsed)> = shown.iter().collect();
    ordered.sort_by_key(|(d, _)| std::cmp::Reverse(d.severity));
    for (d, collapsed) in ordered {
        let mut view = View::new(&report.sources);
        let diagnostic = to_codespan(report, d, &mut view, collapsed, width);
        term::emit_to_write_style(out, &config, &view, &diagnostic).map_err(io::Error::other)?;
    }
    Ok(())
}

/// Above this many shown findings an input's counts are printed before them.
const MANY: usize = 20;

/// Report prose (target lines, counts, the summary) wrapped to `width` when there is one.
fn prose(text: String, width: Option<usize>) -> String {
    match width {
        Some(width) => wrap(&text, width, 0, 4),
        None => text,
    }
}

/// What a shown finding stands for besides itself.
#[derive(Debug, Default)]
struct Collapsed {
    /// Findings of the same code, severity and message starting on the same line.
    on_line: usize,
    /// Where the info findings that repeat this one word for word are (line or key).
    elsewhere: Vec<String>,
}

/// At most this many places are named in a collapsed note; the rest are counted.
const PLACES_NAMED: usize = 8;

fn list_places(places: &[String]) -> String {
    let lines: Option<Vec<&str>> = places.iter().map(|p| p.strip_prefix("line ")).collect();
    let (lead, named): (&str, Vec<&str>) = match lines {
        Some(numbers) if numbers.len() > 1 => ("at lines ", numbers),
        Some(numbers) => ("at line ", numbers),
        None => ("for ", places.iter().map(String::as_str).collect()),
    };
    let shown = named.get(..PLACES_NAMED).unwrap_or(&named).join(", ");
    match named.len().checked_sub(PLACES_NAMED) {
        Some(rest) if rest > 0 => format!("{lead}{shown} and {rest} more"),
        _ => format!("{lead}{shown}"),
    }
}

/// For each finding: `None` when it is left out, else what it stands for. A finding is left out
/// when an earlier one with the same code, severity and message starts on the same line, or
/// when it is an info finding that says exactly what an earlier one said (message, notes and
/// help) and has no fix of its own. Findings that say different things are all shown.
fn collapse(report: &InputReport) -> Vec<Option<Collapsed>> {
    let mut shown: Vec<Option<Collapsed>> = report
        .diagnostics
        .iter()
        .map(|_| Some(Collapsed::default()))
        .collect();
    let mut first_on_line: HashMap<(FileId, usize, &str, Severity, &str), usize> = HashMap::new();
    type Words<'a> = (
        &'a str,
        &'a str,
        &'a [crate::diagnostic::Prose],
        Option<&'a str>,
    );
    let mut first_note: HashMap<Words<'_>, usize> = HashMap::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        let line = d.primary.as_ref().and_then(|p| {
            let file = report.sources.get(p.origin.file)?;
            Some((p.origin.file, file.line_index(p.origin.start as usize)))
        });
        if let Some((file, line)) = line {
            let key = (file, line, d.code.code, d.severity, d.message.as_str());
            if let Some(&first) = first_on_line.get(&key) {
                if let Some(shown) = shown.get_mut(first).and_then(Option::as_mut) {
                    shown.on_line += 1;
                }
                if let Some(this) = shown.get_mut(i) {
                    *this = None;
                }
                continue;
            }
            first_on_line.insert(key, i);
        }
        if d.severity != Severity::Info || d.fix.is_some() {
            continue;
        }
        let words = (
            d.code.code,
            d.message.as_str(),
            d.notes.as_slice(),
            d.help.as_deref(),
        );
        match first_note.get(&words) {
            Some(&first) => {
                let place = place_of(report, d, line.map(|(_, l)| l));
                if let Some(shown) = shown.get_mut(first).and_then(Option::as_mut) {
                    shown.elsewhere.push(place);
                }
                if let Some(this) = shown.get_mut(i) {
                    *this = None;
                }
            }
            None => {
                first_note.insert(words, i);
            }
        }
    }
    shown
}

/// Where a finding is, in words: its key and value in a hive, its line in a text.
fn place_of(report: &InputReport, d: &Diagnostic, line: Option<usize>) -> String {
    let hive_offset = d.primary.as_ref().and_then(|p| p.origin.hive_offset());
    match (&d.key, &d.value, line) {
        (Some(key), Some(value), _) if hive_offset.is_some() || line.is_none() => {
            format!("`{value}` in [{key}]")
        }
        (Some(key), None, _) if hive_offset.is_some() || line.is_none() => format!("[{key}]"),
        (_, _, Some(line)) => format!("line {}", line + 1),
        _ => report.path.clone(),
    }
}

/// Where a label points for codespan: into a source as it is, or into an excerpt of a long line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Source(FileId),
    Excerpt(usize),
}

/// A window of one long source line: `text` is the window with a cut mark at each end that
/// was cut, `offset` is the source offset of the first byte after the leading mark.
struct Excerpt {
    file: FileId,
    line: usize,
    text: String,
    lead: usize,
    offset: usize,
}

/// The sources as one finding shows them: as they are, plus the excerpts its labels need.
struct View<'a> {
    sources: &'a SourceMap,
    excerpts: Vec<Excerpt>,
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl<'a> View<'a> {
    fn new(sources: &'a SourceMap) -> Self {
        Self {
            sources,
            excerpts: Vec::new(),
        }
    }

    /// Where codespan is to show the label at `range` of `file`: the source itself, or a new
    /// excerpt when the label starts or ends on a long line (cut to the line it starts on).
    fn place(&mut self, file: FileId, range: Range<usize>) -> (Shown, Range<usize>) {
        let as_is = (Shown::Source(file), range.clone());
        let Some(source) = self.sources.get(file) else {
            return as_is;
        };
        let line = source.line_index(range.start);
        let (Some(first), Some(last)) = (
            source.line_range(line),
            source.line_range(source.line_index(range.end)),
        ) else {
            return as_is;
        };
        if first.len() <= LONG_LINE && last.len() <= LONG_LINE {
            return as_is;
        }
        let text = source.text.as_str();
        let start = floor_boundary(text, range.start.clamp(first.start, first.end));
        let end =
            floor_boundary(text, range.end.min(first.end).min(start + LABEL_SHOWN)).max(start);
        let from = floor_boundary(text, start.saturating_sub(CONTEXT).max(first.start));
        let to = ceil_boundary(text, end.saturating_add(CONTEXT).min(first.end));
        let lead = if from > first.start { CUT } else { "" };
        let tail = if to < first.end { CUT } else { "" };
        let window = text.get(from..to).unwrap_or_default();
        let excerpt = Excerpt {
            file,
            line,
            text: format!("{lead}{window}{tail}"),
            lead: lead.len(),
            offset: from,
        };
        let shift = |at: usize| at - from + lead.len();
        let shown = shift(start)..shift(end);
        self.excerpts.push(excerpt);
        (Shown::Excerpt(self.excerpts.len() - 1), shown)
    }

    fn excerpt(&self, id: usize) -> Result<&Excerpt, FilesError> {
        self.excerpts.get(id).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for View<'_> {
    type FileId = Shown;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: Shown) -> Result<&'a str, FilesError> {
        match id {
            Shown::Source(file) => self.sources.name(file),
            Shown::Excerpt(i) => self.sources.name(self.excerpt(i)?.file),
        }
    }

    fn source(&'a self, id: Shown) -> Result<&'a str, FilesError> {
        match id {
            Shown::Source(file) => self.sources.source(file),
            Shown::Excerpt(i) => Ok(self.excerpt(i)?.text.as_str()),
        }
    }

    fn line_index(&'a self, id: Shown, byte_index: usize) -> Result<usize, FilesError> {
        match id {
            Shown::Source(file) => self.sources.line_index(file, byte_index),
            Shown::Excerpt(_) => Ok(0),
        }
    }

    fn line_number(&'a self, id: Shown, line_index: usize) -> Result<usize, FilesError> {
        match id {
            Shown::Source(file) => self.sources.line_number(file, line_index),
            Shown::Excerpt(i) => Ok(self.excerpt(i)?.line + 1),
        }
    }

    fn column_number(
        &'a self,
        id: Shown,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        match id {
            Shown::Source(file) => self.sources.column_number(file, line_index, byte_index),
            Shown::Excerpt(i) => {
                let excerpt = self.excerpt(i)?;
                let source = self
                    .sources
                    .get(excerpt.file)
                    .ok_or(FilesError::FileMissing)?;
                let at = excerpt.offset + byte_index.saturating_sub(excerpt.lead);
                Ok(source.line_column(at).1)
            }
        }
    }

    fn line_range(&'a self, id: Shown, line_index: usize) -> Result<Range<usize>, FilesError> {
        match id {
            Shown::Source(file) => self.sources.line_range(file, line_index),
            Shown::Excerpt(i) if line_index == 0 => Ok(0..self.excerpt(i)?.text.len()),
            Shown::Excerpt(_) => Err(FilesError::LineTooLarge {
                given: line_index,
                max: 0,
            }),
        }
    }
}

pub fn summary_line(s: &Summary) -> String {
    let time = s
        .elapsed_ms
        .map(|ms| format!(" in {:.2} s", ms as f64 / 1000.0))
        .unwrap_or_default();
    let mut line = format!(
        "checked {}{time}: {}",
        plural(s.inputs, "input"),
        severity_counts(s)
    );
    if s.incomplete > 0 {
        line.push_str(&format!(
            "; {} could not be read in full",
            plural(s.incomplete, "input")
        ));
    }
    line
}

/// How many findings offer a fix that `check --fix` would try, as ruff counts them. "Offer":
/// `--fix` still leaves out a fix that would add a finding, and says so.
pub fn fixes_line(s: &Summary) -> Option<String> {
    let offer = |n: usize| if n == 1 { "offers" } else { "offer" };
    match (s.fixable, s.unsafe_fixable) {
        (0, 0) => None,
        (0, risky) => Some(format!(
            "{} {} an unsafe fix (`reglint check --fix --unsafe-fixes`)",
            plural(risky, "finding"),
            offer(risky)
        )),
        (safe, risky) => {
            let mut line = format!(
                "[*] {} {} a safe fix (`reglint check --fix`)",
                plural(safe, "finding"),
                offer(safe)
            );
            if risky > 0 {
                line.push_str(&format!(
                    "; {risky} more {} an unsafe one (`--unsafe-fixes`)",
                    offer(risky)
                ));
            }
            Some(line)
        }
    }
}

/// `3 errors, 12 warnings, 40 infos`.
fn severity_counts(s: &Summary) -> String {
    format!(
        "{}, {}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info")
    )
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
