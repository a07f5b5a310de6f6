// `npm run standin -- <name> [args]`: starts a dev/test stand-in in the foreground (never shipped).
export {};
// Each stand-in module exports `main(args)`, which resolves when the stand-in has stopped.

interface StandInModule {
  main(args: readonly string[]): Promise<void>;
}

/** Add a row per stand-in. */
const STANDINS: Record<string, { summary: string; load: () => Promise<StandInModule> }> = {
  snowflake: { summary: 'Snowflake REST protocol on DuckDB, with the cloud/warehouse schema', load: () => import('./snowflake/main.js') },
};

const [name, ...args] = process.argv.slice(2);
const entry = name ? STANDINS[name] : undefined;
if (!entry) {
  process.stderr.write(`usage: npm run standin -- <name> [args]\n${Object.entries(STANDINS).map(([n, s]) => `  ${n.padEnd(12)} ${s.summary}`).join('\n')}\n`);
  process.exit(2);
}
await (await entry.load()).main(args);
