//! The Firestore backend under test: the emulator (one per test process, see
//! `support/firestore_emulator.rs`) with a fresh project id per store, so that tests run in
//! parallel without wiping each other's data.

use crate::support::firestore_emulator as emulator;

use std::sync::Arc;

use server::store::firestore::FirestoreStore;

use crate::store_contract::Backend;

pub async fn make() -> Backend {
    let host = emulator::host();
    let project = emulator::fresh_project_id();
    let store = FirestoreStore::connect(&project, None)
        .await
        .unwrap_or_else(|e| panic!("connect to the Firestore emulator at {host}: {e:#}"));
    Backend {
        store: Arc::new(store.clone()),
        sessions: server::store::LoginSessions::Firestore(store),
        _guard: Box::new(()),
    }
}
