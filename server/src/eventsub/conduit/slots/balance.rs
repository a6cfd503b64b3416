//! How the shards come back to one per live instance after one died: free shards are taken
//! downwards, and an instance serving two shards below the highest hands its higher one over.

use std::collections::BTreeMap;

/// Whether this instance, serving `held`, takes the free shard `index` of a conduit whose highest
/// is `top`: any while it serves none; else the highest (then drops it, `shrink`) or one below a
/// shard it serves. Taking only downwards makes the shards converge on one per instance: the
/// instance serving the higher shard takes a dead one's lower shard, and then drops or hands over
/// its higher one ([`to_hand_over`]).
pub(super) fn may_take<T>(held: &BTreeMap<usize, T>, index: usize, top: usize) -> bool {
    match held.last_key_value() {
        None => true,
        Some((&highest, _)) => index == top || index < highest,
    }
}

/// The shard this instance hands over: its highest, when it serves more than one and not the
/// conduit's highest (which it drops instead). Only an instance serving a higher shard takes it
/// ([`may_take`]), which then serves one shard fewer above.
pub(super) fn to_hand_over<T>(held: &BTreeMap<usize, T>, top: usize) -> Option<usize> {
    let (&highest, _) = held.last_key_value()?;
    (held.len() > 1 && highest < top).then_some(highest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(indices: &[usize]) -> BTreeMap<usize, ()> {
        indices.iter().map(|i| (*i, ())).collect()
    }

    #[test]
    fn free_shards_are_taken_downwards_or_at_the_top() {
        assert!(
            may_take(&held(&[]), 3, 5),
            "an instance with none takes any"
        );
        assert!(may_take(&held(&[2]), 1, 2), "below its own");
        assert!(may_take(&held(&[0]), 2, 2), "the highest, to drop it");
        assert!(!may_take(&held(&[0]), 1, 2), "left to the instance above");
    }

    #[test]
    fn an_instance_with_two_shards_below_the_highest_hands_its_higher_one_over() {
        assert_eq!(to_hand_over(&held(&[0, 1]), 2), Some(1));
        assert_eq!(to_hand_over(&held(&[0, 2]), 2), None, "dropped instead");
        assert_eq!(to_hand_over(&held(&[1]), 2), None);
        assert_eq!(to_hand_over(&held(&[]), 2), None);
    }
}
