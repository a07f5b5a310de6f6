import { z } from 'zod';

/**
 * What the Identity Center session keeps between launches. Everything here is sealed with the
 * `SecretSealer` on disk and stays in main's memory: none of it crosses the contract.
 */
export const RegisteredClientSchema = z.object({
  flow: z.enum(['device', 'browser']),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Local milliseconds after which the registration must be renewed. */
  expiresAt: z.number(),
  region: z.string(),
  startUrl: z.string(),
  redirectUri: z.string().nullable(),
  /** Where the browser flow sends the person; null means the region's default. */
  authorizationEndpoint: z.string().nullable(),
});
export type RegisteredClient = z.infer<typeof RegisteredClientSchema>;

export const ClientCacheSchema = z.object({ clients: z.array(RegisteredClientSchema).max(8) });

export const SsoTokenSchema = z.object({
  flow: z.enum(['device', 'browser']),
  clientId: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullable(),
  /** Local milliseconds. */
  expiresAt: z.number(),
  region: z.string(),
  startUrl: z.string(),
  /** A display name from the ID token when the service returned one. */
  userName: z.string().nullable(),
});
export type SsoToken = z.infer<typeof SsoTokenSchema>;

export const RoleSelectionSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  accountName: z.string().nullable(),
  roleName: z.string().min(1).max(64),
});
export type RoleSelection = z.infer<typeof RoleSelectionSchema>;

export const RoleCredentialsSchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1),
  /** Local milliseconds, already corrected for the service's clock. */
  expiresAt: z.number(),
});
export type RoleCredentials = z.infer<typeof RoleCredentialsSchema>;

export const SessionFileSchema = z.object({
  token: SsoTokenSchema.nullable(),
  role: RoleSelectionSchema.nullable(),
  credentials: RoleCredentialsSchema.nullable(),
});
export type SessionFile = z.infer<typeof SessionFileSchema>;
