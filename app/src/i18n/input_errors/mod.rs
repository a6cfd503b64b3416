//! A refused form input ([`BadInput`]) in each language, said by the server (the browser gets
//! the sentence, so none of these words is in its bundle). Each language matches every reason:
//! a reason added without its words in every language does not compile.

mod de;
mod es;
mod fr;
mod ja;
mod pt_br;

use super::Lang;
use crate::model::BadInput;

/// `bad` in the words of `lang`.
pub fn say(lang: Lang, bad: &BadInput) -> String {
    let duration = lang.texts().home.duration_error;
    match lang {
        Lang::En => bad.to_string(),
        Lang::De => de::say(bad, duration),
        Lang::Es => es::say(bad, duration),
        Lang::Fr => fr::say(bad, duration),
        Lang::PtBr => pt_br::say(bad, duration),
        Lang::Ja => ja::say(bad, duration),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_says_every_reason_in_its_own_words() {
        for bad in BadInput::examples() {
            let english = say(Lang::En, &bad);
            assert_eq!(english, bad.to_string());
            for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
                let words = say(lang, &bad);
                assert!(!words.is_empty(), "{lang:?} {bad:?}");
                assert_ne!(words, english, "{lang:?} says {bad:?} in English");
            }
        }
    }

    #[test]
    fn a_refusal_keeps_what_the_streamer_typed() {
        let bad = BadInput::NotAWholeNumber {
            field: crate::model::Field::Cost,
            value: "zehn".into(),
        };
        assert_eq!(say(Lang::De, &bad), "Kosten: „zehn“ ist keine ganze Zahl");
        let bad = BadInput::Duration {
            field: crate::model::Field::RewardDuration,
            error: crate::model::DurationError::Zero,
        };
        assert_eq!(
            say(Lang::De, &bad),
            "VIP-Dauer: eine VIP-Dauer muss mindestens eine Sekunde lang sein"
        );
    }
}
