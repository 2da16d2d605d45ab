//! THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3 "THREAD Command").
//!
//! Both algorithms work on an arena of nodes and never recurse, so a reply chain of any length
//! is safe; the resulting [`ThreadNode`] tree also drops without recursion.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::sort::subject_key;

/// What threading needs to know about one message. Pass the messages in mailbox order
/// (ascending sequence numbers): that order breaks ties between equal sent dates (RFC 5256
/// §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThreadInput {
    /// The number to report: a sequence number (THREAD) or a UID (UID THREAD).
    pub id: u32,
    /// The normalized Message-ID (see [`super::ParsedMessage::message_id`]).
    pub message_id: Option<String>,
    /// The references (see [`super::ParsedMessage::thread_references`]).
    pub references: Vec<String>,
    /// The base subject (RFC 5256 §2.1).
    pub base_subject: String,
    /// Whether base subject extraction found a reply or forward marker.
    pub is_reply_or_forward: bool,
    /// The sent date as Unix seconds, with the INTERNALDATE substituted when the Date field is
    /// missing or unreadable (RFC 5256 §2.2).
    pub sent: i64,
}

/// A node of a thread tree (RFC 5256 §4 `thread-list`). `id` is `None` for a dummy node: a
/// top-level node that only groups its children (REFERENCES step 3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThreadNode {
    /// The message's number, or `None` for a dummy.
    pub id: Option<u32>,
    /// The replies, in thread order.
    pub children: Vec<ThreadNode>,
}

impl Drop for ThreadNode {
    fn drop(&mut self) {
        // Flatten before dropping so that a long reply chain does not recurse.
        let mut stack = std::mem::take(&mut self.children);
        while let Some(mut node) = stack.pop() {
            stack.append(&mut node.children);
        }
    }
}

