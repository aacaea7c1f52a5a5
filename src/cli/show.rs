//! `reglint show` and `reglint diff`: read inputs (with `--apply`), compute their effective
//! state, and hand it to the renderers.

use super::args::{DiffArgs, Format, ShowArgs, ShowFormat, StateArgs};
use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE, atomic, guard, inputs};
use reglint::check::{self, ChangeSet, CheckOptions, InputKind, InputReport};
use reglint::effective::Effective;
use reglint::hive::{ControlSetChoice, HiveOptions};
use reglint::model::ControlSet;
use reglint::render::show::{self as render, Shown};
use reglint::render::show_diff;
use reglint::target::{Os, TargetChoice};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input as read: the report after `--apply`, and before it when there was any.
struct Loaded {
    label: String,
    after: InputReport,
    before: Option<InputReport>,
}

/// What `show` and `diff` read with, checked once.
struct Reading {
    target: TargetChoice,
    control_set: ControlSetChoice,
    apply: Vec<Arc<ChangeSet>>,
    parents: Vec<PathBuf>,
    max_input_size: u64,
}

impl Reading {
    fn new(args: &StateArgs) -> Result<Reading, String> {
        let os = args
            .target
            .as_deref()
            .map(Os::parse)
            .transpose()
            .map_err(|m| format!("--target: {m}"))?;
        let control_set = match ControlSetChoice::parse(&args.control_set)? {
            ControlSetChoice::All => {
                return Err(
                    "--control-set all: show one control set (or `HIVE@N` for each)".into(),
                );
            }
            choice => choice,
        };
        let mut apply = Vec::new();
        for file in &args.apply {
            let bytes = read(file, args.max_input_size).map_err(|e| format!("--apply {e}"))?;
            let changes = ChangeSet::load(&file.display().to_string(), &bytes)
                .map_err(|e| format!("--apply: {e}"))?;
            apply.push(Arc::new(changes));
        }
        Ok(Reading {
            target: TargetChoice {
                os,
                edition: args.edition,
                paired: None,
            },
            control_set,
            apply,
            parents: args.parents.clone(),
            max_input_size: args.max_input_size,
        })
    }

