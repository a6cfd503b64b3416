//! Firestore backend (written next).
