-- A collection's list in its paging order (undated first, then day, then
-- record id): a keyset page reads its rows straight from this index
-- instead of sorting the whole collection (PostgreSQL's indexes put NULLs
-- last unless told otherwise).
CREATE INDEX current_by_type_list_order ON current_records (record_type, day NULLS FIRST, record_id);
