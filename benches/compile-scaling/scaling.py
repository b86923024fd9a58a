#!/usr/bin/env python3
"""Compile-time scaling of lockladder's order check with the number of levels.

Writes, for each N, two crates that do the same thing:

* ``ladder_<construct>_nN``: N types with ``#[lock_level]``, one ``lockladder::Mutex`` each,
  and M = 2*N nested acquisition sites: N take two locks directly, N take the
  outer lock and call a generic helper ``H: LockBefore<Lj>`` that takes the inner;
* ``tokio_<construct>_nN``: the same types, locks and sites on plain ``tokio::sync::Mutex``.

Then it measures ``cargo check`` of each crate alone (its dependencies are
built once beforehand, in a target dir shared by all generated crates; the
source is touched before every run, and incremental compilation is off so each
run checks the whole crate: with it, a touched but unchanged file re-checks in a
tenth of the time and measures nothing), wall time and CPU time (user + system of
cargo and rustc), takes the median of ``--runs`` runs and writes a CSV. Runs of
the two crates alternate so that load drift on a shared machine hits both alike.

``--construct`` bisects the cost: ``decl`` (levels declared, no lock sites),
``direct`` (direct sites only), ``generic`` (helper sites only), ``full`` (both,
the default), ``spawn`` (full, plus every site spawned with ``tokio::spawn``,
which adds the ``Send`` checks of every future) and ``decl-expanded`` (decl with
the attribute's expansion written out by hand: the macro's own cost is the
difference). ``--lockladder PATH --work DIR`` compares another checkout.
``--shape`` picks the data each lock guards: ``per-type`` (the default: each
level is a struct ``L{i} { v: u64 }`` with ``#[lock_level]``, each lock a
``Mutex<L{i}>``) or ``minimal`` (every lock guards a plain ``u64``, the level a
marker type: ``#[lock_level] enum L{i} {}``, ``Mutex<u64, L{i}>``; on tokio every
lock is the same ``Mutex<u64>``, so lockladder's per-level types are all the
difference). Give both to report both, each with its own rows.
``--relative`` adds a third crate to each run, ``relative_<construct>_nN``: the
lockladder crate with every second level declared relative to the one before it
(``#[lock_level(above(L0, 10))]``, or with ``--relative expression``
``#[lock_level(<L0 as lockladder::Level>::LEVEL + 10)]``; the same numbers as
the literals), measured
in the same alternation, so its ratio to tokio and to the all-literal crate come
from one run: the cost of composable levels, which evaluate a constant per
declaration.

``--instructions`` counts instead of timing: the ``rustc`` invocation that
``cargo check`` makes for each crate (read from ``cargo check -v``) runs once under
``valgrind --tool=cachegrind --cache-sim=no``, and the rows give its instructions
(``I refs``) and their ratio. Instruction counts do not depend on the machine's
load, so a change of a few percent is visible on a shared machine where CPU time
swings by tens of percent; CPU time (cache misses, memory) can still differ
from them.

Stdlib only. Run from anywhere:

    python3 benches/compile-scaling/scaling.py --levels 10 100 500 --runs 3
"""

import argparse
import csv
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORK = ROOT / "target" / "compile-scaling"
# The lockladder checkout the generated crates depend on (`--lockladder`).
LOCKLADDER = ROOT
# `--opt-macros`: build proc macros optimized (a profile setting users may have).
OPT_MACROS = "\n[profile.dev.build-override]\nopt-level = 3\n"
OPTIMIZE_MACROS = False
# `--relative [above|expression]`: also measure the `relative` flavour, every second
# level written as `above(previous, 10)` (computed on the ranks) or as the constant
# expression `<previous as Level>::LEVEL + 10` (evaluated by rustc).
RELATIVE = None
CONSTRUCTS = ("decl", "decl-expanded", "direct", "generic", "full", "spawn")
SHAPES = ("per-type", "minimal")


def level_of(i):
    """Level number of the i-th type: spread out, as real hierarchies are."""
    return 10 * (i + 1)


def direct_pair(i, n):
    """(outer, inner) of the i-th direct site: neighbours, inner above outer."""
    return (i, i + 1) if i + 1 < n else (0, n - 1)


