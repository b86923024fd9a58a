//! Instruction counts of the blocking set paths, for callgrind:
//! `valgrind --tool=callgrind target/release/examples/set_probe MODE N ITERS`.
//! Run twice with different ITERS and subtract to get instructions per take.

use std::hint::black_box;

use lockladder::{LockGroup, LockToken, lock_level, sync};

#[lock_level(50)]
enum Account {}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().expect("mode");
    let n: usize = args.next().expect("n").parse().expect("n");
    let iters: u64 = args.next().expect("iters").parse().expect("iters");
    let blocking: Vec<sync::Mutex<u64, Account>> = (0..8).map(sync::Mutex::with_level).collect();
    let raw: Vec<parking_lot::Mutex<u64>> = (0..8).map(parking_lot::Mutex::new).collect();
    let happy: Vec<happylock::Mutex<u64>> = (0..8).map(happylock::Mutex::new).collect();
    let sure: Vec<surelock::mutex::Mutex<u64>> = (0..8).map(surelock::mutex::Mutex::new).collect();
    match mode.as_str() {
        "raw" => {
            for _ in 0..iters {
                let mut guards: [Option<parking_lot::MutexGuard<'_, u64>>; 8] = Default::default();
                for (slot, lock) in guards.iter_mut().zip(&black_box(&raw)[..n]) {
                    *slot = Some(lock.lock());
                }
                black_box(guards.iter().flatten().map(|g| **g).sum::<u64>());
            }
        }
        "group" => {
            let mut group = LockGroup::new(blocking[..n].iter().rev());
            for _ in 0..iters {
                let mut t = LockToken::new();
                let (guards, _t) = black_box(&mut group).lock_blocking(&mut t);
                black_box(guards.iter().map(|g| **g).sum::<u64>());
            }
        }
        "many" => {
            for _ in 0..iters {
                let mut t = LockToken::new();
                let (guards, _t) = t.lock_many_blocking(black_box(&blocking)[..n].iter().rev());
                black_box(guards.iter().map(|g| **g).sum::<u64>());
            }
        }
        "happy" => {
            let mut key = Some(happylock::ThreadKey::get().expect("key"));
            let refs: Vec<&happylock::Mutex<u64>> = happy[..n].iter().rev().collect();
            let prebuilt = happylock::LockCollection::try_new(refs).expect("distinct");
            for _ in 0..iters {
                let guard = black_box(&prebuilt).lock(key.take().expect("key"));
                black_box(guard.iter().map(|g| **g).sum::<u64>());
                key = Some(happylock::LockCollection::<Vec<&happylock::Mutex<u64>>>::unlock(guard));
            }
        }
        "sure" => {
            let s = &sure;
            if n == 2 {
                let set = surelock::set::LockSet::new((&s[1], &s[0]));
                surelock::key::lock_scope(|mut key| {
                    for _ in 0..iters {
                        key = key
                            .subscope(|k| {
                                let ((a, b), _k) = k.lock(black_box(&set));
                                black_box(*a + *b);
                            })
                            .1;
                    }
                });
            } else {
                let set = surelock::set::LockSet::new((
                    &s[7], &s[6], &s[5], &s[4], &s[3], &s[2], &s[1], &s[0],
                ));
                surelock::key::lock_scope(|mut key| {
                    for _ in 0..iters {
                        key = key
                            .subscope(|k| {
                                let ((a, b, c, d, e, f, g, h), _k) = k.lock(black_box(&set));
                                black_box(*a + *b + *c + *d + *e + *f + *g + *h);
                            })
                            .1;
                    }
                });
            }
        }
        "amany" => {
            let ladder: Vec<lockladder::Mutex<u64, Account>> =
                (0..8).map(lockladder::Mutex::with_level).collect();
            for _ in 0..iters {
                let mut t = LockToken::new();
                let (guards, _t) = ready(t.lock_many(black_box(&ladder)[..n].iter().rev()));
                black_box(guards.iter().map(|g| **g).sum::<u64>());
            }
        }
        "araw" => {
            let raw_async: Vec<async_lock::Mutex<u64>> =
                (0..8).map(async_lock::Mutex::new).collect();
            for _ in 0..iters {
                ready(async {
                    let mut guards: [Option<async_lock::MutexGuard<'_, u64>>; 8] =
                        Default::default();
                    for (slot, lock) in guards.iter_mut().zip(&black_box(&raw_async)[..n]) {
                        *slot = Some(lock.lock().await);
                    }
                    black_box(guards.iter().flatten().map(|g| **g).sum::<u64>());
                });
            }
        }
        other => panic!("unknown mode {other}"),
    }
}

/// Polls an uncontended future once: it must be ready.
fn ready<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("uncontended"),
    }
}
