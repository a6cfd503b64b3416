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

/// A plain form (also in the browser, where only its chat previews run: `ChatPreviews`); after a
/// save, the page it is redirected to says so (`just_saved`).
#[component]
pub fn SettingsEditor(data: SettingsData) -> AnyView {
    let action = ServerAction::<SaveSettings>::new();
    let SettingsData {
        settings,
        webhook_hint,
        just_saved,
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
        language,
        ..
    } = settings;
    let warning_leads = expiry_warnings_secs
        .secs()
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let has_webhook = webhook_hint.is_some();
    let t = &crate::i18n::use_texts().settings;
    view! {
        <ActionForm action=action attr:id="settings-form" attr:class="grid gap-6 lg:grid-cols-2">
            <fieldset class=CARD>
                <legend class=LEGEND>{t.vip_time}</legend>
                <div class="clear-left space-y-4">
                    <DurationFields
                        names=("form[default_amount]", "form[default_unit]")
                        id="default-amount"
                        label=t.default_time
                        value=Some(default_duration)
                    />
                    <div role="radiogroup" aria-labelledby="stacking-label" class="space-y-2">
                        <p id="stacking-label" class="text-sm text-zinc-300">
                            {t.stacking}
                        </p>
                        <Radio
                            name="form[stacking]"
                            value="extend"
                            id="stacking-extend"
                            checked=stacking == StackingRule::Extend
                            label=t.extend
                            hint=t.extend_hint
                        />
                        <Radio
                            name="form[stacking]"
                            value="reset"
                            id="stacking-reset"
                            checked=stacking == StackingRule::Reset
                            label=t.reset
                            hint=t.reset_hint
                        />
                    </div>
                    <Checkbox
                        name="form[auto_remove]"
                        id="auto-remove"
                        label=t.auto_remove
                        checked=auto_remove
                        hint=t.auto_remove_hint
                    />
                    <label class="flex flex-col gap-1 text-sm">
                        <span class="text-zinc-300">{t.grace}</span>
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
                        {t.grace_hint}
                    </p>
                </div>
            </fieldset>
            <fieldset class=CARD>
                <legend class=LEGEND>{t.slots_full}</legend>
                <div class="clear-left space-y-4">
                    <div role="radiogroup" aria-label=t.slots_full class="space-y-2">
                        <Radio
                            name="form[slots_full]"
                            value="refund"
                            id="slots-refund"
                            checked=slots_full == SlotsFullPolicy::Refund
                            label=t.refund
                            hint=t.refund_hint
                        />
                        <Radio
                            name="form[slots_full]"
                            value="waitlist"
                            id="slots-waitlist"
                            checked=slots_full == SlotsFullPolicy::Waitlist
                            label=t.waitlist
                            hint=t.waitlist_hint
                        />
                    </div>
                    <DurationFields
                        names=("form[max_wait_amount]", "form[max_wait_unit]")
                        id="max-wait"
                        label=t.max_wait
                        value=Some(waitlist_max_wait)
                    />
                </div>
            </fieldset>
            <fieldset class=format!("{CARD} lg:col-span-2")>
                <legend class=LEGEND>{t.chat}</legend>
                <div class="clear-left space-y-4">
                    <Checkbox
                        name="form[chat_enabled]"
                        id="chat-enabled"
                        label=t.announce
                        checked=chat_enabled
                        hint=t.announce_hint
                    />
                    <ChatTemplateFields templates=chat default_duration />
                    <label class="flex flex-col gap-1 text-sm">
                        <span class="text-zinc-300">{t.warnings}</span>
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
                        {t.warnings_hint}
                    </p>
                    <Checkbox
                        name="form[discord_warnings]"
                        id="discord-warnings"
                        label=t.discord_warnings
                        checked=discord_warnings
                        hint=t.discord_warnings_hint
                    />
                </div>
            </fieldset>
            <super::chat_commands_fields::ChatCommandsFields
                commands=chat_commands
                identity=chat_identity
                legend=LEGEND
            />
            <super::grant_rules_fields::GrantRulesFields rules=grant_rules legend=LEGEND />
            <super::time_zone_field::TimeZoneField zone=time_zone language legend=LEGEND />
            <fieldset class=CARD>
                <legend class=LEGEND>{t.access}</legend>
                <div class="clear-left space-y-4">
                    <Checkbox
                        name="form[moderators_can_manage]"
                        id="moderators-can-manage"
                        label=t.mods_manage
                        checked=moderators_can_manage
                        hint=t.mods_manage_hint
                    />
                    <Checkbox
                        name="form[moderators_manage_rewards]"
                        id="moderators-manage-rewards"
                        label=t.mods_rewards
                        checked=moderators_manage_rewards
                        hint=t.mods_rewards_hint
                    />
                    <Checkbox
                        name="form[moderators_read_log]"
                        id="moderators-read-log"
                        label=t.mods_log
                        checked=moderators_read_log
                        hint=t.mods_log_hint
                    />
                    <Checkbox
                        name="form[public_page]"
                        id="public-page"
                        label=t.public_page
                        checked=public_page
                        hint=t.public_page_hint
                    />
                    <label class="flex flex-col gap-1 text-sm">
                        <span class="text-zinc-300">{t.discord}</span>
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
                            Some(hint) => (t.discord_posting)(&hint),
                            None => t.discord_none.into(),
                        }}
                    </p>
                    {has_webhook
                        .then(|| {
                            view! {
                                <Checkbox
                                    name="form[discord_webhook_clear]"
                                    id="discord-webhook-clear"
                                    label=t.discord_stop
                                    checked=false
                                />
                            }
                        })}
                </div>
            </fieldset>
            <div class="flex flex-wrap items-center gap-4 lg:col-span-2">
                <button type="submit" class=PRIMARY>
                    {t.save}
                </button>
                <ActionResult
                    outcome=outcome(
                        move || {
                            action
                                .value()
                                .get()
                                .map(|r| r.map(|_| ()))
                                .or(just_saved.then_some(Ok(())))
                        },
                        t.saved,
                    )
                    id="settings-result"
                />
            </div>
        </ActionForm>
    }
    .into_any()
}
