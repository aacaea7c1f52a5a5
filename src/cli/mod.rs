//! The binary: `reglint check`, `rules`, `explain`, `baseline`, `server`, `completions` and `man`.

mod args;
mod atomic;
mod cap;
mod fixes;
mod guard;
mod inputs;
mod run;
mod server;
mod settings;
mod show;
mod sniff;

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
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use termcolor::{BufferedStandardStream, ColorChoice as TermColor, StandardStream};

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
    if matches!(
        cli.command,
        Command::Check(_)
            | Command::Baseline { .. }
            | Command::Fix { .. }
            | Command::Show(_)
            | Command::Diff(_)
    ) {
        reglint::rules::catalog::read_in_background();
    }
    let result = match cli.command {
        Command::Check(args) => check(&args, None, None),
        Command::Baseline {
            action: BaselineAction::Write { file, check: args },
        } => check(&args, Some(&file), None),
        Command::Fix {
            emit_reg,
            check: args,
        } => check(&args, None, Some(&emit_reg)),
        Command::Show(args) => show::show(&args),
        Command::Diff(args) => show::diff(&args),
        Command::Rules { format } => rules(format),
        Command::Explain { rule } => explain(&rule),
        Command::Server => server::run(),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => EXIT_CLEAN,
        Err(e) => {
            eprintln!("reglint: {e}");
            EXIT_INCOMPLETE
        }
    }
}

/// A closed standard output, also when a renderer wrapped the error (codespan does).
fn is_broken_pipe(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return true;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|inner| inner as _);
    while let Some(error) = cause {
        if error
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cause = error.source();
    }
    false
}

fn completions(shell: clap_complete::Shell) -> io::Result<i32> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut command, "reglint", &mut out);
    out.flush()?;
    Ok(EXIT_CLEAN)
}

fn man() -> io::Result<i32> {
    let command = <Cli as clap::CommandFactory>::command();
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(command).render(&mut out)?;
    out.flush()?;
    Ok(EXIT_CLEAN)
}

fn usage_error(message: &str) -> io::Result<i32> {
    eprintln!("reglint: {message}");
    Ok(EXIT_USAGE)
}

