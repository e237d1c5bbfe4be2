-- A list of one category (the review conferences among a year's meetings,
-- a case type, a programme) in its paging order. Without it SQLite read
-- such a list through current_by_type_list_order, which keeps the order but
-- not the category, and looked up every record of the type in the period
-- to test its category: the annual review's search for its review
-- conference read every meeting of 18 months (issue 21).
CREATE INDEX current_by_type_category_list_order ON current_records (record_type, category, day, record_id);
