//! Plain results shared by both backends (types defined inside `repo/` would
//! exist twice, once per backend).

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub rows: u64,
    pub organisations: u64,
    pub audit_events: u64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub rows: u64,
    pub organisations: u64,
}
