//! Polling a future by hand in a test: a waker that reports each wake-up on a
//! channel, and one poll with it.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll, Wake, Waker};

/// Sends on a channel when woken (a full channel drops the extra wake-up).
struct ChannelWaker(mpsc::SyncSender<()>);

impl Wake for ChannelWaker {
    fn wake(self: Arc<Self>) {
        let _ = self.0.try_send(());
    }
}

/// A waker and the channel its wake-ups arrive on, holding up to `capacity`.
pub fn channel_waker(capacity: usize) -> (Waker, mpsc::Receiver<()>) {
    let (sender, receiver) = mpsc::sync_channel(capacity);
    (Waker::from(Arc::new(ChannelWaker(sender))), receiver)
}

/// Polls `future` once with `waker`: its output if ready.
pub fn ready<F: Future>(future: Pin<&mut F>, waker: &Waker) -> Option<F::Output> {
    match future.poll(&mut Context::from_waker(waker)) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}
