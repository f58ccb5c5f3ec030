//! Small view structs shared by the pages, so that templates read named
//! fields (`c.value`, `p.name`) rather than tuple positions.

/// One choice of a form, an `<option>` of a select or a checkbox: the value
/// the form submits and the label shown for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }
}

impl<V: Into<String>, L: Into<String>> From<(V, L)> for Choice {
    fn from((value, label): (V, L)) -> Self {
        Self::new(value, label)
    }
}

/// A record named with its id; the template knows the path it lives at
/// (`/roles/{{ id }}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub id: String,
    pub name: String,
}

impl Link {
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
        }
    }
}

impl<I: Into<String>, N: Into<String>> From<(I, N)> for Link {
    fn from((id, name): (I, N)) -> Self {
        Self::new(id, name)
    }
}

/// A hyperlink whose whole target is already known, for links that may
/// lead to different kinds of record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub href: String,
    pub text: String,
}

impl Anchor {
    pub fn new(href: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            text: text.into(),
        }
    }
}