    /// Reads one input (`HIVE@N` for control set N, `HIVE@primary` for the primary file without
    /// its transaction logs), applying the .reg files to a hive.
    fn load(&self, input: &Path) -> Result<Vec<Loaded>, String> {
        let (input, primary_only) = split_primary(input);
        let (path, control_set) = split_control_set(&input);
        let name = path.display().to_string();
        let options = |apply: Vec<Arc<ChangeSet>>| CheckOptions {
            target: self.target.clone(),
            hive: HiveOptions {
                control_set: control_set.map_or(self.control_set, ControlSetChoice::Number),
                hive_path: Some(path.clone()),
                discover_logs: !primary_only,
                ..HiveOptions::default()
            },
            apply,
            parents: self.parents.clone(),
            ..CheckOptions::default()
        };
        // A disk image shows the SYSTEM hive of each Windows installation in it, as `check`
        // reads them: lazily, each hive bounded by --max-input-size.
        if std::fs::metadata(&path).is_ok_and(|m| m.is_file())
            && matches!(reglint::image::recognise(&path), Ok(Some(_)))
        {
            let read_image = |apply: Vec<Arc<ChangeSet>>| {
                check::check_image(&path, &name, self.max_input_size, &options(apply))
            };
            let is_system =
                |r: &InputReport| r.hive.as_ref().is_some_and(|h| h.hive_type == "SYSTEM");
            let mut befores: Vec<InputReport> = if self.apply.is_empty() {
                Vec::new()
            } else {
                read_image(Vec::new())
                    .into_iter()
                    .filter(is_system)
                    .collect()
            };
            let (afters, others): (Vec<InputReport>, Vec<InputReport>) =
                read_image(self.apply.clone())
                    .into_iter()
                    .partition(is_system);
            let systems: Vec<Loaded> = afters
                .into_iter()
                .map(|after| Loaded {
                    label: match control_set {
                        Some(n) => format!("{}@{n}", after.path),
                        None => after.path.clone(),
                    },
                    before: befores
                        .iter()
                        .position(|b| b.path == after.path)
                        .map(|at| befores.swap_remove(at)),
                    after,
                })
                .collect();
            if systems.is_empty() {
                // Why is in the image's own findings; the image is not read again for them.
                let why: Vec<String> = others
                    .iter()
                    .flat_map(|r| &r.diagnostics)
                    .map(|d| d.message.clone())
                    .collect();
                return Err(format!(
                    "{name}: the disk image holds no SYSTEM hive reglint could read{}",
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", why.join("; "))
                    }
                ));
            }
            return Ok(systems);
        }
        let bytes = read(&path, self.max_input_size)?;
        let after = check::check_bytes(&name, &bytes, &options(self.apply.clone()));
        if after.kind == InputKind::Unknown {
            return Err(format!("{name} is neither a .reg file nor a registry hive"));
        }
        if !self.apply.is_empty() && after.kind != InputKind::Hive {
            return Err(format!(
                "--apply applies .reg files to a hive, and {name} is not one"
            ));
        }
        let before = (!self.apply.is_empty())
            .then(|| check::check_bytes(&name, &bytes, &options(Vec::new())));
        let mut label = match control_set {
            Some(n) => format!("{name}@{n}"),
            None => name,
        };
        if primary_only {
            label.push_str("@primary");
        }
        Ok(vec![Loaded {
            label,
            after,
            before,
        }])
    }

    /// The one input `diff` compares: an image must hold exactly one SYSTEM hive.
    fn load_one(&self, input: &Path) -> Result<Loaded, String> {
        let mut all = self.load(input)?;
        match all.len() {
            1 => all.pop().ok_or_else(|| "nothing read".to_string()),
            _ => Err(format!(
                "{} holds {} SYSTEM hives ({}); diff compares one with one: check the image, or diff the hives themselves",
                input.display(),
                all.len(),
                all.iter()
                    .map(|l| l.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// `SYSTEM@primary` is SYSTEM as its primary file holds it, its logs not replayed (so
/// `diff SYSTEM@primary SYSTEM` shows what the logs change), unless a file is called that.
fn split_primary(input: &Path) -> (PathBuf, bool) {
    let text = input.to_string_lossy();
    match text.strip_suffix("@primary") {
        Some(path) if !input.exists() => (PathBuf::from(path), true),
        _ => (input.to_path_buf(), false),
    }
}

/// `SYSTEM@2` names control set 2 of SYSTEM, unless a file is called that.
fn split_control_set(input: &Path) -> (PathBuf, Option<u32>) {
    let text = input.to_string_lossy();
    if !input.exists()
        && let Some((path, n)) = text.rsplit_once('@')
        && let Ok(n) = n.parse::<u32>()
    {
        return (PathBuf::from(path), Some(n));
    }
    (input.to_path_buf(), None)
}

fn read(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let name = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{name}: {e}"))?;
    if meta.len() > limit {
        return Err(format!(
            "{name}: {} bytes, more than --max-input-size {limit}",
            meta.len()
        ));
    }
    std::fs::read(path).map_err(|e| format!("{name}: {e}"))
}

/// The effective state of a report in the control set it was read from.
fn effective(report: &InputReport) -> Effective {
    let set = report
        .hive
        .as_ref()
        .and_then(|h| h.control_set)
        .map(ControlSet::Numbered);
    Effective::compute(&report.registry, &report.target, set)
}

/// Files named, and the .reg files and SYSTEM hives found in directories.
fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let collected =
                inputs::collect(std::slice::from_ref(path), &inputs::Excludes::default());
            if let Some(message) = collected.empty.first() {
                return Err(message.clone());
            }
            out.extend(collected.inputs.into_iter().map(|i| (i.path, false)));
        } else {
            out.push((path.clone(), true));
        }
    }
    Ok(out)
}

pub fn show(args: &ShowArgs) -> io::Result<i32> {
    let reading = match Reading::new(&args.state) {
        Ok(r) => r,
        Err(m) => return super::usage_error(&m),
    };
    let paths = match expand(&args.inputs) {
        Ok(p) => p,
        Err(m) => return super::usage_error(&m),
    };
    if let Some(file) = &args.output {
        let protected: Vec<&Path> = paths
            .iter()
            .map(|(p, _)| p.as_path())
            .chain(args.state.apply.iter().map(PathBuf::as_path))
            .collect();
        if let Err(m) = guard::check_writable("--output", file, protected) {
            return super::usage_error(&m);
        }
    }
    let mut loaded = Vec::new();
    for (path, explicit) in &paths {
        match reading.load(path) {
            // A walk shows SYSTEM hives and .reg files; other hives are named to be shown.
            Ok(all) => loaded.extend(all.into_iter().filter(|l| {
                *explicit
                    || l.after
                        .hive
                        .as_ref()
                        .is_none_or(|h| h.hive_type == "SYSTEM")
            })),
            Err(m) => {
                eprintln!("reglint: {m}");
                return Ok(EXIT_INCOMPLETE);
            }
        }
    }
    if loaded.is_empty() {
        return super::usage_error("nothing to show: no SYSTEM hive or .reg file among the inputs");
    }
    for l in &loaded {
        for a in &l.after.applied {
            if let Some(note) = a.outside_hive_note() {
                eprintln!("reglint: info: {}: {note}", a.path);
            }
        }
    }
    let incomplete = loaded.iter().any(|l| l.after.incomplete);
    // --apply shows each hive before and after, side by side.
    let mut columns: Vec<Shown<'_>> = Vec::new();
    let mut pairs: Vec<(Shown<'_>, Option<Shown<'_>>)> = Vec::new();
    for l in &loaded {
        let applied: Vec<&str> = l.after.applied.iter().map(|a| a.path.as_str()).collect();
        let after_label = if applied.is_empty() {
            l.label.clone()
        } else {
            format!("{} + {}", l.label, applied.join(" + "))
        };
        let before = l.before.as_ref().map(|b| Shown {
            label: format!("{} (before)", l.label),
            report: b,
            effective: effective(b),
        });
        let after = Shown {
            label: after_label,
            report: &l.after,
            effective: effective(&l.after),
        };
        if let Some(b) = &before {
            columns.push(Shown {
                label: b.label.clone(),
                report: b.report,
                effective: b.effective.clone(),
            });
        }
        columns.push(Shown {
            label: after.label.clone(),
            report: after.report,
            effective: after.effective.clone(),
        });
        pairs.push((after, before));
    }
    let mut buffer = Vec::new();
    match args.format {
        ShowFormat::Human => render::human(&mut buffer, &columns)?,
        ShowFormat::Markdown => render::markdown(&mut buffer, &columns)?,
        ShowFormat::Csv => render::csv(&mut buffer, &columns)?,
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut buffer, &render::document(&pairs))
                .map_err(io::Error::from)?;
            writeln!(buffer)?;
        }
        ShowFormat::Reg => {
            let [(only, _)] = pairs.as_slice() else {
                return super::usage_error(
                    "--format reg writes the settings of one input; name one",
                );
            };
            buffer = render::reg_file(only);
        }
    }
    match &args.output {
        Some(file) => atomic::write(file, &buffer)?,
        None => {
            let mut out = io::stdout().lock();
            if let Err(e) = out.write_all(&buffer).and_then(|()| out.flush()) {
                if !super::is_broken_pipe(&e) {
                    return Err(e);
                }
            }
        }
    }
    Ok(if incomplete {
        EXIT_INCOMPLETE
    } else {
        EXIT_CLEAN
    })
}

