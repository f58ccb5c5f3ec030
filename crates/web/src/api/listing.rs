//! Lists as the API conventions want them: `{"items": [...], "next_cursor"}`
//! with `limit` (1 to 500, 50 by default) and an opaque `cursor`. Registers
//! that are read whole are paged here, over their order.
//!
//! The cursor names a position. It was once the last item's id, but these
//! lists are ordered by fields people edit (a role's name, an objective's
//! due date): an item renamed between two pages moved the place the next
//! page started from, and a whole tail of the list could be skipped. A
//! position is off by at most the number of items added, removed or moved
//! before it meanwhile, and never fails; a client that needs an exact
//! snapshot reads with `limit=500`, or starts again.

use crate::problem::Problem;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    /// 1 to 500; 50 by default.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Listing<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A query parameter this API cannot use: 400, as the other lists answer.
fn bad_parameter(message: &str) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, message)
}

/// The page size a list was asked for: 50 when not given, 400 outside 1 to
/// 500. Every list reads its `limit` through this, so all refuse alike.
pub fn page_size(limit: Option<u32>) -> Result<u32, Problem> {
    let limit = limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(bad_parameter("limit must be 1 to 500"));
    }
    Ok(limit)
}

/// One page of `items` (in their order), from the position the cursor names.
pub fn page<T: ToSchema>(items: Vec<T>, paging: &Paging) -> Result<Listing<T>, Problem> {
    let limit = page_size(paging.limit)?;
    let start = match &paging.cursor {
        None => 0,
        Some(cursor) => hex::decode(cursor)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix('@').and_then(|n| n.parse::<usize>().ok()))
            .filter(|&n| n <= items.len())
            .ok_or_else(|| {
                bad_parameter("cursor: not one this list gave; start again without a cursor")
            })?,
    };
    let end = start.saturating_add(limit as usize);
    let next_cursor = (items.len() > end).then(|| hex::encode(format!("@{end}")));
    let items = items.into_iter().skip(start).take(limit as usize).collect();
    Ok(Listing { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, ToSchema, Debug, PartialEq)]
    struct N(u32);

    fn paging(limit: Option<u32>, cursor: Option<String>) -> Paging {
        Paging { limit, cursor }
    }

    #[test]
    fn pages_follow_one_another_until_the_last() {
        let all = || (1..=5).map(N).collect::<Vec<_>>();
        let first = page(all(), &paging(Some(2), None)).expect("page");
        assert_eq!(first.items, vec![N(1), N(2)]);
        let second = page(all(), &paging(Some(2), first.next_cursor)).expect("page");
        assert_eq!(second.items, vec![N(3), N(4)]);
        let last = page(all(), &paging(Some(2), second.next_cursor)).expect("page");
        assert_eq!((last.items, last.next_cursor), (vec![N(5)], None));
    }

    #[test]
    fn an_item_moved_between_pages_shifts_the_next_page_by_one_at_most() {
        let first = page((1..=6).map(N).collect(), &paging(Some(2), None)).expect("page");
        // The second item is renamed and sorts last now.
        let moved = vec![N(1), N(3), N(4), N(5), N(6), N(2)];
        let second = page(moved, &paging(Some(2), first.next_cursor)).expect("page");
        assert_eq!(
            second.items,
            vec![N(4), N(5)],
            "one item (3) is passed over, not the tail"
        );
    }

    #[test]
    fn bad_limits_and_cursors_are_refused() {
        let all = || (1..=5).map(N).collect::<Vec<_>>();
        for limit in [0, 501] {
            let refused = page(all(), &paging(Some(limit), None))
                .err()
                .expect("refused");
            assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        }
        for cursor in ["zz", "78", &hex::encode("@6"), &hex::encode("@-1")] {
            let refused = page(all(), &paging(None, Some(cursor.into())));
            assert!(refused.is_err(), "{cursor}");
        }
    }
}
