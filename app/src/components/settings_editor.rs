//! The channel settings form: one ActionForm posting every setting to `save_settings`, grouped in
//! cards. Chat templates show a live preview rendered by the same function the engine uses.

use leptos::prelude::*;

use super::chat_templates::ChatTemplateFields;
use super::fields::{outcome, ActionResult, Checkbox, DurationFields, CARD, INPUT, PRIMARY};
use crate::model::{Settings, SlotsFullPolicy, StackingRule};
use crate::server_fns::{SaveSettings, SettingsData};

const LEGEND: &str = "float-left mb-3 w-full text-lg font-semibold";

/// One choice of a radio group.
#[component]
pub(super) fn Radio(
    name: &'static str,
    value: &'static str,
    id: &'static str,
    checked: bool,
    label: &'static str,
    hint: &'static str,
) -> AnyView {
    view! {
        <div class="flex items-start gap-3">
            <input
                type="radio"
                name=name
                value=value
                id=id
                checked=checked
                class="mt-1 h-4 w-4 shrink-0 accent-violet-500"
                aria-describedby=format!("{id}-hint")
            />
            <div class="text-sm">
                <label for=id class="font-medium">
                    {label}
                </label>
                <p id=format!("{id}-hint") class="text-zinc-400">
                    {hint}
                </p>
            </div>
        </div>
    }
    .into_any()
}