/// Checks the inputs and reports, or with `write_baseline` records the findings instead, or
/// with `emit_reg` writes a hive's corrective .reg.
fn check(
    args: &CheckArgs,
    write_baseline: Option<&Path>,
    emit_reg: Option<&Path>,
) -> io::Result<i32> {
    if (write_baseline.is_some() || emit_reg.is_some()) && (args.fix || args.diff) {
        return usage_error("--fix and --diff belong to `reglint check`");
    }
    let mut configs = match settings::Configs::new(args) {
        Ok(configs) => configs,
        Err(e) => {
            report_config_error(&e);
            return Ok(EXIT_USAGE);
        }
    };
    let config = match configs.for_working_directory() {
        Ok(config) => config,
        Err(e) => {
            report_config_error(&e);
            return Ok(EXIT_USAGE);
        }
    };
    let mut plan = match Plan::new(args, config) {
        Ok(plan) => plan,
        Err(message) => return usage_error(&message),
    };
    let started = Instant::now();
    let excludes = match settings::walk_excludes(args, &mut configs) {
        Ok(excludes) => excludes,
        Err(settings::Stop::Config(e)) => {
            report_config_error(&e);
            return Ok(EXIT_USAGE);
        }
        Err(settings::Stop::Usage(message)) => return usage_error(&message),
    };
    let collected = inputs::collect(&args.paths, &excludes);
    // A gate that checked nothing has not passed: a wrong path, an empty folder, a folder of
    // other files.
    if !collected.empty.is_empty() {
        for message in &collected.empty {
            eprintln!("reglint: {message}");
        }
        return Ok(EXIT_USAGE);
    }
    let mut paths = collected.inputs;
    for input in &mut paths {
        if input.path.as_os_str() == "-" {
            input.stdin_name = args.stdin_filename.clone();
        }
        // Collected inputs are files: standard input goes by the name it is given.
        let config = if input.path.as_os_str() == "-" {
            configs.for_path(input.shown_path())
        } else {
            configs.for_file(&input.path)
        };
        match config {
            Ok(config) => input.config = Some(config),
            Err(e) => {
                report_config_error(&e);
                return Ok(EXIT_USAGE);
            }
        }
    }
    if args.show_settings {
        return settings::show(&paths);
    }
    if let Err(message) = guard_outputs(args, write_baseline, emit_reg, &plan, &paths) {
        return usage_error(&message);
    }
    let chatty = !args.quiet && !args.silent;
    for note in collected.notes.iter().filter(|_| chatty) {
        eprintln!("reglint: info: {note}");
    }
    let bad_logs = refuse_bad_logs(&mut plan, args.max_input_size);
    let show_progress = args.format == ReportFormat::Human
        && io::stderr().is_terminal()
        && paths.len() >= PROGRESS_THRESHOLD;
    let overrides = run::Overrides {
        os: plan.cli_os,
        edition: args.edition,
    };
    if let Some(file) = emit_reg {
        return fixes::emit_reg(file, args, &paths, &plan.options, overrides);
    }
    if args.fix || args.diff {
        match fixes::fix_inputs(args, &paths, &plan.options, overrides)? {
            fixes::Next::Report => {}
            fixes::Next::Exit(code) => return Ok(code),
            fixes::Next::Usage(message) => return usage_error(&message),
        }
    }
    let run = run::check_all(
        &paths,
        &plan.options,
        overrides,
        args.max_input_size,
        show_progress,
    );
    for note in run.notes.iter().filter(|_| chatty) {
        eprintln!("reglint: info: {note}");
    }
    for report in run.reports.iter().filter(|_| !args.silent) {
        for warning in &report.warnings {
            eprintln!("reglint: warning: {}: {warning}", report.path);
        }
    }
    // Everything a walk found was left out (hives reglint does not lint): nothing was checked.
    if run.reports.is_empty() && bad_logs.is_empty() {
        eprintln!(
            "reglint: nothing was checked: no .reg files or hives that reglint lints under {}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(EXIT_USAGE);
    }
    let mut used_configs = vec![plan.options.config.clone(); bad_logs.len()];
    used_configs.extend(run.configs);
    // The batch's reports stay where they are (thousands of them); the few refused logs go
    // in front.
    let mut reports = run.reports;
    reports.splice(0..0, bad_logs);
    if let Some(file) = write_baseline {
        let unreadable = reports.iter().any(|r| r.incomplete);
        return record_baseline(file, &reports, unreadable);
    }
    let baseline_note = plan
        .baseline
        .map(|(mut baseline, dir)| hide_known_findings(&mut baseline, &dir, &mut reports));
    for report in &mut reports {
        cap::cap(report, args.max_findings);
    }
    report_unused_key_suppressions(&used_configs, &reports);
    let mut summary = Summary::of(&reports);
    if args.timing || args.format == ReportFormat::Human {
        summary.elapsed_ms = Some(started.elapsed().as_millis() as u64);
    }
    let exit = if summary.incomplete > 0 {
        EXIT_INCOMPLETE
    } else if summary.at_or_above(plan.fail_on) > 0 && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    if let Some(file) = &args.output {
        let mut buffer = Vec::new();
        write_report(
            &mut buffer,
            args.format,
            &reports,
            summary,
            exit,
            args.width.unwrap_or(80),
        )?;
        atomic::write(file, &buffer)?;
    }
    // With --output the file holds the report asked for, and the terminal gets the human one.
    // Buffered: standard output would otherwise make one write() per line.
    let stdout = io::stdout();
    let printed = if args.silent {
        Ok(())
    } else if args.statistics {
        write_statistics(&mut stdout.lock(), args.format, &reports)
    } else if args.quiet && (args.output.is_some() || args.format == ReportFormat::Human) {
        let mut out =
            BufferedStandardStream::stdout(color_choice(args.color, stdout.is_terminal()));
        render::human::render_findings(&mut out, &reports, Some(human_width(args)))
            .and_then(|()| out.flush())
    } else if args.output.is_some() || args.format == ReportFormat::Human {
        let mut out =
            BufferedStandardStream::stdout(color_choice(args.color, stdout.is_terminal()));
        render::human::render(&mut out, &reports, &summary, Some(human_width(args)))
            .and_then(|()| out.flush())
    } else if args.format == ReportFormat::Concise {
        let mut out =
            BufferedStandardStream::stdout(color_choice(args.color, stdout.is_terminal()));
        render::concise::render(&mut out, &reports).and_then(|()| out.flush())
    } else {
        let mut out = io::BufWriter::new(stdout.lock());
        write_report(
            &mut out,
            args.format,
            &reports,
            summary,
            exit,
            human_width(args),
        )
        .and_then(|()| out.flush())
    };
    match printed {
        // `reglint check dir | head -1`: the reader has what it wanted; the verdict stands.
        Err(e) if is_broken_pipe(&e) => {
            std::mem::forget(reports);
            return Ok(exit);
        }
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot write the report to standard output: {e}"),
            ));
        }
        Ok(()) => {}
    }
    if let Some(note) = baseline_note.filter(|_| !args.quiet && !args.silent) {
        eprintln!("reglint: {note}");
    }
    // The process is about to exit: freeing a large model value by value would only cost time.
    std::mem::forget(reports);
    Ok(exit)
}

