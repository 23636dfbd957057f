//! The machine's outbox: a fixed ring of actions, so the core needs no allocator.
//!
//! One input produces at most a handful of actions and the caller drains them after each one,
//! so a small fixed capacity is enough; overflowing it is a bug in the machine.

use super::interface::Action;

/// How many actions may wait to be polled.
pub const CAPACITY: usize = 8;

/// Actions in the order they were pushed.
#[derive(Debug)]
pub struct Outbox {
    slots: [Option<Action>; CAPACITY],
    head: usize,
    len: usize,
}

impl Outbox {
    /// An empty outbox.
    pub const fn new() -> Outbox {
        Outbox { slots: [None; CAPACITY], head: 0, len: 0 }
    }

    /// Adds `action` at the back.
    pub fn push(&mut self, action: Action) {
        assert!(self.len < CAPACITY, "the machine pushed more actions than its outbox holds");
        self.slots[(self.head + self.len) % CAPACITY] = Some(action);
        self.len += 1;
    }

    /// Takes the oldest action.
    pub fn pop(&mut self) -> Option<Action> {
        let action = self.slots[self.head].take()?;
        self.head = (self.head + 1) % CAPACITY;
        self.len -= 1;
        Some(action)
    }
}
