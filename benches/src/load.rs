//! Helpers shared by the server load programs (`pop3-load`, `imap-load`).

use std::collections::HashSet;

/// The proportional set size (PSS, KiB) of the processes `roots` and all their descendants:
/// shared pages of forked workers are counted once, so servers with one process per connection
/// and servers with one process for all compare fairly. Linux only (`/proc`); 0 elsewhere.
pub fn pss_kib(roots: &[u32]) -> u64 {
    let mut parent = std::collections::HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                // The command may hold spaces: the fields after the last ')' are fixed.
                if let Some(rest) = stat.rsplit_once(')').map(|x| x.1) {
                    if let Some(ppid) = rest.split_whitespace().nth(1) {
                        parent.insert(pid, ppid.parse::<u32>().unwrap_or(0));
                    }
                }
            }
        }
    }
    let roots: HashSet<u32> = roots.iter().copied().collect();
    let mut total = 0;
    for &pid in parent.keys() {
        let mut p = pid;
        let mut hops = 0;
        while !roots.contains(&p) && p > 1 && hops < 64 {
            p = parent.get(&p).copied().unwrap_or(0);
            hops += 1;
        }
        if roots.contains(&p) {
            if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
                for line in s.lines() {
                    if let Some(v) = line.strip_prefix("Pss:") {
                        total += v
                            .trim()
                            .trim_end_matches("kB")
                            .trim()
                            .parse::<u64>()
                            .unwrap_or(0);
                    }
                }
            }
        }
    }
    total
}

/// The value after `name` in an argument list (`--idle 500`).
pub fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}
