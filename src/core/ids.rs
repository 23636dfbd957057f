//! Callers keyed by id, in the order the ids were handed out.
//!
//! Ids only grow and callers settle roughly oldest first, so a sorted deque gives binary-search
//! lookups and cheap removals near the front, at a fraction of BTreeMap's code size in the wasm
//! (BTreeMap was 17% of it).

use std::collections::VecDeque;

/// A map from increasing `u32` ids to values.
#[derive(Debug)]
pub struct IdMap<T> {
    entries: VecDeque<(u32, T)>,
}

impl<T> Default for IdMap<T> {
    fn default() -> Self {
        IdMap { entries: VecDeque::new() }
    }
}

impl<T> IdMap<T> {
    fn position(&self, id: u32) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&id, |(key, _)| *key)
    }

    /// Adds `value` under `id` (normally larger than every id present), replacing any value there.
    pub fn insert(&mut self, id: u32, value: T) {
        match self.position(id) {
            Ok(at) => self.entries[at].1 = value,
            Err(at) => self.entries.insert(at, (id, value)),
        }
    }

    /// The value under `id`.
    pub fn get(&self, id: u32) -> Option<&T> {
        self.position(id).ok().map(|at| &self.entries[at].1)
    }

    /// The value under `id`, to change.
    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        let at = self.position(id).ok()?;
        Some(&mut self.entries[at].1)
    }

    /// Takes the value under `id` out.
    pub fn remove(&mut self, id: u32) -> Option<T> {
        let at = self.position(id).ok()?;
        self.entries.remove(at).map(|(_, value)| value)
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::IdMap;

    #[test]
    fn values_are_found_changed_and_removed_by_id_in_any_order() {
        let mut map = IdMap::default();
        for id in 0..100u32 {
            map.insert(id, id * 10);
        }
        assert_eq!(map.remove(50), Some(500));
        assert_eq!(map.remove(50), None);
        assert_eq!(map.remove(0), Some(0));
        *map.get_mut(99).unwrap() += 1;
        assert_eq!(map.get(99), Some(&991));
        assert_eq!(map.get(50), None);
        map.insert(50, 7); // an id below the largest still lands in order
        assert_eq!(map.get(50), Some(&7));
        assert_eq!(map.len(), 99);
    }
}
