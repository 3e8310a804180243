//! The profiling catalogue: document types, the profile codes under each, and the workload and
//! default deadline (in federal business days) each profile code leads to.
//!
//! [`default_catalogue`] is what a new installation starts with; administrators edit the copy
//! in the database. A profile code is what the classifier predicts: it names its document type,
//! so one label says both.

use serde::{Deserialize, Serialize};

/// A kind of work an office does, which a profiled document turns into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub code: String,
    pub name: String,
}

/// A profile code: the finest label a document gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileCode {
    pub code: String,
    pub name: String,
    /// Code of the [`DocumentType`] it belongs to.
    pub document_type: String,
    /// Code of the [`Workload`] it starts or joins.
    pub workload: String,
    /// Business days from the received date to the work's due date.
    pub deadline_days: u32,
}

/// A document type, with the form numbers printed on it (none for evidence such as pay stubs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentType {
    pub code: String,
    pub name: String,
    /// Form numbers as printed, most specific first (`SSA-561-U2`, then `SSA-561`).
    pub form_numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub workloads: Vec<Workload>,
    pub document_types: Vec<DocumentType>,
    pub profile_codes: Vec<ProfileCode>,
}

impl Catalogue {
    pub fn profile_code(&self, code: &str) -> Option<&ProfileCode> {
        self.profile_codes.iter().find(|p| p.code == code)
    }

    pub fn document_type(&self, code: &str) -> Option<&DocumentType> {
        self.document_types.iter().find(|t| t.code == code)
    }

    pub fn workload(&self, code: &str) -> Option<&Workload> {
        self.workloads.iter().find(|w| w.code == code)
    }

    /// The document type whose form number `form` is (`SSA-827`, `ssa 827`, `SSA-561-U2`):
    /// compared without case, spaces or hyphens; a longer printed number wins over its prefix, and an
    /// edition suffix such as `-U2` or `-BK` may follow.
    pub fn type_for_form(&self, form: &str) -> Option<&DocumentType> {
        let wanted = normalise_form(form);
        self.document_types
            .iter()
            .flat_map(|t| t.form_numbers.iter().map(move |f| (t, normalise_form(f))))
            // An edition suffix (`-U2`, `-BK`) may follow; another digit makes another form.
            .filter(|(_, f)| {
                wanted
                    .strip_prefix(f.as_str())
                    .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
            })
            .max_by_key(|(_, f)| f.len())
            .map(|(t, _)| t)
    }

    /// The profile codes of a document type, in catalogue order.
    pub fn codes_of_type<'a>(
        &'a self,
        type_code: &'a str,
    ) -> impl Iterator<Item = &'a ProfileCode> {
        self.profile_codes
            .iter()
            .filter(move |p| p.document_type == type_code)
    }
}

