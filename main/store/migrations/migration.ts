import type Database from 'better-sqlite3-multiple-ciphers';

/** One numbered schema step. Every pending step runs inside one transaction at open. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}
