//! `DATABASE_URL`: which storage backend, and where.

/// Where data lives, from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path/to/file.db`: one machine, created on first start.
    Sqlite(String),
    /// `firestore://PROJECT_ID` or `firestore://PROJECT_ID/DATABASE_ID`: several instances.
    Firestore {
        project_id: String,
        database_id: Option<String>,
    },
}

impl std::str::FromStr for DatabaseUrl {
    type Err = anyhow::Error;

    fn from_str(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            return Ok(Self::Sqlite(url.to_owned()));
        }
        let Some(rest) = url.strip_prefix("firestore://") else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or firestore://");
        };
        let mut parts = rest.trim_end_matches('/').splitn(2, '/');
        let project_id = parts.next().unwrap_or_default().to_owned();
        if project_id.is_empty() {
            anyhow::bail!("DATABASE_URL firestore://PROJECT_ID needs a project id");
        }
        Ok(Self::Firestore {
            project_id,
            database_id: parts.next().map(str::to_owned),
        })
    }
}