pub fn diff(args: &DiffArgs) -> io::Result<i32> {
    let mut reading = match Reading::new(&args.state) {
        Ok(r) => r,
        Err(m) => return super::usage_error(&m),
    };
    // --apply is about B: `diff SYSTEM SYSTEM --apply x.reg` is the hive against the hive after x.reg.
    let apply = std::mem::take(&mut reading.apply);
    let a = match reading.load_one(&args.a) {
        Ok(l) => l,
        Err(m) => {
            eprintln!("reglint: {m}");
            return Ok(EXIT_INCOMPLETE);
        }
    };
    reading.apply = apply;
    let b = match reading.load_one(&args.b) {
        Ok(l) => l,
        Err(m) => {
            eprintln!("reglint: {m}");
            return Ok(EXIT_INCOMPLETE);
        }
    };
    let label_b = if b.after.applied.is_empty() {
        b.label.clone()
    } else {
        let applied: Vec<&str> = b.after.applied.iter().map(|x| x.path.as_str()).collect();
        format!("{} + {}", b.label, applied.join(" + "))
    };
    let left = Shown {
        label: a.label.clone(),
        report: &a.after,
        effective: effective(&a.after),
    };
    let right = Shown {
        label: label_b,
        report: &b.after,
        effective: effective(&b.after),
    };
    let diff = show_diff::diff(&left, &right);
    let mut out = io::stdout().lock();
    let written = match args.format {
        Format::Human => show_diff::human(&mut out, &left, &right, &diff),
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &show_diff::json(&left, &right, &diff))
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        }
    };
    if let Err(e) = written
        && !super::is_broken_pipe(&e)
    {
        return Err(e);
    }
    Ok(if a.after.incomplete || b.after.incomplete {
        EXIT_INCOMPLETE
    } else if diff.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
