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
    view! {
        <fieldset class=format!("{CARD} lg:col-span-2")>
            <legend class=legend>"Chat commands"</legend>
            <div class="clear-left space-y-4">
                <input type="hidden" name="form[chat_commands_shown]" value="1" />
                <Checkbox
                    name="form[chat_commands_enabled]"
                    id="chat-commands-enabled"
                    label="Answer chat commands"
                    checked=enabled
                    hint="Viewers ask !vip for their time left; you and the moderators you allow manage VIPs with !vips. Needs the chat scopes: log in again when the account page lists them."
                />
                <div class="grid gap-4 sm:grid-cols-2">
                    <TextField
                        name="form[chat_prefix]"
                        id="chat-prefix"
                        label="Prefix"
                        value=prefix
                        hint="1 to 3 characters, e.g. !"
                    />
                    <TextField
                        name="form[chat_viewer_cooldown_secs]"
                        id="chat-cooldown"
                        label="Viewer cooldown (seconds)"
                        value=viewer_cooldown_secs.to_string()
                        hint="How often one viewer is answered."
                    />
                    <TextField
                        name="form[chat_check_names]"
                        id="chat-check-names"
                        label="Time-left command"
                        value=join(names.check)
                        hint="Names separated by spaces, e.g. vip checkvip"
                    />
                    <TextField
                        name="form[chat_manage_names]"
                        id="chat-manage-names"
                        label="Moderator command"
                        value=join(names.manage)
                        hint="With add, remove, extend, setexpire, list"
                    />
                    <TextField
                        name="form[chat_add_names]"
                        id="chat-add-names"
                        label="Add shortcut"
                        value=join(names.add)
                        hint="e.g. addvip"
                    />
                    <TextField
                        name="form[chat_remove_names]"
                        id="chat-remove-names"
                        label="Remove shortcut"
                        value=join(names.remove)
                        hint="e.g. removevip"
                    />
                </div>
                <div role="radiogroup" aria-label="Who speaks in chat" class="space-y-2">
                    <Radio
                        name="form[chat_identity]"
                        value="streamer"
                        id="chat-identity-streamer"
                        checked=identity == ChatIdentity::Streamer
                        label="As you"
                        hint="Replies and announcements come from your account. No set-up."
                    />
                    <Radio
                        name="form[chat_identity]"
                        value="bot"
                        id="chat-identity-bot"
                        checked=identity == ChatIdentity::Bot
                        label="As the app's chat bot"
                        hint="Messages carry Twitch's Chat Bot badge. Needs a bot the operator connected (GET /api/chat-bot says whether one is) and channel:bot from you: log in again. Make the bot a moderator (/mod) for the higher chat rate. The bot reads chat on webhooks; on WebSocket chat is read as you."
                    />
                </div>
                <super::chat_status_line::ChatStatusLine />
                <TextField
                    name="form[chat_ignored_bots]"
                    id="chat-ignored-bots"
                    label="Bots to ignore"
                    value=ignored_bots.join(" ")
                    hint="Logins whose messages are never read as commands, e.g. nightbot"
                />
            </div>
        </fieldset>
    }
    .into_any()
}
