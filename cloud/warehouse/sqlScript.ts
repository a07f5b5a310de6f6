/** Drops whole-line `--` comments (the schema files put comments on their own lines only). */
export function stripComments(sql: string): string {
  return sql
    .split('\n')
    .map((line) => (line.trimStart().startsWith('--') ? '' : line))
    .join('\n')
    .trim();
}

/** Splits a script on semicolons that end a line (the schema files never put one inside a string). */
export function splitStatements(script: string): string[] {
  return stripComments(script)
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
