//! `reglint check`, `reglint rules`, `reglint explain`.

mod args;
mod atomic;
mod inputs;
mod run;

use args::{BaselineAction, CheckArgs, Cli, ColorChoice, Command, FailOn, Format, ReportFormat};
use clap::Parser;
use reglint::baseline::Baseline;
use reglint::check::{CheckOptions, InputReport};
use reglint::codes;
use reglint::config::{Config, ConfigError};
use reglint::diagnostic::Severity;
use reglint::hive::{ControlSetChoice, HiveOptions};
use reglint::render::{self, Summary};
use reglint::target::{Os, TargetChoice};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use termcolor::{ColorChoice as TermColor, StandardStream};

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INCOMPLETE: i32 = 3;

/// From how many inputs a progress bar is worth drawing.
const PROGRESS_THRESHOLD: usize = 20;

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_CLEAN
            };
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(&args, None),
        Command::Baseline {
            action: BaselineAction::Write { file, check: args },
        } => check(&args, Some(&file)),
        Command::Rules { format } => rules(format),
        Command::Explain { rule } => explain(&rule),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            eprintln!("reglint: {e}");
            EXIT_INCOMPLETE
        }
    }
}

fn usage_error(message: &str) -> io::Result<i32> {
    eprintln!("reglint: {message}");
    Ok(EXIT_USAGE)
}

/// Checks the inputs and reports, or with `write_baseline` records the findings instead.
fn check(args: &CheckArgs, write_baseline: Option<&Path>) -> io::Result<i32> {
    let config = match load_config(args) {
        Ok(config) => config,
        Err(e) => {
            report_config_error(&e);
            return Ok(EXIT_USAGE);
        }
    };
    let plan = match Plan::new(args, config) {
        Ok(plan) => plan,
        Err(message) => return usage_error(&message),
    };
    let started = Instant::now();
    let (paths, problems) = inputs::collect(&args.paths);
    for problem in &problems {
        eprintln!("reglint: {problem}");
    }
    let show_progress = args.format == ReportFormat::Human
        && io::stderr().is_terminal()
        && paths.len() >= PROGRESS_THRESHOLD;
    let run = run::check_all(&paths, &plan.options, show_progress);
    let mut reports = run.reports;
    let unreadable = !problems.is_empty() || run.unreadable;
    if let Some(file) = write_baseline {
        return record_baseline(file, &reports, unreadable);
    }
    let baseline_note = plan
        .baseline
        .map(|mut baseline| hide_known_findings(&mut baseline, &mut reports));
    report_unused_key_suppressions(&plan.options.config, &reports);
    let mut summary = Summary::of(&reports);
    summary.elapsed_ms = Some(started.elapsed().as_millis() as u64);
    let exit = if unreadable || summary.incomplete > 0 {
        EXIT_INCOMPLETE
    } else if summary.at_or_above(plan.fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    if let Some(file) = &args.output {
        let mut buffer = Vec::new();
        write_report(&mut buffer, args.format, &reports, summary, exit)?;
        atomic::write(file, &buffer)?;
    }
    // With --output the file holds the report asked for, and the terminal gets the human one.
    let stdout = io::stdout();
    if args.output.is_some() || args.format == ReportFormat::Human {
        let mut out = StandardStream::stdout(color_choice(args.color, stdout.is_terminal()));
        render::human::render(&mut out, &reports, &summary)?;
        out.flush()?;
    } else {
        write_report(&mut stdout.lock(), args.format, &reports, summary, exit)?;
    }
    if let Some(note) = baseline_note {
        eprintln!("reglint: {note}");
    }
    // The process is about to exit: freeing a large model value by value would only cost time.
    std::mem::forget(reports);
    Ok(exit)
}

/// What the command line and reglint.toml ask a check to do.
struct Plan {
    options: CheckOptions,
    baseline: Option<Baseline>,
    fail_on: Severity,
}

impl Plan {
    /// `Err` is a usage error: a command-line value reglint cannot take.
    fn new(args: &CheckArgs, config: Config) -> Result<Plan, String> {
        let os = match args.target.as_deref().map(Os::parse).transpose() {
            Ok(os) => os.or(config.target),
            Err(message) => return Err(format!("--target: {message}")),
        };
        let control_set = match args.control_set.as_str() {
            "current" => ControlSetChoice::Current,
            "all" => ControlSetChoice::All,
            number => number
                .parse::<u32>()
                .map(ControlSetChoice::Number)
                .map_err(|_| {
                    "--control-set takes `current`, `all` or a control set number".to_string()
                })?,
        };
        let baseline = match &args.baseline {
            Some(file) => Some(
                std::fs::read_to_string(file)
                    .map_err(|e| e.to_string())
                    .and_then(|text| Baseline::parse(&text))
                    .map_err(|why| format!("--baseline {}: {why}", file.display()))?,
            ),
            None => None,
        };
        let fail_on = args
            .fail_on
            .map(FailOn::severity)
            .or(config.fail_on)
            .unwrap_or(Severity::Warning);
        let profiles = if args.profiles.is_empty() {
            config.profiles.clone()
        } else {
            let mut chosen: Vec<&'static reglint::rules::hardening::Profile> = Vec::new();
            for name in &args.profiles {
                let profile = reglint::rules::hardening::find(name)
                    .map_err(|why| format!("--profile: {why}"))?;
                if !chosen.iter().any(|p| p.name == profile.name) {
                    chosen.push(profile);
                }
            }
            chosen
        };
        let options = CheckOptions {
            profiles,
            target: TargetChoice {
                os,
                edition: args.edition.or(config.edition),
                paired: None,
            },
            hive: HiveOptions {
                control_set,
                logs: args.logs.clone(),
                strict: args.strict,
                ..HiveOptions::default()
            },
            config: Arc::new(config),
        };
        Ok(Plan {
            options,
            baseline,
            fail_on,
        })
    }
}

/// `reglint baseline write`: records every finding, through a temp file and rename.
fn record_baseline(file: &Path, reports: &[InputReport], unreadable: bool) -> io::Result<i32> {
    let text = Baseline::write(reports);
    atomic::write(file, text.as_bytes())?;
    let count: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    eprintln!(
        "reglint: wrote {count} finding{} to {}",
        if count == 1 { "" } else { "s" },
        file.display()
    );
    Ok(if unreadable {
        EXIT_INCOMPLETE
    } else {
        EXIT_CLEAN
    })
}

/// Hides the findings the baseline knows, reports its stale entries, and returns the summary
/// line to print after the report.
fn hide_known_findings(baseline: &mut Baseline, reports: &mut [InputReport]) -> String {
    let dropped = baseline.filter(reports);
    let stale = baseline.stale();
    for (entry, count) in &stale {
        eprintln!(
            "reglint: baseline entry no longer matches (x{count}): {} in {} {} {}",
            entry.code, entry.path, entry.key, entry.value
        );
    }
    format!(
        "baseline: {dropped} known finding{} hidden, {} stale entr{}",
        if dropped == 1 { "" } else { "s" },
        stale.len(),
        if stale.len() == 1 { "y" } else { "ies" }
    )
}

/// Writes one report in a format without colour (files and machine formats).
fn write_report(
    out: &mut dyn Write,
    format: ReportFormat,
    reports: &[InputReport],
    summary: Summary,
    exit: i32,
) -> io::Result<()> {
    match format {
        ReportFormat::Json => {
            let doc = render::json::document(reports, summary, exit);
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            writeln!(out)
        }
        ReportFormat::Sarif => {
            let doc = render::sarif::document(reports, exit);
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            writeln!(out)
        }
        ReportFormat::Concise => render::concise::render(out, reports),
        ReportFormat::Github => render::github::render(out, reports),
        ReportFormat::Human => {
            let mut plain = termcolor::NoColor::new(out);
            render::human::render(&mut plain, reports, &summary)
        }
    }
}

fn load_config(args: &CheckArgs) -> Result<Config, ConfigError> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|dir| Config::discover(&dir)),
    };
    match path {
        Some(path) => Config::load(&path),
        None => Ok(Config::default()),
    }
}

