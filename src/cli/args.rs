//! Command-line arguments.

use clap::{Parser, Subcommand, ValueEnum};
use reglint::diagnostic::Severity;
use reglint::target::Edition;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "reglint",
    version,
    about = "Lint Windows registry data offline: .reg files and hives, with a focus on TCP/IP connection limits",
    after_help = "Exit status: 0 no findings at or above --fail-on; 1 findings; 2 usage or configuration error; 3 an input could not be read in full."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check .reg files, hives and directories of them.
    Check(CheckArgs),
    /// List every rule: code, name, default severity and family.
    Rules {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Show the effective TCP/IP values and connection limits of hives and .reg files.
    Show(ShowArgs),
    /// Compare the effective TCP/IP values of two inputs; exit status 1 when they differ.
    Diff(DiffArgs),
    /// Show the documentation of a rule, by code (TCP002) or name (value-out-of-range), what the
    /// catalog knows of a value with all its sources (MaxUserPort), or the title and address of
    /// one source (KB314053).
    Explain { rule: String },
    /// Write a corrective .reg for a hive's fixable findings in its current control set; the
    /// hive itself is never written.
    Fix {
        /// The .reg file to write (UTF-16LE with BOM and CRLF, as regedit exports).
        #[arg(long, value_name = "FILE")]
        emit_reg: PathBuf,
        #[command(flatten)]
        check: CheckArgs,
    },
    /// Record today's findings so that only new ones fail (`check --baseline FILE`).
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
    /// Run the language server for .reg files on standard input and output (LSP).
    Server,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// Check the paths and write their findings to FILE.
    Write {
        /// The baseline file to write.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        check: CheckArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories; `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,

    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The lowest severity that makes the exit status 1 [default: warning, or reglint.toml's].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// The Windows version to judge against: RELEASE[-spN], e.g. xp-sp2, 2003-sp1, vista-sp2, 10.
    #[arg(long, value_name = "RELEASE[-spN]")]
    pub target: Option<String>,

    /// A hardening baseline to check: cis-l1, cis-l2 or stig (repeatable; replaces reglint.toml's `profiles`).
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Workstation or server edition (inferred from a hive when not given).
    #[arg(long, value_enum)]
    pub edition: Option<Edition>,

    /// Which control set of a SYSTEM hive to lint: current, all, default, lastknowngood,
    /// failed (as Select names them), a number or ControlSetNNN.
    #[arg(long, default_value = "current", value_name = "SET")]
    pub control_set: String,

    /// A transaction log to replay into a dirty hive (repeatable); by default logs next to the hive are used.
    #[arg(long = "log", value_name = "FILE")]
    pub logs: Vec<PathBuf>,

    /// Treat a dirty hive without usable logs as unreadable (exit status 3).
    #[arg(long)]
    pub strict: bool,

    /// Write the report to FILE (atomically) instead of standard output; the terminal still
    /// gets the human report.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The configuration file [default: reglint.toml in the current directory or above].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Use no configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Hide the findings recorded in this baseline (see `reglint baseline write`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Leave paths matching this glob out of directory walks (repeatable; added to reglint.toml's
    /// `exclude`/`extend-exclude`). Files named on the command line are always checked.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// The most bytes read from one input (standard input, pipes, files and --log files), e.g.
    /// 1073741824, 512M, 1G.
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = parse_size)]
    pub max_input_size: u64,

    /// Print which reglint.toml applies to each input and its resolved settings, then stop.
    #[arg(long)]
    pub show_settings: bool,

    /// At most N findings of each code per input, then one "and M more" finding; 0 shows all.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_findings: usize,

    /// Check only these rules: codes, families (TCP, REG, ...), prefixes or names, as in
    /// reglint.toml's `select` (comma-separated or repeated; replaces the file's `select`).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Check these rules too (added to `select`).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// The path standard input (`-`) stands for: findings name it, and the reglint.toml above
    /// it, its per-path ignores and baseline entries apply.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Leave these rules out (added to reglint.toml's `ignore`).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Exit with status 0 even when there are findings (2 and 3 still report usage errors and
    /// unreadable inputs).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print the findings only: no target lines, summary or notes.
    #[arg(long, short = 'q', conflicts_with = "silent")]
    pub quiet: bool,

    /// Print nothing; only the exit status (and an --output file) tells the result.
    #[arg(long, short = 's')]
    pub silent: bool,

    /// Wrap the human report's prose to this many columns (default: $COLUMNS, else the
    /// terminal's width, else 80); quoted source lines and labels are never broken.
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,

    /// Print the number of findings per code instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Put the run's wall time into the JSON summary (`elapsed_ms`); without it the JSON and
    /// SARIF reports of the same inputs are byte for byte the same.
    #[arg(long)]
    pub timing: bool,

    /// The parent of a differencing disk image (VHD, VHDX, or QCOW2 with a backing file); give
    /// it again for each further parent, nearest first. Checked against what the child records.
    #[arg(long = "parent", value_name = "IMAGE")]
    pub parents: Vec<PathBuf>,

    /// Apply this .reg to each hive before checking it, as `reg import` would (repeatable, in order).
    #[arg(long = "apply", value_name = "FILE.reg")]
    pub apply: Vec<PathBuf>,

    /// Apply the safe fixes to .reg files in place, then report what remains.
    #[arg(long)]
    pub fix: bool,

    /// Apply the unsafe fixes too (judgements: did-you-mean renames, deletions, type changes).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change, and write nothing (exit status 1 if
    /// there is anything to fix).
    #[arg(long)]
    pub diff: bool,
}

