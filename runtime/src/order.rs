//! [`LockBefore`]: the one relation every acquisition is checked against.

use crate::level::{DeclareLevel, Level, TokenLevel, Unlocked};
use crate::rank::RankBelow;

/// `H: LockBefore<M>` means "while holding level `H`, level `M` may be acquired",
/// which is true exactly when `M`'s level is strictly above `H`'s.
///
/// It is the bound every lock method puts on the token's level, and the bound
/// to write on generic helpers that take a token:
///
/// ```
/// use lockladder::{lock_level, LockBefore, LockToken, Mutex};
///
/// #[lock_level(20)]
/// struct CoinManager {
///     coins: u64,
/// }
///
/// async fn refund<H: LockBefore<CoinManager>>(
///     token: &mut LockToken<'_, H>,
///     manager: &Mutex<CoinManager>,
/// ) {
///     let (mut coins, _token) = manager.lock(token).await;
///     coins.coins += 1;
/// }
/// # tokio_test_block_on(async {
/// let manager = Mutex::new(CoinManager { coins: 0 });
/// refund(&mut LockToken::new(), &manager).await;
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
///
/// An `async fn` helper like this one is reported three times when called from
/// too high a level (rustc checks the bound for the argument, the call and the
/// `.await`, since the returned future names `H`). To get one report, lock in the
/// caller and pass the guard down, or return
/// `Pin<Box<dyn Future<Output = _> + Send + 'a>>` from a plain `fn`.
///
/// The wrong order is a compile error that names both types:
///
/// ```compile_fail,E0277
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
///
/// async fn inverted(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>) {
///     let mut token = LockToken::new();
///     let (_coins, mut token) = coins.lock(&mut token).await;
///     // error: lock order violation: cannot acquire `Registry` while holding `CoinManager`
///     let (_registry, _token) = registry.lock(&mut token).await;
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "lock order violation: cannot acquire `{M}` while holding `{Self}`",
    label = "`{M}` is not above `{Self}` in the lock hierarchy",
    note = "a lock can only be taken while the token holds levels strictly below it, and `{M}` is not above `{Self}`",
    note = "release `{Self}` (its guard and its token) before taking `{M}`, or take the locks together, each once and in any order, with `token.lock_all(..)` (`token.lock_many(..)` for locks of one level); to write an `RwLock` you are reading, take it with `write` from the start",
    note = "in a generic function whose token level is a type parameter `H`, add the bound `H: LockBefore<{M}>`"
)]
pub trait LockBefore<M: Level>: TokenLevel {}

// Every level's rank is above `Unlocked`'s (a bound of `DeclareLevel`), so a
// root token may take any lock, also in generic code that knows only `M: Level`.
// Hidden from "is implemented for" lists: it is never the fix.
#[diagnostic::do_not_recommend]
impl<M: Level> LockBefore<M> for Unlocked {}

// `do_not_recommend` makes rustc report the unmet `LockBefore` itself (with the
// message above) instead of the digit comparison deep inside this impl. The held
// level's rank is read off `DeclareLevel`, which `Level` follows from: one
// projection instead of two, at every acquisition (`M::DeclaredRank` comes from
// `M: Level` through the supertrait, as cheaply).
#[diagnostic::do_not_recommend]
impl<H, M> LockBefore<M> for H
where
    H: DeclareLevel,
    M: Level,
    H::DeclaredRank: RankBelow<M::DeclaredRank>,
{
}
