//! The terminal side of `vcctl top`: raw mode and the alternate screen (crossterm, restored
//! on every way out: q, Ctrl-C, SIGTERM/SIGHUP, an error), key events from a reader thread,
//! serve's calls and totals polled several times a second, and the selected call's timeline
//! followed as serve streams it (a task per followed call; its entries are drawn as they
//! arrive). State, keys and drawing are `ui::top`.

use std::io::Stdout;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use tokio::sync::mpsc;

use crate::io::serve_client::{ServeClient, ServeClientError};
use crate::ui::top::{Action, Key, TopState};

/// Writes the bundle of a call; returns the file written, or a sentence saying why not.
pub type BundleFn = Box<dyn Fn(&str) -> Result<String, String> + Send>;

/// Puts the terminal back however the view ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
        let _ = execute!(
            std::io::stdout(),
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
    }
}

enum Input {
    Key(Key),
    Redraw,
}

fn key_of(code: KeyCode, mods: KeyModifiers) -> Option<Key> {
    Some(match code {
        KeyCode::Char('c') if mods.contains(KeyModifiers::CONTROL) => Key::CtrlC,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        _ => return None,
    })
}

/// Read keys and resizes on a thread of its own until `stop`.
fn read_keys(tx: mpsc::UnboundedSender<Input>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        match event::poll(Duration::from_millis(100)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => break,
        }
        let input = match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                key_of(k.code, k.modifiers).map(Input::Key)
            }
            Ok(Event::Resize(..)) => Some(Input::Redraw),
            Ok(_) => None,
            Err(_) => break,
        };
        if let Some(i) = input {
            if tx.send(i).is_err() {
                break;
            }
        }
    }
}

/// Run the full-screen view until the user quits.
pub async fn run(
    client: ServeClient,
    rate: u64,
    color: bool,
    bundle: BundleFn,
) -> crate::Result<()> {
    let setup = |e: std::io::Error| crate::Error::io("setting up the terminal for vcctl top", e);
    terminal::enable_raw_mode().map_err(setup)?;
    let _restore = Restore;
    execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        cursor::Hide
    )
    .map_err(setup)?;
    let mut term: Terminal<CrosstermBackend<Stdout>> =
        Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(setup)?;
    term.clear().map_err(setup)?;

    let (tx, mut keys) = mpsc::unbounded_channel();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        std::thread::spawn(move || read_keys(tx, stop))
    };
    let mut term_signals =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| crate::Error::io("installing the SIGTERM handler", e))?;
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .map_err(|e| crate::Error::io("installing the SIGHUP handler", e))?;

    let mut state = TopState::new(client.base(), color);
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / rate.max(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The timeline being followed: (call, the task streaming it).
    let mut following: Option<(String, tokio::task::JoinHandle<()>)> = None;
    let (entries_tx, mut entries) = mpsc::unbounded_channel::<(String, Vec<serde_json::Value>)>();
    let result = loop {
        tokio::select! {
            _ = tick.tick() => {
                poll(&client, &mut state).await;
            }
            Some((id, batch)) = entries.recv() => state.add_timeline(&id, batch),
            input = keys.recv() => match input {
                Some(Input::Key(k)) => match state.key(k) {
                    Action::Quit => break Ok(()),
                    Action::Hangup(id) => {
                        state.status = match client.hangup(&id).await {
                            Ok(()) => format!("hang-up of {id} sent"),
                            Err(e) => format!("could not hang up {id}: {e}"),
                        };
                    }
                    Action::Bundle(id) => {
                        state.status = match bundle(&id) {
                            Ok(path) => format!("bundle of {id} written to {path}"),
                            Err(e) => format!("no bundle of {id}: {e}"),
                        };
                    }
                    Action::None => {}
                },
                Some(Input::Redraw) => {}
                None => break Ok(()),
            },
            _ = term_signals.recv() => break Ok(()),
            _ = hup.recv() => break Ok(()),
        }
        follow(&client, &state, &mut following, &entries_tx);
        if let Err(e) = term.draw(|f| state.render(f)) {
            break Err(crate::Error::io("drawing vcctl top", e));
        }
    };
    stop.store(true, Ordering::Relaxed);
    // Not joined: after a hang-up (SSH gone, tmux killed) crossterm's read spins on the
    // terminal's end of file inside `event::read` and never returns; the thread ends with
    // the process, which exits right after this.
    drop(reader);
    result
}

/// One refresh: the calls and the totals.
async fn poll(client: &ServeClient, state: &mut TopState) {
    let (calls, totals) = tokio::join!(client.calls(), client.totals());
    match (calls, totals) {
        (Ok(c), Ok(t)) => state.update(&c, t),
        (Err(e), _) | (_, Err(e)) => state.error = Some(e.to_string()),
    }
}

/// Stream the timeline the view wants (the selected call in the detail view), stopping the
/// stream of a call it no longer shows.
fn follow(
    client: &ServeClient,
    state: &TopState,
    following: &mut Option<(String, tokio::task::JoinHandle<()>)>,
    tx: &mpsc::UnboundedSender<(String, Vec<serde_json::Value>)>,
) {
    let want = state.wants_timeline();
    if following.as_ref().map(|(id, _)| id.as_str()) == want {
        return;
    }
    if let Some((_, task)) = following.take() {
        task.abort();
    }
    let Some(id) = want.map(str::to_string) else {
        return;
    };
    let (client, tx) = (client.clone(), tx.clone());
    let call = id.clone();
    let task = tokio::spawn(async move {
        // Entries of this call, tagged with it, to the view.
        let (batch_tx, mut batches) = mpsc::unbounded_channel();
        let forward = {
            let (tx, call) = (tx.clone(), call.clone());
            tokio::spawn(async move {
                while let Some(b) = batches.recv().await {
                    if tx.send((call.clone(), b)).is_err() {
                        break;
                    }
                }
            })
        };
        let mut after = 0;
        loop {
            match client.follow(&call, after, &batch_tx).await {
                Ok(end) if end.call_ended => break,
                // Dropped as too slow, or the connection closed: resume where it stopped.
                Ok(end) => after = end.last,
                // Not live any more (404), or no token (401): nothing to follow.
                Err(ServeClientError::Status { .. } | ServeClientError::Unauthorized { .. }) => {
                    break
                }
                Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
        drop(batch_tx);
        let _ = forward.await;
    });
    *following = Some((id, task));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_keys_map_to_the_views_keys() {
        assert_eq!(
            key_of(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Key::CtrlC)
        );
        assert_eq!(
            key_of(KeyCode::Char('c'), KeyModifiers::NONE),
            Some(Key::Char('c'))
        );
        assert_eq!(key_of(KeyCode::Up, KeyModifiers::NONE), Some(Key::Up));
        assert_eq!(key_of(KeyCode::Enter, KeyModifiers::NONE), Some(Key::Enter));
        assert_eq!(key_of(KeyCode::F(1), KeyModifiers::NONE), None);
    }
}
