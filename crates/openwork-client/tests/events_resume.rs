//! `HostEvents` against a fake `/events` server that drops the connection
//! after every few events: the client reconnects with backoff, resumes with
//! `Last-Event-ID`, and loses or repeats nothing.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openwork_client::{EventItem, EventsError, HostEvents};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves 3 events per connection (continuing after the client's
/// Last-Event-ID, and repeating the last one it already has to check
/// de-duplication), then closes. Records the Last-Event-ID headers seen.
async fn flaky_events_server() -> (String, Arc<Mutex<Vec<Option<u64>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Vec<Option<u64>>>> = Arc::default();
    let seen2 = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf).to_lowercase();
            let last = head
                .lines()
                .find_map(|l| l.strip_prefix("last-event-id:"))
                .and_then(|v| v.trim().parse::<u64>().ok());
            seen2.lock().unwrap().push(last);
            let mut body = String::from(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n: keep-alive\n\n",
            );
            let start = last.unwrap_or(0);
            // One repeat of an already-delivered event, then three new ones.
            let ids = if start > 0 { vec![start, start + 1, start + 2, start + 3] } else { vec![1, 2, 3] };
            for id in ids {
                body.push_str(&format!(
                    "id: {id}\ndata: {{\"id\":{id},\"type\":\"test.tick\",\"properties\":{{\"n\":{id}}},\"time\":0}}\n\n"
                ));
            }
            let _ = sock.write_all(body.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn reconnects_and_resumes_without_loss_or_repeats() {
    let (url, seen) = flaky_events_server().await;
    let mut events = HostEvents::new(&url, "t", None).unwrap();
    events.initial_delay = Duration::from_millis(20);
    let mut ids = Vec::new();
    let mut reconnects = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while ids.len() < 9 {
        let item = tokio::time::timeout_at(deadline, events.next()).await.expect("in time").unwrap();
        match item {
            EventItem::Event(e) => ids.push(e.id),
            EventItem::Reconnecting { attempt, delay, .. } => {
                assert_eq!(attempt, 1, "a successful connection resets the attempt count");
                assert!(delay <= Duration::from_millis(25), "{delay:?}");
                reconnects += 1;
            }
            EventItem::Connected => {}
        }
    }
    assert_eq!(ids, (1..=9).collect::<Vec<u64>>());
    assert!(reconnects >= 2);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(&seen[..3], &[None, Some(3), Some(6)]);
    assert_eq!(events.last_event_id(), Some(9));
}

#[tokio::test]
async fn refused_token_ends_the_subscription() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut chunk = [0u8; 1024];
            let _ = sock.read(&mut chunk).await;
            let body = r#"{"code":"unauthorized","message":"wrong client token"}"#;
            let resp = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
        }
    });
    let mut events = HostEvents::new(&format!("http://{addr}"), "wrong", None).unwrap();
    let err = events.next().await.unwrap_err();
    assert!(matches!(err, EventsError::Auth(401)), "{err}");
}

#[tokio::test]
async fn unreachable_host_backs_off_with_growing_delays() {
    // A bound socket that does not listen: connections are refused, and no
    // other test can take the port meanwhile.
    let reserved = tokio::net::TcpSocket::new_v4().unwrap();
    reserved.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = reserved.local_addr().unwrap().port();
    let mut events = HostEvents::new(&format!("http://127.0.0.1:{port}"), "t", Some(41)).unwrap();
    events.initial_delay = Duration::from_millis(10);
    events.max_delay = Duration::from_millis(80);
    let mut delays = Vec::new();
    for _ in 0..5 {
        match events.next().await.unwrap() {
            EventItem::Reconnecting { delay, .. } => delays.push(delay),
            other => panic!("unexpected {other:?}"),
        }
    }
    // Exponential with ±25 % jitter, capped.
    assert!(delays[0] <= Duration::from_millis(13), "{delays:?}");
    assert!(delays[3] >= Duration::from_millis(60), "{delays:?}");
    assert!(delays.iter().all(|d| *d <= Duration::from_millis(100)), "{delays:?}");
    assert_eq!(events.last_event_id(), Some(41), "resume point kept while offline");
}
