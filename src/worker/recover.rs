//! Recovery: claims left by dead workers on this host are released at once (others when their
//! lease runs out), and cases left `sending` are resolved deliberately, never blindly resent: a
//! file outbox is checked for the file; with SMTP the copy of the reply sent to our own address
//! is the evidence (it marks the case sent when it comes back); no copy within the grace period,
//! in a mailbox read after that period ran out, means the send never completed, so it goes again
//! with the same Message-ID; without any way to tell, the case becomes `failed` for staff.

use super::{Worker, now_unix};
use crate::outbox::Outbox;
use crate::store::cases::{self, CaseState};
use anyhow::Result;
use std::collections::HashSet;

fn process_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

impl Worker {
    /// Releases claims of dead processes on this host and resolves stale `sending` cases whose
    /// grace period has passed. Safe to call often; returns how many cases it changed.
    pub async fn recover(&self) -> Result<usize> {
        let owner = &self.settings.owner;
        let mut changed = 0;
        let mut dead_sending = HashSet::new();
        for (id, holder, state) in
            cases::claims_with_prefix(&self.store, &self.settings.host_prefix).await?
        {
            if &holder == owner {
                continue;
            }
            let pid = holder
                .rsplit(':')
                .next()
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(process_alive) {
                continue;
            }
            if state == CaseState::Sending {
                dead_sending.insert(id);
            } else {
                cases::release(&self.store, id, &holder).await?;
                changed += 1;
            }
        }
        let now = now_unix();
        let mut candidates: Vec<(cases::CaseId, i64)> =
            cases::stale_sending(&self.store, now).await?;
        for id in dead_sending {
            if !candidates.iter().any(|(c, _)| *c == id)
                && let Some(case) = cases::get(&self.store, id).await?
            {
                candidates.push((id, case.updated_at));
            }
        }
        for (id, since) in candidates {
            let Some(case) = cases::get(&self.store, id).await? else {
                continue;
            };
            let mid = case.reply_message_id.clone().unwrap_or_default();
            let resolved = match &self.outbox {
                Outbox::File(file) => {
                    if file.path_for(&mid).exists() {
                        cases::resolve_sent(
                            &self.store,
                            id,
                            owner,
                            "interrupted send: the reply file exists",
                            now,
                        )
                        .await?
                    } else {
                        cases::resolve_unsent(
                            &self.store,
                            id,
                            owner,
                            "interrupted send: no reply file, sending again",
                            now,
                        )
                        .await?
                    }
                }
                Outbox::Smtp(_) if self.desk_for(&case.mailbox).receipt_copy_to.is_some() => {
                    let grace_end = since + self.settings.receipt_grace.as_secs() as i64;
                    if now < grace_end {
                        continue; // its copy may still be on its way
                    }
                    // The copy may be waiting unread (every worker was down through the grace
                    // period, or the reader is reconnecting): only a read of the mailbox after
                    // the period ran out shows that none came back.
                    let read_at = cases::cursor_read_at(&self.store, &case.mailbox).await?;
                    if read_at.is_none_or(|at| at < grace_end) {
                        continue;
                    }
                    cases::resolve_unsent(
                        &self.store,
                        id,
                        owner,
                        "interrupted send: no copy of the reply came back within the grace period, so it was not accepted; sending again with the same Message-ID",
                        now,
                    )
                    .await?
                }
                Outbox::Smtp(_) => {
                    let why = format!(
                        "interrupted while sending: the reply (Message-ID <{mid}>) may have been delivered; check before resending"
                    );
                    cases::fail(&self.store, id, None, owner, &why, now).await?
                }
            };
            if resolved {
                tracing::info!(case = %id, "an interrupted send is resolved");
                changed += 1;
            }
        }
        Ok(changed)
    }
}
