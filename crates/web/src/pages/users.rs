//! User administration (administrators only): list, create with a one-time password, edit
//! role, office, skills and status, reset a password.

use super::{render, render_status, require, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::form::Form;
use crate::password::{generate_password, hash_password};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use worktrack_domain::permit;
use worktrack_domain::{PersonName, Role, Skill, Username};
use worktrack_store::{NewUser, Office, User, UserUpdate};

#[derive(Deserialize, Default, Clone)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    /// Office code, or empty for none.
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub skills: String,
    pub active: Option<String>,
}

pub struct Parsed {
    pub display_name: PersonName,
    pub role: Role,
    pub office_id: Option<i64>,
    pub skills: Vec<Skill>,
}

impl UserForm {
    fn from_user(u: &User, offices: &[Office]) -> UserForm {
        UserForm {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_string(),
            office: super::office_code(u.office_id, offices).unwrap_or_default(),
            skills: u.skills.join(", "),
            active: u.active.then(|| "on".into()),
        }
    }

    pub fn parse(&self, offices: &[Office]) -> Result<Parsed, String> {
        let office_id = if self.office.trim().is_empty() {
            None
        } else {
            Some(
                offices
                    .iter()
                    .find(|o| o.code.eq_ignore_ascii_case(self.office.trim()))
                    .map(|o| o.id)
                    .ok_or_else(|| format!("Office: there is no office {}", self.office.trim()))?,
            )
        };
        Ok(Parsed {
            display_name: PersonName::parse(&self.display_name)
                .map_err(|e| format!("Full name: {e}"))?,
            role: self.role.parse().map_err(|e| format!("Role: {e}"))?,
            office_id,
            skills: Skill::parse_list(&self.skills).map_err(|e| format!("Skills: {e}"))?,
        })
    }
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub users: Vec<(User, String)>,
    pub offices: Vec<Office>,
    pub roles: [Role; 6],
    pub form: UserForm,
    pub filter: String,
    pub search: String,
    pub older: Option<String>,
    pub newer: Option<String>,
}

/// Users on one page of the list.
pub const USERS_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    office: Option<String>,
    #[serde(default)]
    q: String,
    after: Option<String>,
    before: Option<String>,
}

async fn users_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    query: UsersQuery,
    form: UserForm,
    error: Option<String>,
) -> Result<UsersPage, PageError> {
    let offices = state.store.offices().await?;
    let filter = query
        .office
        .clone()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    let office_id = if filter.is_empty() {
        None
    } else {
        Some(state.store.office_by_code(&filter).await?.id)
    };
    let search = query.q.trim().to_string();
    let search_opt = (!search.is_empty()).then_some(search.as_str());
    // One more than a page tells whether there is a further page in that direction.
    let mut found = state
        .store
        .search_users(
            office_id,
            search_opt,
            query.after.as_deref(),
            query.before.as_deref(),
            USERS_PAGE + 1,
        )
        .await?;
    let more = found.len() as i64 > USERS_PAGE;
    if more {
        if query.before.is_some() && query.after.is_none() {
            found.remove(0);
        } else {
            found.truncate(USERS_PAGE as usize);
        }
    }
    let link = |key: &str, username: &str| {
        let mut params: Vec<(&str, &str)> = Vec::new();
        if !filter.is_empty() {
            params.push(("office", &filter));
        }
        if !search.is_empty() {
            params.push(("q", &search));
        }
        params.push((key, username));
        format!(
            "/users?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    };
    let paging_back = query.after.is_some() || query.before.is_some();
    let (newer, older) = match (found.first(), found.last()) {
        (Some(first), Some(last)) => {
            let forward = query.before.is_none() || query.after.is_some();
            let next = (if forward { more } else { true }).then(|| link("after", &last.username));
            let prev =
                (if forward { paging_back } else { more }).then(|| link("before", &first.username));
            (prev, next)
        }
        _ => (None, None),
    };
    let users = found
        .into_iter()
        .map(|u| {
            let code = super::office_code(u.office_id, &offices).unwrap_or_else(|| "—".into());
            (u, code)
        })
        .collect();
    Ok(UsersPage {
        chrome: Chrome::for_user(who, "Users", csrf, "/users").with_error(error),
        users,
        offices,
        roles: Role::ALL,
        form,
        filter,
        search,
        older,
        newer,
    })
}

/// Every page here is for those who manage users.
fn require_user_manager(who: &SignedIn) -> Result<(), PageError> {
    require(permit::may_manage_users(who.role()), "managing users")
}

pub async fn list(
    PageRequest { state, who, csrf }: PageRequest,
    Query(q): Query<UsersQuery>,
) -> Result<Response, PageError> {
    require_user_manager(&who)?;
    let form = UserForm {
        role: "employee".into(),
        ..UserForm::default()
    };
    render(&users_page(&state, &who, csrf, q, form, None).await?)
}

#[derive(Template)]
#[template(path = "one_time_password.html")]
pub struct OneTimePasswordPage {
    pub chrome: Chrome,
    pub username: String,
    pub password: String,
    pub created: bool,
}

pub async fn create(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<UserForm>,
) -> Result<Response, PageError> {
    require_user_manager(&who)?;
    let offices = state.store.offices().await?;
    let password = generate_password();
    let attempt = async {
        let parsed = form.parse(&offices)?;
        let username = Username::parse(&form.username).map_err(|e| format!("User name: {e}"))?;
        let hash = hash_password(password.clone())
            .await
            .map_err(|_| "could not hash the password".to_string())?;
        state
            .store
            .create_user(
                &who.viewer.actor,
                &NewUser {
                    username,
                    display_name: parsed.display_name,
                    role: parsed.role,
                    office_id: parsed.office_id,
                    skills: parsed.skills,
                    password_hash: hash,
                },
            )
            .await
            .map_err(|e| PageError::from(e).message)
    };
    match attempt.await {
        Ok(user) => render(&OneTimePasswordPage {
            chrome: Chrome::for_user(&who, "User created", csrf, "/users"),
            username: user.username,
            password,
            created: true,
        })
        .map(IntoResponse::into_response),
        Err(message) => {
            let page = users_page(
                &state,
                &who,
                csrf,
                UsersQuery::default(),
                form,
                Some(message),
            )
            .await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "user.html")]
pub struct UserPage {
    pub chrome: Chrome,
    pub user: User,
    pub offices: Vec<Office>,
    pub roles: [Role; 6],
    pub form: UserForm,
    /// The e-mail field as shown (the stored address, or what was typed when it was refused).
    pub email: String,
}

/// A user's page, with the e-mail field showing `email` and an optional refusal.
fn user_page(
    who: &SignedIn,
    csrf: String,
    user: User,
    offices: Vec<Office>,
    form: UserForm,
    email: String,
    error: Option<String>,
) -> UserPage {
    let title = format!("User {}", user.username);
    UserPage {
        chrome: Chrome::for_user(who, &title, csrf, "/users").with_error(error),
        email,
        user,
        offices,
        roles: Role::ALL,
        form,
    }
}

pub async fn show(
    PageRequest { state, who, csrf }: PageRequest,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    require_user_manager(&who)?;
    let user = state.store.user_by_username(&username).await?;
    let offices = state.store.offices().await?;
    let form = UserForm::from_user(&user, &offices);
    let email = user.email.clone().unwrap_or_default();
    render(&user_page(&who, csrf, user, offices, form, email, None))
}

#[derive(serde::Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
}

/// Sets or clears where a user's daily digest goes.
pub async fn set_email(
    PageRequest { state, who, csrf }: PageRequest,
    Path(username): Path<String>,
    Form(f): Form<EmailForm>,
) -> Result<Response, PageError> {
    require_user_manager(&who)?;
    let user = state.store.user_by_username(&username).await?;
    let typed = f.email.trim();
    let parsed = if typed.is_empty() {
        Ok(None)
    } else {
        worktrack_domain::EmailAddress::parse(typed)
            .map(Some)
            .map_err(|e| e.to_string())
    };
    let result = match parsed {
        Ok(email) => state
            .store
            .set_user_email(&who.viewer.actor, &user.username, email.as_ref())
            .await
            .map_err(|e| PageError::from(e).message),
        Err(m) => Err(m),
    };
    match result {
        Ok(u) => Ok(Redirect::to(&format!("/users/{}", u.username)).into_response()),
        Err(message) => {
            let offices = state.store.offices().await?;
            let form = UserForm::from_user(&user, &offices);
            let email = typed.to_string();
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &user_page(&who, csrf, user, offices, form, email, Some(message)),
            ))
        }
    }
}

