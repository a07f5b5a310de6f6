import type { Migration } from './migration.js';

/**
 * Pulled encounters the model has not yet scored (main/sync/pulledSuggestions.ts), found after every
 * sync: a partial index holds only those rows, so the look does not scan every encounter in the store.
 */
export const migration: Migration = {
  version: 6,
  name: 'awaiting-suggestions-index',
  up(db) {
    db.exec(`CREATE INDEX encounters_awaiting_suggestions ON encounters (priority DESC, id) WHERE server_revision > 0 AND model_confidence IS NULL;`);
  },
};
