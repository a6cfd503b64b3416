//! The store contract suite: one set of cases (`cases`), run against every backend.
//!
//! Each backend supplies `make() -> Backend`, returning a fresh, empty, isolated store, and one
//! `contract_suite!` line below, which generates a test module with one test per case.

mod cases;
mod firestore_backend;
mod sqlite_backend;
// Add further backends here, e.g. `mod firestore_backend;`.

use std::any::Any;
use std::sync::Arc;

/// A backend under test: the same store seen through both ports it implements.
pub struct Backend {
    pub store: Arc<dyn app::ssr::Store>,
    pub sessions: server::store::LoginSessions,
    /// Keeps backend resources (a temp dir, an emulator handle) alive for the test.
    pub _guard: Box<dyn Any + Send + Sync>,
}

/// `contract_suite!(name, path::to::make)` expands to `mod name { … }` with one multi-threaded
/// test per case, each on a backend fresh from `make().await`.
macro_rules! contract_suite {
    ($backend:ident, $make:path) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;

            contract_suite!(@cases $make;
                channels_round_trip,
                a_renamed_users_old_channel_gives_its_login_to_the_new_owner,
                channel_by_login_ignores_case,
                channels_lists_every_channel,
                update_settings_changes_only_settings,
                set_needs_reauth_changes_only_the_flag,
                tokens_round_trip_exact_bytes,
                rewards_round_trip,
                rewards_are_per_channel_and_ordered_by_title,
                delete_reward_reports_whether_it_existed,
                create_redemption_only_once,
                redemption_outcomes_round_trip,
                racing_create_redemption_has_one_winner,
                create_redemption_with_lease_takes_the_lease_only_when_new,
                racing_create_redemption_with_lease_has_one_winner,
                sessions_round_trip_every_field,
                one_active_session_per_viewer_and_channel,
                active_session_finds_only_the_active_one,
                active_sessions_soonest_first_no_deadline_last,
                due_sessions_only_active_and_due_in_order,
                next_deadline_is_the_earliest_active_deadline,
                extend_session_is_compare_and_set,
                end_session_is_compare_and_set,
                set_deadline_sets_and_clears_by_compare_and_set,
                racing_set_deadline_has_one_winner,
                racing_end_session_has_one_winner,
                extension_landing_first_beats_expiry,
                racing_extend_and_end_have_one_winner,
                audit_pages_walk_newest_first,
                audit_filters_by_action_and_viewer,
                remember_message_dedupes_until_ttl,
                racing_remember_message_has_one_winner,
                purge_expired_removes_only_expired,
                leases_exclude_other_holders,
                racing_lease_acquire_has_one_winner,
                waitlist_is_fifo_and_ignores_repeats,
                racing_waitlist_remove_has_one_winner,
                login_sessions_round_trip,
                login_sessions_expire_and_delete,
                login_sessions_of_one_user_are_deleted_together,
                api_tokens_round_trip_and_are_found_by_hash,
                api_tokens_are_unique_and_limited_per_user,
                racing_api_token_creations_respect_the_limit,
                api_token_uses_never_move_back_and_never_revive_a_token,
                api_tokens_are_revoked_by_their_owner_only,
                racing_api_token_revocations_have_one_winner,
                live_events_are_read_from_a_time_oldest_first,
                live_events_are_pushed_as_they_are_stored_where_the_backend_can,
                live_event_ids_are_unique,
                purge_expired_removes_old_live_events,
                inbox_keeps_each_message_once_in_arrival_order,
                inbox_channels_are_those_with_pending_messages,
                inbox_done_keeps_a_dedupe_record_until_the_retention,
                racing_inbox_put_has_one_winner,
                redemption_attempts_count_up_per_redemption,
                racing_redemption_attempts_each_get_their_own_count,
                analytics_counters_follow_every_append,
                analytics_backfill_counts_the_older_log_once,
                racing_backfills_and_appends_count_each_entry_once,
                exclusions_are_kept_once_per_viewer_and_listed_by_login,
                racing_readmissions_have_one_winner,
                slot_capacity_is_replaced_per_channel,
                set_untimed_clears_the_deadline_by_compare_and_set,
                overlay_keys_are_found_by_hash_and_replaced_at_once,
                an_overlay_hash_belongs_to_one_channel,
                racing_overlay_key_puts_leave_one_key,
                racing_overlay_key_deletions_have_one_winner,
            );
        }
    };
    (@cases $make:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                crate::store_contract::cases::$case($make().await).await;
            }
        )*
    };
}

contract_suite!(sqlite, sqlite_backend::make);
contract_suite!(firestore, firestore_backend::make);
// Add further backends here, e.g. `contract_suite!(firestore, firestore_backend::make);`.