pub async fn update(
    PageRequest { state, who, csrf }: PageRequest,
    Path(username): Path<String>,
    Form(form): Form<UserForm>,
) -> Result<Response, PageError> {
    require_user_manager(&who)?;
    let user = state.store.user_by_username(&username).await?;
    let offices = state.store.offices().await?;
    let result = match form.parse(&offices) {
        Ok(p) => {
            if user.id == who.user.id
                && !permit::may_save_own_account(p.role, form.active.is_some())
            {
                Err(
                    "You cannot remove your own administrator role or disable yourself."
                        .to_string(),
                )
            } else {
                state
                    .store
                    .update_user(
                        &who.viewer.actor,
                        &user.username,
                        &UserUpdate {
                            display_name: p.display_name,
                            role: p.role,
                            office_id: p.office_id,
                            skills: p.skills,
                            active: form.active.is_some(),
                        },
                    )
                    .await
                    .map_err(|e| PageError::from(e).message)
            }
        }
        Err(m) => Err(m),
    };
    match result {
        Ok(u) => Ok(Redirect::to(&format!("/users/{}", u.username)).into_response()),
        Err(message) => {
            let email = user.email.clone().unwrap_or_default();
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &user_page(&who, csrf, user, offices, form, email, Some(message)),
            ))
        }
    }
}

/// Lets a user sign in again at once, without the delay failed attempts put on the account.
pub async fn unlock(
    PageRequest { state, who, .. }: PageRequest,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    require_user_manager(&who)?;
    state
        .store
        .unlock_sign_in(&who.viewer.actor, &username)
        .await?;
    Ok(crate::flash::redirect(
        &state,
        &format!("/users/{username}"),
        "The user can sign in again at once: their failed attempts are forgotten.",
    ))
}

pub async fn reset_password(
    PageRequest { state, who, csrf }: PageRequest,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    require_user_manager(&who)?;
    let password = generate_password();
    let hash = hash_password(password.clone())
        .await
        .map_err(|_| PageError::internal())?;
    let user = state
        .store
        .set_password_hash(&who.viewer.actor, &username, &hash)
        .await?;
    render(&OneTimePasswordPage {
        chrome: Chrome::for_user(&who, "Password reset", csrf, "/users"),
        username: user.username,
        password,
        created: false,
    })
}
