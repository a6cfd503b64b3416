//! 日本語.

use crate::model::{BadInput, DurationError, Field, WarningLeadsError};

fn field(f: Field) -> &'static str {
    match f {
        Field::DefaultDuration => "既定の期間",
        Field::MaximumWait => "最大待ち時間",
        Field::SubscriptionVip => "サブスクのVIP",
        Field::GiftVip => "ギフトサブのVIP",
        Field::GiftsNeeded => "必要なギフトサブ数",
        Field::BitsVip => "ビッツのVIP",
        Field::BitsNeeded => "必要なビッツ",
        Field::ViewerCooldown => "視聴者ごとのクールダウン",
        Field::RewardDuration => "VIPの期間",
        Field::Cost => "コスト",
        Field::Cooldown => "クールダウン",
        Field::MaxPerStream => "配信ごとの上限",
        Field::MaxPerViewerPerStream => "視聴者・配信ごとの上限",
    }
}

fn leads(e: WarningLeadsError) -> &'static str {
    match e {
        WarningLeadsError::Zero => "通知は1秒以上前に設定してください",
        WarningLeadsError::TooLong => "通知は最大86400秒（1日）前までです",
        WarningLeadsError::TooMany => "通知は最大5つまでです",
    }
}

pub(super) fn say(bad: &BadInput, duration: fn(&DurationError) -> String) -> String {
    match bad {
        BadInput::Duration { field: f, error } => format!("{}：{}", field(*f), duration(error)),
        BadInput::VipLength(error) => duration(error),
        BadInput::NotAWholeNumber { field: f, value } => {
            format!("{}：「{value}」は整数ではありません", field(*f))
        }
        BadInput::WarningNotANumber(v) => {
            format!("期限前の通知：「{v}」は秒数の整数ではありません")
        }
        BadInput::WarningLeads(e) => format!("期限前の通知：{}", leads(*e)),
        BadInput::Grace(v) => {
            format!("配信終了後の猶予：「{v}」は1〜31536000の秒数ではありません")
        }
        BadInput::CooldownTooLong => "クールダウンは最大7日です".into(),
        BadInput::TitleLength => "タイトルは1〜45文字にしてください".into(),
        BadInput::CostZero => "コストは1ポイント以上にしてください".into(),
        BadInput::PromptTooLong => "説明は最大200文字です".into(),
        BadInput::LimitsZero => "上限とクールダウンは1以上にしてください".into(),
        BadInput::ChatMessageLength { name, max } => {
            format!("チャットメッセージ「{name}」は1〜{max}文字にしてください")
        }
        BadInput::DiscordWebhook => {
            "DiscordのWebhookは https://discord.com/api/webhooks/<id>/<token> の形にしてください"
                .into()
        }
        BadInput::TimeZone(name) => format!(
            "タイムゾーン：「{name}」はIANAのタイムゾーン（例：Asia/Tokyo、Europe/Berlin）ではありません"
        ),
    }
}
