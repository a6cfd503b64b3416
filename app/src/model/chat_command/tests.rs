use super::*;

fn parse(text: &str) -> Option<Result<ChatCommand, CommandError>> {
    parse_command(text, &ChatCommands::default())
}

fn hours(n: u64) -> VipDuration {
    VipDuration::from_secs(n * 3_600).unwrap()
}

#[test]
fn both_peer_styles_read_the_same_commands() {
    assert_eq!(parse("!vip"), Some(Ok(ChatCommand::Check)));
    assert_eq!(parse("!CheckVip please"), Some(Ok(ChatCommand::Check)));
    let add = ChatCommand::Add {
        login: "alice".into(),
        length: Some(GrantLength::For(hours(2))),
    };
    assert_eq!(parse("!vips add @Alice 2h"), Some(Ok(add.clone())));
    assert_eq!(parse("!addvip alice 2h"), Some(Ok(add)));
    assert_eq!(
        parse("!addvip @alice"),
        Some(Ok(ChatCommand::Add {
            login: "alice".into(),
            length: None
        }))
    );
    let remove = ChatCommand::Remove {
        login: "bob_2".into(),
    };
    assert_eq!(parse("!vips remove @bob_2"), Some(Ok(remove.clone())));
    assert_eq!(parse("!removevip bob_2"), Some(Ok(remove)));
    assert_eq!(
        parse("!vips extend @alice 30m"),
        Some(Ok(ChatCommand::Extend {
            login: "alice".into(),
            by: VipDuration::from_secs(1_800).unwrap()
        }))
    );
    assert_eq!(
        parse("!vips setexpire @alice 1d"),
        Some(Ok(ChatCommand::SetExpire {
            login: "alice".into(),
            length: GrantLength::For(hours(24))
        }))
    );
    assert_eq!(
        parse("!vips add @alice stream_end"),
        Some(Ok(ChatCommand::Add {
            login: "alice".into(),
            length: Some(GrantLength::StreamEnd)
        }))
    );
    assert_eq!(parse("  !VIPS LIST"), Some(Ok(ChatCommand::List)));
}

#[test]
fn other_messages_are_not_commands() {
    for text in [
        "hello",
        "vip",
        "! vip",
        "!vipp",
        "!",
        "",
        "@streamer !vip",
        "!lurk",
    ] {
        assert_eq!(parse(text), None, "{text}");
    }
    let off = ChatCommands::stored_before();
    assert_eq!(parse_command("!vip", &off), None);
    let other = ChatCommands {
        prefix: "?".into(),
        ..ChatCommands::default()
    };
    assert_eq!(parse_command("!vip", &other), None);
    assert_eq!(parse_command("?vip", &other), Some(Ok(ChatCommand::Check)));
}

#[test]
fn bad_arguments_name_the_problem() {
    assert_eq!(
        parse("!vips"),
        Some(Err(CommandError::UnknownSubcommand(String::new())))
    );
    assert_eq!(
        parse("!vips grant @a 1h"),
        Some(Err(CommandError::UnknownSubcommand("grant".into())))
    );
    assert_eq!(parse("!vips add"), Some(Err(CommandError::MissingUser)));
    assert_eq!(
        parse("!vips add @al!ce 1h"),
        Some(Err(CommandError::BadUser("@al!ce".into())))
    );
    assert_eq!(
        parse("!vips extend @alice"),
        Some(Err(CommandError::MissingDuration))
    );
    assert!(matches!(
        parse("!vips add @alice 2 hours"),
        Some(Err(CommandError::BadDuration(DurationError::NotANumber(_))
            | CommandError::BadDuration(DurationError::Malformed(_))))
    ));
    assert_eq!(
        parse("!vips add @alice 400d"),
        Some(Err(CommandError::BadDuration(DurationError::TooLong)))
    );
    assert_eq!(
        parse("!vips extend @alice stream_end"),
        Some(Err(CommandError::StreamEndNotHere))
    );
    assert_eq!(
        parse("!vips list now"),
        Some(Err(CommandError::TooManyArguments))
    );
    assert_eq!(
        parse("!removevip @alice 2h"),
        Some(Err(CommandError::TooManyArguments))
    );
}

#[cfg(feature = "ssr")]
#[test]
fn a_bad_command_is_answered_in_the_channels_language() {
    for e in [
        CommandError::MissingUser,
        CommandError::BadDuration(DurationError::TooLong),
        CommandError::UnknownSubcommand("x".into()),
    ] {
        for lang in crate::i18n::Lang::ALL {
            let reply = e.reply("!", "vips", Some(lang));
            assert!(!reply.is_empty() && reply.chars().count() < 200, "{reply}");
        }
    }
    assert_eq!(
        CommandError::MissingUser.reply("!", "vips", None),
        "name a user; usage: !vips add|remove|extend|setexpire @user 2h, or !vips list"
    );
    assert_eq!(
        CommandError::MissingUser.reply("!", "vips", Some(crate::i18n::Lang::De)),
        "nenne einen Nutzer; so geht’s: !vips add|remove|extend|setexpire @user 2h, oder !vips list"
    );
}