def generic_pair(i, n):
    """(outer, inner) of the i-th helper site: a pseudo-random level above."""
    if i + 1 >= n:
        return (0, n - 1)
    return (i, i + 1 + (i * 7919) % (n - 1 - i))


# Call sites per level of each construct.
SITES = {"decl": 0, "decl-expanded": 0, "direct": 1, "generic": 1, "full": 2, "spawn": 2}


def sites(construct):
    return {
        "decl": (False, False),
        "decl-expanded": (False, False),
        "direct": (True, False),
        "generic": (False, True),
        "full": (True, True),
        "spawn": (True, True),
    }[construct]


# The same program in both flavours: per-level declaration, generic helper (one per
# inner level), direct site and helper site. `{i}`, `{j}`: level indices; `{a}`,
# `{b}`: outer and inner lock of a site.
FLAVOURS = {
    "ladder": {
        "title": "lockladder",
        "use": "use lockladder::{lock_level, LockBefore, LockToken, Mutex};",
        "level": "#[lock_level({level})]\npub struct L{i} {{ pub v: u64 }}",
        "helper": """\
pub async fn bump_{j}<H: LockBefore<L{j}>>(
    token: &mut LockToken<'_, H>,
    lock: &Mutex<L{j}>,
) -> u64 {{
    let (mut guard, _token) = lock.lock(token).await;
    guard.v += 1;
    guard.v
}}""",
        "direct": """\
pub async fn direct_{i}(locks: &Locks) -> u64 {{
    let mut token = LockToken::new();
    let (mut outer, mut token) = locks.l{a}.lock(&mut token).await;
    let (mut inner, _token) = locks.l{b}.lock(&mut token).await;
    inner.v += 1;
    outer.v += inner.v;
    outer.v
}}""",
        "generic": """\
pub async fn generic_{i}(locks: &Locks) -> u64 {{
    let mut token = LockToken::new();
    let (mut outer, mut token) = locks.l{a}.lock(&mut token).await;
    outer.v += bump_{b}(&mut token, &locks.l{b}).await;
    outer.v
}}""",
    },
    "tokio": {
        "title": "plain tokio",
        "use": "use tokio::sync::Mutex;",
        "level": "pub struct L{i} {{ pub v: u64 }}",
        "helper": """\
pub async fn bump_{j}(lock: &Mutex<L{j}>) -> u64 {{
    let mut guard = lock.lock().await;
    guard.v += 1;
    guard.v
}}""",
        "direct": """\
pub async fn direct_{i}(locks: &Locks) -> u64 {{
    let mut outer = locks.l{a}.lock().await;
    let mut inner = locks.l{b}.lock().await;
    inner.v += 1;
    outer.v += inner.v;
    outer.v
}}""",
        "generic": """\
pub async fn generic_{i}(locks: &Locks) -> u64 {{
    let mut outer = locks.l{a}.lock().await;
    outer.v += bump_{b}(&locks.l{b}).await;
    outer.v
}}""",
    },
}


def minimal(flavour):
    """The `minimal` shape of a flavour's templates: each lock guards a `u64`,
    the level (lockladder only) is a marker type."""
    t = dict(FLAVOURS[flavour])
    lock = "Mutex<u64, L{j}>" if flavour == "ladder" else "Mutex<u64>"
    for key in ("helper", "direct", "generic"):
        text = t[key]
        for name in ("guard", "inner", "outer"):
            text = text.replace(f"{name}.v", f"*{name}")
        t[key] = text.replace("Mutex<L{j}>", lock)
    t["level"] = "#[lock_level({level})]\npub enum L{i} {{}}" if flavour == "ladder" else ""
    t["field"] = "Mutex<u64, L{i}>" if flavour == "ladder" else "Mutex<u64>"
    t["new"] = "Mutex::with_level({i})" if flavour == "ladder" else "Mutex::new({i})"
    return t


def templates(flavour, shape):
    if shape == "minimal":
        return minimal(flavour)
    t = dict(FLAVOURS[flavour])
    t["field"] = "Mutex<L{i}>"
    t["new"] = "Mutex::new(L{i} {{ v: {i} }})"
    return t