/// `--log` files the hive front end could not read whole (a device, an endless pipe, more than
/// --max-input-size): left out of the replay and reported as inputs that could not be read.
fn refuse_bad_logs(plan: &mut Plan, limit: u64) -> Vec<InputReport> {
    let mut refused = Vec::new();
    let mut logs = std::mem::take(&mut plan.options.hive.logs);
    logs.retain(|log| match inputs::check_log(log, limit) {
        Ok(()) => true,
        Err(why) => {
            let name = log.display().to_string();
            eprintln!("reglint: --log {name}: {why}");
            refused.push(InputReport::unreadable(&name, why));
            false
        }
    });
    plan.options.hive.logs = logs;
    refused
}

/// Refuses a report or baseline file that would replace an input, registry data or a directory.
fn guard_outputs(
    args: &CheckArgs,
    write_baseline: Option<&Path>,
    emit_reg: Option<&Path>,
    plan: &Plan,
    inputs: &[inputs::InputPath],
) -> Result<(), String> {
    let protected: Vec<&Path> = inputs
        .iter()
        .map(|i| i.path.as_path())
        .chain(args.paths.iter().map(PathBuf::as_path))
        .chain(args.logs.iter().map(PathBuf::as_path))
        .chain(args.apply.iter().map(PathBuf::as_path))
        .chain(args.baseline.as_deref())
        .chain(
            inputs
                .iter()
                .filter_map(|i| i.config.as_ref()?.path.as_deref()),
        )
        .chain(plan.options.config.path.as_deref())
        .collect();
    if let Some(file) = write_baseline {
        guard::check_writable("the baseline", file, protected.iter().copied())?;
    }
    if let Some(file) = emit_reg {
        guard::check_writable("--emit-reg", file, protected.iter().copied())?;
    }
    if let Some(file) = &args.output {
        guard::check_writable("--output", file, protected.iter().copied())?;
    }
    Ok(())
}

/// What the command line and reglint.toml ask a check to do.
struct Plan {
    options: CheckOptions,
    /// `--target`, which wins over every reglint.toml.
    cli_os: Option<Os>,
    /// The baseline and its directory, which its paths are relative to.
    baseline: Option<(Baseline, PathBuf)>,
    fail_on: Severity,
}

impl Plan {
    /// `Err` is a usage error: a command-line value reglint cannot take.
    fn new(args: &CheckArgs, config: Arc<Config>) -> Result<Plan, String> {
        let cli_os = match args.target.as_deref().map(Os::parse).transpose() {
            Ok(os) => os,
            Err(message) => return Err(format!("--target: {message}")),
        };
        let os = cli_os.or(config.target);
        let control_set = ControlSetChoice::parse(&args.control_set)?;
        let baseline = match &args.baseline {
            Some(file) => Some((
                std::fs::read_to_string(file)
                    .map_err(|e| e.to_string())
                    .and_then(|text| Baseline::parse(&text))
                    .map_err(|why| format!("--baseline {}: {why}", file.display()))?,
                baseline_dir(file),
            )),
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
        let mut apply = Vec::new();
        for file in &args.apply {
            let bytes =
                std::fs::read(file).map_err(|e| format!("--apply {}: {e}", file.display()))?;
            let changes = reglint::check::ChangeSet::load(&file.display().to_string(), &bytes)
                .map_err(|e| format!("--apply: {e}"))?;
            apply.push(Arc::new(changes));
        }
        let options = CheckOptions {
            apply,
            parents: args.parents.clone(),
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
            config,
        };
        Ok(Plan {
            options,
            cli_os,
            baseline,
            fail_on,
        })
    }
}

/// `reglint baseline write`: records every finding, through a temp file and rename.
fn record_baseline(file: &Path, reports: &[InputReport], unreadable: bool) -> io::Result<i32> {
    let text = Baseline::write(reports, &baseline_dir(file));
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

/// The directory a baseline file's input paths are relative to: its own.
fn baseline_dir(file: &Path) -> PathBuf {
    reglint::config::absolute(file)
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf)
}

/// Hides the findings the baseline knows, reports its stale entries, and returns the summary
/// line to print after the report.
fn hide_known_findings(baseline: &mut Baseline, dir: &Path, reports: &mut [InputReport]) -> String {
    let dropped = baseline.filter(reports, dir);
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
/// `--statistics`: findings per code, most frequent first; JSON with `--format json`.
fn write_statistics(
    out: &mut dyn Write,
    format: ReportFormat,
    reports: &[InputReport],
) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<&str, (usize, &codes::Code, Severity)> =
        std::collections::BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = counts.entry(d.code.code).or_insert((0, d.code, d.severity));
        entry.0 += 1;
        entry.2 = entry.2.max(d.severity);
    }
    let mut rows: Vec<_> = counts.into_values().collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    if format == ReportFormat::Json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(count, code, severity)| {
                serde_json::json!({"code": code.code, "name": code.name, "severity": severity, "count": count})
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
        return writeln!(out);
    }
    let width = rows.first().map_or(1, |r| r.0.to_string().len());
    for (count, code, severity) in rows {
        writeln!(
            out,
            "{count:>width$}  {}  {:<7}  {}",
            code.code, severity, code.name
        )?;
    }
    Ok(())
}