#[component]
pub fn SettingsEditor(data: SettingsData, action: ServerAction<SaveSettings>) -> AnyView {
    let SettingsData {
        settings,
        webhook_hint,
    } = data;
    let Settings {
        default_duration,
        stacking,
        auto_remove,
        slots_full,
        waitlist_max_wait,
        chat_enabled,
        chat,
        moderators_can_manage,
        moderators_manage_rewards,
        moderators_read_log,
        public_page,
        grant_rules,
        chat_commands,
        stream_end_grace_secs,
        expiry_warnings_secs,
        discord_warnings,
        chat_identity,
        time_zone,
        ..
    } = settings;
    let warning_leads = expiry_warnings_secs
        .secs()
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let (default_amount, set_default_amount) = signal((String::new(), String::new()));
    let has_webhook = webhook_hint.is_some();
    view! {
        <ActionForm action=action attr:id="settings-form" attr:class="grid gap-6 lg:grid-cols-2">
            <fieldset class=CARD>
                <legend class=LEGEND>"VIP time"</legend>
                <div class="clear-left space-y-4">
                    <DurationFields
                        names=("form[default_amount]", "form[default_unit]")
                        id="default-amount"
                        label="Default VIP time"
                        value=Some(default_duration)
                        on_change=set_default_amount
                    />
                    <div role="radiogroup" aria-labelledby="stacking-label" class="space-y-2">
                        <p id="stacking-label" class="text-sm text-zinc-300">
                            "When a VIP gets more time"
                        </p>
                        <Radio
                            name="form[stacking]"
                            value="extend"
                            id="stacking-extend"
                            checked=stacking == StackingRule::Extend
                            label="Extend"
                            hint="Add the new time to the time left."
                        />
                        <Radio
                            name="form[stacking]"
                            value="reset"
                            id="stacking-reset"
                            checked=stacking == StackingRule::Reset
                            label="Reset"
                            hint="Start over from now with the new time."
                        />
                    </div>
                    <Checkbox
                        name="form[auto_remove]"
                        id="auto-remove"
                        label="Remove VIP when the time is up"
                        checked=auto_remove
                        hint="Off: you are told when time is up and remove VIPs yourself."
                    />
                    <label class="flex flex-col gap-1 text-sm">
                        <span class="text-zinc-300">"Grace after the stream ends (seconds)"</span>
                        <input
                            name="form[stream_end_grace_secs]"
                            id="stream-end-grace"
                            class=INPUT
                            inputmode="numeric"
                            value=stream_end_grace_secs.as_secs().to_string()
                            aria-describedby="stream-end-grace-hint"
                        />
                    </label>
                    <p id="stream-end-grace-hint" class="text-sm text-zinc-400">
                        "A VIP “until the stream ends” is removed this long after the stream goes offline; it stays when the stream is back in time."
                    </p>
                </div>
            </fieldset>
            <fieldset class=CARD>
                <legend class=LEGEND>"When all VIP slots are taken"</legend>
                <div class="clear-left space-y-4">
                    <div
                        role="radiogroup"
                        aria-label="When all VIP slots are taken"
                        class="space-y-2"
                    >
                        <Radio
                            name="form[slots_full]"
                            value="refund"
                            id="slots-refund"
                            checked=slots_full == SlotsFullPolicy::Refund
                            label="Refund"
                            hint="Cancel the redemption; Twitch returns the points."
                        />
                        <Radio
                            name="form[slots_full]"
                            value="waitlist"
                            id="slots-waitlist"
                            checked=slots_full == SlotsFullPolicy::Waitlist
                            label="Waitlist"
                            hint="Queue the viewer until a slot frees up."
                        />
                    </div>
                    <DurationFields
                        names=("form[max_wait_amount]", "form[max_wait_unit]")
                        id="max-wait"
                        label="Refund after waiting"
                        value=Some(waitlist_max_wait)
                    />
                </div>
            </fieldset>
            <fieldset class=format!("{CARD} lg:col-span-2")>
                <legend class=LEGEND>"Chat"</legend>
                <div class="clear-left space-y-4">
                    <Checkbox
                        name="form[chat_enabled]"
                        id="chat-enabled"
                        label="Announce in chat"
                        checked=chat_enabled
                        hint="Grants, extensions, expiry and refunds are posted in your chat."
                    />
                    <ChatTemplateFields
                        templates=chat
                        default_duration
                        typed_duration=default_amount
                    />
                    <label class="flex flex-col gap-1 text-sm">
                        <span class="text-zinc-300">
                            "Warn before VIP ends (seconds before, e.g. 3600, 600)"
                        </span>
                        <input
                            name="form[warning_leads]"
                            id="warning-leads"
                            class=INPUT
                            autocomplete="off"
                            value=warning_leads
                            aria-describedby="warning-leads-hint"
                        />
                    </label>
                    <p id="warning-leads-hint" class="text-sm text-zinc-400">
                        "The viewer is @-mentioned once per lead time (up to 5, each at most a day); blank for none."
                    </p>
                    <Checkbox
                        name="form[discord_warnings]"
                        id="discord-warnings"
                        label="Post expiry warnings to Discord too"
                        checked=discord_warnings
                        hint="Needs the Discord webhook below."
                    />
                </div>
            </fieldset>
            <super::chat_commands_fields::ChatCommandsFields
                commands=chat_commands
                identity=chat_identity
                legend=LEGEND
            />
            <super::grant_rules_fields::GrantRulesFields rules=grant_rules legend=LEGEND />
            <super::time_zone_field::TimeZoneField zone=time_zone legend=LEGEND />
            <fieldset class=CARD>
                <legend class=LEGEND>"Access and sharing"</legend>
                <div class="clear-left space-y-4">
                    <Checkbox
                        name="form[moderators_can_manage]"
                        id="moderators-can-manage"
                        label="Moderators may manage VIPs"
                        checked=moderators_can_manage
                        hint="Your moderators can grant, extend and revoke from their own login."
                    />
                    <Checkbox
                        name="form[moderators_manage_rewards]"
                        id="moderators-manage-rewards"
                        label="Moderators may manage rewards"
                        checked=moderators_manage_rewards
                        hint="Your moderators can create, edit and delete the VIP rewards, including their cost."
                    />
                    <Checkbox
                        name="form[moderators_read_log]"
                        id="moderators-read-log"
                        label="Moderators may read the activity log"
                        checked=moderators_read_log
                        hint="Without settings changes, logins and API tokens, which only you see."
                    />
                    <Checkbox
                        name="form[public_page]"
                        id="public-page"
                        label="Public VIP page"
                        checked=public_page
                        hint="Anyone can see who is VIP and how long each has left."
                    />
                    <label class="flex flex-col gap-1 text-sm">
                        <span class="text-zinc-300">"Discord webhook"</span>
                        <input
                            type="url"
                            name="form[discord_webhook_url]"
                            id="discord-webhook"
                            class=INPUT
                            autocomplete="off"
                            placeholder="https://discord.com/api/webhooks/…"
                            aria-describedby="discord-webhook-hint"
                        />
                    </label>
                    <p id="discord-webhook-hint" class="text-sm text-zinc-400">
                        {match webhook_hint {
                            Some(hint) => format!("Posting to {hint}. Leave blank to keep it."),
                            None => {
                                "Grants and refunds are posted to this Discord channel. Leave blank for none."
                                    .into()
                            }
                        }}
                    </p>
                    {has_webhook
                        .then(|| {
                            view! {
                                <Checkbox
                                    name="form[discord_webhook_clear]"
                                    id="discord-webhook-clear"
                                    label="Stop posting to Discord"
                                    checked=false
                                />
                            }
                        })}
                </div>
            </fieldset>
            <div class="flex flex-wrap items-center gap-4 lg:col-span-2">
                <button type="submit" class=PRIMARY>
                    "Save settings"
                </button>
                <ActionResult
                    outcome=outcome(move || action.value().get(), "Settings saved")
                    id="settings-result"
                />
            </div>
        </ActionForm>
    }
    .into_any()
}
