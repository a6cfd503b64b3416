//! Errors in the served language. Text the server wrote itself is shown as it came: a refused form
//! input is already in the page's words ([`crate::model::BadInput::words`]).

use super::keys::Errors;
use crate::error::AppError;

impl AppError {
    /// The error as a person reads it, in the language of `t`.
    pub fn in_language(&self, t: &Errors) -> String {
        match self {
            AppError::Invalid(reason) => reason.clone(),
            AppError::Unauthorized => t.unauthorized.into(),
            AppError::Forbidden => t.forbidden.into(),
            AppError::NotFound => t.not_found.into(),
            AppError::Internal { reference } => (t.internal)(reference),
            AppError::Refused(refusal) => (t.refusal)(*refusal).into(),
            AppError::ServerFn(e) => (t.request_failed)(&e.to_string()),
        }
    }

    /// [`AppError::in_language`] in the language this page is served in.
    pub fn localized(&self) -> String {
        self.in_language(&super::use_texts().errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Refusal;
    use crate::i18n::Lang;

    #[test]
    fn english_errors_read_as_the_api_s_messages() {
        let en = &Lang::En.texts().errors;
        for error in [
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Internal {
                reference: "abc".into(),
            },
            AppError::Refused(Refusal::SlotsFull),
            AppError::Refused(Refusal::UntilStreamEnd),
            AppError::Invalid("“x” is not a whole number".into()),
        ] {
            assert_eq!(error.in_language(en), error.to_string());
        }
    }

    #[test]
    fn english_duration_errors_read_as_the_model_s() {
        use crate::model::DurationError;
        let en = &Lang::En.texts().home;
        for e in [
            DurationError::Zero,
            DurationError::TooLong,
            DurationError::NotANumber("x".into()),
            DurationError::UnknownUnit("y".into()),
            DurationError::Malformed("z".into()),
        ] {
            assert_eq!((en.duration_error)(&e), e.to_string());
        }
    }

    #[test]
    fn errors_are_translated() {
        let de = &Lang::De.texts().errors;
        assert_eq!(
            AppError::Refused(Refusal::SlotsFull).in_language(de),
            "alle VIP-Plätze des Kanals sind belegt"
        );
        assert_eq!(
            AppError::Unauthorized.in_language(de),
            "bitte melde dich an"
        );
    }
}
