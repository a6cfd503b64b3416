//! The composite queries this adapter issues, as data. Queries are built from these shapes, and a
//! unit test checks each against `firestore.indexes.json` (production refuses a composite query
//! without its index; the emulator does not), so code and index file cannot drift apart.
//!
//! Queries on one field (`channel_id ==`, `login_lower ==`, `expires_at <`) use Firestore's
//! automatic single-field indexes and are not listed.

use firestore::{
    select_builder, FirestoreDb, FirestoreQueryDirection, FirestoreQueryFilter, FirestoreValue,
};

use super::inbox::INBOX;
use super::support::{AUDIT, SESSIONS};

/// A composite query: equality filters on `equal` (in this order), then ordering by `order`,
/// with any range filter on the first ordered field.
pub(super) struct QueryShape {
    pub collection: &'static str,
    pub equal: &'static [&'static str],
    pub order: &'static [(&'static str, Direction)],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Direction {
    Asc,
    Desc,
}

/// A range filter on the shape's first ordered field.
pub(super) enum Range {
    AtLeast(FirestoreValue),
    AtMost(FirestoreValue),
}

use Direction::{Asc, Desc};

/// Active sessions by deadline (`due_sessions`, `next_deadline`).
pub(super) const ACTIVE_BY_DEADLINE: QueryShape = QueryShape {
    collection: SESSIONS,
    equal: &["state"],
    order: &[("expires_at", Asc)],
};

/// A viewer's active session in a channel (`active_session`).
pub(super) const ACTIVE_FOR_VIEWER: QueryShape = QueryShape {
    collection: SESSIONS,
    equal: &["channel_id", "viewer_id", "state"],
    order: &[],
};

/// A channel's active sessions (`active_sessions`); sorted in memory (bounded by VIP slots).
pub(super) const ACTIVE_IN_CHANNEL: QueryShape = QueryShape {
    collection: SESSIONS,
    equal: &["channel_id", "state"],
    order: &[],
};

/// A channel's pending inbox messages in arrival order (`inbox_pending`).
pub(super) const INBOX_PENDING: QueryShape = QueryShape {
    collection: INBOX,
    equal: &["channel_id", "pending"],
    order: &[("received_at", Asc), ("message_id", Asc)],
};

const AUDIT_ORDER: &[(&str, Direction)] = &[("at", Desc), ("id", Desc)];

/// A channel's activity log, newest first, by which filters are set: `[action?][viewer?]`.
pub(super) const AUDIT_PAGES: [[QueryShape; 2]; 2] = [
    [
        QueryShape {
            collection: AUDIT,
            equal: &["channel_id"],
            order: AUDIT_ORDER,
        },
        QueryShape {
            collection: AUDIT,
            equal: &["channel_id", "target_viewer_id"],
            order: AUDIT_ORDER,
        },
    ],
    [
        QueryShape {
            collection: AUDIT,
            equal: &["channel_id", "action"],
            order: AUDIT_ORDER,
        },
        QueryShape {
            collection: AUDIT,
            equal: &["channel_id", "action", "target_viewer_id"],
            order: AUDIT_ORDER,
        },
    ],
];

/// Every composite query shape, for the index check.
#[cfg(test)]
fn all() -> Vec<&'static QueryShape> {
    let mut shapes = vec![
        &ACTIVE_BY_DEADLINE,
        &ACTIVE_FOR_VIEWER,
        &ACTIVE_IN_CHANNEL,
        &INBOX_PENDING,
    ];
    shapes.extend(AUDIT_PAGES.iter().flatten());
    shapes
}

impl QueryShape {
    /// A query of this shape: `equal` holds one value per equality field, in order.
    pub(super) fn select<'a>(
        &self,
        db: &'a FirestoreDb,
        equal: Vec<FirestoreValue>,
        range: Option<Range>,
    ) -> select_builder::FirestoreSelectDocBuilder<'a, FirestoreDb> {
        assert_eq!(
            equal.len(),
            self.equal.len(),
            "one value per equality field"
        );
        let fields = self.equal;
        let first_ordered = self.order.first().map(|(f, _)| *f);
        let order = self.order;
        db.fluent()
            .select()
            .from(self.collection)
            .filter(move |q| {
                let mut filters: Vec<Option<FirestoreQueryFilter>> = fields
                    .iter()
                    .zip(&equal)
                    .map(|(f, v)| q.field(*f).eq(v.clone()))
                    .collect();
                if let (Some(field), Some(range)) = (first_ordered, &range) {
                    filters.push(match range {
                        Range::AtLeast(v) => q.field(field).greater_than_or_equal(v.clone()),
                        Range::AtMost(v) => q.field(field).less_than_or_equal(v.clone()),
                    });
                }
                q.for_all(filters)
            })
            .order(move |o| {
                o.fields(order.iter().map(|(f, d)| {
                    o.field(*f).direction(match d {
                        Asc => FirestoreQueryDirection::Ascending,
                        Desc => FirestoreQueryDirection::Descending,
                    })
                }))
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const INDEXES: &str = include_str!("../../../../firestore.indexes.json");

    /// `(field, "ASCENDING" | "DESCENDING")` pairs of an index definition.
    fn fields(index: &Value) -> Vec<(String, String)> {
        index["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| {
                (
                    f["fieldPath"].as_str().expect("fieldPath").to_owned(),
                    f["order"].as_str().expect("order").to_owned(),
                )
            })
            .collect()
    }

    /// Firestore serves the shape from an index whose fields are the equality fields (any
    /// order, ascending) followed by the ordered fields in the same order and directions.
    fn serves(index: &Value, shape: &QueryShape) -> bool {
        let fields = fields(index);
        let n = shape.equal.len();
        if index["collectionGroup"] != shape.collection
            || index["queryScope"] != "COLLECTION"
            || fields.len() != n + shape.order.len()
        {
            return false;
        }
        let mut eq: Vec<&str> = fields[..n].iter().map(|(f, _)| f.as_str()).collect();
        let mut want = shape.equal.to_vec();
        eq.sort_unstable();
        want.sort_unstable();
        let ordered = fields[n..]
            .iter()
            .zip(shape.order)
            .all(|((f, d), (sf, sd))| {
                f == sf
                    && d == if *sd == Asc {
                        "ASCENDING"
                    } else {
                        "DESCENDING"
                    }
            });
        eq == want && fields[..n].iter().all(|(_, d)| d == "ASCENDING") && ordered
    }

    #[test]
    fn every_composite_query_has_an_index_and_every_index_a_query() {
        let file: Value = serde_json::from_str(INDEXES).expect("firestore.indexes.json is JSON");
        let indexes = file["indexes"].as_array().expect("an indexes array");
        for shape in all() {
            assert!(
                indexes.iter().any(|i| serves(i, shape)),
                "no index in firestore.indexes.json for {} where {:?} order by {:?}",
                shape.collection,
                shape.equal,
                shape.order
            );
        }
        for index in indexes {
            assert!(
                all().iter().any(|s| serves(index, s)),
                "index {index} serves no query of the adapter"
            );
        }
        assert!(file["fieldOverrides"].is_array());
    }
}
