//! Background jobs, for administrators: how many are waiting, running, done or dead, and the
//! dead letters with their error and a button to run them again.

use super::{render, require, when, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use worktrack_domain::permit;
use worktrack_store::{Job, JOB_DEAD};

#[derive(Template)]
#[template(path = "jobs.html")]
pub struct JobsPage {
    pub chrome: Chrome,
    pub counts: Vec<(String, i64)>,
    pub dead: Vec<(Job, String)>,
}

/// Every page here is for those who manage background jobs.
fn require_job_manager(who: &SignedIn) -> Result<(), PageError> {
    require(
        permit::may_manage_jobs(who.role()),
        "managing background jobs",
    )
}

pub async fn list(PageRequest { state, who, csrf }: PageRequest) -> Result<Response, PageError> {
    require_job_manager(&who)?;
    let counts = state.store.job_counts().await?;
    let dead = state
        .store
        .jobs(JOB_DEAD, 200)
        .await?
        .into_iter()
        .map(|j| {
            let at = when(j.created_at, who.zone);
            (j, at)
        })
        .collect();
    render(&JobsPage {
        chrome: Chrome::for_user(&who, "Background jobs", csrf, "/jobs"),
        counts,
        dead,
    })
}

pub async fn retry(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require_job_manager(&who)?;
    state.store.retry_job(&who.viewer.actor, id).await?;
    state.intake.new_document.notify_one();
    Ok(Redirect::to("/jobs").into_response())
}
