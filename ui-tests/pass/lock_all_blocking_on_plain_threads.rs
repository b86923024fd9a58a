// The blocking multi-lock helpers on plain threads: any argument order, a
// generic helper bounded by `LockBefore`, and the returned token used further.
use lockladder::{lock_level, sync, LockBefore, LockToken, Read, Write};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct Account {
    balance: u64,
}

#[lock_level(30)]
struct Ledger;

fn pay<H: LockBefore<Registry> + LockBefore<Account>>(
    token: &mut LockToken<'_, H>,
    registry: &sync::RwLock<Registry>,
    account: &sync::Mutex<Account>,
    ledger: &sync::Mutex<Ledger>,
) {
    let ((mut account, _registry), mut token) = token.lock_all_blocking((account, Read(registry)));
    account.balance += 1;
    let (_ledger, _token) = ledger.lock(&mut token);
}

fn main() {
    let registry = sync::RwLock::new(Registry);
    let ledger = sync::Mutex::new(Ledger);
    let accounts: Vec<sync::Mutex<Account>> =
        (0..3).map(|_| sync::Mutex::new(Account { balance: 0 })).collect();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut token = LockToken::new();
            pay(&mut token, &registry, &accounts[0], &ledger);
            let (mut all, _token) = token.lock_many_blocking(&accounts);
            all[2].balance += 1;
        });
        scope.spawn(|| {
            let mut token = LockToken::new();
            let ((_ledger, _registry), _token) =
                token.lock_all_blocking((&ledger, Write(&registry)));
        });
    });
}
