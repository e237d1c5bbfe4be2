-- A collection's list in its paging order (undated first, then day, then
-- record id): a keyset page reads its rows straight from this index
-- instead of sorting the collection's records with the same day.
CREATE INDEX current_by_type_list_order ON current_records (record_type, day, record_id);
