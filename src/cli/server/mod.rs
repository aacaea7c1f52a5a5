//! `reglint server`: a language server for .reg documents over standard input and output.
//!
//! Every change re-lints the whole document (a .reg is checked in well under a millisecond per
//! kilobyte); messages that arrived together are handled first, so a burst of keystrokes costs
//! one lint. The target and rule selection come from the reglint.toml above the document, as for
//! `check`.

mod catalog_help;
pub use catalog_help::fact_markdown;
mod code_actions;
mod position;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument,
    Notification as NotificationKind, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, Request as RequestKind};
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, CompletionOptions, CompletionParams,
    CompletionResponse, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, Hover,
    HoverContents, HoverParams, HoverProviderCapability, Location, MarkupContent, MarkupKind,
    MessageType, NumberOrString, PositionEncodingKind, PublishDiagnosticsParams,
    ServerCapabilities, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextEdit, Uri,
};
use reglint::check::{CheckOptions, check_bytes};
use reglint::config::Config;
use reglint::diagnostic::Severity;
use reglint::source::SourceFile;
use reglint::target::{Os, TargetChoice};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

struct Document {
    text: String,
    version: i32,
    /// The fixes of the last lint, for code actions.
    fixes: Vec<code_actions::StoredFix>,
}

struct Server {
    connection: Connection,
    documents: HashMap<Uri, Document>,
    /// Documents changed since they were last linted.
    dirty: BTreeSet<String>,
}

enum Flow {
    Continue,
    Exit,
}

pub fn run() -> std::io::Result<i32> {
    let (connection, threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".to_string()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    };
    let capabilities = serde_json::to_value(capabilities).map_err(std::io::Error::other)?;
    connection
        .initialize(capabilities)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut server = Server {
        connection,
        documents: HashMap::new(),
        dirty: BTreeSet::new(),
    };
    let result = server.serve();
    drop(server);
    threads.join()?;
    result.map(|()| 0)
}

impl Server {
    fn serve(&mut self) -> std::io::Result<()> {
        while let Ok(first) = self.connection.receiver.recv() {
            let mut batch = vec![first];
            batch.extend(self.connection.receiver.try_iter());
            for message in batch {
                if let Flow::Exit = self.handle(message)? {
                    return Ok(());
                }
            }
            self.lint_dirty();
        }
        Ok(())
    }

    fn handle(&mut self, message: Message) -> std::io::Result<Flow> {
        match message {
            Message::Request(request) => {
                let shutdown = self
                    .connection
                    .handle_shutdown(&request)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                if shutdown {
                    return Ok(Flow::Exit);
                }
                self.request(request);
            }
            Message::Notification(notification) if notification.method == "exit" => {
                return Ok(Flow::Exit);
            }
            Message::Notification(notification) => self.notification(notification),
            Message::Response(_) => {}
        }
        Ok(Flow::Continue)
    }

    fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(params) =
                    notification.extract::<DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    let doc = params.text_document;
                    self.dirty.insert(doc.uri.as_str().to_string());
                    self.documents.insert(
                        doc.uri,
                        Document {
                            text: doc.text,
                            version: doc.version,
                            fixes: Vec::new(),
                        },
                    );
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                {
                    // Full synchronisation: the last change holds the whole text.
                    if let Some(change) = params.content_changes.into_iter().last() {
                        let uri = params.text_document.uri;
                        self.dirty.insert(uri.as_str().to_string());
                        self.documents.insert(
                            uri,
                            Document {
                                text: change.text,
                                version: params.text_document.version,
                                fixes: Vec::new(),
                            },
                        );
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) =
                    notification.extract::<DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    let uri = params.text_document.uri;
                    self.dirty.remove(uri.as_str());
                    self.documents.remove(&uri);
                    self.publish(uri, Vec::new(), None);
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => match request.extract::<HoverParams>(HoverRequest::METHOD) {
                Ok((_, params)) => {
                    let at = params.text_document_position_params;
                    let hover = self.documents.get(&at.text_document.uri).and_then(|doc| {
                        let (options, os, _) = settings_for(&at.text_document.uri);
                        catalog_help::hover(&doc.text, at.position, os, options.config.catalog())
                    });
                    let hover = hover.map(|value| Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value,
                        }),
                        range: None,
                    });
                    self.respond(Response::new_ok(id, hover));
                }
                Err(e) => self.invalid(id, &e.to_string()),
            },
            CodeActionRequest::METHOD => {
                match request.extract::<CodeActionParams>(CodeActionRequest::METHOD) {
                    Ok((_, params)) => {
                        let uri = params.text_document.uri;
                        let actions = self
                            .documents
                            .get(&uri)
                            .map(|doc| code_actions::actions(&uri, &doc.fixes, params.range))
                            .unwrap_or_default();
                        self.respond(Response::new_ok(id, actions));
                    }
                    Err(e) => self.invalid(id, &e.to_string()),
                }
            }
            Completion::METHOD => match request.extract::<CompletionParams>(Completion::METHOD) {
                Ok((_, params)) => {
                    let at = params.text_document_position;
                    let items = self
                        .documents
                        .get(&at.text_document.uri)
                        .map(|doc| {
                            let (options, os, _) = settings_for(&at.text_document.uri);
                            catalog_help::completions(
                                &doc.text,
                                at.position,
                                os,
                                options.config.catalog(),
                            )
                        })
                        .unwrap_or_default();
                    self.respond(Response::new_ok(id, CompletionResponse::Array(items)));
                }
                Err(e) => self.invalid(id, &e.to_string()),
            },
            _ => self.respond(Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("reglint does not handle {}", request.method),
            )),
        }
    }

    fn lint_dirty(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        for uri_text in dirty {
            let Some((uri, doc)) = self
                .documents
                .iter()
                .find(|(uri, _)| uri.as_str() == uri_text)
            else {
                continue;
            };
            let uri = uri.clone();
            let version = doc.version;
            let (options, _, config_error) = settings_for(&uri);
            if let Some(message) = config_error {
                self.notify(
                    ShowMessage::METHOD,
                    ShowMessageParams {
                        typ: MessageType::ERROR,
                        message,
                    },
                );
            }
            let Some(doc) = self.documents.get_mut(&uri) else {
                continue;
            };
            let (diagnostics, fixes) = lint(&uri, &doc.text, &options);
            doc.fixes = fixes;
            self.publish(uri, diagnostics, Some(version));
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        self.notify(
            PublishDiagnostics::METHOD,
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let _ = self
            .connection
            .sender
            .send(Notification::new(method.to_string(), params).into());
    }

    fn respond(&self, response: Response) {
        let _ = self.connection.sender.send(response.into());
    }

    fn invalid(&self, id: RequestId, why: &str) {
        self.respond(Response::new_err(
            id,
            lsp_server::ErrorCode::InvalidParams as i32,
            why.to_string(),
        ));
    }
}

/// The check options for a document, from the reglint.toml above it; a broken reglint.toml
/// is reported and the defaults are used meanwhile.
fn settings_for(uri: &Uri) -> (CheckOptions, Option<Os>, Option<String>) {
    let config = file_path(uri)
        .as_deref()
        .and_then(|path| path.parent())
        .and_then(Config::discover)
        .map(|path| Config::load(&path));
    let (config, error) = match config {
        Some(Ok(config)) => (config, None),
        Some(Err(e)) => (
            Config::default(),
            Some(format!("{}: {}", e.file.name, e.message)),
        ),
        None => (Config::default(), None),
    };
    let os = config.target;
    let options = CheckOptions {
        target: TargetChoice {
            os,
            edition: config.edition,
            ..TargetChoice::default()
        },
        profiles: config.profiles.clone(),
        config: Arc::new(config),
        ..CheckOptions::default()
    };
    (options, os, error)
}

/// The document's path for a `file:` URI, percent-decoded.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'%')
            .then(|| rest.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// The editor's text in the encoding the file has on disk, so that the encoding findings
/// (a UTF-16 file regedit reads differently from an ANSI one) are the file's own.
fn bytes_as_on_disk(uri: &Uri, text: &str) -> Vec<u8> {
    let mut head = [0u8; 3];
    let read = file_path(uri)
        .and_then(|path| std::fs::File::open(path).ok())
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head).ok())
        .unwrap_or(0);
    let head = head.get(..read).unwrap_or(&[]);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if head.starts_with(&[0xFF, 0xFE]) {
        let mut out = vec![0xFF, 0xFE];
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    } else if head.starts_with(&[0xFE, 0xFF]) {
        let mut out = vec![0xFE, 0xFF];
        out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        out
    } else if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let mut out = vec![0xEF, 0xBB, 0xBF];
        out.extend_from_slice(text.as_bytes());
        out
    } else {
        text.as_bytes().to_vec()
    }
}

