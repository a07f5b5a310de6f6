import type { Migration } from './migration.js';

/**
 * The estimated MS-DRG of each encounter, grouped in main from its suggestions (main/coding/drgEstimates.ts),
 * for the worklist's "Est. DRG" column, filter and sort.
 *
 * `est_drg` is '' while there is no estimate (no suggestions, or a principal the grouper cannot group), so
 * the column sorts and pages by keyset without NULL cases. Triggers on `suggestions` bump the encounter's
 * `est_drg_stale` counter whatever path changed them (demo seed, sync pull, retention purge); the estimator
 * regroups encounters with a non-zero counter in the background and clears it only if it did not move
 * meanwhile, so suggestions that land during a regroup are never left out. The page indexes carry the column so that a DRG filter or sort is still
 * answered from the index alone ("USING COVERING INDEX"), as migration 0003 set out.
 */
export const migration: Migration = {
  version: 5,
  name: 'estimated-drg',
  up(db) {
    db.exec(`
ALTER TABLE encounters ADD COLUMN est_drg TEXT NOT NULL DEFAULT '';
ALTER TABLE encounters ADD COLUMN est_drg_title TEXT;
-- Only when an administrator had loaded a relative weights table when it was grouped.
ALTER TABLE encounters ADD COLUMN est_drg_weight REAL;
ALTER TABLE encounters ADD COLUMN est_drg_stale INTEGER NOT NULL DEFAULT 0;
UPDATE encounters SET est_drg_stale = 1 WHERE id IN (SELECT encounter_id FROM suggestions);
CREATE INDEX encounters_est_drg_stale ON encounters (id) WHERE est_drg_stale > 0;

CREATE TRIGGER suggestions_ai_est_drg AFTER INSERT ON suggestions BEGIN
  UPDATE encounters SET est_drg_stale = est_drg_stale + 1 WHERE id = new.encounter_id;
END;
CREATE TRIGGER suggestions_ad_est_drg AFTER DELETE ON suggestions BEGIN
  UPDATE encounters SET est_drg_stale = est_drg_stale + 1 WHERE id = old.encounter_id;
END;
CREATE TRIGGER suggestions_au_est_drg AFTER UPDATE OF encounter_id, code, code_system, score ON suggestions BEGIN
  UPDATE encounters SET est_drg_stale = est_drg_stale + 1 WHERE id IN (old.encounter_id, new.encounter_id);
END;

DROP INDEX encounters_by_priority;
CREATE INDEX encounters_by_priority ON encounters (assigned, priority DESC, id, status, facility, payer, service_line, discharge_date, est_drg);
CREATE INDEX encounters_by_est_drg ON encounters (assigned, est_drg DESC, id, status, facility, payer, service_line, discharge_date);
`);
  },
};
