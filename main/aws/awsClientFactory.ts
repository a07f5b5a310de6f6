import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider, HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';

/**
 * What a client's `requestHandler` must be: Node's handler, or the one on Electron's network stack
 * (main/electron/netRequestHandler.ts). The two config methods are what SDK clients call on it.
 */
export interface AwsRequestHandler {
  metadata?: RequestHandler<HttpRequest, HttpResponse>['metadata'];
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): object;
  destroy?(): void;
}

/** The options every AWS SDK v3 client constructor accepts that Atrium controls. */
export interface AwsClientOptions {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  requestHandler: AwsRequestHandler;
  endpoint?: string;
  disableHostPrefix?: boolean;
  maxAttempts?: number;
}

export interface AwsClientOverrides {
  /** A custom endpoint (a VPC endpoint, or a local stand-in in tests). */
  endpoint?: string | null;
  /** Needed for HealthImaging against a custom endpoint: its SDK prefixes `runtime-` to the host. */
  disableHostPrefix?: boolean;
  maxAttempts?: number;
}

export interface AwsClientFactoryDeps {
  region: () => string;
  /** Identity Center role credentials once configured (null: the default chain). */
  credentials?: () => AwsCredentialIdentityProvider | null;
  /** Electron swaps in a handler on its network stack (system proxy, PAC, OS trust store). */
  requestHandler?: () => AwsRequestHandler;
}

/**
 * The one place AWS clients come from, so every client gets the same region, credentials and
 * network stack, and credentials never have to be threaded through feature code.
 */
export class AwsClientFactory {
  private handler: AwsRequestHandler | undefined;

  constructor(private readonly deps: AwsClientFactoryDeps) {}

  create<C>(Client: new (options: AwsClientOptions) => C, overrides: AwsClientOverrides = {}): C {
    const options: AwsClientOptions = {
      region: this.deps.region(),
      credentials: this.deps.credentials?.() ?? fromNodeProviderChain(),
      requestHandler: this.sharedHandler(),
    };
    if (overrides.endpoint) options.endpoint = overrides.endpoint;
    if (overrides.disableHostPrefix) options.disableHostPrefix = true;
    if (overrides.maxAttempts !== undefined) options.maxAttempts = overrides.maxAttempts;
    return new Client(options);
  }

  private sharedHandler(): AwsRequestHandler {
    this.handler ??= this.deps.requestHandler?.() ?? new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 });
    return this.handler;
  }
}
