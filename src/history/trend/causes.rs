//! One root cause across runs. Records of the same failure family and the same host that
//! fail at one of the same endpoints are one root cause, whatever port the host listened on
//! that night and whatever mix of categories it showed; a record that knows no endpoint
//! (runs recorded before endpoints were, or failures without a URL) joins any of its family
//! and host. Pure: records in, groups out. It does not decide whether a cause is new,
//! recurring or resolved: the trend ([`super`]) does.

use crate::history::RunRecord;
use crate::history::record::RootCauseRecord;
use std::collections::BTreeMap;

/// The host of a `host:port` target (`[v6]:port` keeps its brackets); a target without a
/// port is its own host.
pub fn host_of(target: &str) -> &str {
    if target.starts_with('[') {
        return match target.find(']') {
            Some(end) => &target[..=end],
            None => target,
        };
    }
    match target.rsplit_once(':') {
        Some((host, port))
            if !host.contains(':')
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            host
        }
        _ => target,
    }
}

fn family_host(rc: &RootCauseRecord) -> (&str, &str) {
    (&rc.family, host_of(rc.target.as_deref().unwrap_or("")))
}

/// Same family and host, and a shared endpoint (or either knows none).
pub fn same_cause(a: &RootCauseRecord, b: &RootCauseRecord) -> bool {
    family_host(a) == family_host(b)
        && (a.endpoints.is_empty()
            || b.endpoints.is_empty()
            || a.endpoints.iter().any(|e| b.endpoints.contains(e)))
}

/// A root cause across runs: its records, each with the index of its run.
#[derive(Debug)]
pub struct Cluster<'a> {
    /// `(run index, record)`, in run order.
    pub members: Vec<(usize, &'a RootCauseRecord)>,
}

impl Cluster<'_> {
    /// Whether run `i` has this root cause.
    pub fn in_run(&self, i: usize) -> bool {
        self.members.iter().any(|(r, _)| *r == i)
    }
}

/// Union-find over indices.
struct Sets(Vec<usize>);

impl Sets {
    fn add(&mut self) -> usize {
        self.0.push(self.0.len());
        self.0.len() - 1
    }
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        self.0[a.max(b)] = a.min(b);
    }
}

/// The nodes of one family and host: one per endpoint, one for "endpoint unknown".
#[derive(Default)]
struct Group<'a> {
    endpoints: BTreeMap<&'a str, usize>,
    unknown: Option<usize>,
}

/// Groups the root causes of `runs` (oldest first) into clusters, in order of first
/// appearance. Linear in the number of records.
pub fn clusters(runs: &[RunRecord]) -> Vec<Cluster<'_>> {
    let members: Vec<(usize, &RootCauseRecord)> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.root_causes.iter().map(move |c| (i, c)))
        .collect();
    let mut sets = Sets(Vec::new());
    let mut groups: BTreeMap<(&str, &str), Group<'_>> = BTreeMap::new();
    let mut nodes = Vec::with_capacity(members.len());
    for &(_, rc) in &members {
        let me = sets.add();
        nodes.push(me);
        let group = groups.entry(family_host(rc)).or_default();
        if rc.endpoints.is_empty() {
            let node = *group.unknown.get_or_insert_with(|| sets.add());
            sets.join(me, node);
        }
        for e in &rc.endpoints {
            let node = *group.endpoints.entry(e).or_insert_with(|| sets.add());
            sets.join(me, node);
        }
    }
    for group in groups.values() {
        if let Some(unknown) = group.unknown {
            for &node in group.endpoints.values() {
                sets.join(unknown, node);
            }
        }
    }
    let mut by_root: BTreeMap<usize, Cluster<'_>> = BTreeMap::new();
    for (member, node) in members.into_iter().zip(nodes) {
        let root = sets.root(node);
        by_root
            .entry(root)
            .or_insert_with(|| Cluster {
                members: Vec::new(),
            })
            .members
            .push(member);
    }
    let mut out: Vec<Cluster<'_>> = by_root.into_values().collect();
    out.sort_by_key(|c| c.members.first().map(|m| m.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc(family: &str, target: &str, endpoints: &[&str]) -> RootCauseRecord {
        RootCauseRecord {
            fingerprint: format!("{family}|{target}|x"),
            family: family.into(),
            target: Some(target.into()),
            endpoints: endpoints.iter().map(|e| e.to_string()).collect(),
            ..RootCauseRecord::default()
        }
    }

    #[test]
    fn hosts_without_their_ports() {
        assert_eq!(host_of("127.0.0.1:54789"), "127.0.0.1");
        assert_eq!(host_of("api.internal"), "api.internal");
        assert_eq!(host_of("[::1]:8443"), "[::1]");
        assert_eq!(host_of("fe80::1"), "fe80::1");
    }

    #[test]
    fn a_port_change_is_the_same_root_cause_another_endpoint_is_not() {
        let a = rc("unreachable", "127.0.0.1:40001", &["POST /jobs"]);
        assert!(same_cause(
            &a,
            &rc("unreachable", "127.0.0.1:40777", &["POST /jobs"])
        ));
        assert!(!same_cause(
            &a,
            &rc("unreachable", "127.0.0.1:40001", &["GET /other"])
        ));
        assert!(!same_cause(
            &a,
            &rc("error_responses", "127.0.0.1:40001", &["POST /jobs"])
        ));
        assert!(!same_cause(
            &a,
            &rc("unreachable", "10.0.0.1:40001", &["POST /jobs"])
        ));
        assert!(
            same_cause(&a, &rc("unreachable", "127.0.0.1:1", &[])),
            "unknown endpoints"
        );
    }

    #[test]
    fn clusters_chain_through_shared_endpoints_across_runs() {
        let run = |causes: Vec<RootCauseRecord>| RunRecord {
            root_causes: causes,
            ..RunRecord::default()
        };
        let runs = vec![
            run(vec![
                rc("unreachable", "h:1", &["GET /a"]),
                rc("client_pool", "h:1", &[]),
            ]),
            run(vec![rc("unreachable", "h:2", &["GET /a", "GET /b"])]),
            run(vec![rc("unreachable", "h:3", &["GET /b"])]),
            run(vec![rc("unreachable", "h:4", &["GET /c"])]),
        ];
        let c = clusters(&runs);
        let shape: Vec<Vec<usize>> = c
            .iter()
            .map(|c| c.members.iter().map(|m| m.0).collect())
            .collect();
        assert_eq!(shape, vec![vec![0, 1, 2], vec![0], vec![3]]);
        assert!(c[0].in_run(2) && !c[0].in_run(3));
    }
}
