//! The MLPD binary subsets the page fetches, and their JSON manifest.
#![no_main]

#[path = "../common/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use mlp_lab::data::prepared::{encode_prepared, parse_manifest, parse_prepared_named};
use mlp_lab::data::{Dataset, Targets};

fuzz_target!(|data: &[u8]| {
    match parse_prepared_named("fuzz.train.bin", data) {
        Ok(ds) => {
            invariants::check_dataset(&ds);
            // What was read must write back to something that reads the same.
            let again = encode_prepared(&ds).expect("a parsed data set encodes");
            let back = parse_prepared_named("again", &again).expect("an encoded data set parses");
            assert_eq!(back, ds, "encode ∘ parse is not the identity");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    // The manifest, as the page reads it before fetching the binary parts, then applied to a
    // one-row data set of the width it claims (capped: the width is the manifest's word only).
    let Ok(manifest) = parse_manifest(&String::from_utf8_lossy(data)) else {
        return;
    };
    let d = manifest.d.min(4096);
    let mut ds = Dataset {
        features: vec![0.5; d],
        n: 1,
        d,
        targets: match manifest.n_classes {
            Some(k) if (1..=4096).contains(&k) => Targets::Classes {
                labels: vec![0],
                n_classes: k,
            },
            _ => Targets::Values {
                values: vec![0.0],
                k: 1,
            },
        },
        class_names: Vec::new(),
        feature_names: Vec::new(),
        image_shape: None,
    };
    if manifest.describe(&mut ds).is_ok() && ds.n_classes().is_some() {
        invariants::check_dataset(&ds);
    }
});