/// A form number reduced to letters and digits, upper case: `ssa 561-u2` → `SSA561U2`.
pub fn normalise_form(form: &str) -> String {
    form.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The workloads of a new installation: (code, name).
#[rustfmt::skip]
const WORKLOADS: &[(&str, &str)] = &[
    ("initial_disability", "Initial disability claim"),
    ("initial_retirement", "Initial retirement or survivors claim"),
    ("medical_cdr", "Medical continuing disability review"),
    ("work_cdr", "Work continuing disability review"),
    ("ssi_redetermination", "SSI redetermination"),
    ("overpayment_waiver", "Overpayment and waiver"),
    ("reconsideration", "Reconsideration (appeal)"),
    ("post_entitlement", "Post-entitlement change"),
    ("enumeration", "Enumeration (card application)"),
    ("payee", "Representative payee action"),
];

/// The document types of a new installation: (code, name, form numbers most specific first).
#[rustfmt::skip]
const DOCUMENT_TYPES: &[(&str, &str, &[&str])] = &[
    ("SSA-561", "Request for reconsideration", &["SSA-561-U2", "SSA-561"]),
    ("SSA-632", "Request for waiver of overpayment recovery", &["SSA-632-BK", "SSA-632"]),
    ("SSA-827", "Authorization to disclose information", &["SSA-827"]),
    ("SSA-3368", "Disability report (adult)", &["SSA-3368-BK", "SSA-3368"]),
    ("SSA-3373", "Function report (adult)", &["SSA-3373-BK", "SSA-3373"]),
    ("SSA-795", "Statement of claimant or other person", &["SSA-795"]),
    ("SSA-1696", "Appointment of representative", &["SSA-1696-U4", "SSA-1696"]),
    ("SSA-454", "Continuing disability review report", &["SSA-454-BK", "SSA-454"]),
    ("SSA-8203", "SSI redetermination", &["SSA-8203-BK", "SSA-8203"]),
    ("SSA-821", "Work activity report", &["SSA-821-BK", "SSA-821"]),
    ("PAY_STUB", "Pay stub", &[]),
    ("BANK_STATEMENT", "Bank statement", &[]),
    ("MEDICAL", "Medical evidence", &[]),
    ("RECEIPT", "Receipt (spend-down)", &[]),
    ("IDENTITY", "Identity or birth record", &[]),
    ("CORRESPONDENCE", "Other correspondence", &[]),
];

/// The profile codes of a new installation: (code, name, document type, workload, deadline in
/// business days).
#[rustfmt::skip]
const PROFILE_CODES: &[(&str, &str, &str, &str, u32)] = &[
    ("561M", "Reconsideration, medical", "SSA-561", "reconsideration", 10),
    ("561N", "Reconsideration, non-medical", "SSA-561", "reconsideration", 10),
    ("632", "Waiver request", "SSA-632", "overpayment_waiver", 30),
    ("827", "Authorization to disclose", "SSA-827", "initial_disability", 5),
    ("3368", "Adult disability report", "SSA-3368", "initial_disability", 10),
    ("3373", "Adult function report", "SSA-3373", "initial_disability", 10),
    ("795", "Statement", "SSA-795", "post_entitlement", 10),
    ("1696", "Appointment of representative", "SSA-1696", "initial_disability", 5),
    ("454", "CDR report", "SSA-454", "medical_cdr", 30),
    ("8203", "SSI redetermination form", "SSA-8203", "ssi_redetermination", 30),
    ("821", "Work activity report", "SSA-821", "work_cdr", 10),
    ("PAY", "Pay stub (wages)", "PAY_STUB", "post_entitlement", 10),
    ("BANK", "Bank statement (resources)", "BANK_STATEMENT", "ssi_redetermination", 10),
    ("MED", "Medical evidence", "MEDICAL", "initial_disability", 10),
    ("RCPT", "Spend-down receipt", "RECEIPT", "post_entitlement", 10),
    ("IDBR", "Identity or birth record (original)", "IDENTITY", "enumeration", 3),
    ("CORR", "Other correspondence", "CORRESPONDENCE", "post_entitlement", 10),
];

/// The catalogue of a new installation (DESIGN.md, Profiling).
pub fn default_catalogue() -> Catalogue {
    Catalogue {
        workloads: WORKLOADS
            .iter()
            .map(|&(code, name)| Workload {
                code: code.into(),
                name: name.into(),
            })
            .collect(),
        document_types: DOCUMENT_TYPES
            .iter()
            .map(|&(code, name, forms)| DocumentType {
                code: code.into(),
                name: name.into(),
                form_numbers: forms.iter().map(|&f| f.into()).collect(),
            })
            .collect(),
        profile_codes: PROFILE_CODES
            .iter()
            .map(|&(code, name, ty, workload, days)| ProfileCode {
                code: code.into(),
                name: name.into(),
                document_type: ty.into(),
                workload: workload.into(),
                deadline_days: days,
            })
            .collect(),
    }
}

/// A profile code as an edit form posts it: each part left out (or blank) keeps the current
/// value; only a new code needs them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileCodeEdit {
    pub code: String,
    pub name: Option<String>,
    pub document_type: Option<String>,
    pub workload: Option<String>,
    pub deadline_days: Option<u32>,
}