#[test]
fn characters_clients_add_to_repeat_a_message_are_ignored() {
    assert_eq!(parse("!vip \u{E0000}"), Some(Ok(ChatCommand::Check)));
    assert_eq!(parse("!vips\u{200B} list"), Some(Ok(ChatCommand::List)));
}

#[test]
fn renamed_commands_answer_to_their_new_names_only() {
    let mut settings = ChatCommands::default();
    settings.names.check = vec!["viptime".into()];
    settings.names.manage = vec!["v".into()];
    assert_eq!(
        parse_command("!viptime", &settings),
        Some(Ok(ChatCommand::Check))
    );
    assert_eq!(parse_command("!vip", &settings), None);
    assert_eq!(
        parse_command("!v list", &settings),
        Some(Ok(ChatCommand::List))
    );
}

/// A small deterministic generator (no dependency): the same cases on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Renders a command as a moderator could type it, with random case, spacing and style.
fn render(rng: &mut Lcg, c: &ChatCommand) -> String {
    let at = |rng: &mut Lcg, login: &str| {
        let login = if rng.next().is_multiple_of(2) {
            login.to_uppercase()
        } else {
            login.to_owned()
        };
        if rng.next().is_multiple_of(2) {
            format!("@{login}")
        } else {
            login
        }
    };
    let len = |l: &GrantLength| match l {
        GrantLength::For(d) => d.token(),
        GrantLength::StreamEnd => STREAM_END.into(),
    };
    let space = |rng: &mut Lcg| rng.pick(&[" ", "  ", "\t"]).to_owned();
    let words: Vec<String> = match c {
        ChatCommand::Check => vec![rng.pick(&["vip", "checkvip", "VIP"]).into()],
        ChatCommand::List => vec!["vips".into(), rng.pick(&["list", "LIST"]).into()],
        ChatCommand::Add { login, length } => {
            let mut w = if rng.next().is_multiple_of(2) {
                vec!["addvip".into()]
            } else {
                vec!["vips".into(), "add".into()]
            };
            w.push(at(rng, login));
            w.extend(length.as_ref().map(len));
            w
        }
        ChatCommand::Remove { login } => {
            let mut w = if rng.next().is_multiple_of(2) {
                vec!["removevip".into()]
            } else {
                vec!["vips".into(), "Remove".into()]
            };
            w.push(at(rng, login));
            w
        }
        ChatCommand::Extend { login, by } => {
            vec!["vips".into(), "extend".into(), at(rng, login), by.token()]
        }
        ChatCommand::SetExpire { login, length } => {
            vec![
                "vips".into(),
                "setexpire".into(),
                at(rng, login),
                len(length),
            ]
        }
    };
    let mut out = format!("{}!", space(rng).trim_end_matches(['\t', ' ']));
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(&space(rng));
        }
        out.push_str(w);
    }
    out
}

fn random_command(rng: &mut Lcg) -> ChatCommand {
    const LOGINS: &[&str] = &["alice", "bob_2", "x", "a_very_long_login_name_25"];
    let login = rng.pick(LOGINS).to_owned();
    let duration = VipDuration::from_secs(rng.next() % VipDuration::MAX_SECS + 1).unwrap();
    let length = if rng.next().is_multiple_of(5) {
        GrantLength::StreamEnd
    } else {
        GrantLength::For(duration)
    };
    match rng.next() % 7 {
        0 => ChatCommand::Check,
        1 => ChatCommand::List,
        2 => ChatCommand::Add {
            login,
            length: Some(length),
        },
        3 => ChatCommand::Add {
            login,
            length: None,
        },
        4 => ChatCommand::Remove { login },
        5 => ChatCommand::Extend {
            login,
            by: duration,
        },
        _ => ChatCommand::SetExpire { login, length },
    }
}

#[test]
fn every_command_reads_back_however_it_is_typed() {
    let mut rng = Lcg(3);
    for _ in 0..20_000 {
        let command = random_command(&mut rng);
        let typed = render(&mut rng, &command);
        assert_eq!(parse(&typed), Some(Ok(command)), "{typed:?}");
    }
}

#[test]
fn random_messages_never_panic_and_only_prefixed_ones_are_commands() {
    const WORDS: &[&str] = &[
        "!",
        "!vip",
        "!vips",
        "add",
        "remove",
        "extend",
        "setexpire",
        "list",
        "@alice",
        "@",
        "2h",
        "1h30m",
        "0s",
        "stream_end",
        "🙂",
        "é",
        " ",
        "\u{E0000}",
        "999999999999w",
        "!addvip",
    ];
    let mut rng = Lcg(5);
    for _ in 0..50_000 {
        let n = rng.next() % 6;
        let text: String = (0..n)
            .map(|_| rng.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" ");
        if parse(&text).is_some() {
            let visible = text.replace('\u{E0000}', "");
            assert!(visible.trim_start().starts_with('!'), "{text:?}");
        }
    }
}
