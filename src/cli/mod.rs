//! `reglint check`, `reglint rules`, `reglint explain`.

mod args;
mod inputs;

use args::{CheckArgs, Cli, ColorChoice, Command, Format, ReportFormat};
use clap::Parser;
use reglint::check::{CheckOptions, InputKind, InputReport, check_owned};
use reglint::codes;
use reglint::hive::{ControlSetChoice, HiveOptions};
use reglint::render::{self, Summary};
use reglint::target::{Os, TargetChoice};
use std::io::{self, IsTerminal, Write};
use termcolor::{ColorChoice as TermColor, StandardStream};

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INCOMPLETE: i32 = 3;

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
        Command::Check(args) => check(&args),
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

fn check(args: &CheckArgs) -> io::Result<i32> {
    let os = match args.target.as_deref().map(Os::parse).transpose() {
        Ok(os) => os,
        Err(message) => return usage_error(&format!("--target: {message}")),
    };
    let control_set = match args.control_set.as_str() {
        "current" => ControlSetChoice::Current,
        "all" => ControlSetChoice::All,
        number => match number.parse::<u32>() {
            Ok(n) => ControlSetChoice::Number(n),
            Err(_) => {
                return usage_error("--control-set takes `current`, `all` or a control set number");
            }
        },
    };
    let mut options = CheckOptions {
        target: TargetChoice {
            os,
            edition: args.edition,
        },
        hive: HiveOptions {
            control_set,
            logs: args.logs.clone(),
            strict: args.strict,
            ..HiveOptions::default()
        },
    };
    let (paths, problems) = inputs::collect(&args.paths);
    for problem in &problems {
        eprintln!("reglint: {problem}");
    }
    let mut reports: Vec<InputReport> = Vec::with_capacity(paths.len());
    let mut unreadable = !problems.is_empty();
    for input in &paths {
        let name = input.path.display().to_string();
        let bytes = match inputs::read(&input.path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("reglint: {name}: {e}");
                unreadable = true;
                continue;
            }
        };
        options.hive.hive_path = (input.path.as_os_str() != "-").then(|| input.path.clone());
        let report = check_owned(&name, bytes, &options);
        if report.kind == InputKind::Unknown && !input.explicit {
            continue;
        }
        reports.push(report);
    }
    let summary = Summary::of(&reports);
    let exit = if unreadable || summary.incomplete > 0 {
        EXIT_INCOMPLETE
    } else if summary.at_or_above(args.fail_on.severity()) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    let stdout = io::stdout();
    match args.format {
        ReportFormat::Json => {
            let doc = render::json::document(&reports, summary, exit);
            let mut out = stdout.lock();
            serde_json::to_writer_pretty(&mut out, &doc).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        ReportFormat::Sarif => {
            let doc = render::sarif::document(&reports, exit);
            let mut out = stdout.lock();
            serde_json::to_writer_pretty(&mut out, &doc).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        ReportFormat::Concise => render::concise::render(&mut stdout.lock(), &reports)?,
        ReportFormat::Github => render::github::render(&mut stdout.lock(), &reports)?,
        ReportFormat::Human => {
            let mut out = StandardStream::stdout(color_choice(args.color, stdout.is_terminal()));
            render::human::render(&mut out, &reports, &summary)?;
            out.flush()?;
        }
    }
    // The process is about to exit: freeing a large model value by value would only cost time.
    std::mem::forget(reports);
    Ok(exit)
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