/// A configuration error, shown like any diagnostic, pointing into reglint.toml.
fn report_config_error(e: &ConfigError) {
    use codespan_reporting::diagnostic::{Diagnostic, Label};
    let mut files = reglint::source::SourceMap::default();
    let id = files.add(e.file.as_ref().clone());
    let mut d = Diagnostic::error().with_message(&e.message);
    if let Some(span) = &e.span {
        d = d.with_labels(vec![Label::primary(id, span.clone()).with_message("here")]);
    } else {
        d = d.with_notes(vec![format!("in {}", e.file.name)]);
    }
    if let Some(help) = &e.help {
        d = d.with_notes(vec![format!("help: {help}")]);
    }
    let mut err =
        StandardStream::stderr(color_choice(ColorChoice::Auto, io::stderr().is_terminal()));
    let config = codespan_reporting::term::Config::default();
    let _ = codespan_reporting::term::emit_to_write_style(&mut err, &config, &files, &d);
}

/// reglint.toml `[[suppress]]` entries that hid nothing in the whole run.
fn report_unused_key_suppressions(config: &Config, reports: &[InputReport]) {
    for (i, suppression) in config.suppressions.iter().enumerate() {
        if !reports.iter().any(|r| r.used_key_suppressions.contains(&i)) {
            eprintln!(
                "reglint: warning: the suppression {} in {} hid nothing in this run",
                suppression.description,
                config
                    .path
                    .as_ref()
                    .map_or_else(|| "reglint.toml".to_string(), |p| p.display().to_string())
            );
        }
    }
}

fn color_choice(choice: ColorChoice, is_terminal: bool) -> TermColor {
    match choice {
        ColorChoice::Always => TermColor::Always,
        ColorChoice::Never => TermColor::Never,
        ColorChoice::Auto if is_terminal && std::env::var_os("NO_COLOR").is_none() => {
            TermColor::Auto
        }
        ColorChoice::Auto => TermColor::Never,
    }
}

fn rules(format: Format) -> io::Result<i32> {
    let mut out = io::stdout().lock();
    match format {
        Format::Json => {
            let list: Vec<_> = codes::ALL
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "code": c.code, "name": c.name, "severity": c.severity,
                        "family": c.family, "summary": c.summary,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Human => {
            writeln!(
                out,
                "{:<8} {:<28} {:<8} {:<7} summary",
                "code", "name", "severity", "family"
            )?;
            for c in codes::ALL {
                writeln!(
                    out,
                    "{:<8} {:<28} {:<8} {:<7} {}",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    c.family.prefix(),
                    c.summary
                )?;
            }
        }
    }
    Ok(EXIT_CLEAN)
}

fn explain(query: &str) -> io::Result<i32> {
    let Some(code) = codes::lookup(query) else {
        return usage_error(&format!(
            "no rule is called `{query}`; `reglint rules` lists them all"
        ));
    };
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{} ({}), default severity {}, family {}\n",
        code.code,
        code.name,
        code.severity.as_str(),
        code.family.prefix()
    )?;
    out.write_all(code.doc.as_bytes())?;
    Ok(EXIT_CLEAN)
}
