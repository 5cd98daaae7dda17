//! The mail half of `codedesk demo`: the example questions of `data/demo` (built in) go into a fresh local
//! Maildir, the worker answers them into a folder of `.eml` files, a follow-up to the first reply
//! joins its thread, and a short report says what happened to each.

use super::worker::run_worker;
use crate::config::Config;
use crate::store::Store;
use crate::store::cases::{self, Case};
use anyhow::{Context, Result};
use std::path::Path;
use tokio::sync::watch;

/// The demo questions (`questions/*.eml` of the built-in `data/demo`), in name order.
fn demo_questions() -> Vec<(&'static str, &'static str)> {
    crate::embedded::DEMO
        .iter()
        .filter_map(|(name, _)| {
            let file = name
                .strip_prefix("questions/")
                .filter(|f| f.ends_with(".eml"))?;
            Some((file, crate::embedded::text(crate::embedded::DEMO, name)?))
        })
        .collect()
}

/// Makes the Message-IDs of this run unique, so a second run is answered afresh.
fn tag_ids(text: &str, tag: &str) -> String {
    text.replace("Message-ID: <", &format!("Message-ID: <{tag}."))
        .replace("References: <", &format!("References: <{tag}."))
}

fn drop_into(inbox: &Path, name: &str, text: &str) -> Result<()> {
    let new = inbox.join("new");
    std::fs::create_dir_all(&new)?;
    let tmp = inbox.join("tmp");
    std::fs::create_dir_all(&tmp)?;
    std::fs::write(tmp.join(name), text)?;
    std::fs::rename(tmp.join(name), new.join(name))?;
    Ok(())
}

fn message_id_of(text: &str) -> Option<String> {
    let line = text
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))?;
    let start = line.find('<')? + 1;
    let end = line.rfind('>')?;
    Some(line[start..end].to_string())
}

/// Runs the mail half of the demo in `dir`.
pub async fn run(config: &Config, dir: &Path) -> Result<()> {
    let inbox = dir.join("inbox");
    let outbox = dir.join("outbox");
    for d in [&inbox, &outbox] {
        if d.exists() {
            std::fs::remove_dir_all(d).with_context(|| format!("cannot clear {}", d.display()))?;
        }
    }
    let mut demo = config.clone();
    demo.mailbox.kind = "maildir".into();
    demo.mailbox.path = inbox.clone();
    demo.mailbox.processed_folder = None;
    demo.outbox.kind = "file".into();
    demo.outbox.path = outbox.clone();
    demo.outbox.save_sent = false;
    demo.senders.members.clear();

    let tag = format!("demo{}", crate::worker::now_unix_pub());
    let files = demo_questions();
    let mut asked = Vec::new();
    for (i, (name, text)) in files.iter().enumerate() {
        let text = tag_ids(text, &tag);
        drop_into(&inbox, &format!("{tag}.{i:02}.demo"), &text)?;
        asked.push((name.to_string(), message_id_of(&text)));
    }
    println!(
        "Dropped {} example questions into the Maildir {}",
        files.len(),
        inbox.display()
    );
    let (_keep, never) = watch::channel(false);
    let first = run_worker(&demo, true, None, never.clone()).await?;

    // The asker answers our first reply: the follow-up joins the first case's thread.
    let store = Store::connect(&demo.database.url).await?;
    let first_case = match &asked.first().and_then(|a| a.1.clone()) {
        Some(mid) => cases::find_by_message_id(&store, mid).await?,
        None => None,
    };
    let mut second = None;
    if let Some(reply_id) = first_case.and_then(|c| c.reply_message_id) {
        let text = crate::embedded::text(crate::embedded::DEMO, "followup.eml")
            .context("the built-in demo has no followup.eml")?
            .replace("REPLY-ID", &reply_id);
        let text = tag_ids(&text, &tag);
        drop_into(&inbox, &format!("{tag}.99.demo"), &text)?;
        asked.push((
            "followup.eml (a reply to the first answer)".into(),
            message_id_of(&text),
        ));
        second = Some(run_worker(&demo, true, None, never).await?);
    }

    println!("\n{:<44} {:<9} what happened", "question", "state");
    let (mut held, mut ignored, mut replies, mut failed) = (0, 0, 0, 0);
    let mut acknowledged = 0;
    for (name, mid) in &asked {
        let case: Option<Case> = match mid {
            Some(mid) => cases::find_by_message_id(&store, mid).await?,
            None => None,
        };
        let Some(case) = case else {
            println!("{name:<44} {:<9} not stored", "-");
            continue;
        };
        let what = match case.state {
            cases::CaseState::Ignored => {
                ignored += 1;
                case.reason.clone().unwrap_or_default()
            }
            cases::CaseState::Failed => {
                failed += 1;
                case.reason.clone().unwrap_or_default()
            }
            state => {
                if state == cases::CaseState::Held {
                    held += 1;
                } else {
                    replies += 1;
                }
                let mut what = format!(
                    "{} reply {}",
                    case.reply_kind.as_deref().unwrap_or("a"),
                    case.case_ref.as_deref().unwrap_or("")
                );
                if let Some(c) = &case.confidence {
                    what.push_str(&format!(", confidence {c}"));
                }
                if let Some(root) = case.thread_of {
                    what.push_str(&format!(", follows up case {root}"));
                }
                if state == cases::CaseState::Held {
                    what.push_str(", waiting for staff");
                    if crate::store::acknowledgements::get(&store, case.id)
                        .await?
                        .is_some_and(|a| a.state == "sent")
                    {
                        acknowledged += 1;
                        what.push_str(" (acknowledged)");
                    }
                }
                what
            }
        };
        println!("{name:<44} {:<9} {what}", case.state.as_str());
    }
    store.close().await;
    let written = std::fs::read_dir(&outbox).map(|d| d.count()).unwrap_or(0);
    let stored = first.stored + second.map_or(0, |s| s.stored);
    println!(
        "\n{} questions, {stored} stored: {replies} replies sent, {held} held for staff, {ignored} ignored, {failed} failed.",
        asked.len()
    );
    println!(
        "Replies: {} ({written} .eml files: {replies} replies, {acknowledged} acknowledgements of held cases)",
        outbox.display()
    );
    println!(
        "Held and failed cases: codedesk queue   Database: {}",
        demo.database.url
    );
    Ok(())
}
