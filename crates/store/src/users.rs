//! Users, their roles and skills. Password hashing happens above this layer; the store keeps
//! only the PHC string.

use crate::audit::{arg, Arg, Event};
use crate::db::{now_ms, Store, WriteTx};
use crate::error::{Result, StoreError};
use crate::Actor;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use worktrack_domain::{PersonName, Role, Skill, Username};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub office_id: Option<i64>,
    pub active: bool,
    pub skills: Vec<String>,
    pub created_at: i64,
    /// Where the daily digest goes (managers), if anywhere.
    pub email: Option<String>,
}

pub struct NewUser {
    pub username: Username,
    pub display_name: PersonName,
    pub role: Role,
    pub office_id: Option<i64>,
    pub skills: Vec<Skill>,
    pub password_hash: String,
}

pub struct UserUpdate {
    pub display_name: PersonName,
    pub role: Role,
    pub office_id: Option<i64>,
    pub skills: Vec<Skill>,
    pub active: bool,
}

pub(crate) fn user_from_row(r: &AnyRow) -> std::result::Result<User, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: role.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        office_id: r.try_get("office_id")?,
        active: r.try_get::<i64, _>("active")? != 0,
        skills: match r.try_get::<Option<String>, _>("skills") {
            Ok(list) => list
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            // Rows returned by an INSERT or UPDATE carry no skills; the caller sets them.
            Err(sqlx::Error::ColumnNotFound(_)) => Vec::new(),
            Err(e) => return Err(e),
        },
        created_at: r.try_get("created_at")?,
        email: match r.try_get("email") {
            Ok(e) => e,
            Err(sqlx::Error::ColumnNotFound(_)) => None,
            Err(e) => return Err(e),
        },
    })
}

/// A user's columns and skills (one comma-separated, sorted list), so that one query reads both.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.office_id, u.active, u.created_at, u.email, \
     (SELECT string_agg(k.skill, ',' ORDER BY k.skill) FROM user_skills k WHERE k.user_id = u.id) AS skills";

fn check_office(role: Role, office_id: Option<i64>) -> Result<()> {
    if office_id.is_none() && matches!(role, Role::Employee | Role::Manager | Role::AreaDirector) {
        return Err(StoreError::Invalid(format!(
            "a user with role {} must belong to an office",
            role.label().to_lowercase()
        )));
    }
    Ok(())
}

