//! The API's request and response bodies.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use worktrack_store::{ApiToken, AuditRow, Claimant, Office, User};

/// Unix milliseconds as an RFC 3339 timestamp.
pub fn iso(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub username: String,
    pub display_name: String,
    /// employee, manager, area_director, analyst, auditor or admin
    pub role: String,
    /// The office's code, if the user belongs to one.
    pub office: Option<String>,
    pub skills: Vec<String>,
    pub active: bool,
}

impl UserOut {
    pub fn new(u: &User, offices: &[Office]) -> UserOut {
        UserOut {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_string(),
            office: crate::pages::office_code(u.office_id, offices),
            skills: u.skills.clone(),
            active: u.active,
        }
    }
}

/// The reading (OCR) queue as an office sees it.
#[derive(Serialize, ToSchema)]
pub struct ReadingOut {
    pub office: String,
    /// `idle` (nothing waits), `reading` (at a measured rate) or `stalled` (pages wait, too
    /// few were read in the last 15 minutes to tell when they will be ready).
    pub state: String,
    /// This office's pages waiting to be read.
    pub office_pages: i64,
    /// All offices' pages waiting (the queue is shared, in order of arrival).
    pub all_pages: i64,
    /// Pages read per minute over the last 15 minutes, when enough were read to tell.
    pub pages_per_minute: Option<f64>,
    /// Minutes until every waiting page should be read, when the rate is known.
    pub expected_minutes: Option<i64>,
    /// The same in one sentence, as the documents page says it.
    pub summary: String,
}

#[derive(Serialize, ToSchema)]
pub struct OfficeOut {
    pub code: String,
    pub name: String,
    pub area: String,
    pub time_zone: String,
    pub dc_area: bool,
    pub training: bool,
    pub headcount: i64,
    /// Paper is due in WorkTrack within this many business days of arrival.
    pub upload_within_days: i64,
}

impl From<&Office> for OfficeOut {
    fn from(o: &Office) -> OfficeOut {
        OfficeOut {
            code: o.code.clone(),
            name: o.name.clone(),
            area: o.area.clone(),
            time_zone: o.time_zone.clone(),
            dc_area: o.dc_area,
            training: o.training,
            headcount: o.headcount,
            upload_within_days: o.upload_within_days,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficeIn {
    pub code: String,
    pub name: String,
    pub area: String,
    pub time_zone: String,
    #[serde(default)]
    pub dc_area: bool,
    #[serde(default)]
    pub training: bool,
    pub headcount: i64,
    /// Default 3.
    #[serde(default = "default_upload_days")]
    pub upload_within_days: i64,
}

fn default_upload_days() -> i64 {
    3
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserIn {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub office: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUserOut {
    pub user: UserOut,
    /// Shown once; the user signs in with it.
    pub one_time_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimantOut {
    pub id: i64,
    pub office: String,
    pub full_name: String,
    /// YYYY-MM-DD
    pub date_of_birth: Option<String>,
    /// Masked: `***-**-1234`.
    pub ssn: String,
    /// Whether an e-mail address is on file (appointment reminders go there, else by letter).
    pub has_email: bool,
    /// The address on file: given only when one claimant is read, and that read is audited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub created_at: String,
}

impl ClaimantOut {
    pub fn new(c: &Claimant, offices: &[Office]) -> ClaimantOut {
        ClaimantOut {
            id: c.id,
            office: crate::pages::office_code(Some(c.office_id), offices).unwrap_or_default(),
            full_name: c.full_name.clone(),
            date_of_birth: c.date_of_birth.clone(),
            ssn: c.ssn_masked.clone(),
            has_email: c.has_email,
            email: None,
            created_at: iso(c.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ClaimantPage {
    pub items: Vec<ClaimantOut>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_after: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClaimantIn {
    pub office: String,
    pub full_name: String,
    /// 9 digits, with or without dashes.
    pub ssn: String,
    /// YYYY-MM-DD
    pub date_of_birth: Option<String>,
    /// Where appointment reminders go by e-mail (without one, by letter).
    pub email: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimantEmailIn {
    /// The address to keep on file; null or empty removes the one on file.
    pub email: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsnIn {
    pub ssn: String,
}

#[derive(Serialize, ToSchema)]
pub struct RevealOut {
    /// The full number, `123-45-6789`. The reveal is audited.
    pub ssn: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

impl From<&ApiToken> for TokenOut {
    fn from(t: &ApiToken) -> TokenOut {
        TokenOut {
            id: t.id,
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            created_at: iso(t.created_at),
            expires_at: iso(t.expires_at),
            revoked_at: t.revoked_at.map(iso),
            last_used_at: t.last_used_at.map(iso),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenIn {
    pub name: String,
    /// Days until it expires, 1–365.
    pub days: i64,
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenOut {
    pub token: TokenOut,
    /// The token itself. Shown once; only its hash is stored.
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub detail: String,
    pub hash: String,
}

impl From<&AuditRow> for AuditOut {
    fn from(r: &AuditRow) -> AuditOut {
        AuditOut {
            seq: r.seq,
            at: iso(r.at),
            actor: r.actor.clone(),
            action: r.action.clone(),
            target_type: r.target_type.clone(),
            target_id: r.target_id.clone(),
            detail: r.detail.clone(),
            hash: r.hash.clone(),
        }
    }
}
