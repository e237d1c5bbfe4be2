-- A list of one category in its paging order (see the SQLite migration of
-- the same number); PostgreSQL's indexes put NULLs last unless told otherwise.
CREATE INDEX current_by_type_category_list_order ON current_records (record_type, category, day NULLS FIRST, record_id);