async fn replace_skills(conn: &mut AnyConnection, user_id: i64, skills: &[Skill]) -> Result<()> {
    sqlx::query("DELETE FROM user_skills WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for skill in skills {
        sqlx::query("INSERT INTO user_skills (user_id, skill) VALUES ($1, $2)")
            .bind(user_id)
            .bind(skill.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn end_sessions(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Completes a user's creation or change: `row` is the user as written; their skills become
/// `skills`, their sessions end when they are no longer active, and the change is audited as
/// `action` and committed.
async fn saved_user(
    mut tx: WriteTx,
    actor: &Actor,
    action: &str,
    row: &AnyRow,
    skills: &[Skill],
) -> Result<User> {
    let mut user = user_from_row(row)?;
    replace_skills(&mut tx.tx, user.id, skills).await?;
    user.skills = skills.iter().map(|s| s.as_str().to_string()).collect();
    if !user.active {
        end_sessions(&mut tx.tx, user.id).await?;
    }
    let detail = serde_json::json!({
        "role": user.role, "office_id": user.office_id, "active": user.active,
        "skills": user.skills, "display_name": user.display_name,
    });
    tx.commit_audited(
        actor,
        Event::new(action, "user", &user.username, user.office_id).detail(detail),
    )
    .await?;
    Ok(user)
}

impl Store {
    pub async fn create_user(&self, actor: &Actor, new: &NewUser) -> Result<User> {
        check_office(new.role, new.office_id)?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let row = sqlx::query(
            "INSERT INTO users (username, display_name, role, office_id, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, 1, $6) \
             RETURNING id, username, display_name, role, office_id, active, created_at, email",
        )
        .bind(new.username.as_str())
        .bind(new.display_name.as_str())
        .bind(new.role.as_str())
        .bind(new.office_id)
        .bind(&new.password_hash)
        .bind(now_ms())
        .fetch_one(&mut *tx.tx)
        .await
        .map_err(|e| StoreError::on_unique(e, &format!("user {} already exists", new.username)))?;
        saved_user(tx, actor, "user.create", &row, &new.skills).await
    }

    pub async fn update_user(
        &self,
        actor: &Actor,
        username: &str,
        up: &UserUpdate,
    ) -> Result<User> {
        check_office(up.role, up.office_id)?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let row = sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, office_id = $3, active = $4 \
             WHERE username = $5 RETURNING id, username, display_name, role, office_id, active, created_at, email",
        )
        .bind(up.display_name.as_str())
        .bind(up.role.as_str())
        .bind(up.office_id)
        .bind(i64::from(up.active))
        .bind(username)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        saved_user(tx, actor, "user.update", &row, &up.skills).await
    }

    /// Sets a new password hash and ends every session of the user.
    pub async fn set_password_hash(
        &self,
        actor: &Actor,
        username: &str,
        hash: &str,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE users SET password_hash = $1 WHERE username = $2 \
             RETURNING id, username, display_name, role, office_id, active, created_at, email",
        )
        .bind(hash)
        .bind(username)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let user = user_from_row(&row)?;
        end_sessions(&mut tx.tx, user.id).await?;
        tx.commit_audited(
            actor,
            Event::new(
                "user.password_reset",
                "user",
                &user.username,
                user.office_id,
            ),
        )
        .await?;
        Ok(user)
    }

    /// The user and their password hash, for signing in. Inactive users are included; the
    /// caller refuses them after checking the password, so timing does not tell them apart.
    pub async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1"
        ))
        .bind(username.trim().to_ascii_lowercase())
        .fetch_optional(self.pool())
        .await?;
        match row {
            None => Ok(None),
            Some(r) => {
                let user = user_from_row(&r)?;
                Ok(Some((user, r.try_get("password_hash")?)))
            }
        }
    }

    pub async fn user_by_username(&self, username: &str) -> Result<User> {
        Ok(self
            .user_credentials(username)
            .await?
            .ok_or(StoreError::NotFound)?
            .0)
    }

    pub async fn user_by_id(&self, id: i64) -> Result<User> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(user_from_row(&row)?)
    }

    /// Users, optionally of one office, ordered by user name.
    pub async fn users(&self, office_id: Option<i64>) -> Result<Vec<User>> {
        let rows = match office_id {
            Some(id) => {
                sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.office_id = $1 ORDER BY u.username"
                ))
                .bind(id)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users u ORDER BY u.username"
                ))
                .fetch_all(self.pool())
                .await?
            }
        };
        Ok(rows
            .iter()
            .map(user_from_row)
            .collect::<std::result::Result<_, _>>()?)
    }

    /// One page of users by user name: those of `office_id` when given, whose user name or
    /// name contains `search` (any case) when given, just after the user name `after` (or just
    /// before `before`), at most `limit`, in user-name order.
    pub async fn search_users(
        &self,
        office_id: Option<i64>,
        search: Option<&str>,
        after: Option<&str>,
        before: Option<&str>,
        limit: i64,
    ) -> Result<Vec<User>> {
        let mut conditions: Vec<String> = Vec::new();
        let mut args: Vec<Arg> = Vec::new();
        if let Some(id) = office_id {
            let p = arg(&mut args, Arg::Int(id));
            conditions.push(format!("u.office_id = {p}"));
        }
        if let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) {
            let escaped = q
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let p = arg(&mut args, Arg::Text(format!("%{escaped}%")));
            conditions.push(format!(
                "(LOWER(u.username) LIKE {p} ESCAPE '\\' OR LOWER(u.display_name) LIKE {p} ESCAPE '\\')"
            ));
        }
        let descending = match (after, before) {
            (Some(a), _) => {
                let p = arg(&mut args, Arg::Text(a.to_string()));
                conditions.push(format!("u.username > {p}"));
                false
            }
            (None, Some(b)) => {
                let p = arg(&mut args, Arg::Text(b.to_string()));
                conditions.push(format!("u.username < {p}"));
                true
            }
            (None, None) => false,
        };
        let limit_p = arg(&mut args, Arg::Int(limit.clamp(1, 1000)));
        let mut sql = format!("SELECT {USER_COLUMNS} FROM users u");
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(if descending {
            " ORDER BY u.username DESC"
        } else {
            " ORDER BY u.username"
        });
        sql.push_str(&format!(" LIMIT {limit_p}"));
        let mut q = sqlx::query(&sql);
        for a in &args {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(t) => q.bind(t.as_str()),
            };
        }
        let rows = q.fetch_all(self.pool()).await?;
        let mut users = rows
            .iter()
            .map(user_from_row)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if descending {
            users.reverse();
        }
        Ok(users)
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?)
    }
}
