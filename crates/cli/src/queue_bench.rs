//! `worktrack bench queue`: a national-scale demo (by default 1,300 offices, 1,000,000 work
//! items, 3,000,000 documents), then `wrk` against one office's queue page, its queue API and a
//! search for a common word, next to the same store calls made directly (the floor, without
//! HTTP, sessions or templates) in the same run. It prints what it measured; it asserts nothing.

use crate::bench;
use crate::load::{self, floor, row, verdict, viewer, wrk, Figures, WRK_SCRIPT};
use anyhow::bail;
use std::process::ExitCode;
use std::sync::Arc;
use worktrack_corpus::scale::{self, ScaleSpec};
use worktrack_store::{QueueQuery, QueueView, Store, Viewer};

#[derive(clap::Args, Debug)]
pub struct QueueBenchArgs {
    #[arg(long, default_value_t = 1300)]
    pub offices: usize,
    #[arg(long, default_value_t = 1_000_000)]
    pub items: usize,
    #[arg(long, default_value_t = 3_000_000)]
    pub documents: usize,
    #[command(flatten)]
    pub run: load::RunArgs,
}

pub async fn queue_bench(args: QueueBenchArgs) -> anyhow::Result<ExitCode> {
    if args.offices == 0 || args.items == 0 || args.run.seconds == 0 || args.run.connections == 0 {
        bail!("--offices, --items, --seconds and --connections must be at least 1");
    }
    let bench = load::open(&args.run, "queue").await?;
    let (dir, config, store) = (&bench.dir, &bench.config, &bench.store);
    load::ensure_scale_demo(
        store,
        &ScaleSpec {
            offices: args.offices,
            items: args.items,
            documents: args.documents,
            staff: 6,
            seed: 7,
        },
        dir,
    )
    .await?;
    let office = store.office_by_code("S0001").await?;
    let manager = store.user_by_username("scale.manager.1").await?;
    let session = store.create_session(&manager).await?;
    let token = load::api_token(store, &manager, 3_600_000).await?;
    let running = bench::start_server(config, store).await?;
    let url = running.url();
    let script = dir.join("wrk-report.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let cookie = format!("Cookie: wt_session={session}");
    let bearer = format!("Authorization: Bearer {token}");
    let calendar = store.office_calendar(&office).await?;
    let open_items: i64 = store
        .queue_counts(
            &viewer(store, &manager).await?,
            &office,
            &calendar,
            office.today(),
        )
        .await?
        .open;

    let (secs, conns) = (args.run.seconds, args.run.connections);
    eprintln!("measuring ({secs} s per run, {conns} connections) ...");
    let run = |path: &str, header: &str| {
        let target = format!("{url}{path}");
        let (header, script) = (header.to_owned(), script.clone());
        async move { wrk(&target, &header, secs, conns, &script).await }
    };
    let page = run("/work?office=S0001", &cookie).await?;
    let api = run("/api/v1/work-items?office=S0001", &bearer).await?;
    let search = run("/search?q=earnings&office=S0001", &cookie).await?;

    let v = Arc::new(viewer(store, &manager).await?);
    let (queue_floor, search_floor) =
        direct_floors(store, v, office.id, office.today(), secs, conns).await?;
    running.stop().await?;

    let backend = bench.backend();
    let sizes = scale::table_sizes(store).await?;
    bench.store.close().await;
    print_report(
        &args,
        backend,
        sizes,
        open_items,
        [&page, &api, &queue_floor, &search, &search_floor],
    );
    Ok(ExitCode::SUCCESS)
}

/// The same queue query and search as the pages make, called on the store directly.
async fn direct_floors(
    store: &Store,
    v: Arc<Viewer>,
    office_id: i64,
    today: time::Date,
    secs: u64,
    conns: usize,
) -> anyhow::Result<(Figures, Figures)> {
    let query = QueueQuery {
        office_id,
        view: QueueView::Open,
        workload: None,
        assignee_id: None,
        age: None,
        after: None,
        limit: crate::queue_bench::QUEUE_PAGE,
        today,
    };
    let (s1, v1, q1) = (store.clone(), v.clone(), query.clone());
    let queue_floor = floor(secs, conns, move || {
        let (s, v, q) = (s1.clone(), v1.clone(), q1.clone());
        async move {
            s.queue(&v, &q).await?;
            Ok(())
        }
    })
    .await?;
    let (s2, v2, oid) = (store.clone(), v.clone(), office_id);
    let search_floor = floor(secs, conns, move || {
        let (s, v) = (s2.clone(), v2.clone());
        async move {
            s.search_work(&v, "earnings", Some(oid), false, 50).await?;
            Ok(())
        }
    })
    .await?;
    Ok((queue_floor, search_floor))
}

/// The table of the five runs and whether the goals are met.
fn print_report(
    args: &QueueBenchArgs,
    backend: &str,
    (items, docs, offices): (i64, i64, i64),
    open_items: i64,
    [page, api, queue_floor, search, search_floor]: [&Figures; 5],
) {
    let (secs, conns) = (args.run.seconds, args.run.connections);
    println!();
    println!(
        "Work queue benchmark: {offices} offices, {items} work items, {docs} documents ({} backend); office S0001 has {open_items} open items; {conns} connections, {secs} s per run, 2 wrk threads, on this machine ({} cores).",
        backend,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    load::table_head();
    row("queue page GET /work (HTML, session)", page);
    row("queue API GET /api/v1/work-items (token)", api);
    row("floor: the same queue query, direct", queue_floor);
    row("search page GET /search?q=earnings", search);
    row("floor: the same search, direct", search_floor);
    println!();
    println!(
        "Goals: queue p99 <= 25 ms at >= 1000 req/s; search p95 <= 100 ms. Queue page {}, API {}; search {}.",
        verdict(page.p99_ms <= 25.0 && page.rps >= 1000.0),
        verdict(api.p99_ms <= 25.0 && api.rps >= 1000.0),
        verdict(search.p95_ms <= 100.0)
    );
}

/// Rows on one queue page (as the page shows).
pub const QUEUE_PAGE: i64 = 50;