/// What `show` and `diff` read their inputs with.
#[derive(Debug, clap::Args)]
pub struct StateArgs {
    /// The Windows version to judge against: RELEASE[-spN] (a .reg needs it for the limits).
    #[arg(long, value_name = "RELEASE[-spN]")]
    pub target: Option<String>,

    /// Workstation or server edition (inferred from a hive when not given).
    #[arg(long, value_enum)]
    pub edition: Option<Edition>,

    /// Which control set of a SYSTEM hive: current, default, lastknowngood, failed, a number or
    /// ControlSetNNN (`HIVE@N` picks one per input).
    #[arg(long, default_value = "current", value_name = "SET")]
    pub control_set: String,

    /// The parent of a differencing disk image (VHD, VHDX, or QCOW2 with a backing file); give
    /// it again for each further parent, nearest first. Checked against what the child records.
    #[arg(long = "parent", value_name = "IMAGE")]
    pub parents: Vec<PathBuf>,

    /// Apply this .reg to the hive, as `reg import` would (repeatable, in order).
    #[arg(long = "apply", value_name = "FILE.reg")]
    pub apply: Vec<PathBuf>,

    /// The most bytes read from one input.
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = parse_size)]
    pub max_input_size: u64,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Hives, .reg files or directories of them; `HIVE@N` reads control set N.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub state: StateArgs,

    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,

    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The first input (`HIVE@N` for control set N, `HIVE@primary` for the primary file with its
    /// transaction logs left out).
    pub a: PathBuf,
    /// The second input; `--apply` applies to this side.
    pub b: PathBuf,

    #[command(flatten)]
    pub state: StateArgs,

    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// How `show` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// A table that fits 100 columns.
    Human,
    /// The JSON document of schemas/show.schema.json.
    Json,
    /// One line per value and input (RFC 4180).
    Csv,
    /// A Markdown report.
    Markdown,
    /// The effective Tcpip settings as a regedit .reg (UTF-16LE, CRLF).
    Reg,
}

/// A byte count with an optional binary suffix: K, M, G (KiB, MiB, GiB; `B`/`iB` may follow).
fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let digits_end = upper
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(upper.len());
    let (digits, suffix) = upper.split_at(digits_end);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size in bytes (e.g. 1073741824, 512M, 1G)"))?;
    let shift = match suffix.trim_end_matches("IB").trim_end_matches('B') {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => return Err(format!("`{text}`: the size suffixes are K, M and G")),
    };
    number
        .checked_mul(1u64 << shift)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is not a usable size"))
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Compiler-style diagnostics with source excerpts.
    Human,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Concise,
    /// The JSON document described in README.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// GitLab Code Quality (the `artifacts:reports:codequality` JSON).
    Gitlab,
    /// JUnit XML test results: a test suite per input, a failing test case per finding.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(super::parse_size("1G"), Ok(1 << 30));
        assert_eq!(super::parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(super::parse_size("100"), Ok(100));
        assert!(super::parse_size("0").is_err());
        assert!(super::parse_size("1T").is_err());
        assert!(super::parse_size("lots").is_err());
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}
