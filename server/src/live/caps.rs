//! Caps on the live streams one caller holds open at once: per login session, per API token and
//! per client address. A stream holds a [`StreamSlot`] for as long as it is open; dropping the
//! slot (the stream ended, the client went away, the server shuts down) frees it.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use crate::config::StreamLimits;

/// What a stream is opened with: the credential that authorises it, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// A login session, by its id.
    Login(&'a str),
    /// An API token, by the `Authorization` header that carries it.
    Token(&'a str),
}

/// Which cap refused a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Login,
    Token,
    Address,
}

impl Refusal {
    pub fn name(self) -> &'static str {
        match self {
            Self::Login => "login session",
            Self::Token => "token",
            Self::Address => "address",
        }
    }
}

/// One count per key. Credentials are kept as keyed hashes, never in clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Login(u64),
    Token(u64),
    Address(IpAddr),
}

/// The open streams of this instance, counted per caller.
pub struct StreamCaps {
    limits: StreamLimits,
    hasher: RandomState,
    open: Mutex<HashMap<Key, usize>>,
}

impl StreamCaps {
    pub fn new(limits: StreamLimits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            hasher: RandomState::new(),
            open: Mutex::new(HashMap::new()),
        })
    }

    /// Takes a slot for one more stream of `credential` from `address` (already reduced to the
    /// address's rate-limit bucket), or says which cap is full.
    ///
    /// # Errors
    /// The cap that is full; nothing is taken then.
    pub fn open(
        self: &Arc<Self>,
        credential: Credential<'_>,
        address: IpAddr,
    ) -> Result<StreamSlot, Refusal> {
        let (caller, caller_cap, refusal) = match credential {
            Credential::Login(id) => (
                Key::Login(self.hasher.hash_one(id)),
                self.limits.per_session,
                Refusal::Login,
            ),
            Credential::Token(value) => (
                Key::Token(self.hasher.hash_one(value)),
                self.limits.per_token,
                Refusal::Token,
            ),
        };
        let address = Key::Address(address);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let full = |key: &Key, cap: Option<NonZeroUsize>| {
            cap.is_some_and(|cap| open.get(key).copied().unwrap_or(0) >= cap.get())
        };
        if full(&caller, caller_cap) {
            return Err(refusal);
        }
        if full(&address, self.limits.per_ip) {
            return Err(Refusal::Address);
        }
        for key in [caller, address] {
            *open.entry(key).or_default() += 1;
        }
        Ok(StreamSlot {
            caps: Arc::clone(self),
            keys: [caller, address],
        })
    }

    #[cfg(test)]
    fn held(&self) -> usize {
        self.open.lock().unwrap().len()
    }
}

/// One open stream's place under its caps; freed on drop.
pub struct StreamSlot {
    caps: Arc<StreamCaps>,
    keys: [Key; 2],
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self
            .caps
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for key in &self.keys {
            if let Some(count) = open.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    open.remove(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn caps(session: usize, token: usize, ip: usize) -> Arc<StreamCaps> {
        StreamCaps::new(StreamLimits {
            per_session: NonZeroUsize::new(session),
            per_token: NonZeroUsize::new(token),
            per_ip: NonZeroUsize::new(ip),
            recheck_every: Duration::from_secs(5),
        })
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn each_session_and_token_has_its_own_cap() {
        let caps = caps(2, 1, 0);
        let a = ip("192.0.2.1");
        let one = caps.open(Credential::Login("s1"), a).unwrap();
        let _two = caps.open(Credential::Login("s1"), a).unwrap();
        assert_eq!(
            caps.open(Credential::Login("s1"), a).err(),
            Some(Refusal::Login)
        );
        let _other = caps.open(Credential::Login("s2"), a).unwrap();
        let _token = caps.open(Credential::Token("Bearer x"), a).unwrap();
        assert_eq!(
            caps.open(Credential::Token("Bearer x"), a).err(),
            Some(Refusal::Token)
        );
        // A session id and a token that happen to read the same are different callers.
        let _same_text = caps.open(Credential::Token("s1"), a).unwrap();
        drop(one);
        let _again = caps.open(Credential::Login("s1"), a).unwrap();
    }

    #[test]
    fn an_address_is_capped_whoever_holds_its_streams_and_refusals_take_nothing() {
        let caps = caps(0, 0, 2);
        let a = ip("192.0.2.1");
        let first = caps.open(Credential::Login("s1"), a).unwrap();
        let _second = caps.open(Credential::Token("Bearer t"), a).unwrap();
        assert_eq!(
            caps.open(Credential::Login("s3"), a).err(),
            Some(Refusal::Address)
        );
        let _elsewhere = caps.open(Credential::Login("s3"), ip("192.0.2.2")).unwrap();
        drop(first);
        let _now = caps.open(Credential::Login("s3"), a).unwrap();
    }

    #[test]
    fn closed_streams_leave_nothing_behind() {
        let caps = caps(3, 3, 3);
        let slots: Vec<_> = (0..3)
            .map(|_| caps.open(Credential::Login("s"), ip("192.0.2.1")).unwrap())
            .collect();
        assert_eq!(caps.held(), 2);
        drop(slots);
        assert_eq!(caps.held(), 0);
    }
}