def source(flavour, n, construct, shape="per-type"):
    """The generated crate's `lib.rs`."""
    relative = flavour == "relative"
    flavour = "ladder" if relative else flavour
    t = templates(flavour, shape)
    direct, generic = sites(construct)
    out = [
        f"//! Generated by benches/compile-scaling/scaling.py: {t['title']}, "
        f"{n} levels, construct `{construct}`, shape `{shape}`.",
        "#![allow(missing_docs, dead_code, unused_imports, clippy::all)]",
        t["use"],
        "",
    ]
    for i in range(n):
        if flavour == "ladder" and construct == "decl-expanded":
            out += expanded_level(i, shape)
        elif relative and i % 2 == 1:
            # The same number as the literal: 10 * (i + 1) == L{i-1} + 10.
            level = {
                "above": f"above(L{i - 1}, 10)",
                "expression": f"<L{i - 1} as lockladder::Level>::LEVEL + 10",
            }[RELATIVE]
            body = " {}" if shape == "minimal" else " { pub v: u64 }"
            kind = "enum" if shape == "minimal" else "struct"
            out.append(f"#[lock_level({level})]\npub {kind} L{i}{body}")
        elif t["level"]:
            out.append(t["level"].format(i=i, level=level_of(i)))
    out.append("pub struct Locks {")
    out += [f"    pub l{i}: " + t["field"].format(i=i) + "," for i in range(n)]
    out += ["}", "impl Locks {", "    pub fn new() -> Self {", "        Locks {"]
    out += [f"            l{i}: " + t["new"].format(i=i) + "," for i in range(n)]
    out += ["        }", "    }", "}"]
    if generic:
        for j in sorted({generic_pair(i, n)[1] for i in range(n)}):
            out.append(t["helper"].format(j=j))
    for i in range(n):
        if direct:
            a, b = direct_pair(i, n)
            out.append(t["direct"].format(i=i, a=a, b=b))
        if generic:
            a, b = generic_pair(i, n)
            out.append(t["generic"].format(i=i, a=a, b=b))
    if construct == "spawn":
        out += spawn_all(n)
    return "\n".join(out) + "\n"


def expanded_level(i, shape):
    """What `#[lock_level]` expands to, written out: isolates the macro's cost."""
    level = level_of(i)
    rank = "::lockladder::__private::rank"
    digits = ", ".join(f"{rank}::X{(level >> (4 * p)) & 0xF:X}" for p in range(3, -1, -1))
    return [
        f"pub enum L{i} {{}}" if shape == "minimal" else f"pub struct L{i} {{ pub v: u64 }}",
        "#[automatically_derived]",
        f"impl ::lockladder::__private::DeclareLevel for L{i} {{",
        f'    const DECLARED_NAME: &\'static str = "L{i}";',
        f"    type DeclaredRank = {rank}::Rank<{digits}>;",
        "}",
        f'::lockladder::__private::register_level!("L{i}", {level}u32);',
    ]


def spawn_all(n):
    out = ["pub fn spawn_all(locks: std::sync::Arc<Locks>) {"]
    for i in range(n):
        for kind in ("direct", "generic"):
            out += [
                "    {",
                "        let locks = locks.clone();",
                f"        tokio::spawn(async move {{ {kind}_{i}(&locks).await }});",
                "    }",
            ]
    out.append("}")
    return out


def manifest(name, flavour):
    tokio_features = '["sync", "rt"]'
    deps = f'tokio = {{ version = "1", default-features = false, features = {tokio_features} }}\n'
    if flavour in ("ladder", "relative"):
        deps += f'lockladder = {{ path = "{LOCKLADDER.as_posix()}" }}\n'
    return (
        "[package]\n"
        f'name = "{name}"\n'
        'version = "0.0.0"\n'
        'edition = "2024"\n'
        "publish = false\n\n"
        "[lib]\npath = \"src/lib.rs\"\n\n"
        f"[dependencies]\n{deps}\n"
        "# Not part of the lockladder workspace.\n[workspace]\n"
        + (OPT_MACROS if OPTIMIZE_MACROS else "")
    )


