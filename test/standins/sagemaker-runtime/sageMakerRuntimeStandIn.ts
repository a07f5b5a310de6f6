/**
 * A local stand-in for the SageMaker Runtime API, speaking its wire protocol (restJson1):
 * `POST /endpoints/{EndpointName}/invocations` with the body passed through, the target-variant
 * request header, `x-Amzn-Invoked-Production-Variant` on answers, and its errors: 424 ModelError,
 * 429 ThrottlingException, 503 ServiceUnavailable, 400 ValidationError for unknown endpoints, plus
 * slow answers. Dev and test only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from '../loopbackServer.js';

export type Behaviour = 'ok' | 'model-error' | 'throttle' | 'unavailable' | 'garbage';

export interface EndpointConfig {
  behaviour: Behaviour;
  /** Delay before answering (any behaviour). */
  delayMs?: number;
  /** Variant reported when none is requested. */
  variant?: string;
  /** Answers `ok` requests: request body in, response body out (JSON). */
  respond?: (body: string) => string | Promise<string>;
}

export interface RecordedInvocation {
  readonly endpoint: string;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly targetVariant: string | undefined;
  readonly authorized: boolean;
  readonly body: string;
}

export class SageMakerRuntimeStandIn {
  readonly endpoints = new Map<string, EndpointConfig>();
  readonly invocations: RecordedInvocation[] = [];

  private constructor(
    private readonly server: LoopbackServer,
    readonly url: string = server.url,
  ) {}

  static async start(port = 0): Promise<SageMakerRuntimeStandIn> {
    let self: SageMakerRuntimeStandIn | undefined;
    const server = await listenOnLoopback((req, res) => void self?.handle(req, res), port);
    self = new SageMakerRuntimeStandIn(server);
    return self;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8');
    const match = /^\/endpoints\/([^/]+)\/invocations$/.exec((req.url ?? '').split('?')[0] ?? '');
    const error = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': `standin-${this.invocations.length}` });
      res.end(JSON.stringify({ message, ...extra }));
    };
    if (req.method !== 'POST' || !match) return error(404, 'UnknownOperationException', 'unknown operation');
    const endpoint = decodeURIComponent(match[1]!);
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    this.invocations.push({
      endpoint,
      contentType: header('content-type'),
      accept: header('accept'),
      targetVariant: header('x-amzn-sagemaker-target-variant'),
      authorized: (header('authorization') ?? '').startsWith('AWS4-HMAC-SHA256 '),
      body,
    });
    const config = this.endpoints.get(endpoint);
    if (!config) return error(400, 'ValidationError', `Endpoint ${endpoint} of account 123456789012 not found.`);
    if (config.delayMs) {
      await new Promise((r) => setTimeout(r, config.delayMs));
      if (res.destroyed || req.socket.destroyed) return;
    }
    const variant = header('x-amzn-sagemaker-target-variant') ?? config.variant ?? 'AllTraffic';
    switch (config.behaviour) {
      case 'model-error':
        return error(424, 'ModelError', `Received server error (500) from primary with message "scoring failed". See logs.`, {
          OriginalStatusCode: 500,
          OriginalMessage: 'scoring failed',
          LogStreamArn: `arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/${endpoint}`,
        });
      case 'throttle':
        return error(429, 'ThrottlingException', 'Rate exceeded');
      case 'unavailable':
        return error(503, 'ServiceUnavailable', 'Service is unavailable');
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-invoked-production-variant': variant });
        return void res.end('{"not":"a prediction"}');
      case 'ok': {
        const out = config.respond ? await config.respond(body) : JSON.stringify({ codes: [], procedures: [], modelVersion: 'standin' });
        res.writeHead(200, { 'content-type': header('accept') ?? 'application/json', 'x-amzn-invoked-production-variant': variant });
        return void res.end(out);
      }
    }
  }
}
