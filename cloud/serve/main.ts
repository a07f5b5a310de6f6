/** Container entrypoint (`serve`): starts the inference server and stops on SIGTERM. */
import { startServer } from './server.js';

const running = await startServer();
process.stdout.write(`${JSON.stringify({ event: 'serve.listening', port: running.port })}\n`);
const stop = () => {
  void running.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
