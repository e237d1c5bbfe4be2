//! Statements with numbered placeholders (`$1`, `$2`…) that both SQLite and
//! PostgreSQL accept, built with their arguments.

use sqlx::any::{Any, AnyArguments};
use sqlx::query::{Query, QueryAs};
use sqlx::{Arguments, AssertSqlSafe, Encode, Type};
use std::fmt::Write as _;

pub struct Sql {
    text: String,
    args: AnyArguments,
    count: usize,
}

impl Sql {
    pub fn new(init: impl Into<String>) -> Self {
        Self {
            text: init.into(),
            args: AnyArguments::default(),
            count: 0,
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

    pub fn build(self) -> Query<'static, Any, AnyArguments> {
        sqlx::query_with(AssertSqlSafe(self.text), self.args)
    }

    pub fn build_query_as<O>(self) -> QueryAs<'static, Any, O, AnyArguments>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        sqlx::query_as_with(AssertSqlSafe(self.text), self.args)
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
