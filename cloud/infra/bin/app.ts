/** CDK entry point (cdk.json: `npx tsx infra/bin/app.ts`). Parameters: `-c atrium:<key>=<value>`, see README. */
import { App } from 'aws-cdk-lib';
import { buildAtriumApp } from '../lib/app.js';
import { ConfigError, configFromContext } from '../lib/config.js';

const app = new App();
try {
  buildAtriumApp(app, configFromContext((key) => app.node.tryGetContext(key)));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
app.synth();