/// `THREAD=ORDEREDSUBJECT` (RFC 5256 §3): messages grouped by base subject, each group's first
/// message (by sent date) at the top with the others as its children; groups ordered by the
/// sent date of their first message.
pub fn thread_orderedsubject(messages: &[ThreadInput]) -> Vec<ThreadNode> {
    let keys: Vec<String> = messages
        .iter()
        .map(|m| subject_key(&m.base_subject))
        .collect();
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by(|&a, &b| {
        keys[a]
            .cmp(&keys[b])
            .then(messages[a].sent.cmp(&messages[b].sent))
            .then(a.cmp(&b))
    });
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some(g) if keys[g[0]] == keys[i] => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups.sort_by(|a, b| {
        messages[a[0]]
            .sent
            .cmp(&messages[b[0]].sent)
            .then(a[0].cmp(&b[0]))
    });
    groups
        .into_iter()
        .map(|g| ThreadNode {
            id: Some(messages[g[0]].id),
            children: g[1..]
                .iter()
                .map(|&i| ThreadNode {
                    id: Some(messages[i].id),
                    children: Vec::new(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
struct Node {
    /// Index into the input, `None` for a dummy.
    msg: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

struct Arena<'a> {
    nodes: Vec<Node>,
    messages: &'a [ThreadInput],
}

impl Arena<'_> {
    fn new_node(&mut self, msg: Option<usize>) -> usize {
        self.nodes.push(Node {
            msg,
            ..Node::default()
        });
        self.nodes.len() - 1
    }

    /// Whether `a` is `b` or one of its descendants (walks up from `a`).
    fn is_descendant_or_self(&self, a: usize, b: usize) -> bool {
        if a != b && self.nodes[b].children.is_empty() {
            // A childless node has no descendants: no walk needed (keeps long chains linear).
            return false;
        }
        let mut at = Some(a);
        while let Some(n) = at {
            if n == b {
                return true;
            }
            at = self.nodes[n].parent;
        }
        false
    }

    fn unlink(&mut self, child: usize) {
        if let Some(p) = self.nodes[child].parent.take() {
            self.nodes[p].children.retain(|&c| c != child);
        }
    }

    /// Makes `parent` the parent of `child` unless that would create a loop.
    fn link(&mut self, parent: usize, child: usize) -> bool {
        if self.is_descendant_or_self(parent, child) {
            return false;
        }
        self.unlink(child);
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
        true
    }

    /// The message whose date and subject stand for node `n`: itself, or a dummy's first child.
    fn representative(&self, n: usize) -> Option<usize> {
        match self.nodes[n].msg {
            Some(m) => Some(m),
            None => self.nodes[n]
                .children
                .first()
                .and_then(|&c| self.nodes[c].msg),
        }
    }

    fn compare(&self, a: usize, b: usize) -> Ordering {
        match (self.representative(a), self.representative(b)) {
            (Some(x), Some(y)) => self.messages[x]
                .sent
                .cmp(&self.messages[y].sent)
                .then(x.cmp(&y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.cmp(&b),
        }
    }

    fn sort(&self, list: &mut [usize]) {
        list.sort_by(|&a, &b| self.compare(a, b));
    }

    /// Nodes reachable from `roots`, children before parents.
    fn post_order(&self, roots: &[usize]) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
        while let Some((n, expanded)) = stack.pop() {
            if expanded {
                out.push(n);
            } else {
                stack.push((n, true));
                for &c in self.nodes[n].children.iter().rev() {
                    stack.push((c, false));
                }
            }
        }
        out
    }

    fn build(&self, roots: &[usize]) -> Vec<ThreadNode> {
        let mut built: HashMap<usize, ThreadNode> = HashMap::new();
        for n in self.post_order(roots) {
            let children = self.nodes[n]
                .children
                .iter()
                .filter_map(|c| built.remove(c))
                .collect();
            built.insert(
                n,
                ThreadNode {
                    id: self.nodes[n].msg.map(|m| self.messages[m].id),
                    children,
                },
            );
        }
        roots.iter().filter_map(|r| built.remove(r)).collect()
    }
}

/// `THREAD=REFERENCES` (RFC 5256 §3), steps 1 to 6.
pub fn thread_references(messages: &[ThreadInput]) -> Vec<ThreadNode> {
    let mut arena = Arena {
        nodes: Vec::with_capacity(messages.len() * 2),
        messages,
    };
    let mut by_id: HashMap<&str, usize> = HashMap::new();

    // Step 1.
    for (i, m) in messages.iter().enumerate() {
        // The message's own node: the dummy already created for its id, or a new node; a
        // duplicate or missing id gets a unique node outside the table.
        let own = match m.message_id.as_deref() {
            Some(id) => match by_id.get(id) {
                Some(&n) if arena.nodes[n].msg.is_none() => {
                    arena.nodes[n].msg = Some(i);
                    n
                }
                Some(_) => arena.new_node(Some(i)),
                None => {
                    let n = arena.new_node(Some(i));
                    by_id.insert(id, n);
                    n
                }
            },
            None => arena.new_node(Some(i)),
        };
        // (A) Link the references in order, never changing an existing parent.
        let mut prev: Option<usize> = None;
        for r in &m.references {
            let node = match by_id.get(r.as_str()) {
                Some(&n) => n,
                None => {
                    let n = arena.new_node(None);
                    by_id.insert(r.as_str(), n);
                    n
                }
            };
            if let Some(p) = prev {
                if arena.nodes[node].parent.is_none() && p != node {
                    arena.link(p, node);
                }
            }
            prev = Some(node);
        }
        // (B) The last reference becomes the parent, replacing any existing link.
        match prev {
            Some(p) if p != own => {
                if !arena.is_descendant_or_self(p, own) {
                    arena.link(p, own);
                }
            }
            _ => arena.unlink(own),
        }
        if prev.is_none() {
            arena.unlink(own);
        }
    }

    // Step 2: the parentless nodes are the top level.
    let mut roots: Vec<usize> = (0..arena.nodes.len())
        .filter(|&n| arena.nodes[n].parent.is_none())
        .collect();

    // Step 3: prune dummies, children first.
    for n in arena.post_order(&roots) {
        let children = std::mem::take(&mut arena.nodes[n].children);
        let mut kept = Vec::with_capacity(children.len());
        for c in children {
            if arena.nodes[c].msg.is_none() {
                let grand = std::mem::take(&mut arena.nodes[c].children);
                for &g in &grand {
                    arena.nodes[g].parent = Some(n);
                }
                kept.extend(grand);
            } else {
                kept.push(c);
            }
        }
        arena.nodes[n].children = kept;
    }
    let mut top = Vec::with_capacity(roots.len());
    for r in roots.drain(..) {
        if arena.nodes[r].msg.is_some() {
            top.push(r);
            continue;
        }
        match arena.nodes[r].children.len() {
            0 => {}
            1 => {
                let only = arena.nodes[r].children[0];
                arena.nodes[only].parent = None;
                top.push(only);
            }
            _ => top.push(r),
        }
    }

    // Step 4: sort the top level (a dummy's children first, then by its first child).
    for &r in &top {
        if arena.nodes[r].msg.is_none() {
            let mut children = std::mem::take(&mut arena.nodes[r].children);
            arena.sort(&mut children);
            arena.nodes[r].children = children;
        }
    }
    arena.sort(&mut top);

    // Step 5: merge threads with the same base subject.
    let subject_of = |arena: &Arena<'_>, n: usize| -> Option<String> {
        arena
            .representative(n)
            .map(|m| subject_key(&messages[m].base_subject))
            .filter(|s| !s.is_empty())
    };
    let is_reply = |arena: &Arena<'_>, n: usize| -> bool {
        arena.nodes[n]
            .msg
            .is_some_and(|m| messages[m].is_reply_or_forward)
    };
    let is_dummy = |arena: &Arena<'_>, n: usize| arena.nodes[n].msg.is_none();
    let mut table: HashMap<String, usize> = HashMap::new();
    for &r in &top {
        let Some(subject) = subject_of(&arena, r) else {
            continue;
        };
        match table.get(&subject) {
            None => {
                table.insert(subject, r);
            }
            Some(&t) => {
                if !is_dummy(&arena, t)
                    && (is_dummy(&arena, r) || (is_reply(&arena, t) && !is_reply(&arena, r)))
                {
                    table.insert(subject, r);
                }
            }
        }
    }
    // Merging only re-parents top-level nodes; step 6 sorts the top level again, so the new
    // dummies can simply be appended.
    let mut deleted = vec![false; arena.nodes.len()];
    let mut extra = Vec::new();
    for &r in &top {
        if arena.nodes[r].parent.is_some() {
            // Already put under another thread's node.
            continue;
        }
        let Some(subject) = subject_of(&arena, r) else {
            continue;
        };
        let Some(&t) = table.get(&subject) else {
            continue;
        };
        if t == r {
            continue;
        }
        let (t_dummy, r_dummy) = (is_dummy(&arena, t), is_dummy(&arena, r));
        if t_dummy && r_dummy {
            let children = std::mem::take(&mut arena.nodes[r].children);
            for &c in &children {
                arena.nodes[c].parent = Some(t);
            }
            arena.nodes[t].children.extend(children);
            deleted[r] = true;
        } else if t_dummy || (is_reply(&arena, r) && !is_reply(&arena, t)) {
            arena.nodes[r].parent = Some(t);
            arena.nodes[t].children.push(r);
        } else {
            let dummy = arena.new_node(None);
            deleted.push(false);
            arena.nodes[t].parent = Some(dummy);
            arena.nodes[r].parent = Some(dummy);
            arena.nodes[dummy].children = vec![t, r];
            table.insert(subject, dummy);
            extra.push(dummy);
        }
    }
    let mut top: Vec<usize> = top
        .into_iter()
        .chain(extra)
        .filter(|&n| arena.nodes[n].parent.is_none() && !deleted[n])
        .collect();

    // Step 6: sort every set of siblings by sent date, deepest first.
    for n in arena.post_order(&top) {
        let mut children = std::mem::take(&mut arena.nodes[n].children);
        arena.sort(&mut children);
        arena.nodes[n].children = children;
    }
    arena.sort(&mut top);
    arena.build(&top)
}

/// Writes thread trees in the RFC 5256 §4 `thread-list` form: `(1 2 (3)(4))`. A node's only
/// child continues its list; several children are nested lists; a dummy contributes no number.
/// Iterative, for trees of any depth.
pub fn write_thread_list(nodes: &[ThreadNode]) -> String {
    enum Step<'a> {
        Open(&'a ThreadNode),
        Close,
    }
    let mut out = String::new();
    let mut stack: Vec<Step<'_>> = nodes.iter().rev().map(Step::Open).collect();
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Close => {
                out.push(')');
                continue;
            }
            Step::Open(node) => node,
        };
        out.push('(');
        let mut cur = node;
        let mut wrote = false;
        loop {
            if let Some(id) = cur.id {
                if wrote {
                    out.push(' ');
                }
                out.push_str(&id.to_string());
                wrote = true;
            }
            match cur.children.as_slice() {
                [only] => cur = only,
                _ => break,
            }
        }
        if wrote && !cur.children.is_empty() {
            out.push(' ');
        }
        stack.push(Step::Close);
        stack.extend(cur.children.iter().rev().map(Step::Open));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: u32, mid: &str, refs: &[&str], subject: &str, sent: i64) -> ThreadInput {
        let b = super::super::sort::base_subject(subject);
        ThreadInput {
            id,
            message_id: (!mid.is_empty()).then(|| mid.to_string()),
            references: refs.iter().map(|s| s.to_string()).collect(),
            base_subject: b.text,
            is_reply_or_forward: b.is_reply_or_forward,
            sent,
        }
    }

    fn wire(nodes: &[ThreadNode]) -> String {
        write_thread_list(nodes)
    }

    #[test]
    fn orderedsubject_groups_by_subject_then_date() {
        let msgs = [
            msg(1, "", &[], "Apples", 10),
            msg(2, "", &[], "Re: apples", 20),
            msg(3, "", &[], "Bananas", 5),
            msg(4, "", &[], "Re: Apples", 30),
            msg(5, "", &[], "Cherries", 15),
        ];
        assert_eq!(wire(&thread_orderedsubject(&msgs)), "(3)(1 (2)(4))(5)");
    }

    #[test]
    fn references_builds_parent_child_links() {
        let msgs = [
            msg(1, "a@x", &[], "Topic", 10),
            msg(2, "b@x", &["a@x"], "Re: Topic", 20),
            msg(3, "c@x", &["a@x", "b@x"], "Re: Topic", 30),
            msg(4, "d@x", &["a@x"], "Re: Topic", 25),
            msg(5, "e@x", &[], "Other", 5),
        ];
        assert_eq!(wire(&thread_references(&msgs)), "(5)(1 (2 3)(4))");
    }

    #[test]
    fn references_keeps_a_dummy_for_a_missing_common_parent() {
        // Two replies to a message not in the mailbox: a dummy root with two children.
        let msgs = [
            msg(1, "b@x", &["a@x"], "Re: lost", 10),
            msg(2, "c@x", &["a@x"], "Re: lost", 20),
        ];
        assert_eq!(wire(&thread_references(&msgs)), "((1)(2))");
        // One reply only: the dummy is pruned and the reply promoted.
        let msgs = [msg(1, "b@x", &["a@x"], "Re: lost", 10)];
        assert_eq!(wire(&thread_references(&msgs)), "(1)");
    }

    #[test]
    fn references_merges_by_subject() {
        // No references, same base subject: the reply goes under the original.
        let msgs = [
            msg(1, "a@x", &[], "Report", 10),
            msg(2, "b@x", &[], "Re: Report", 20),
            msg(3, "c@x", &[], "Report", 30),
        ];
        // 1 and 3 are both originals: a dummy holds them; 2 is a reply under the table's
        // message at that time.
        let out = wire(&thread_references(&msgs));
        assert_eq!(out, "((1 2)(3))");
    }

    #[test]
    fn references_prefers_an_original_over_a_reply_as_thread_head() {
        // RFC 5256 step 5.B.iv: the table's reply is replaced by the later original, and
        // step 5.C puts the reply under it although the reply is older.
        let msgs = [
            msg(1, "a@x", &[], "Re: topic", 10),
            msg(2, "b@x", &[], "topic", 20),
        ];
        assert_eq!(wire(&thread_references(&msgs)), "(2 1)");
        // Two replies with the same subject and no original: a dummy holds both.
        let msgs = [
            msg(1, "a@x", &[], "Re: topic", 10),
            msg(2, "b@x", &[], "Re: topic", 20),
        ];
        assert_eq!(wire(&thread_references(&msgs)), "((1)(2))");
    }

    #[test]
    fn references_ignores_loops_and_duplicates() {
        let msgs = [
            msg(1, "a@x", &["b@x"], "x", 10),
            msg(2, "b@x", &["a@x"], "y", 20),
            msg(3, "a@x", &[], "z", 30),
        ];
        let out = thread_references(&msgs);
        let mut ids = Vec::new();
        let mut stack: Vec<&ThreadNode> = out.iter().collect();
        while let Some(n) = stack.pop() {
            ids.extend(n.id);
            stack.extend(n.children.iter());
        }
        ids.sort();
        assert_eq!(ids, vec![1, 2, 3]);
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let n = 50_000u32;
        let msgs: Vec<ThreadInput> = (1..=n)
            .map(|i| {
                let refs: Vec<String> = if i > 1 {
                    vec![format!("{}@x", i - 1)]
                } else {
                    vec![]
                };
                ThreadInput {
                    id: i,
                    message_id: Some(format!("{i}@x")),
                    references: refs,
                    base_subject: "chain".into(),
                    is_reply_or_forward: i > 1,
                    sent: i as i64,
                }
            })
            .collect();
        let out = thread_references(&msgs);
        assert_eq!(out.len(), 1);
        let mut depth = 0;
        let mut cur = &out[0];
        while let Some(c) = cur.children.first() {
            depth += 1;
            cur = c;
        }
        assert_eq!(depth, n - 1);
    }
}
