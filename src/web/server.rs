//! The page's HTTP/1.1 server: hyper under the axum router, with what `axum::serve` lacks: a
//! timeout for the request headers (which also closes idle kept-alive connections), a cap on
//! open connections (more are answered 503 and closed), and each connection's peer address for
//! the login throttle.

use super::AppState;
use anyhow::Result;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::service::Service;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

/// What a connection over the cap is told before it is closed.
const FULL: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Type: text/plain\r\n\
Content-Length: 44\r\nConnection: close\r\n\r\nToo many connections: try again in a moment\n";

/// Serves `state`'s page on `listener` until `shutdown` resolves, then lets the requests in hand
/// finish.
pub async fn serve_listener(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let limits = state.limits.clone();
    super::question_codes::spawn_fill_in(state.store.clone());
    let refused = state.connections_refused.clone();
    let app = super::router(state);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors, say: let some connections end first.
                        tracing::warn!("the staff page cannot accept a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                match slots.clone().try_acquire_owned() {
                    Ok(slot) => {
                        connections.spawn(connection(
                            stream,
                            peer,
                            app.clone(),
                            limits.header_timeout,
                            stop_rx.clone(),
                            slot,
                        ));
                    }
                    Err(_) => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        // A fresh socket's send buffer takes the answer at once; then close.
                        let _ = stream.try_write(FULL);
                        drop(stream);
                    }
                }
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Serves one connection until the client or the header timeout ends it, or shutdown.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: axum::Router,
    header_timeout: Duration,
    stop: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let tower = TowerToHyperService::new(app);
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        tower.call(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    // (The watch's guard is not Send: drop it inside this block.)
    let mut stop = stop;
    let stopped = async move {
        let _ = stop.wait_for(|stop| *stop).await;
    };
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!("a staff page connection ended: {e}");
            }
        }
        _ = stopped => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