/// The profile code after `edit`: the current one with what was changed, or a new one when
/// there is none (then every part is needed). Checks of the values themselves (known types,
/// deadline range) are the store's.
pub fn apply_edit(
    current: Option<&ProfileCode>,
    edit: &ProfileCodeEdit,
) -> Result<ProfileCode, String> {
    let given = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let code = edit.code.trim().to_ascii_uppercase();
    match current {
        Some(c) => Ok(ProfileCode {
            code,
            name: given(&edit.name).unwrap_or_else(|| c.name.clone()),
            document_type: given(&edit.document_type).unwrap_or_else(|| c.document_type.clone()),
            workload: given(&edit.workload).unwrap_or_else(|| c.workload.clone()),
            deadline_days: edit.deadline_days.unwrap_or(c.deadline_days),
        }),
        None => Ok(ProfileCode {
            code,
            name: given(&edit.name).ok_or("Name: a new profile code needs a name")?,
            document_type: given(&edit.document_type)
                .ok_or("Document type: a new profile code needs a document type")?,
            workload: given(&edit.workload)
                .ok_or("Workload: a new profile code needs a workload")?,
            deadline_days: edit
                .deadline_days
                .ok_or("Deadline: a new profile code needs a deadline")?,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_changes_only_what_it_names() {
        let c = default_catalogue();
        let pay = c.profile_code("PAY").unwrap();
        let edit = |name: Option<&str>, ty: Option<&str>, wl: Option<&str>, days: Option<u32>| {
            ProfileCodeEdit {
                code: "pay".into(),
                name: name.map(String::from),
                document_type: ty.map(String::from),
                workload: wl.map(String::from),
                deadline_days: days,
            }
        };
        let with = |f: &dyn Fn(&mut ProfileCode)| {
            let mut p = pay.clone();
            f(&mut p);
            p
        };
        let cases: Vec<(ProfileCodeEdit, ProfileCode)> = vec![
            (
                edit(None, None, None, Some(7)),
                with(&|p| p.deadline_days = 7),
            ),
            (
                edit(Some(" "), Some(""), Some(""), Some(7)),
                with(&|p| p.deadline_days = 7),
            ),
            (edit(None, None, None, None), pay.clone()),
            (
                edit(Some("Wages"), None, Some("ssi_redetermination"), None),
                with(&|p| {
                    p.name = "Wages".into();
                    p.workload = "ssi_redetermination".into();
                }),
            ),
            (
                edit(None, Some("BANK_STATEMENT"), None, None),
                with(&|p| p.document_type = "BANK_STATEMENT".into()),
            ),
        ];
        for (e, expected) in cases {
            assert_eq!(apply_edit(Some(pay), &e), Ok(expected), "{e:?}");
        }
        // A new code needs every part.
        let new = ProfileCodeEdit {
            code: "new1".into(),
            name: Some("New".into()),
            document_type: Some("PAY_STUB".into()),
            workload: Some("post_entitlement".into()),
            deadline_days: Some(5),
        };
        assert_eq!(apply_edit(None, &new).unwrap().code, "NEW1");
        for missing in [
            ProfileCodeEdit {
                name: None,
                ..new.clone()
            },
            ProfileCodeEdit {
                document_type: None,
                ..new.clone()
            },
            ProfileCodeEdit {
                workload: Some(" ".into()),
                ..new.clone()
            },
            ProfileCodeEdit {
                deadline_days: None,
                ..new.clone()
            },
        ] {
            assert!(apply_edit(None, &missing).is_err(), "{missing:?}");
        }
    }

    /// The catalogue a new installation starts with, as it was written: a change to it is a
    /// change to the product, made here on purpose.
    #[test]
    fn the_default_catalogue_is_unchanged() {
        let c = default_catalogue();
        let mut lines: Vec<String> = Vec::new();
        for w in &c.workloads {
            lines.push(format!("workload {}: {}", w.code, w.name));
        }
        for t in &c.document_types {
            let forms = t.form_numbers.join(", ");
            lines.push(format!("type {}: {} [{forms}]", t.code, t.name));
        }
        for p in &c.profile_codes {
            lines.push(format!(
                "code {}: {}; {}; {}; {}",
                p.code, p.name, p.document_type, p.workload, p.deadline_days
            ));
        }
        let expected = "\
workload initial_disability: Initial disability claim
workload initial_retirement: Initial retirement or survivors claim
workload medical_cdr: Medical continuing disability review
workload work_cdr: Work continuing disability review
workload ssi_redetermination: SSI redetermination
workload overpayment_waiver: Overpayment and waiver
workload reconsideration: Reconsideration (appeal)
workload post_entitlement: Post-entitlement change
workload enumeration: Enumeration (card application)
workload payee: Representative payee action
type SSA-561: Request for reconsideration [SSA-561-U2, SSA-561]
type SSA-632: Request for waiver of overpayment recovery [SSA-632-BK, SSA-632]
type SSA-827: Authorization to disclose information [SSA-827]
type SSA-3368: Disability report (adult) [SSA-3368-BK, SSA-3368]
type SSA-3373: Function report (adult) [SSA-3373-BK, SSA-3373]
type SSA-795: Statement of claimant or other person [SSA-795]
type SSA-1696: Appointment of representative [SSA-1696-U4, SSA-1696]
type SSA-454: Continuing disability review report [SSA-454-BK, SSA-454]
type SSA-8203: SSI redetermination [SSA-8203-BK, SSA-8203]
type SSA-821: Work activity report [SSA-821-BK, SSA-821]
type PAY_STUB: Pay stub []
type BANK_STATEMENT: Bank statement []
type MEDICAL: Medical evidence []
type RECEIPT: Receipt (spend-down) []
type IDENTITY: Identity or birth record []
type CORRESPONDENCE: Other correspondence []
code 561M: Reconsideration, medical; SSA-561; reconsideration; 10
code 561N: Reconsideration, non-medical; SSA-561; reconsideration; 10
code 632: Waiver request; SSA-632; overpayment_waiver; 30
code 827: Authorization to disclose; SSA-827; initial_disability; 5
code 3368: Adult disability report; SSA-3368; initial_disability; 10
code 3373: Adult function report; SSA-3373; initial_disability; 10
code 795: Statement; SSA-795; post_entitlement; 10
code 1696: Appointment of representative; SSA-1696; initial_disability; 5
code 454: CDR report; SSA-454; medical_cdr; 30
code 8203: SSI redetermination form; SSA-8203; ssi_redetermination; 30
code 821: Work activity report; SSA-821; work_cdr; 10
code PAY: Pay stub (wages); PAY_STUB; post_entitlement; 10
code BANK: Bank statement (resources); BANK_STATEMENT; ssi_redetermination; 10
code MED: Medical evidence; MEDICAL; initial_disability; 10
code RCPT: Spend-down receipt; RECEIPT; post_entitlement; 10
code IDBR: Identity or birth record (original); IDENTITY; enumeration; 3
code CORR: Other correspondence; CORRESPONDENCE; post_entitlement; 10";
        assert_eq!(lines.join("\n"), expected);
    }

    #[test]
    fn every_profile_code_names_a_known_type_and_workload() {
        let c = default_catalogue();
        for p in &c.profile_codes {
            assert!(c.document_type(&p.document_type).is_some(), "{}", p.code);
            assert!(c.workload(&p.workload).is_some(), "{}", p.code);
            assert!(p.deadline_days > 0, "{}", p.code);
        }
        for t in &c.document_types {
            assert!(
                c.codes_of_type(&t.code).next().is_some(),
                "{} has no code",
                t.code
            );
        }
        let mut codes: Vec<_> = c.profile_codes.iter().map(|p| &p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), c.profile_codes.len(), "codes are unique");
    }

    #[test]
    fn form_numbers_find_their_type() {
        let c = default_catalogue();
        let cases = [
            ("SSA-561-U2", Some("SSA-561")),
            ("ssa 561", Some("SSA-561")),
            ("SSA-827", Some("SSA-827")),
            ("SSA-8203-BK", Some("SSA-8203")),
            ("SSA-821", Some("SSA-821")),
            // A longer number must not be mistaken for its prefix's type.
            ("SSA-8210", None),
            ("SSA-82", None),
            ("SSA-3369", None),
            ("", None),
        ];
        for (form, expected) in cases {
            assert_eq!(
                c.type_for_form(form).map(|t| t.code.as_str()),
                expected,
                "{form:?}"
            );
        }
    }
}
