//! temp
fn main() {
    for p in std::env::args().skip(1) {
        let b = std::fs::read(&p).expect("read");
        let d = parser_sarif::detect(b.get(..4096).unwrap_or(&b));
        match parser_sarif::parse(&b) {
            Err(e) => println!("{p}: {d:?} ERR {e:?}"),
            Ok(f) => {
                println!("{p}: {d:?} {} findings", f.len());
                for x in f.iter().take(std::env::var("N").ok().and_then(|n| n.parse().ok()).unwrap_or(3)) {
                    println!("  {} | {} | {:?} | {:?} {:?} | {:?} | cwes={:?} ids={:?} tags={:?} | locs={:?} | help={:?}\n    title={:?}\n    msg={:?}", x.tool, x.tool_version.as_deref().unwrap_or(""), x.rule_id, x.severity, x.tool_severity, x.kind, x.cwes, x.vulnerability_ids, x.tags, x.locations.iter().map(|l| format!("{}:{:?}", l.path, l.start_line)).collect::<Vec<_>>(), x.help_uri, x.title, x.message.chars().take(150).collect::<String>());
                }
            }
        }
    }
}
