//! The reminder letters an office prints for claimants: each booked (or moved) appointment
//! queues one, and the office's managers print the day's letters here and mark them printed.

use crate::auth::PageRequest;
use crate::error::PageError;
use crate::form::Form;
use crate::pages::{render, Chrome};
use crate::routes::{get, Table};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use worktrack_domain::appointments::Channel;
use worktrack_domain::TimeZone;
use worktrack_store::Letter;

pub fn routes() -> Table {
    Table::new().route("/offices/{code}/letters", get(letters_page).post(printed))
}

/// One letter: who it goes to and its text, paragraph by paragraph.
pub struct LetterView {
    pub id: i64,
    pub to: String,
    pub paragraphs: Vec<String>,
}

/// The text of the reminder letter `l` from `office_name`.
fn compose(l: &Letter, tz: TimeZone, office_name: &str) -> LetterView {
    let when = worktrack_store::local_label(tz, l.start_ms);
    let channel = Channel::parse(&l.channel).unwrap_or(Channel::InPerson);
    let how = match channel {
        Channel::Phone => format!(
            "We will call you at {} for your {} appointment on {when}. Please keep your phone with you at that time.",
            l.contact, l.type_name
        ),
        Channel::Video => format!(
            "Your {} appointment is by video on {when}. Join it at {}.",
            l.type_name, l.contact
        ),
        Channel::InPerson => format!(
            "Your {} appointment is at the {} office on {when}. Please bring this letter and any papers you were asked for.",
            l.type_name, office_name
        ),
    };
    let mut paragraphs = vec![format!("Dear {},", l.claimant_name), how];
    let needs = l.accommodations.describe();
    if !needs.is_empty() {
        paragraphs.push(format!("We have arranged: {}.", needs.join(", ")));
    }
    paragraphs.push(format!(
        "If you cannot keep this appointment, please call the {office_name} office to change it. Appointment number {}.",
        l.appointment_id
    ));
    LetterView {
        id: l.id,
        to: l.claimant_name.clone(),
        paragraphs,
    }
}

#[derive(Template)]
#[template(path = "letters.html")]
pub struct LettersPage {
    pub chrome: Chrome,
    pub office_code: String,
    pub office_name: String,
    pub letters: Vec<LetterView>,
    pub ids: String,
}

async fn letters_page(
    PageRequest { state, who, csrf }: PageRequest,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let office = state.store.office_by_code(&code).await?;
    let letters = state.store.letters_to_print(&who.viewer, &office).await?;
    let tz = TimeZone::parse(&office.time_zone).map_err(|_| PageError::internal())?;
    let letters: Vec<LetterView> = letters
        .iter()
        .map(|l| compose(l, tz, &office.name))
        .collect();
    let ids = letters
        .iter()
        .map(|l| l.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    render(&LettersPage {
        chrome: Chrome::for_user(&who, "Reminder letters", csrf, ""),
        office_code: office.code.clone(),
        office_name: office.name.clone(),
        letters,
        ids,
    })
}

#[derive(Deserialize)]
pub struct PrintedForm {
    #[serde(default)]
    ids: String,
}

async fn printed(
    PageRequest { state, who, .. }: PageRequest,
    Path(code): Path<String>,
    Form(form): Form<PrintedForm>,
) -> Result<Response, PageError> {
    let office = state.store.office_by_code(&code).await?;
    let ids: Vec<i64> = form
        .ids
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .take(500)
        .collect();
    let n = state
        .store
        .letters_printed(&who.viewer, &office, &ids)
        .await?;
    let message = match n {
        1 => "1 letter marked printed.".to_string(),
        n => format!("{n} letters marked printed."),
    };
    Ok(crate::flash::redirect(
        &state,
        &format!("/offices/{}/letters", office.code),
        message,
    ))
}