def write_crate(flavour, n, construct, shape):
    name = f"{flavour}_{construct}_n{n}" + ("_minimal" if shape == "minimal" else "")
    crate = WORK / name
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(manifest(name, flavour))
    (crate / "src" / "lib.rs").write_text(source(flavour, n, construct, shape))
    return crate


def cargo_check(crate):
    """Wall and CPU (user + system) time of one `cargo check` of the crate alone,
    in seconds. CPU time is the steadier of the two on a loaded machine."""
    # Incremental compilation would reuse the previous check of the touched, unchanged
    # source and time almost nothing; without it every run checks the whole crate.
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"), CARGO_INCREMENTAL="0")
    env.pop("RUSTFLAGS", None)
    (crate / "src" / "lib.rs").touch()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        ["cargo", "check", "--quiet", "--manifest-path", str(crate / "Cargo.toml")],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"cargo check failed for {crate.name}:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def rustc_command(crate):
    """The `rustc` command line `cargo check` runs for the crate itself."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"), CARGO_INCREMENTAL="0")
    env.pop("RUSTFLAGS", None)
    (crate / "src" / "lib.rs").touch()
    done = subprocess.run(
        ["cargo", "check", "-v", "--manifest-path", str(crate / "Cargo.toml")],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"cargo check failed for {crate.name}:\n{done.stderr}")
    for line in done.stderr.splitlines():
        line = line.strip()
        if line.startswith("Running `") and f"--crate-name {crate.name.replace('-', '_')} " in line:
            return line[len("Running `"):-1]
    sys.exit(f"no rustc command for {crate.name} in `cargo check -v`")


def instructions(crate):
    """Instructions rustc executes to check the crate (cachegrind's `I refs`)."""
    done = subprocess.run(
        "valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "
        + rustc_command(crate),
        shell=True,
        cwd=crate,
        capture_output=True,
        text=True,
    )
    for line in done.stderr.splitlines():
        if "I" in line and "refs:" in line:
            return int(line.split("refs:")[1].replace(",", ""))
    sys.exit(f"no instruction count for {crate.name}:\n{done.stderr[-2000:]}")


def load():
    return os.getloadavg()[0]


def main():
    global OPTIMIZE_MACROS, LOCKLADDER, WORK, RELATIVE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--construct", choices=CONSTRUCTS, nargs="+", default=["full"])
    parser.add_argument("--shape", choices=SHAPES, nargs="+", default=["per-type"])
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=ROOT / "benches" / "results" / "compile-scaling.csv",
    )
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count rustc's instructions under cachegrind (one run each) instead of timing",
    )
    parser.add_argument(
        "--lockladder",
        type=pathlib.Path,
        default=ROOT,
        help="the lockladder checkout to depend on (to compare two versions)",
    )
    parser.add_argument(
        "--work",
        type=pathlib.Path,
        default=WORK,
        help="where the generated crates and their target dir go",
    )
    parser.add_argument("--opt-macros", action="store_true", help=OPT_MACROS.strip())
    parser.add_argument(
        "--relative",
        nargs="?",
        const="above",
        choices=["above", "expression"],
        help="also measure a crate with every second level declared relatively, as "
        "`above(previous, 10)` (default) or `<previous as Level>::LEVEL + 10` (same numbers)",
    )
    args = parser.parse_args()
    OPTIMIZE_MACROS = args.opt_macros
    RELATIVE = args.relative
    LOCKLADDER = args.lockladder.resolve()
    WORK = args.work.resolve()

    rows = []
    for shape, construct, n in (
        (shape, construct, n)
        for shape in args.shape
        for construct in args.construct
        for n in args.levels
    ):
            flavours = ("ladder", "tokio") + (("relative",) if RELATIVE else ())
            crates = {f: write_crate(f, n, construct, shape) for f in flavours}
            if args.generate_only:
                continue
            for crate in crates.values():
                cargo_check(crate)  # builds the dependencies once; not measured
            if args.instructions:
                counts = {f: instructions(crate) for f, crate in crates.items()}
                row = {
                    "construct": construct,
                    "shape": shape,
                    "levels": n,
                    "sites": SITES[construct] * n,
                    "ladder_instructions": counts["ladder"],
                    "tokio_instructions": counts["tokio"],
                    "ratio": f"{counts['ladder'] / counts['tokio']:.3f}",
                }
                rows.append(row)
                print(
                    f"{shape:8} {construct:13} N={n:4}  instructions: lockladder "
                    f"{counts['ladder'] / 1e6:9.1f}M tokio {counts['tokio'] / 1e6:9.1f}M "
                    f"ratio {row['ratio']}",
                    flush=True,
                )
                continue
            wall = {f: [] for f in crates}
            cpu = {f: [] for f in crates}
            loads = []
            for _ in range(args.runs):
                for flavour, crate in crates.items():
                    loads.append(load())
                    w, c = cargo_check(crate)
                    wall[flavour].append(w)
                    cpu[flavour].append(c)
            med = {k: {f: statistics.median(v[f]) for f in crates} for k, v in (("wall", wall), ("cpu", cpu))}
            ratio = med["wall"]["ladder"] / med["wall"]["tokio"]
            cpu_ratio = med["cpu"]["ladder"] / med["cpu"]["tokio"]
            row = {
                "construct": construct + (f"+relative-{RELATIVE}" if RELATIVE else ""),
                "shape": shape,
                "levels": n,
                "sites": SITES[construct] * n,
                "ladder_s": f"{med['wall']['ladder']:.3f}",
                "tokio_s": f"{med['wall']['tokio']:.3f}",
                "ratio": f"{ratio:.2f}",
                "ladder_cpu_s": f"{med['cpu']['ladder']:.3f}",
                "tokio_cpu_s": f"{med['cpu']['tokio']:.3f}",
                "cpu_ratio": f"{cpu_ratio:.2f}",
                # Noise on a shared machine only ever adds time: the minimum is the
                # steadiest estimate when others are building.
                "min_ratio": f"{min(wall['ladder']) / min(wall['tokio']):.2f}",
                "min_cpu_ratio": f"{min(cpu['ladder']) / min(cpu['tokio']):.2f}",
                "ladder_runs": " ".join(f"{t:.3f}" for t in wall["ladder"]),
                "tokio_runs": " ".join(f"{t:.3f}" for t in wall["tokio"]),
                "max_load1": f"{max(loads):.2f}",
            }
            if RELATIVE:
                row.update({
                    "relative_s": f"{med['wall']['relative']:.3f}",
                    "relative_cpu_s": f"{med['cpu']['relative']:.3f}",
                    "relative_ratio": f"{med['wall']['relative'] / med['wall']['tokio']:.2f}",
                    "relative_cpu_ratio": f"{med['cpu']['relative'] / med['cpu']['tokio']:.2f}",
                    "relative_vs_literal_cpu": f"{med['cpu']['relative'] / med['cpu']['ladder']:.2f}",
                    "relative_runs": " ".join(f"{t:.3f}" for t in wall["relative"]),
                    "relative_cpu_runs": " ".join(f"{t:.3f}" for t in cpu["relative"]),
                    "ladder_cpu_runs": " ".join(f"{t:.3f}" for t in cpu["ladder"]),
                    "tokio_cpu_runs": " ".join(f"{t:.3f}" for t in cpu["tokio"]),
                })
            rows.append(row)
            print(
                f"{shape:8} {construct:13} N={n:4}  wall: lockladder {med['wall']['ladder']:7.3f}s "
                f"tokio {med['wall']['tokio']:7.3f}s ratio {ratio:5.2f}  "
                f"cpu ratio {cpu_ratio:5.2f}  (max load {max(loads):.2f})",
                flush=True,
            )
            if RELATIVE:
                print(
                    f"{'  relative':13} N={n:4}  wall: {med['wall']['relative']:7.3f}s ratio "
                    f"{row['relative_ratio']}  cpu ratio {row['relative_cpu_ratio']}  "
                    f"(cpu vs all-literal {row['relative_vs_literal_cpu']})",
                    flush=True,
                )
    if rows:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
