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
    /// `smtp://host[:port]`, optionally with `user:password@` before the host (port 25
    /// by default). TLS is left to the relay it talks to [an open point: see the notes].
    pub fn from_url(url: &str, from: &str) -> Result<SmtpMailer, String> {
        let bad = |why: &str| format!("địa chỉ máy chủ thư không hợp lệ ({why}); dùng dạng smtp://máy_chủ:cổng");
        let rest = url.strip_prefix("smtp://").ok_or_else(|| bad("phải bắt đầu bằng smtp://"))?;
        let (credentials, server) = match rest.rsplit_once('@') {
            Some((c, s)) => (Some(c), s),
            None => (None, rest),
        };
        let server = server.trim_end_matches('/');
        let (host, port) = match server.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("cổng không hợp lệ"))?),
            None => (server, 25),
        };
        if host.is_empty() {
            return Err(bad("thiếu tên máy chủ"));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(20)));
        if let Some((user, password)) = credentials.and_then(|c| c.split_once(':')) {
            builder = builder
                .credentials(lettre::transport::smtp::authentication::Credentials::new(user.into(), password.into()));
        }
        let transport = builder.build();
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
