import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HttpHandlerOptions,
  HttpRequest,
  HttpResponse,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MetadataBearer,
  RequestHandler,
} from '@smithy/types';

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
  /**
   * A service refused the credentials as expired or invalid before their time (revoked, or a clock
   * the service disagrees with): forget them, so the next fetch renews them or asks to sign in again.
   */
  onCredentialsRejected?: (error: Error) => void;
}

/** Error names with which AWS services refuse the credentials themselves (not what they allow). */
const CREDENTIAL_REJECTIONS = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidToken', 'TokenRefreshRequired']);

export function isCredentialRejection(error: unknown): error is Error {
  return error instanceof Error && CREDENTIAL_REJECTIONS.has(error.name);
}

/** What the factory needs of a client: SDK v3 clients have a middleware stack. */
interface WithMiddleware {
  middlewareStack: { add(middleware: InitializeMiddleware<object, MetadataBearer>, options: InitializeHandlerOptions & { name: string; override: boolean }): void };
}

/**
 * The one place AWS clients come from, so every client gets the same region, credentials and
 * network stack, and credentials never have to be threaded through feature code.
 */
export class AwsClientFactory {
  private handler: AwsRequestHandler | undefined;

  constructor(private readonly deps: AwsClientFactoryDeps) {}

  create<C>(Client: new (options: AwsClientOptions) => C, overrides: AwsClientOverrides = {}): C {
    const provider = this.deps.credentials?.() ?? fromNodeProviderChain();
    // The identity this client last signed with: the SDK caches it until its expiration, so refused
    // credentials are marked expired here to make the client fetch new ones.
    let latest: { -readonly [K in keyof AwsCredentialIdentity]: AwsCredentialIdentity[K] } | null = null;
    const options: AwsClientOptions = {
      region: this.deps.region(),
      credentials: async (identityProperties) => {
        latest = { ...(await provider(identityProperties)) };
        return latest;
      },
      requestHandler: this.sharedHandler(),
    };
    if (overrides.endpoint) options.endpoint = overrides.endpoint;
    if (overrides.disableHostPrefix) options.disableHostPrefix = true;
    if (overrides.maxAttempts !== undefined) options.maxAttempts = overrides.maxAttempts;
    const client = new Client(options);
    // Every SDK v3 client has this stack (its service types do not matter to this middleware).
    (client as Partial<WithMiddleware>).middlewareStack?.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (!isCredentialRejection(error)) throw error;
          this.deps.onCredentialsRejected?.(error);
          // Credentials without an expiry are fixed (a key pair): asking again gives the same ones.
          if (!latest?.expiration) throw error;
          latest.expiration = new Date(0);
          // Once, with fresh credentials: a refused request was not acted on, so it is safe to repeat.
          return await next(args);
        }
      },
      { step: 'initialize', name: 'atriumCredentialRejection', override: true },
    );
    return client;
  }

  private sharedHandler(): AwsRequestHandler {
    this.handler ??= this.deps.requestHandler?.() ?? new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 });
    return this.handler;
  }
}
