use super::*;

#[test]
fn question_marks_become_numbers_in_order() {
    assert_eq!(
        numbered("INSERT INTO t (a, b) VALUES (?, ?), (?, lower(?))"),
        "INSERT INTO t (a, b) VALUES ($1, $2), ($3, lower($4))"
    );
    assert_eq!(numbered("SELECT 1"), "SELECT 1");
}

#[test]
fn rows_of_values() {
    assert_eq!(value_rows(2, 3), "(?, ?, ?), (?, ?, ?)");
    assert_eq!(value_rows(1, 1), "(?)");
}
