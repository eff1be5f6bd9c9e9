-- Lists ordered by the nearest deadline (the worklist, the dashboard's overdue items) are
-- ordered by due date, then newest received: with every sort key and the status in the
-- index, a page's keys are chosen from the index alone and only its rows are read. Every
-- petition has an entry, so a worklist's items without a due date (shown last) are found
-- the same way. At 1,000,000 petitions: the busiest unit's worklist 76 -> 1 ms, the
-- province's overdue list 350 -> 19 ms, the province's worklist 1.4 -> 0.26 s.
DROP INDEX petitions_unit_next_due;
CREATE INDEX petitions_unit_next_due ON petitions (unit_id, next_due_on, status, received_on, ref_seq);
