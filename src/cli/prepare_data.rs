//! `mlp-lab prepare-data`: writes the compact subsets the page fetches (`<name>.json` manifest,
//! `<name>.train.bin.gz`, `<name>.test.bin.gz`) from the real data files. Sets whose files are missing
//! are skipped with the reason; the rest are still written.

use std::path::Path;

use super::args::PrepareArgs;
use crate::data::named::{load_named, resolve_data_dir, NAMED_SETS};
use crate::data::prepared::{write_prepared, Provenance};

/// (name, training rows, test rows) of the default subsets; `None` keeps every row.
const SUBSETS: [(&str, Option<usize>, Option<usize>); 8] = [
    ("mnist", Some(10_000), Some(2_000)),
    ("fashion-mnist", Some(10_000), Some(2_000)),
    ("cifar10", Some(10_000), Some(2_000)),
    ("breast-cancer", None, None),
    ("diabetes", None, None),
    ("digits", None, None),
    ("iris", None, None),
    ("wine", None, None),
];

/// Sets large enough that `--full` also writes every row as `<name>-full`.
const FULL: [&str; 3] = ["mnist", "fashion-mnist", "cifar10"];

/// Bytes and data sets written so far, and sets skipped.
#[derive(Default)]
struct Tally {
    written: usize,
    skipped: usize,
    bytes: u64,
}

pub fn run(args: PrepareArgs) -> Result<(), String> {
    let dir = resolve_data_dir(args.data_dir.as_deref()).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    debug_assert_eq!(SUBSETS.len(), NAMED_SETS.len());
    let mut tally = Tally::default();
    for (name, limit_train, limit_test) in SUBSETS {
        if args.only.is_empty() || args.only.iter().any(|o| o == name) {
            prepare_set(&args, &dir, name, (limit_train, limit_test), &mut tally)?;
        }
    }
    eprintln!(
        "wrote {} data set(s), {:.1} MB, to {} ({} skipped)",
        tally.written,
        tally.bytes as f64 / 1e6,
        args.out.display(),
        tally.skipped
    );
    if tally.written == 0 {
        return Err(format!(
            "no data set could be prepared from {}",
            dir.display()
        ));
    }
    Ok(())
}

/// Writes one named set's subset (and with `--full`, its every row as `<name>-full`); a set
/// whose files are missing is skipped with the reason.
fn prepare_set(
    args: &PrepareArgs,
    dir: &Path,
    name: &str,
    (limit_train, limit_test): (Option<usize>, Option<usize>),
    tally: &mut Tally,
) -> Result<(), String> {
    let set = match load_named(name, dir) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("skipped {name}: {e}");
            tally.skipped += 1;
            return Ok(());
        }
    };
    let about = Provenance {
        source: &set.source,
        licence: &set.licence,
        note: &set.note,
    };
    let mut outputs = vec![(name.to_string(), limit_train, limit_test)];
    if args.full && FULL.contains(&name) {
        outputs.push((format!("{name}-full"), None, None));
    }
    for (out_name, lt, ls) in outputs {
        let m = write_prepared(
            &args.out,
            &out_name,
            &set.train,
            set.test.as_ref(),
            lt,
            ls,
            &about,
        )
        .map_err(|e| e.to_string())?;
        let stored = |p: &crate::data::prepared::PreparedPart| p.file_bytes.unwrap_or(p.bytes);
        let bytes = stored(&m.train) + m.test.as_ref().map_or(0, stored);
        tally.bytes += bytes;
        tally.written += 1;
        eprintln!(
            "{out_name:<20} train {:>6} of {:>6}  test {:>6}  {:>8.1} MB (gzip)",
            m.train.n,
            m.train.of,
            m.test.as_ref().map_or(0, |t| t.n),
            bytes as f64 / 1e6
        );
    }
    Ok(())
}
