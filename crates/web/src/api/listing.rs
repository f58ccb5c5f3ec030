//! Lists as the API conventions want them: `{"items": [...], "next_cursor"}`
//! with `limit` (1 to 500, 50 by default) and an opaque `cursor`. Registers
//! that are read whole are paged here, over their stable order.

use super::performance_dto::invalid;
use crate::problem::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1 to 500; 50 by default.
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Listing<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One page of `items` (in their stable order), after the item whose key
/// is the cursor. The cursor is the last key returned, hex-encoded.
pub fn page<T: ToSchema>(
    items: Vec<T>,
    paging: &Paging,
    key: impl Fn(&T) -> String,
) -> Result<Listing<T>, Problem> {
    let limit = paging.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(invalid("limit: 1 to 500"));
    }
    let limit = limit as usize;
    let start = match &paging.cursor {
        None => 0,
        Some(cursor) => {
            let wanted = hex::decode(cursor)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| invalid("cursor: not one this API gave"))?;
            items
                .iter()
                .position(|i| key(i) == wanted)
                .map(|p| p + 1)
                .ok_or_else(|| invalid("cursor: that item is gone; start again without a cursor"))?
        }
    };
    let more = items.len() > start + limit;
    let items: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next_cursor = if more {
        items.last().map(|i| hex::encode(key(i)))
    } else {
        None
    };
    Ok(Listing { items, next_cursor })
}

/// One page of a list whose rows have no identity of their own (a role's
/// gaps, one's tasks, capacity by role), computed afresh on each call: the
/// cursor names the position of the next row. A list that changes between
/// two pages may then repeat or skip a row; start again for a fresh view.
pub fn page_by_position<T: ToSchema>(
    items: Vec<T>,
    paging: &Paging,
) -> Result<Listing<T>, Problem> {
    let limit = paging.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(invalid("limit: 1 to 500"));
    }
    let start = match &paging.cursor {
        None => 0,
        Some(cursor) => hex::decode(cursor)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix('@').and_then(|n| n.parse::<usize>().ok()))
            .ok_or_else(|| invalid("cursor: not one this API gave"))?,
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

    #[test]
    fn pages_follow_one_another_until_the_last() {
        let all = || (1..=5).map(N).collect::<Vec<_>>();
        let key = |n: &N| n.0.to_string();
        let first = page(
            all(),
            &Paging {
                limit: Some(2),
                cursor: None,
            },
            key,
        )
        .expect("page");
        assert_eq!(first.items, vec![N(1), N(2)]);
        let second = page(
            all(),
            &Paging {
                limit: Some(2),
                cursor: first.next_cursor,
            },
            key,
        )
        .expect("page");
        assert_eq!(second.items, vec![N(3), N(4)]);
        let last = page(
            all(),
            &Paging {
                limit: Some(2),
                cursor: second.next_cursor,
            },
            key,
        )
        .expect("page");
        assert_eq!((last.items, last.next_cursor), (vec![N(5)], None));
        let mut cursor = None;
        let mut seen = Vec::new();
        loop {
            let p = page_by_position(
                all(),
                &Paging {
                    limit: Some(2),
                    cursor,
                },
            )
            .expect("page");
            seen.extend(p.items);
            cursor = p.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(seen, all());
        let bad = Some(hex::encode("x"));
        assert!(
            page_by_position(
                all(),
                &Paging {
                    limit: None,
                    cursor: bad
                }
            )
            .is_err()
        );
        assert!(
            page(
                all(),
                &Paging {
                    limit: Some(0),
                    cursor: None
                },
                key
            )
            .is_err()
        );
        assert!(
            page(
                all(),
                &Paging {
                    limit: None,
                    cursor: Some("zz".into())
                },
                key
            )
            .is_err()
        );
    }
}
