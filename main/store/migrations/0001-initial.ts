import type { Migration } from './migration.js';

/** The core tables of DESIGN.md: the worklist, notes with full-text search, the outbox and the audit log. */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE encounters (
  id TEXT PRIMARY KEY,
  mrn TEXT NOT NULL,
  patient_name TEXT,
  sex TEXT,
  age INTEGER,
  facility TEXT NOT NULL,
  payer TEXT NOT NULL,
  service_line TEXT NOT NULL,
  admit_date TEXT NOT NULL,
  discharge_date TEXT NOT NULL,
  disposition TEXT,
  due_date TEXT,
  drg_impact REAL,
  model_confidence REAL,
  status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'in_progress', 'hold', 'query', 'submitted')),
  priority REAL NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_expires_ms INTEGER,
  server_revision INTEGER NOT NULL DEFAULT 0,
  assigned INTEGER NOT NULL DEFAULT 1,
  synthetic INTEGER NOT NULL DEFAULT 0,
  status_changed_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;
-- Keyset paging and claim-next walk this index in (priority DESC, id) order within a status.
CREATE INDEX encounters_queue ON encounters (status, priority DESC, id);
CREATE INDEX encounters_facility_queue ON encounters (facility, status, priority DESC, id);
CREATE INDEX encounters_lease ON encounters (lease_expires_ms) WHERE lease_owner IS NOT NULL;

CREATE TABLE notes (
  id TEXT NOT NULL UNIQUE,
  encounter_id TEXT NOT NULL REFERENCES encounters (id),
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  server_revision INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX notes_encounter ON notes (encounter_id);
CREATE VIRTUAL TABLE notes_fts USING fts5 (text, content = 'notes', content_rowid = 'rowid', tokenize = 'porter unicode61');
CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER notes_au AFTER UPDATE OF text ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO notes_fts (rowid, text) VALUES (new.rowid, new.text);
END;

CREATE TABLE suggestions (
  id INTEGER PRIMARY KEY,
  encounter_id TEXT NOT NULL REFERENCES encounters (id),
  code TEXT NOT NULL,
  code_system TEXT NOT NULL CHECK (code_system IN ('ICD-10-CM', 'ICD-10-PCS')),
  score REAL NOT NULL,
  evidence TEXT NOT NULL DEFAULT '[]',
  model_version TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX suggestions_encounter ON suggestions (encounter_id);

CREATE TABLE coding_drafts (
  encounter_id TEXT PRIMARY KEY REFERENCES encounters (id),
  principal TEXT NOT NULL,
  payload TEXT NOT NULL,
  revision INTEGER NOT NULL,
  base_server_revision INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE coding_results (
  id INTEGER PRIMARY KEY,
  encounter_id TEXT NOT NULL REFERENCES encounters (id),
  principal TEXT NOT NULL,
  payload TEXT NOT NULL,
  client_mutation_id TEXT NOT NULL UNIQUE,
  submitted_ms INTEGER NOT NULL,
  withdrawn_ms INTEGER
) STRICT;
CREATE INDEX coding_results_encounter ON coding_results (encounter_id);

CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  client_mutation_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  encounter_id TEXT,
  principal TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER,
  last_error TEXT,
  acked_ms INTEGER,
  created_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_ms IS NULL;

CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY,
  outbox_seq INTEGER NOT NULL,
  client_mutation_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  encounter_id TEXT,
  payload TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE sync_cursors (name TEXT PRIMARY KEY, cursor INTEGER NOT NULL, updated_ms INTEGER NOT NULL) STRICT;

CREATE TABLE image_studies (
  study_uid TEXT PRIMARY KEY,
  encounter_id TEXT,
  source TEXT NOT NULL,
  modality TEXT,
  description TEXT,
  series_count INTEGER NOT NULL DEFAULT 0,
  instance_count INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  updated_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE verifications (
  id INTEGER PRIMARY KEY,
  study_uid TEXT NOT NULL,
  principal TEXT NOT NULL,
  verdict TEXT NOT NULL,
  findings TEXT NOT NULL DEFAULT '[]',
  client_mutation_id TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL
) STRICT;

-- The last actions a person took, so "undo" knows what to reverse.
CREATE TABLE worklist_actions (
  id INTEGER PRIMARY KEY,
  principal TEXT NOT NULL,
  encounter_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  prev_status TEXT NOT NULL,
  outbox_seq INTEGER,
  client_mutation_id TEXT,
  created_ms INTEGER NOT NULL,
  undone_ms INTEGER
) STRICT;
CREATE INDEX worklist_actions_principal ON worklist_actions (principal, id);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  principal TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT,
  entity_id TEXT,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`);
  },
};
