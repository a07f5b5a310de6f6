import type { Migration } from './migration.js';

/**
 * A verification of a CT series as ground truth (main/imaging/verificationService.ts). The row's
 * `client_mutation_id` is the verification id: its outbox row, the warehouse ledger and the
 * `ImageVerified` event all carry it. Its sync state is read from the outbox and dead letters; the
 * event's delivery is tracked here, per verification, so it is published until it is acknowledged.
 */
export const migration: Migration = {
  version: 2,
  name: 'image-verifications',
  up(db) {
    db.exec(`
ALTER TABLE verifications ADD COLUMN series_uid TEXT NOT NULL DEFAULT '';
ALTER TABLE verifications ADD COLUMN datastore_id TEXT;
ALTER TABLE verifications ADD COLUMN image_set_id TEXT;
ALTER TABLE verifications ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE verifications ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE verifications ADD COLUMN laterality TEXT;
ALTER TABLE verifications ADD COLUMN location TEXT;
ALTER TABLE verifications ADD COLUMN confidence INTEGER NOT NULL DEFAULT 3;
-- The verification this one replaced (an edit before sync), so the warehouse can tell versions apart.
ALTER TABLE verifications ADD COLUMN supersedes TEXT;
ALTER TABLE verifications ADD COLUMN event_published_ms INTEGER;
ALTER TABLE verifications ADD COLUMN event_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verifications ADD COLUMN event_next_attempt_ms INTEGER;
ALTER TABLE verifications ADD COLUMN event_error TEXT;
CREATE INDEX verifications_series ON verifications (series_uid, principal, id);
CREATE INDEX verifications_unpublished ON verifications (id) WHERE event_published_ms IS NULL;
`);
  },
};
