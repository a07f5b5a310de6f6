import type Database from 'better-sqlite3-multiple-ciphers';

/** Past this many distinct statements (filter shapes vary) the cache starts over rather than grow. */
const MAX_STATEMENTS = 256;

/** Statements compiled once per connection: compiling costs more than running most of ours. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<P, R>;
  }
}
