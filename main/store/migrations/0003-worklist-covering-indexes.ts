import type { Migration } from './migration.js';

/**
 * Indexes that answer the worklist's reads without visiting table rows (EXPLAIN QUERY PLAN: "USING
 * COVERING INDEX"). Measured on the 100k-encounter bench store: counts by status went from a table
 * lookup per encounter (~0.5 s) to ~10 ms, and a page filtered by columns outside
 * `encounters_facility_queue` (service line, payer across every open status) from ~20 ms to under 1 ms.
 */
export const migration: Migration = {
  version: 3,
  name: 'worklist-covering-indexes',
  up(db) {
    db.exec(`
-- Pages sorted by priority: walked in order, every filter column read from the index itself; only the
-- page's own rows are then fetched.
CREATE INDEX encounters_by_priority ON encounters (assigned, priority DESC, id, status, facility, payer, service_line, discharge_date);
-- Counts by status.
CREATE INDEX encounters_assigned_status ON encounters (assigned, status);
`);
  },
};
