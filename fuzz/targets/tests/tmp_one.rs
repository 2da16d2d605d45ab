#[test]
fn one() {
    let t = std::env::var("T").unwrap();
    let dir = std::env::var("D").unwrap();
    let (_, f) = mailwire_fuzz_targets::TARGETS.iter().find(|(n, _)| *n == t).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        if let Ok(only) = std::env::var("ONLY") { if !p.to_string_lossy().contains(&only) { continue; } }
        eprintln!("RUN {}", p.display());
        let data = std::fs::read(&p).unwrap();
        let r = std::panic::catch_unwind(|| f(&data));
        if r.is_err() { eprintln!("FAIL {}", p.display()); }
    }
}
