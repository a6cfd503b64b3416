//! The settings form's chat commands: on/off, the prefix, each command's names, the viewers'
//! cooldown and bots to ignore.

use leptos::prelude::*;

use super::fields::{Checkbox, CARD, INPUT};
use crate::model::ChatCommands;

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
            <span id=format!("{id}-hint") class="text-zinc-400">{hint}</span>
        </label>
    }
    .into_any()
}

#[component]
pub fn ChatCommandsFields(commands: ChatCommands, legend: &'static str) -> AnyView {
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
                <Checkbox name="form[chat_commands_enabled]" id="chat-commands-enabled" label="Answer chat commands" checked=enabled hint="Viewers ask !vip for their time left; you and the moderators you allow manage VIPs with !vips. Needs the chat scopes: log in again when the account page lists them." />
                <div class="grid gap-4 sm:grid-cols-2">
                    <TextField name="form[chat_prefix]" id="chat-prefix" label="Prefix" value=prefix hint="1 to 3 characters, e.g. !" />
                    <TextField name="form[chat_viewer_cooldown_secs]" id="chat-cooldown" label="Viewer cooldown (seconds)" value=viewer_cooldown_secs.to_string() hint="How often one viewer is answered." />
                    <TextField name="form[chat_check_names]" id="chat-check-names" label="Time-left command" value=join(names.check) hint="Names separated by spaces, e.g. vip checkvip" />
                    <TextField name="form[chat_manage_names]" id="chat-manage-names" label="Moderator command" value=join(names.manage) hint="With add, remove, extend, setexpire, list" />
                    <TextField name="form[chat_add_names]" id="chat-add-names" label="Add shortcut" value=join(names.add) hint="e.g. addvip" />
                    <TextField name="form[chat_remove_names]" id="chat-remove-names" label="Remove shortcut" value=join(names.remove) hint="e.g. removevip" />
                </div>
                <TextField name="form[chat_ignored_bots]" id="chat-ignored-bots" label="Bots to ignore" value=ignored_bots.join(" ") hint="Logins whose messages are never read as commands, e.g. nightbot" />
            </div>
        </fieldset>
    }
    .into_any()
}