/// The document's diagnostics, and the fixes of those that have one.
fn lint(
    uri: &Uri,
    text: &str,
    options: &CheckOptions,
) -> (Vec<Diagnostic>, Vec<code_actions::StoredFix>) {
    let name = file_path(uri).map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
    let report = check_bytes(&name, &bytes_as_on_disk(uri, text), options);
    let mut fixes = Vec::new();
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let file = d
                .primary
                .as_ref()
                .and_then(|label| report.sources.get(label.origin.file));
            let range = match (&d.primary, file) {
                (Some(label), Some(file)) => position::range(file, label.origin.range()),
                _ => lsp_types::Range::default(),
            };
            let related = d
                .secondary
                .iter()
                .filter_map(|label| {
                    let file: &SourceFile = report.sources.get(label.origin.file)?;
                    Some(DiagnosticRelatedInformation {
                        location: Location {
                            uri: uri.clone(),
                            range: position::range(file, label.origin.range()),
                        },
                        message: label.message.to_string(),
                    })
                })
                .collect::<Vec<_>>();
            let mut message = d.message.clone();
            for note in &d.notes {
                message.push('\n');
                message.push_str(note);
            }
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let diagnostic = Diagnostic {
                range,
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                    Severity::Info => DiagnosticSeverity::INFORMATION,
                }),
                code: Some(NumberOrString::String(d.code.code.to_string())),
                source: Some("reglint".to_string()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            };
            if let Some(fix) = d.fix.as_ref().filter(|f| !f.edits.is_empty()) {
                let edits: Option<Vec<TextEdit>> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let file = report.sources.get(e.file)?;
                        Some(TextEdit {
                            range: position::range(file, e.start..e.end),
                            new_text: e.replacement.clone(),
                        })
                    })
                    .collect();
                if let Some(edits) = edits {
                    fixes.push(code_actions::StoredFix {
                        diagnostic: diagnostic.clone(),
                        title: format!("{} ({})", fix.message, d.code.code),
                        applicability: fix.applicability,
                        edits,
                    });
                }
            }
            diagnostic
        })
        .collect();
    (diagnostics, fixes)
}
