/**
 * SageMaker inference server: `GET /ping`, `POST /invocations`, on SAGEMAKER_BIND_TO_PORT or 8080,
 * model from /opt/ml/model (ATRIUM_ML_ROOT replaces /opt/ml for tests). Scoring runs in a worker
 * thread so /ping answers at once even while notes are being scored.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScoringPool } from './scoringPool.js';

export const MAX_BODY_BYTES = 6 * 1024 * 1024; // SageMaker's own payload limit

export function mlRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.ATRIUM_ML_ROOT ?? '/opt/ml';
}

/** The artifact in the model folder: atrium-model.json.gz (or the only *.json.gz there). */
export function findArtifact(modelDir: string): string {
  const preferred = join(modelDir, 'atrium-model.json.gz');
  if (existsSync(preferred)) return preferred;
  const any = readdirSync(modelDir).filter((f) => f.endsWith('.json.gz') || f.endsWith('.json')).sort();
  if (!any[0]) throw new Error(`no model artifact in ${modelDir}`);
  return join(modelDir, any[0]);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(options: { modelDir?: string; port?: number; host?: string } = {}): Promise<RunningServer> {
  const modelDir = options.modelDir ?? join(mlRoot(), 'model');
  const pool = new ScoringPool(findArtifact(modelDir));
  let loaded = false;
  pool.ready.then(
    () => (loaded = true),
    () => (loaded = false),
  );
  await pool.ready;
  const server = createServer((req, res) => {
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (req.method === 'GET' && req.url === '/ping') return send(loaded ? 200 : 503, loaded ? '{"status":"ok"}' : '{"status":"loading"}');
    if (req.method === 'POST' && req.url === '/invocations') {
      readBody(req).then(
        async (body) => {
          if (body === null) return send(413, JSON.stringify({ error: `payload over ${MAX_BODY_BYTES} bytes` }));
          const r = await pool.score(body);
          send(r.status, r.body);
        },
        () => send(400, JSON.stringify({ error: 'could not read the request' })),
      );
      return;
    }
    send(404, JSON.stringify({ error: 'not found' }));
  });
  const port = options.port ?? Number(process.env.SAGEMAKER_BIND_TO_PORT ?? 8080);
  await new Promise<void>((resolve) => server.listen(port, options.host ?? '0.0.0.0', resolve));
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}
