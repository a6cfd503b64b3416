//! The settings form's chat commands: on/off, the prefix, each command's names, the viewers'
//! cooldown, bots to ignore, and who speaks (the streamer or the app's chat bot).

use leptos::prelude::*;

use super::fields::{Checkbox, CARD, INPUT};
use super::settings_editor::Radio;
use crate::model::{ChatCommands, ChatIdentity};

#[component]
fn TextField(
    name: &'static str,
    id: &'static str,
    label: &'static str,
    value: String,
    hint: &'static str,
) -> AnyView {
    view! {
        <label class="flex flex-col gap-1 text-sm">
            <span class="text-zinc-300">{label}</span>
            <input id=id name=name class=INPUT value=value aria-describedby=format!("{id}-hint") />
            <span id=format!("{id}-hint") class="text-zinc-400">
                {hint}
            </span>
        </label>
    }
    .into_any()
}

#[component]
pub fn ChatCommandsFields(
    commands: ChatCommands,
    identity: ChatIdentity,
    legend: &'static str,
) -> AnyView {
    let ChatCommands {
        enabled,
        prefix,
        names,
        viewer_cooldown_secs,
        ignored_bots,
    } = commands;
    let join = |n: Vec<String>| n.join(" ");
    let t = &crate::i18n::use_texts().settings;
    view! {
        <fieldset class=format!("{CARD} lg:col-span-2")>
            <legend class=legend>{t.commands}</legend>
            <div class="clear-left space-y-4">
                <input type="hidden" name="form[chat_commands_shown]" value="1" />
                <Checkbox
                    name="form[chat_commands_enabled]"
                    id="chat-commands-enabled"
                    label=t.commands_on
                    checked=enabled
                    hint=t.commands_on_hint
                />
                <div class="grid gap-4 sm:grid-cols-2">
                    <TextField
                        name="form[chat_prefix]"
                        id="chat-prefix"
                        label=t.prefix
                        value=prefix
                        hint=t.prefix_hint
                    />
                    <TextField
                        name="form[chat_viewer_cooldown_secs]"
                        id="chat-cooldown"
                        label=t.cooldown
                        value=viewer_cooldown_secs.to_string()
                        hint=t.cooldown_hint
                    />
                    <TextField
                        name="form[chat_check_names]"
                        id="chat-check-names"
                        label=t.check_names
                        value=join(names.check)
                        hint=t.check_names_hint
                    />
                    <TextField
                        name="form[chat_manage_names]"
                        id="chat-manage-names"
                        label=t.manage_names
                        value=join(names.manage)
                        hint=t.manage_names_hint
                    />
                    <TextField
                        name="form[chat_add_names]"
                        id="chat-add-names"
                        label=t.add_names
                        value=join(names.add)
                        hint=t.add_names_hint
                    />
                    <TextField
                        name="form[chat_remove_names]"
                        id="chat-remove-names"
                        label=t.remove_names
                        value=join(names.remove)
                        hint=t.remove_names_hint
                    />
                </div>
                <div role="radiogroup" aria-label=t.who_speaks class="space-y-2">
                    <Radio
                        name="form[chat_identity]"
                        value="streamer"
                        id="chat-identity-streamer"
                        checked=identity == ChatIdentity::Streamer
                        label=t.as_you
                        hint=t.as_you_hint
                    />
                    <Radio
                        name="form[chat_identity]"
                        value="bot"
                        id="chat-identity-bot"
                        checked=identity == ChatIdentity::Bot
                        label=t.as_bot
                        hint=t.as_bot_hint
                    />
                </div>
                <super::chat_status_line::ChatStatusLine />
                <TextField
                    name="form[chat_ignored_bots]"
                    id="chat-ignored-bots"
                    label=t.ignored_bots
                    value=ignored_bots.join(" ")
                    hint=t.ignored_bots_hint
                />
            </div>
        </fieldset>
    }
    .into_any()
}
