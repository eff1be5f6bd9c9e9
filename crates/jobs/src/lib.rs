//! Background jobs of the server: every minute, the reminders due now (the store makes
//! each one exactly-once and only on working days in office hours), then the e-mails
//! waiting in the outbox, over SMTP. Jobs keep their state in the database, so any
//! number of server processes may run them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use donthu_calendar::reminders::ReminderPolicy;
use donthu_store::Store;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// Sends one e-mail. An error message is recorded on the outbox row.
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String>;
}

/// A real SMTP client (lettre). Plain SMTP to a relay (the usual set-up: the office's
/// mail server, or a relay on the same machine); see `SmtpMailer::from_url`.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// The server as a URL: `smtps://user:password@host:465` (SMTP over TLS),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), or `smtp://host:25` (plain,
    /// for a relay on the same machine or network). TLS uses the bundled Mozilla roots.
    pub fn from_url(url: &str, from: &str) -> Result<SmtpMailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| {
                format!("địa chỉ máy chủ thư không hợp lệ ({e}); dùng dạng smtps://người_dùng:mật_khẩu@máy_chủ:465")
            })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| format!("địa chỉ người gửi \"{from}\" không hợp lệ: {e}"))?;
        Ok(SmtpMailer { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("địa chỉ người nhận không hợp lệ: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// What one pass of the jobs did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub reminders: u64,
    pub emails_sent: u64,
    pub emails_failed: u64,
}

/// One pass: reminders due now, then the outbox. Without a mailer, e-mails wait in the
/// outbox until one is configured.
pub async fn run_once(
    store: &dyn Store,
    mailer: Option<&dyn Mailer>,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Pass {
    let mut pass = Pass::default();
    match store.run_reminders(policy, now).await {
        Ok(run) => pass.reminders = run.reminders,
        Err(e) => tracing::error!(error = %e, "reminders failed"),
    }
    let Some(mailer) = mailer else { return pass };
    let batch = match store.claim_emails(20, now).await {
        Ok(batch) => batch,
        Err(e) => {
            tracing::error!(error = %e, "outbox claim failed");
            return pass;
        }
    };
    for email in batch {
        let outcome = mailer.send(&email.to, &email.subject, &email.body).await;
        match &outcome {
            Ok(()) => pass.emails_sent += 1,
            Err(e) => {
                // The address is not logged: it identifies an official, not needed to diagnose.
                tracing::warn!(error = %e, attempt = email.attempts, "e-mail delivery failed");
                pass.emails_failed += 1;
            }
        }
        if let Err(e) = store.finish_email(email.id, outcome, now).await {
            tracing::error!(error = %e, "outbox update failed");
        }
    }
    pass
}

/// Runs the jobs every minute until the task is dropped.
pub fn spawn(
    store: Arc<dyn Store>,
    mailer: Option<Arc<dyn Mailer>>,
    policy: ReminderPolicy,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let pass = run_once(&*store, mailer.as_deref(), &policy, Utc::now()).await;
            if pass != Pass::default() {
                tracing::info!(
                    reminders = pass.reminders,
                    sent = pass.emails_sent,
                    failed = pass.emails_failed,
                    "jobs pass"
                );
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn mail_server_urls() {
        assert!(
            SmtpMailer::from_url("smtps://donthu:mat-khau@mail.example.gov.vn:465", "donthu@example.gov.vn").is_ok()
        );
        assert!(SmtpMailer::from_url("smtp://mail.example.gov.vn:587?tls=required", "donthu@example.gov.vn").is_ok());
        assert!(SmtpMailer::from_url("smtp://127.0.0.1:25", "donthu@example.gov.vn").is_ok());
        let bad = SmtpMailer::from_url("http://mail.example.gov.vn", "donthu@example.gov.vn").err().unwrap();
        assert!(bad.starts_with("địa chỉ máy chủ thư không hợp lệ"), "{bad}");
        assert!(SmtpMailer::from_url("smtp://127.0.0.1:25", "không phải địa chỉ").is_err());
    }
}
