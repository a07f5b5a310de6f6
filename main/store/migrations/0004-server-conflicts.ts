import type { Migration } from './migration.js';

/**
 * Server changes that landed on an encounter this coder has a draft for (or holds in progress): the
 * local state before the change and the server's new version, kept until the coder decides. At most
 * one open conflict per encounter; later changes in the same pull fold into it.
 */
export const migration: Migration = {
  version: 4,
  name: 'server-conflicts',
  up(db) {
    db.exec(`
CREATE TABLE server_conflicts (
  id INTEGER PRIMARY KEY,
  encounter_id TEXT NOT NULL REFERENCES encounters (id),
  -- JSON object: field key → { label, mine, theirs } (text or null), only fields that differ.
  differences TEXT NOT NULL,
  -- The draft as it stood when the change arrived (its payload JSON), or null when only claimed.
  draft TEXT,
  server_revision INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  resolved_ms INTEGER,
  resolution TEXT CHECK (resolution IN ('keep-mine', 'take-theirs'))
) STRICT;
CREATE UNIQUE INDEX server_conflicts_open ON server_conflicts (encounter_id) WHERE resolved_ms IS NULL;
`);
  },
};
