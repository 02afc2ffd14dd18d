//! Engine output: a bounded in-memory tail plus an append-only log file.
use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// Last lines of one stream, bounded.
#[derive(Debug, Clone)]
pub struct LogTail {
    lines: Arc<Mutex<VecDeque<String>>>,
    capacity: usize,
}

impl LogTail {
    /// A tail keeping at most `capacity` lines.
    pub fn new(capacity: usize) -> Self {
        Self { lines: Arc::new(Mutex::new(VecDeque::with_capacity(capacity))), capacity }
    }

    /// Append a line, dropping the oldest when full.
    pub fn push(&self, line: String) {
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() == self.capacity {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// The last `n` lines, oldest first.
    pub fn last(&self, n: usize) -> Vec<String> {
        let lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        lines.iter().skip(lines.len().saturating_sub(n)).cloned().collect()
    }

    /// Forget everything (a new process starts).
    pub fn clear(&self) {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Copy `stream` line by line into `tail` (if given) and the log file at
/// `log_path`, prefixing each file line with `label`. Ends at EOF.
pub async fn pump(
    stream: impl AsyncRead + Unpin,
    label: &'static str,
    tail: Option<LogTail>,
    log_path: Option<Arc<Path>>,
) {
    use std::io::Write;
    let mut file = log_path.and_then(|p| {
        std::fs::OpenOptions::new().create(true).append(true).open(&*p).ok()
    });
    let mut reader = BufReader::new(stream).lines();
    while let Ok(Some(line)) = reader.next_line().await {
        if let Some(f) = file.as_mut() {
            let _ = writeln!(f, "[{label}] {line}");
        }
        tracing::debug!(target: "openwork::engine", stream = label, "{line}");
        if let Some(t) = &tail {
            t.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_is_bounded() {
        let t = LogTail::new(3);
        for i in 0..10 {
            t.push(format!("line {i}"));
        }
        assert_eq!(t.last(10), vec!["line 7", "line 8", "line 9"]);
        assert_eq!(t.last(1), vec!["line 9"]);
    }
}