fn write_report(
    out: &mut dyn Write,
    format: ReportFormat,
    reports: &[InputReport],
    summary: Summary,
    exit: i32,
    human_width: usize,
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
        ReportFormat::Concise => {
            render::concise::render(&mut termcolor::NoColor::new(out), reports)
        }
        ReportFormat::Github => render::github::render(out, reports),
        ReportFormat::Gitlab => {
            let doc = render::gitlab::document(reports);
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            writeln!(out)
        }
        ReportFormat::Junit => render::junit::render(out, reports),
        ReportFormat::Human => {
            let mut plain = termcolor::NoColor::new(out);
            render::human::render(&mut plain, reports, &summary, Some(human_width))
        }
    }
}

/// The columns the human report on standard output wraps to.
fn human_width(args: &CheckArgs) -> usize {
    let terminal = io::stdout()
        .is_terminal()
        .then(terminal_size::terminal_size)
        .flatten()
        .map(|(terminal_size::Width(w), _)| usize::from(w));
    let columns = std::env::var("COLUMNS").ok();
    render::wrap::output_width(args.width, columns.as_deref(), terminal)
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

/// reglint.toml `[[suppress]]` entries that hid nothing in the whole run; `configs[i]` is the
/// configuration `reports[i]` was checked with.
fn report_unused_key_suppressions(configs: &[Arc<Config>], reports: &[InputReport]) {
    let mut distinct: Vec<&Arc<Config>> = Vec::new();
    for config in configs {
        if !distinct.iter().any(|c| Arc::ptr_eq(c, config)) {
            distinct.push(config);
        }
    }
    for config in distinct {
        for (i, suppression) in config.suppressions.iter().enumerate() {
            let used = configs
                .iter()
                .zip(reports)
                .any(|(c, r)| Arc::ptr_eq(c, config) && r.used_key_suppressions.contains(&i));
            if !used {
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
}

/// `--color`, then the conventions of other tools: `FORCE_COLOR` or `CLICOLOR_FORCE` (set and
/// not `0`) colour even a pipe, `NO_COLOR` turns colour off, and otherwise a terminal is coloured.
fn color_choice(choice: ColorChoice, is_terminal: bool) -> TermColor {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => TermColor::Always,
        ColorChoice::Never => TermColor::Never,
        ColorChoice::Auto if set("FORCE_COLOR") || set("CLICOLOR_FORCE") => TermColor::Always,
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
    // A site catalog named by the reglint.toml here explains its own values and sources.
    let config = match std::env::current_dir()
        .ok()
        .as_deref()
        .and_then(Config::discover)
    {
        Some(path) => match Config::load(&path) {
            Ok(config) => config,
            Err(e) => {
                report_config_error(&e);
                return Ok(EXIT_USAGE);
            }
        },
        None => Config::default(),
    };
    let catalog = config.catalog();
    let Some(code) = codes::lookup(query) else {
        let mut out = io::stdout().lock();
        // The evidence notes name a value's first source; `explain NAME` lists them all.
        if let Some(fact) = catalog.value_anywhere(query.trim()) {
            writeln!(out, "{}", server::fact_markdown(catalog, fact, None))?;
            return Ok(EXIT_CLEAN);
        }
        if let Some(source) = catalog.source_ignoring_case(query.trim()) {
            writeln!(
                out,
                "{}: {}
  {}",
                source.id, source.title, source.url
            )?;
            return Ok(EXIT_CLEAN);
        }
        return usage_error(&format!(
            "no rule, value or source is called `{query}`; `reglint rules` lists the rules"
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
    let cited = catalog.sources_cited_in(code.doc);
    if !cited.is_empty() {
        writeln!(out, "\n## Sources named above\n")?;
        for source in cited {
            writeln!(out, "- {}: {}\n  {}", source.id, source.title, source.url)?;
        }
    }
    Ok(EXIT_CLEAN)
}
