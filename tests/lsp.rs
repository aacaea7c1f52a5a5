//! `reglint server` end to end: a scripted client speaks LSP over the server's standard input
//! and output, on a UTF-16LE .reg file with a reglint.toml beside it.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reglint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start reglint server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let message: Value = serde_json::from_slice(&body).expect("JSON body");
                if send.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let reply = self.wait_for(|m| m["id"] == json!(id));
        assert!(reply["error"].is_null(), "{method} failed: {reply}");
        reply["result"].clone()
    }

    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .expect("the server answers within 20 s");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn diagnostics(&mut self, version: i64) -> Vec<Value> {
        let published = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        published["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

const KEY: &str = "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]";

#[test]
fn a_scripted_editor_session() {
    let dir = std::env::temp_dir().join(format!("reglint-lsp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("reglint.toml"),
        "target = \"10\"\nignore = [\"TCP019\"]\n",
    )
    .expect("reglint.toml");
    let hash_line = "\"Note\u{1F600}\"=\"x\" # comment";
    let text = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n{KEY}\r\n{hash_line}\r\n\"MaxUserPort\"=dword:0000fffe\r\n\"Other\"=\"y\" # second\r\n"
    );
    let path = dir.join("tweak.reg");
    std::fs::write(&path, utf16le_with_bom(&text)).expect("tweak.reg");
    let uri = format!("file://{}", path.display());

    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    assert_eq!(init["capabilities"]["codeActionProvider"], true);
    client.notify("initialized", json!({}));

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "reg", "version": 1, "text": text}}),
    );
    let found = client.diagnostics(1);
    let codes: Vec<&str> = found.iter().filter_map(|d| d["code"].as_str()).collect();
    // reglint.toml beside the file is read: TCP019 is ignored there.
    assert!(!codes.contains(&"TCP019"), "{codes:?}");
    let hash = found
        .iter()
        .find(|d| d["code"] == "REG021")
        .unwrap_or_else(|| panic!("REG021 for the # comment: {found:?}"));
    // Columns are UTF-16 code units: the emoji before the `#` counts two.
    let column = hash_line
        .find('#')
        .map(|i| hash_line[..i].encode_utf16().count());
    assert_eq!(hash["range"]["start"]["line"], 3);
    assert_eq!(
        hash["range"]["start"]["character"].as_u64(),
        column.map(|c| c as u64)
    );
    assert_eq!(hash["severity"], 1);
    assert_eq!(hash["source"], "reglint");

    // The quick fix for the `#`: a preferred (safe) edit of exactly that character, in UTF-16
    // columns, that turns the line into the corrected one.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": hash["range"], "context": {"diagnostics": [hash]}}),
    );
    let list = actions.as_array().cloned().unwrap_or_default();
    let quick = list
        .iter()
        .find(|a| {
            a["kind"] == "quickfix" && a["title"].as_str().is_some_and(|t| t.contains("REG021"))
        })
        .unwrap_or_else(|| panic!("a REG021 quick fix: {list:?}"));
    assert_eq!(quick["isPreferred"], true);
    let edits = quick["edit"]["changes"][uri.as_str()]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edits[0]["newText"], ";");
    assert_eq!(edits[0]["range"]["start"]["line"], 3);
    assert_eq!(
        edits[0]["range"]["start"]["character"].as_u64(),
        column.map(|c| c as u64)
    );
    assert_eq!(
        edits[0]["range"]["end"]["character"].as_u64(),
        column.map(|c| c as u64 + 1)
    );
    // Both `#` lines are fixed at once by "fix all".
    let all = list
        .iter()
        .find(|a| a["kind"] == "source.fixAll")
        .unwrap_or_else(|| panic!("a fix-all action: {list:?}"));
    let all_edits = all["edit"]["changes"][uri.as_str()]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(all_edits.len(), 2, "{all_edits:?}");
    assert!(all_edits.iter().all(|e| e["newText"] == ";"));

    let fixed = text.replace(" # comment", " ; comment");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(2);
    assert!(
        after
            .iter()
            .all(|d| d["code"] != "REG021" || d["range"]["start"]["line"] != 3),
        "the fixed line still has REG021: {after:?}"
    );

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 3}}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.starts_with("**MaxUserPort**"), "{shown}");
    // The target comes from reglint.toml.
    assert!(shown.contains("on Windows 10: read"), "{shown}");

    let with_blank = format!("{fixed}\"");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": with_blank}]}),
    );
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 1}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&"TcpTimedWaitDelay"), "{labels:?}");

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("the server exits");
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
