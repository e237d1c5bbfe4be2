//! Statements with numbered placeholders (`$1`, `$2`…) that both SQLite and
//! PostgreSQL accept, built with their arguments. On SQLite they become
//! anonymous `?` placeholders when built ([`Sql::build_for`]).

use crate::sql::Backend;
use sqlx::any::{Any, AnyArguments};
use sqlx::query::{Query, QueryAs};
use sqlx::{Arguments, AssertSqlSafe, Encode, Type};
use std::fmt::Write as _;

pub struct Sql {
    text: String,
    args: AnyArguments,
    count: usize,
    /// Where each placeholder `push_bind` wrote starts in `text`.
    marks: Vec<usize>,
}

impl Sql {
    pub fn new(init: impl Into<String>) -> Self {
        Self {
            text: init.into(),
            args: AnyArguments::default(),
            count: 0,
            marks: Vec::new(),
        }
    }

    pub fn push(&mut self, s: impl AsRef<str>) -> &mut Self {
        self.text.push_str(s.as_ref());
        self
    }

    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: for<'q> Encode<'q, Any> + Type<Any> + 'static,
    {
        self.count += 1;
        self.marks.push(self.text.len());
        let _ = write!(self.text, "${}", self.count);
        // Encoding into the Any buffer only fails for types it cannot hold,
        // and only supported types reach here.
        let _ = self.args.add(value);
        self
    }

    /// `$1, $2, …` for the items, or `NULL` when there are none (so that
    /// `IN (…)` stays valid and matches nothing).
    pub fn push_list<T, I>(&mut self, items: I) -> &mut Self
    where
        I: IntoIterator<Item = T>,
        T: for<'q> Encode<'q, Any> + Type<Any> + 'static,
    {
        let mut any = false;
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(item);
            any = true;
        }
        if !any {
            self.push("NULL");
        }
        self
    }

    /// `VALUES (…), (…)`, one tuple per row, its values bound by `each`.
    pub fn push_values<I, F>(&mut self, rows: I, mut each: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(&mut Tuple<'_>, I::Item),
    {
        self.push("VALUES ");
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("(");
            let mut tuple = Tuple {
                sql: self,
                first: true,
            };
            each(&mut tuple, row);
            self.push(")");
        }
        self
    }

    /// The statement for `backend`. SQLite finds a numbered placeholder
    /// (`$7`) by name in a list, for every argument bound, so a statement
    /// of n of them costs n² to bind: a multi-row insert of 400 rows of
    /// nine values bound 65 times slower than with `?`, which binds by
    /// position. The placeholders are written in order, each once, so the
    /// n-th `?` is the n-th argument.
    pub fn build_for(self, backend: Backend) -> Query<'static, Any, AnyArguments> {
        let text = self.text_for(backend);
        sqlx::query_with(AssertSqlSafe(text), self.args)
    }

    pub fn build_query_as_for<O>(self, backend: Backend) -> QueryAs<'static, Any, O, AnyArguments>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let text = self.text_for(backend);
        sqlx::query_as_with(AssertSqlSafe(text), self.args)
    }

    fn text_for(&self, backend: Backend) -> String {
        if backend == Backend::Postgres || self.marks.is_empty() {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len());
        let mut from = 0;
        for (i, &at) in self.marks.iter().enumerate() {
            out.push_str(&self.text[from..at]);
            out.push('?');
            // `$` and the digits of the placeholder's number.
            from = at + 1 + (i + 1).to_string().len();
        }
        out.push_str(&self.text[from..]);
        out
    }
}

/// The values of one row of a multi-row `VALUES`.
pub struct Tuple<'a> {
    sql: &'a mut Sql,
    first: bool,
}

impl Tuple<'_> {
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: for<'q> Encode<'q, Any> + Type<Any> + 'static,
    {
        if !self.first {
            self.sql.push(", ");
        }
        self.first = false;
        self.sql.push_bind(value);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_positional_placeholders_and_postgresql_numbered_ones() {
        let make = || {
            let mut q = Sql::new("SELECT '$1 stays', json_extract(c, '$.day') FROM t WHERE a IN (");
            q.push_list(1..=12_i64);
            q.push(") AND b = ").push_bind("x".to_string());
            q
        };
        assert_eq!(
            make().text_for(Backend::Sqlite),
            "SELECT '$1 stays', json_extract(c, '$.day') FROM t WHERE a IN \
             (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) AND b = ?"
        );
        assert_eq!(
            make().text_for(Backend::Postgres),
            "SELECT '$1 stays', json_extract(c, '$.day') FROM t WHERE a IN \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) AND b = $13"
        );
    }
}
