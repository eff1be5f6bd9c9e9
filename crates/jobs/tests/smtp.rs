//! The jobs against a real SMTP conversation: a small SMTP server on port 0 that records
//! what it receives, or refuses it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use donthu_calendar::reminders::ReminderPolicy;
use donthu_jobs::{Mailer, Pass, SmtpMailer, run_once};
use donthu_store::Store;
use donthu_store::contract;
use donthu_store::seal::IdentitySealer;
use donthu_store_sqlite::SqliteStore;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Accepts SMTP sessions; each delivered message (envelope recipient and data) is sent
/// on the channel. With `refuse`, every MAIL FROM gets a temporary failure.
async fn smtp_server(refuse: bool) -> (u16, mpsc::UnboundedReceiver<(String, String)>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let (mut rcpt, mut data, mut in_data) = (String::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            tx.send((rcpt.clone(), data.clone())).unwrap();
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-test\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("MAIL FROM") && refuse {
                        b"451 4.3.0 try again later\r\n"
                    } else if upper.starts_with("RCPT TO") {
                        rcpt = line.clone();
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

/// Monday 23/11/2026, 09:00 in Hà Nội.
fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

async fn store_with_a_reminder_due() -> (SqliteStore, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("donthu-jobs-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("donthu.db").display());
    let store = SqliteStore::connect(&url, IdentitySealer::from_key(&IdentitySealer::generate_key())).await.unwrap();
    let w = contract::world(&store).await;
    contract::register(&store, &w.officer, contract::complaint(&w.internal_affairs)).await;
    (store, dir)
}

#[tokio::test]
async fn reminders_are_mailed_over_smtp() {
    let (store, dir) = store_with_a_reminder_due().await;
    let (port, mut received) = smtp_server(false).await;
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), "donthu <donthu@donthu.test>").unwrap();
    let pass = run_once(&store, Some(&mailer as &dyn Mailer), &ReminderPolicy::default(), monday_morning()).await;
    assert_eq!(pass, Pass { reminders: 1, emails_sent: 1, emails_failed: 0 });
    let (rcpt, data) = received.recv().await.unwrap();
    assert!(rcpt.contains("<lan@donthu.test>"), "{rcpt}");
    assert!(data.contains("Subject: ") && data.contains("From: donthu <donthu@donthu.test>"), "{data}");
    assert_eq!(store.outbox_counts().await.unwrap(), (0, 1, 0));
    // Nothing more to do: the reminder is not sent twice.
    let again = run_once(&store, Some(&mailer as &dyn Mailer), &ReminderPolicy::default(), monday_morning()).await;
    assert_eq!(again, Pass::default());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_refusing_server_means_a_retry_later() {
    let (store, dir) = store_with_a_reminder_due().await;
    let (port, _received) = smtp_server(true).await;
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), "donthu@donthu.test").unwrap();
    let pass = run_once(&store, Some(&mailer as &dyn Mailer), &ReminderPolicy::default(), monday_morning()).await;
    assert_eq!((pass.emails_sent, pass.emails_failed), (0, 1));
    assert_eq!(store.outbox_counts().await.unwrap(), (1, 0, 0), "still pending, for a later attempt");
    let later = monday_morning() + Duration::minutes(2);
    let (good_port, mut received) = smtp_server(false).await;
    let good = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{good_port}"), "donthu@donthu.test").unwrap();
    let retried = run_once(&store, Some(&good as &dyn Mailer), &ReminderPolicy::default(), later).await;
    assert_eq!(retried.emails_sent, 1);
    assert!(received.recv().await.is_some());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn without_a_mailer_e_mails_wait_in_the_outbox() {
    let (store, dir) = store_with_a_reminder_due().await;
    let pass = run_once(&store, None, &ReminderPolicy::default(), monday_morning()).await;
    assert_eq!(pass.reminders, 1);
    assert_eq!(store.outbox_counts().await.unwrap(), (1, 0, 0));
    std::fs::remove_dir_all(dir).unwrap();
}
