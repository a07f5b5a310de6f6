/**
 * The contract between the renderer and main: every method and event the renderer may use, with zod
 * schemas for input and output. Main validates every input against it before a handler runs; preload
 * exposes exactly these names; the browser host serves the same contract over a WebSocket.
 *
 * This file must stay free of Node and Electron imports: the renderer and main both import it.
 */
import { z } from 'zod';

export const ThemeSchema = z.enum(['system', 'light', 'dark']);

/** Endpoints must be https; plain http only to this machine (local stand-ins, a proxy on loopback). */
export const EndpointUrlSchema = z
  .url({ protocol: /^https?$/ })
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }, 'an https:// URL (http:// only for this machine)');

/**
 * Every setting the station knows, with its default. Keys are flat and dotted so that policy, the
 * settings view and `settings.set` address them the same way.
 */
export const SettingsSchema = z.object({
  'ui.theme': ThemeSchema.describe('Colour theme').default('system'),
  'aws.region': z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1').describe('AWS region for every AWS call').default('us-east-1'),
  'aws.sso.startUrl': EndpointUrlSchema.nullable().describe('IAM Identity Center start URL').default(null),
  'aws.sso.accountId': z.string().regex(/^\d{12}$/).nullable().describe('AWS account to work in').default(null),
  'aws.sso.roleName': z.string().min(1).max(64).nullable().describe('Identity Center role (permission set)').default(null),
  'aws.healthImaging.endpoint': EndpointUrlSchema.nullable().describe('Custom HealthImaging endpoint (e.g. a VPC endpoint)').default(null),
  'aws.healthImaging.datastoreId': z.string().regex(/^[0-9a-z]{32}$/).nullable().describe('HealthImaging datastore').default(null),
  'aws.sagemaker.endpointName': z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/).nullable().describe('SageMaker endpoint for code suggestions (the embedded model otherwise)').default(null),
  'aws.eventBridge.busName': z.string().min(1).max(256).nullable().describe('EventBridge bus where verifications are published').default(null),
  'aws.eventBridge.endpoint': EndpointUrlSchema.nullable().describe('Custom EventBridge endpoint (e.g. a VPC endpoint)').default(null),
  'imaging.verification.labels': z
    .array(z.string().regex(/^[a-z0-9][a-z0-9 _-]{0,39}$/, 'a label of lower-case letters, digits, spaces, _ or -, up to 40 characters'))
    .min(1)
    .max(32)
    .describe('Finding labels a radiologist can tick when verifying a study')
    .default(['pneumonia', 'nodule', 'haemorrhage', 'fracture', 'normal']),
  'imaging.viewer.progressiveDisplay': z.boolean().describe('Show CT slices as soon as each arrives (off: only once the whole series is loaded)').default(true),
  'warehouse.kind': z.enum(['local', 'snowflake']).describe('Warehouse to sync with').default('local'),
  'warehouse.snowflake.account': z.string().min(1).max(255).nullable().describe('Snowflake account identifier').default(null),
  'warehouse.snowflake.warehouse': z.string().min(1).max(255).nullable().describe('Snowflake virtual warehouse').default(null),
  'warehouse.snowflake.database': z.string().min(1).max(255).nullable().describe('Snowflake database').default(null),
  'warehouse.snowflake.schema': z.string().min(1).max(255).nullable().describe('Snowflake schema of the session, where its staging table lives (STAGING when unset)').default(null),
  'warehouse.snowflake.user': z.string().min(1).max(255).nullable().describe('Snowflake login name (with SSO, the user the identity provider signs in)').default(null),
  'warehouse.snowflake.role': z.string().min(1).max(255).nullable().describe('Snowflake role (the least-privilege desktop role, ATRIUM_DESKTOP)').default(null),
  'warehouse.snowflake.accessUrl': EndpointUrlSchema.nullable().describe('Snowflake URL when not https://<account>.snowflakecomputing.com (PrivateLink)').default(null),
  'warehouse.snowflake.authenticator': z
    .enum(['externalbrowser', 'oauth-pkce', 'keypair'])
    .describe('Snowflake sign-in: externalbrowser (the identity provider SSO), oauth-pkce (OAuth authorization code with PKCE) or keypair (a service key sealed on this station)')
    .default('externalbrowser'),
  'warehouse.snowflake.oauth.clientId': z.string().min(1).max(255).nullable().describe('OAuth client id of the Snowflake security integration (oauth-pkce)').default(null),
  'warehouse.snowflake.oauth.redirectPort': z.number().int().min(1024).max(65535).nullable().describe('Loopback port the OAuth redirect returns to (oauth-pkce); a free port when unset').default(null),
  'store.allowPhiWithoutKeyring': z.boolean().describe('Allow patient data on a machine without an OS keyring').default(false),
  'store.retentionDays': z.number().int().min(1).max(3650).describe('Days acknowledged work and unassigned notes are kept').default(30),
  // The worklist's priority formula (main/worklist/priority.ts): points added per factor; every stored
  // priority is recomputed when one of these changes.
  'worklist.priority.perDnfbDay': z.number().min(0).max(100).describe('Priority points per day since discharge (DNFB age)').default(1),
  'worklist.priority.maxDnfbDays': z.number().int().min(1).max(3650).describe('DNFB days counted at most').default(90),
  'worklist.priority.perThousandDrgImpact': z.number().min(0).max(100).describe('Priority points per $1,000 of estimated DRG impact').default(2),
  'worklist.priority.maxDrgImpactPoints': z.number().min(0).max(1000).describe('Priority points from DRG impact at most').default(40),
  'worklist.priority.payerPoints': z
    .array(z.string().regex(/^[^=,]{1,64}=-?\d{1,3}(\.\d+)?$/, 'payer=points, e.g. Medicare=10'))
    .max(50)
    .describe('Priority points per payer, as payer=points (payers not listed: 0)')
    .default(['Medicare=10', 'Medicaid=6', 'Commercial=8', 'Managed care=7', 'Self-pay=0']),
  'worklist.priority.lowConfidencePoints': z.number().min(0).max(100).describe('Priority points × (1 − model confidence): low confidence needs a human sooner').default(25),
  'worklist.priority.dueSoonDays': z.number().int().min(0).max(60).describe('Days before a due date when due-soon points start').default(3),
  'worklist.priority.dueSoonPoints': z.number().min(0).max(1000).describe('Priority points on the due date (less the further away)').default(30),
  'worklist.priority.overduePoints': z.number().min(0).max(1000).describe('Priority points once past the due date').default(60),
  'session.idleLockMinutes': z.number().int().min(1).max(240).describe('Minutes of inactivity before the station locks').default(15),
  'updates.mode': z.enum(['off', 'manual', 'auto']).describe('Updates: off, manual (check and ask) or auto (download; install on quit)').default('auto'),
  'updates.channel': z.enum(['stable', 'beta']).describe('Update channel').default('stable'),
  'updates.feedUrl': EndpointUrlSchema.nullable().describe('Internal mirror of the update feed').default(null),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];

export const SettingSourceSchema = z.enum(['policy', 'user', 'default']);

export const SettingsSnapshotSchema = z.object({
  values: SettingsSchema,
  /** Where each value came from; `policy` means an administrator enforced it. */
  sources: z.record(z.string(), SettingSourceSchema),
  locked: z.array(z.string()),
  /** Why the machine policy could not be applied; every setting is then locked at its default. */
  policyError: z.string().nullable(),
});
export type SettingsSnapshot = z.infer<typeof SettingsSnapshotSchema>;

export const PrincipalSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().min(1),
  kind: z.enum(['local-profile', 'identity-center']),
});
export type Principal = z.infer<typeof PrincipalSchema>;

export const SessionStatusSchema = z.object({
  signedIn: z.boolean(),
  principal: PrincipalSchema,
  expiresAt: z.iso.datetime().nullable(),
});
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** Where an Identity Center sign-in stands. Carries the code a person types, never a token. */
export const SignInProgressSchema = z.object({
  state: z.enum(['idle', 'pending', 'choose-role', 'signed-in', 'reauth-required', 'failed']),
  flow: z.enum(['device', 'browser']).nullable(),
  userCode: z.string().max(64).nullable(),
  verificationUri: z.string().max(4096).nullable(),
  verificationUriComplete: z.string().max(4096).nullable(),
  expiresAt: z.iso.datetime().nullable(),
  message: z.string().max(500).nullable(),
});
export type SignInProgress = z.infer<typeof SignInProgressSchema>;

export const SsoAccountsSchema = z.object({
  accounts: z.array(z.object({ accountId: z.string(), accountName: z.string().nullable(), roles: z.array(z.string()) })),
});
export type SsoAccounts = z.infer<typeof SsoAccountsSchema>;

/** The idle lock. `hasSecret`: an unlock PIN or passphrase has been set on this station. */
export const LockStatusSchema = z.object({
  locked: z.boolean(),
  hasSecret: z.boolean(),
  idleLockMinutes: z.number().int(),
  /** Seconds before another unlock attempt is accepted, after repeated wrong secrets. */
  retryAfterSeconds: z.number().int().nonnegative(),
});
export type LockStatus = z.infer<typeof LockStatusSchema>;

/** A PIN or passphrase: 6 to 128 characters. */
export const UnlockSecretSchema = z.string().min(6).max(128);

export const AppInfoSchema = z.object({
  name: z.literal('Atrium'),
  version: z.string(),
  mode: z.enum(['electron', 'host']),
  platform: z.string(),
  /** Whether secrets are held by the OS keyring or by a key file next to the data. */
  sealer: z.enum(['os-keyring', 'file-key']),
  demo: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const StatusSummarySchema = z.object({
  /** Mutations waiting to reach the warehouse; null until a sync engine is configured. */
  pendingUploads: z.number().int().nonnegative().nullable(),
  /** Which suggestion model answers; null until one is configured. */
  model: z.object({ source: z.enum(['embedded', 'sagemaker']), version: z.string() }).nullable(),
});
export type StatusSummary = z.infer<typeof StatusSummarySchema>;

/** Where sync with the warehouse stands (main/sync): counts, progress, last error, next attempt. */
export const SyncStatusSchema = z.object({
  state: z.enum(['idle', 'syncing', 'backoff', 'offline']),
  online: z.boolean(),
  pending: z.number().int().nonnegative(),
  deadLetters: z.number().int().nonnegative(),
  /** Server changes under a coder's draft waiting for the coder (sync.conflicts lists them). */
  serverConflicts: z.number().int().nonnegative(),
  progress: z
    .object({
      phase: z.enum(['push', 'pull']),
      items: z.number().int().nonnegative(),
      total: z.number().int().nonnegative().nullable(),
      bytes: z.number().int().nonnegative(),
      etaMs: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
  lastSyncAt: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.number().int().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  /** The model's suggestions for pulled encounters, in the background after a pull; null when none are waiting. */
  suggesting: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).nullable(),
});
export type SyncStatusInfo = z.infer<typeof SyncStatusSchema>;

/** A mutation the warehouse refused (main/sync): it waits here for the coder, never blocking the queue. */
export const DeadLetterSchema = z.object({
  clientMutationId: z.string(),
  kind: z.string(),
  encounterId: z.string().nullable(),
  /** The warehouse's reason code: claimed_by_other, encounter_voided, not_assigned, invalid, … */
  reason: z.string(),
  detail: z.string(),
  createdMs: z.number().int(),
  /** A claim another coder got first: shown in the conflict view rather than as an error. */
  conflict: z.boolean(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/** One sync run, for the history view and its throughput chart (since the app started). */
export const SyncRunSchema = z.object({
  at: z.number().int(),
  ok: z.boolean(),
  durationMs: z.number().nonnegative(),
  pushed: z.number().int().nonnegative(),
  pulled: z.number().int().nonnegative(),
  deadLettered: z.number().int().nonnegative(),
  bytesUp: z.number().int().nonnegative(),
  bytesDown: z.number().int().nonnegative(),
  error: z.string().nullable(),
});
export type SyncRun = z.infer<typeof SyncRunSchema>;

const DeadLetterRefSchema = z.object({ clientMutationId: z.string().min(1).max(64) }).strict();

export const UpdateStatusSchema = z.object({
  state: z.enum(['unsupported', 'disabled', 'idle', 'checking', 'up-to-date', 'available', 'downloading', 'ready', 'error']),
  mode: z.enum(['off', 'manual', 'auto']),
  channel: z.enum(['stable', 'beta']),
  /** The newest version the feed offered, when known. */
  version: z.string().nullable(),
  percent: z.number().min(0).max(100).nullable(),
  lastCheckedAt: z.iso.datetime().nullable(),
  message: z.string().nullable(),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;

// ---- Worklist (main/worklist): encounters to code, claimed under a lease, drafts, submit, undo ----

export const WorkStatusSchema = z.enum(['ready', 'in_progress', 'hold', 'query', 'submitted']);
export type WorkStatus = z.infer<typeof WorkStatusSchema>;
/** Where a submitted chart stands with the warehouse: `withdrawn` when the submit was undone. */
export const ChartSyncStateSchema = z.enum(['pending', 'retrying', 'acknowledged', 'dead-letter', 'withdrawn']);
export type ChartSyncState = z.infer<typeof ChartSyncStateSchema>;
const EncounterIdSchema = z.string().min(1).max(64);
const FilterValues = z.array(z.string().min(1).max(128)).max(50);

export const WorklistFilterSchema = z
  .object({
    status: z.array(WorkStatusSchema).max(5).optional(),
    facility: FilterValues.optional(),
    payer: FilterValues.optional(),
    serviceLine: FilterValues.optional(),
    /** Days since discharge (DNFB age), inclusive. */
    minAgeDays: z.number().int().min(0).max(36500).optional(),
    maxAgeDays: z.number().int().min(0).max(36500).optional(),
    /** The search box, over the whole worklist: encounter id, MRN, payer or service line prefix, or words in the notes. */
    text: z.string().trim().min(1).max(200).optional(),
    /** Estimated MS-DRG numbers ("193"); an encounter with no estimate matches none. */
    estimatedDrg: z.array(z.string().regex(/^\d{3}$/, 'a three-digit MS-DRG')).min(1).max(50).optional(),
  })
  .strict();
export type WorklistFilter = z.infer<typeof WorklistFilterSchema>;

export const WorklistListInputSchema = z
  .object({
    filter: WorklistFilterSchema.optional(),
    /** `priority`: highest first; `age`: oldest discharge first; `drg`: estimated MS-DRG, highest number first, none last. All page by keyset, ties broken by id. */
    sort: z.enum(['priority', 'age', 'drg']).optional(),
    limit: z.number().int().min(1).max(500).optional(),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(512).nullable().optional(),
  })
  .strict();
export type WorklistListInput = z.infer<typeof WorklistListInputSchema>;
export type WorklistSort = NonNullable<WorklistListInput['sort']>;

export const WorklistItemSchema = z.object({
  id: z.string(),
  /** Patient initials, age and sex for the worklist columns (never the full name there). */
  patientInitials: z.string().nullable().optional(),
  age: z.number().int().nullable().optional(),
  sex: z.string().nullable().optional(),
  facility: z.string(),
  payer: z.string(),
  serviceLine: z.string(),
  admitDate: z.string(),
  dischargeDate: z.string(),
  dnfbDays: z.number().int(),
  dueDate: z.string().nullable(),
  drgImpact: z.number().nullable(),
  modelConfidence: z.number().nullable(),
  /**
   * The MS-DRG the grouper gives the encounter's suggested codes (main/coding/drgEstimates.ts), before any
   * coder decided; the relative weight only when an administrator has loaded a weights table.
   */
  estimatedDrg: z.object({ drg: z.string(), title: z.string(), weight: z.number().nullable() }).nullable(),
  status: WorkStatusSchema,
  /** A submitted encounter's last submit with the warehouse; null while not submitted (and on rows a claim or hold returns). */
  sync: ChartSyncStateSchema.nullable(),
  priority: z.number(),
  leaseOwner: z.string().nullable(),
  leaseExpiresAt: z.iso.datetime().nullable(),
  synthetic: z.boolean(),
});
export type WorklistItem = z.infer<typeof WorklistItemSchema>;

export const WorklistPageSchema = z.object({ items: z.array(WorklistItemSchema), nextCursor: z.string().nullable() });
export type WorklistPage = z.infer<typeof WorklistPageSchema>;

export const WorklistCountsSchema = z.object({
  byStatus: z.record(WorkStatusSchema, z.number().int().nonnegative()),
  unsentMutations: z.number().int().nonnegative(),
  deadLetters: z.number().int().nonnegative(),
  readOnly: z.boolean(),
  readOnlyReason: z.string().nullable(),
});
export type WorklistCounts = z.infer<typeof WorklistCountsSchema>;

export const CodeDecisionSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9][A-Z0-9.]{2,7}$/i, 'an ICD-10-CM or ICD-10-PCS code'),
    system: z.enum(['ICD-10-CM', 'ICD-10-PCS']),
    decision: z.enum(['accepted', 'rejected', 'added']),
    /** The principal diagnosis; exactly one per submit. */
    principal: z.boolean().optional(),
    poa: z.enum(['Y', 'N', 'U', 'W', '1']).nullable().optional(),
    /** The admitting diagnosis (at most one per draft). */
    admitting: z.boolean().optional(),
    reason: z.string().max(500).nullable().optional(),
  })
  .strict();
export const CodingDraftSchema = z
  .object({
    codes: z.array(CodeDecisionSchema).max(200),
    comment: z.string().max(4000).optional(),
  })
  .strict();
export type CodingDraft = z.infer<typeof CodingDraftSchema>;

export const EncounterDetailSchema = z.object({
  item: WorklistItemSchema,
  mrn: z.string(),
  patientName: z.string().nullable(),
  sex: z.string().nullable(),
  age: z.number().int().nullable(),
  disposition: z.string().nullable(),
  /**
   * `date`: the document's day where its type fixes it (a discharge summary on the discharge date, a history
   * and physical or admission note on the admission date); null where the store has no date for it.
   */
  notes: z.array(z.object({ id: z.string(), kind: z.string(), text: z.string(), date: z.string().nullable() })),
  suggestions: z.array(
    z.object({
      code: z.string(),
      system: z.enum(['ICD-10-CM', 'ICD-10-PCS']),
      score: z.number(),
      evidence: z.array(z.object({ noteId: z.string(), start: z.number().int(), end: z.number().int() })),
      modelVersion: z.string(),
    }),
  ),
  draft: z.object({ draft: CodingDraftSchema, revision: z.number().int(), savedAt: z.iso.datetime() }).nullable(),
});
export type EncounterDetail = z.infer<typeof EncounterDetailSchema>;

export const SaveDraftInputSchema = z
  .object({ encounterId: EncounterIdSchema, draft: CodingDraftSchema, expectedRevision: z.number().int().nonnegative().optional() })
  .strict();
export const SaveDraftResultSchema = z.object({ revision: z.number().int().positive(), savedAt: z.iso.datetime(), leaseExpiresAt: z.iso.datetime() });

export const SubmitInputSchema = z
  .object({
    encounterId: EncounterIdSchema,
    /** Idempotency key: a repeated submit with the same id returns the first result. */
    clientMutationId: z.uuid().optional(),
  })
  .strict();
export const SubmitResultSchema = z.object({ clientMutationId: z.string(), outboxSeq: z.number().int().positive() });

export const HoldInputSchema = z
  .object({ encounterId: EncounterIdSchema, kind: z.enum(['hold', 'query']), reason: z.string().min(1).max(2000) })
  .strict();
export const UndoResultSchema = z.object({
  encounterId: z.string(),
  undid: z.enum(['submit', 'hold', 'query', 'release']),
  /** `withdrawn`: the outbox row had not been sent and was removed; `compensated`: a reversing mutation was queued. */
  how: z.enum(['withdrawn', 'compensated', 'local']),
  status: WorkStatusSchema,
});
export type UndoResult = z.infer<typeof UndoResultSchema>;

export const WorklistChangedSchema = z.object({ encounterIds: z.array(z.string()).max(1000), reason: z.string().max(64) });

// Code search, MS-DRG grouping and Medicare Code Editor edits (main/coding).
const CodeTextSchema = z.string().trim().max(16);
export const CodeSearchInputSchema = z
  .object({ query: z.string().max(200), system: z.enum(['cm', 'pcs']), limit: z.number().int().min(1).max(200).default(25) })
  .strict();
export const CodeSearchResultSchema = z.object({
  hits: z.array(z.object({ code: z.string(), description: z.string(), billable: z.boolean(), score: z.number(), match: z.enum(['code', 'words']) })),
  corrections: z.array(z.object({ from: z.string(), to: z.string() })),
  ignored: z.array(z.string()),
  total: z.number().int().nonnegative(),
});
export type CodeSearchResult = z.infer<typeof CodeSearchResultSchema>;
export const ProductivitySchema = z.object({
  sinceMs: z.number().int(),
  charts: z.number().int().nonnegative(),
  minutesPerChart: z.number().nonnegative().nullable(),
  suggestions: z.object({ accepted: z.number().int().nonnegative(), rejected: z.number().int().nonnegative(), added: z.number().int().nonnegative() }),
  acceptanceRate: z.number().min(0).max(1).nullable(),
  /** This session's submitted charts, newest first, with where each stands with the warehouse. */
  recent: z.array(z.object({ encounterId: z.string(), submittedAt: z.iso.datetime(), sync: ChartSyncStateSchema })),
});
export type Productivity = z.infer<typeof ProductivitySchema>;
export const CodedEncounterSchema = z
  .object({
    principal: CodeTextSchema.nullable(),
    secondaries: z.array(CodeTextSchema).max(100),
    procedures: z.array(CodeTextSchema).max(100),
    age: z.number().int().min(0).max(124).nullable().default(null),
    sex: z.enum(['M', 'F', 'U']).nullable().default(null),
    dischargeStatus: z.enum(['alive', 'expired']).nullable().default(null),
  })
  .strict();
const DrgRefSchema = z.object({ drg: z.string(), title: z.string() });
const TierSchema = z.enum(['MCC', 'CC', 'none']);
export const DrgGroupingSchema = z.object({
  status: z.enum(['grouped', 'procedures-not-evaluated', 'unsupported', 'ungroupable']),
  drg: DrgRefSchema.extend({ type: z.enum(['medical', 'surgical', 'other']) }).nullable(),
  mdc: z.object({ code: z.string(), description: z.string().nullable() }).nullable(),
  tier: TierSchema.nullable(),
  family: z.array(DrgRefSchema.extend({ tiers: z.array(TierSchema) })),
  drivers: z.object({ principal: z.string().nullable(), severity: z.array(z.string()) }),
  secondaries: z.array(
    z.object({
      code: z.string(),
      level: z.enum(['CC', 'MCC']).nullable(),
      status: z.enum(['counts', 'excluded', 'not-cc', 'duplicate-of-principal', 'invalid']),
      exclusionCollection: z.string().nullable(),
    }),
  ),
  whatIf: z.array(DrgRefSchema.extend({ change: z.string() })),
  problems: z.array(
    z.object({
      code: z.string().nullable(),
      kind: z.enum(['missing-principal', 'unknown-code', 'not-billable', 'invalid-principal', 'unknown-procedure']),
      message: z.string(),
    }),
  ),
  notes: z.array(z.string()),
  surgicalGroups: z.array(z.object({ mdc: z.string(), mdcDescription: z.string(), drgGroup: z.string(), description: z.string() })),
  weight: z.object({ weight: z.number(), gmlos: z.number().nullable() }).nullable(),
});
export const CodingGroupResultSchema = z.object({
  grouping: DrgGroupingSchema,
  edits: z.array(
    z.object({
      edit: z.enum(['age-conflict', 'sex-conflict', 'manifestation-as-principal', 'invalid-code', 'not-billable', 'duplicate-of-principal', 'missing-principal', 'other']),
      code: z.string().nullable(),
      position: z.enum(['principal', 'secondary', 'procedure']).nullable(),
      message: z.string(),
      rule: z.string().nullable(),
    }),
  ),
  weightsLoaded: z.boolean(),
});
export type CodingGroupResult = z.infer<typeof CodingGroupResultSchema>;

// ---- Server conflicts (main/sync): a server change that landed under a coder's draft ----

/** One field (or note) where the coder's local copy and the server's new version differ. */
export const ConflictDifferenceSchema = z.object({
  field: z.string(),
  label: z.string(),
  mine: z.string().nullable(),
  theirs: z.string().nullable(),
});
export const ServerConflictSchema = z.object({
  encounterId: z.string(),
  serverRevision: z.number().int(),
  createdMs: z.number().int(),
  /** False when the encounter was only claimed (in progress) with nothing drafted yet. */
  hasDraft: z.boolean(),
  differences: z.array(ConflictDifferenceSchema),
});
export type ServerConflict = z.infer<typeof ServerConflictSchema>;
/**
 * `keep-mine`: the draft stays, the server version acknowledged; `take-theirs`: the draft is rebased on the
 * server's chart (the coder's accepted and added codes stay; rejections go when a note changed; no draft
 * is kept on a chart that is no longer the coder's).
 */
export const ConflictChoiceSchema = z.enum(['keep-mine', 'take-theirs']);
export type ConflictChoice = z.infer<typeof ConflictChoiceSchema>;
const ResolveConflictInputSchema = z.object({ encounterId: EncounterIdSchema, choice: ConflictChoiceSchema }).strict();

// ---- Imaging (main/imaging): the local library, HealthImaging search, opened series for the viewer ----

const UidSchema = z.string().regex(/^[0-9]+(\.[0-9]+)*$/, 'a DICOM UID').max(64);
const DatastoreIdSchema = z.string().regex(/^[0-9a-z]{32}$/, 'a HealthImaging datastore id');
const ImageSetIdSchema = z.string().regex(/^[0-9a-z]{32}$/, 'a HealthImaging image set id');
/** An opaque id of a series opened in main's frame pipeline. */
export const SeriesIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'an opened series id');
/** A calendar date as DICOM writes it (YYYYMMDD); null when the header has none. */
const DicomDateSchema = z.string().max(16).nullable();

/** Where a study lives: a folder in the local library, or an image set in a HealthImaging datastore. */
export const StudyRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), studyInstanceUid: UidSchema }).strict(),
  z.object({ kind: z.literal('healthimaging'), datastoreId: DatastoreIdSchema, imageSetId: ImageSetIdSchema }).strict(),
]);
export type StudyRef = z.infer<typeof StudyRefSchema>;

export const SeriesSummarySchema = z.object({
  seriesInstanceUid: z.string(),
  seriesNumber: z.number().nullable(),
  modality: z.string(),
  description: z.string(),
  slices: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
});
export type SeriesSummary = z.infer<typeof SeriesSummarySchema>;

const PatientSchema = z.object({ name: z.string().nullable(), id: z.string().nullable(), sex: z.string().nullable(), birthDate: DicomDateSchema });

export const LibraryStudySchema = z.object({
  ref: StudyRefSchema,
  studyInstanceUid: z.string(),
  studyDate: DicomDateSchema,
  /** The imported folder holding the study. */
  root: z.string(),
  importedAt: z.iso.datetime(),
  series: z.array(SeriesSummarySchema),
});
export type LibraryStudy = z.infer<typeof LibraryStudySchema>;

/** A study opened lately on this station (UIDs and descriptions only; names come from the headers when opened). */
export const RecentStudySchema = z.object({
  ref: StudyRefSchema,
  studyInstanceUid: z.string(),
  studyDate: DicomDateSchema,
  description: z.string(),
  seriesInstanceUid: z.string(),
  seriesDescription: z.string(),
  openedAt: z.iso.datetime(),
});
export type RecentStudy = z.infer<typeof RecentStudySchema>;

export const ImagingLibrarySchema = z.object({
  studies: z.array(LibraryStudySchema),
  /** Most recent first. */
  recent: z.array(RecentStudySchema),
});
export type ImagingLibrary = z.infer<typeof ImagingLibrarySchema>;

const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
export const StudySearchInputSchema = z
  .object({
    patientId: z.string().trim().min(1).max(64).optional(),
    accessionNumber: z.string().trim().min(1).max(64).optional(),
    studyInstanceUid: UidSchema.optional(),
    /** Inclusive study date range. */
    studyDateFrom: IsoDateSchema.optional(),
    studyDateTo: IsoDateSchema.optional(),
    pageSize: z.number().int().min(1).max(50).optional(),
    /** `nextToken` of the previous page. */
    nextToken: z.string().min(1).max(8192).optional(),
  })
  .strict();
export type StudySearchInput = z.infer<typeof StudySearchInputSchema>;

export const StudySearchResultSchema = z.object({
  studies: z.array(
    z.object({
      ref: StudyRefSchema,
      patientId: z.string().nullable(),
      studyInstanceUid: z.string().nullable(),
      accessionNumber: z.string().nullable(),
      studyDate: DicomDateSchema,
      updatedAt: z.iso.datetime().nullable(),
    }),
  ),
  nextToken: z.string().nullable(),
});
export type StudySearchResult = z.infer<typeof StudySearchResultSchema>;

const StudyFactsSchema = z.object({
  instanceUid: z.string(),
  date: DicomDateSchema,
  description: z.string(),
  accession: z.string().nullable(),
});

export const StudyDetailSchema = z.object({
  ref: StudyRefSchema,
  patient: PatientSchema,
  study: StudyFactsSchema,
  series: z.array(SeriesSummarySchema),
  /** Files or image sets that could not be read; the rest loaded. */
  errors: z.array(z.object({ file: z.string(), error: z.string() })),
});
export type StudyDetail = z.infer<typeof StudyDetailSchema>;

export const SeriesOpenInputSchema = z
  .object({
    study: StudyRefSchema,
    seriesInstanceUid: UidSchema,
    /** `thumbnail`: opened to draw its middle slice; not listed among the recent studies. */
    purpose: z.enum(['view', 'thumbnail']).optional(),
  })
  .strict();
export type SeriesOpenInput = z.infer<typeof SeriesOpenInputSchema>;

const Vec3Schema = z.tuple([z.number(), z.number(), z.number()]);
/** A series opened for viewing: geometry, pixel format and where its frames are served. */
export const OpenedSeriesSchema = z.object({
  seriesId: SeriesIdSchema,
  /** Frames in display order at `${frameUrlPrefix}${index}` (the binary route; see FramePipeline). */
  frameUrlPrefix: z.string(),
  frameCount: z.number().int().positive(),
  /** The slice a viewer shows first (the middle one): main starts fetching it as the series opens. */
  openingIndex: z.number().int().nonnegative(),
  rows: z.number().int().positive(),
  columns: z.number().int().positive(),
  bitsAllocated: z.union([z.literal(8), z.literal(16)]),
  signed: z.boolean(),
  rescaleSlope: z.number(),
  rescaleIntercept: z.number(),
  /** [column spacing, row spacing, distance between slices] in mm. */
  spacing: Vec3Schema,
  /** Row then column direction cosines (ImageOrientationPatient); the identity axial one when absent. */
  orientation: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]),
  /** ImagePositionPatient per frame in display order (null where a frame has none). */
  positions: z.array(Vec3Schema.nullable()),
  sliceThickness: z.number().nullable(),
  /** Header presets first, then the standard CT presets. */
  windowPresets: z.array(z.object({ name: z.string(), center: z.number(), width: z.number() })),
  /** Gaps, uneven spacing, tilt and other findings about the geometry. */
  warnings: z.array(z.string()),
  modality: z.string(),
  patient: PatientSchema,
  study: StudyFactsSchema,
  series: z.object({ instanceUid: z.string(), number: z.number().nullable(), description: z.string() }),
  source: z.object({ kind: z.enum(['local', 'healthimaging']), datastoreId: z.string().optional(), imageSetId: z.string().optional() }),
});
export type OpenedSeries = z.infer<typeof OpenedSeriesSchema>;

// Verification of a series as ground truth (main/imaging/verification*): saved locally, synced to the
// warehouse, then published as an `ImageVerified` event.

export const VerdictSchema = z.enum(['verified', 'needs_review', 'rejected']);
export type Verdict = z.infer<typeof VerdictSchema>;
export const LateralitySchema = z.enum(['left', 'right', 'bilateral', 'midline', 'not_applicable']);
/** The longest findings text a verification carries. */
export const MAX_FINDINGS_CHARS = 4000;

/** The series a verification is about: where it lives and its UIDs (from `OpenedSeries`). */
export const VerificationSubjectSchema = z
  .object({
    studyInstanceUid: UidSchema,
    seriesInstanceUid: UidSchema,
    datastoreId: DatastoreIdSchema.nullable(),
    imageSetId: ImageSetIdSchema.nullable(),
  })
  .strict();
export type VerificationSubject = z.infer<typeof VerificationSubjectSchema>;

export const VerificationInputSchema = z
  .object({
    subject: VerificationSubjectSchema,
    verdict: VerdictSchema,
    findings: z.string().max(MAX_FINDINGS_CHARS),
    /** From the `imaging.verification.labels` setting; main refuses labels not on that list. */
    labels: z.array(z.string().min(1).max(40)).max(32),
    laterality: LateralitySchema.nullable(),
    location: z.string().trim().max(200).nullable(),
    /** The verifier's confidence, 1 (low) to 5 (certain). */
    confidence: z.number().int().min(1).max(5),
  })
  .strict();
export type VerificationInput = z.infer<typeof VerificationInputSchema>;

/**
 * `pending`: saved here, not yet in the warehouse (a new save replaces it); `synced`: in the warehouse,
 * its event not yet published; `published`: the `ImageVerified` event went out; `rejected`: the
 * warehouse refused it (see dead letters).
 */
export const VerificationStateSchema = z.enum(['pending', 'synced', 'published', 'rejected']);

export const VerificationSchema = VerificationInputSchema.omit({ subject: true }).extend({
  /** Generated once at save; the outbox, warehouse and event de-duplicate on it. */
  verificationId: z.uuid(),
  subject: VerificationSubjectSchema,
  /** 1 for the first verification synced for this series by this verifier; an edit after sync is the next. */
  version: z.number().int().positive(),
  verifier: z.string(),
  verifiedAt: z.iso.datetime(),
  state: VerificationStateSchema,
  /** Why the event is not out yet (no bus configured, the last PutEvents failure); null otherwise. */
  eventError: z.string().nullable(),
});
export type Verification = z.infer<typeof VerificationSchema>;

const SettingUpdateSchema = z
  .object({ key: z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]), value: z.unknown() })
  .strict();

/**
 * Methods: name → input and output schemas. `phi: true` marks a method whose result can carry patient
 * data: the registry refuses it (code 'locked') while the station is locked. Add it to every such method.
 */
export const methods = {
  'app.info': { input: z.void(), output: AppInfoSchema },
  'settings.get': { input: z.void(), output: SettingsSnapshotSchema },
  'settings.set': { input: SettingUpdateSchema, output: SettingsSnapshotSchema },
  'session.status': { input: z.void(), output: SessionStatusSchema },
  'session.signIn.start': { input: z.object({ flow: z.enum(['device', 'browser']) }).strict(), output: SignInProgressSchema },
  'session.signIn.poll': { input: z.void(), output: SignInProgressSchema },
  'session.signIn.cancel': { input: z.void(), output: SignInProgressSchema },
  'session.accounts': { input: z.void(), output: SsoAccountsSchema },
  'session.selectRole': {
    input: z.object({ accountId: z.string().regex(/^\d{12}$/), roleName: z.string().min(1).max(64), accountName: z.string().max(256).nullable().optional() }).strict(),
    output: SessionStatusSchema,
  },
  'session.signOut': { input: z.void(), output: SessionStatusSchema },
  'session.activity': { input: z.void(), output: LockStatusSchema },
  'session.lock.status': { input: z.void(), output: LockStatusSchema },
  'session.lock': { input: z.void(), output: LockStatusSchema },
  'session.unlock': { input: z.object({ secret: UnlockSecretSchema }).strict(), output: LockStatusSchema },
  'session.lock.setSecret': { input: z.object({ secret: UnlockSecretSchema, current: UnlockSecretSchema.optional() }).strict(), output: LockStatusSchema },
  'status.summary': { input: z.void(), output: StatusSummarySchema },
  'sync.status': { input: z.void(), output: SyncStatusSchema },
  'sync.now': { input: z.void(), output: SyncStatusSchema },
  /** The page's connectivity (its online/offline events): offline stops the schedule, back online syncs at once. */
  'sync.connectivity': { input: z.object({ online: z.boolean() }).strict(), output: SyncStatusSchema },
  'sync.deadLetters': { input: z.void(), output: z.object({ items: z.array(DeadLetterSchema) }) },
  /** Sends the refused work again as a new mutation (the warehouse keeps its answer to the old one). */
  'sync.deadLetters.retry': { input: DeadLetterRefSchema, output: SyncStatusSchema },
  'sync.deadLetters.discard': { input: DeadLetterRefSchema, output: SyncStatusSchema },
  'sync.history': { input: z.void(), output: z.object({ runs: z.array(SyncRunSchema) }) },
  'sync.conflicts': { input: z.void(), output: z.object({ items: z.array(ServerConflictSchema) }), phi: true },
  'sync.conflicts.resolve': { input: ResolveConflictInputSchema, output: z.object({ encounterId: z.string(), choice: ConflictChoiceSchema }), phi: true },
  'updates.status': { input: z.void(), output: UpdateStatusSchema },
  'updates.check': { input: z.void(), output: UpdateStatusSchema },
  'updates.download': { input: z.void(), output: UpdateStatusSchema },
  'worklist.list': { input: WorklistListInputSchema, output: WorklistPageSchema, phi: true },
  'worklist.counts': { input: z.void(), output: WorklistCountsSchema },
  'worklist.claimNext': { input: z.object({ filter: WorklistFilterSchema.optional() }).strict().optional(), output: WorklistItemSchema.nullable(), phi: true },
  'worklist.renewLease': { input: z.object({ encounterId: EncounterIdSchema }).strict(), output: WorklistItemSchema, phi: true },
  'worklist.hold': { input: HoldInputSchema, output: WorklistItemSchema, phi: true },
  'worklist.release': { input: z.object({ encounterId: EncounterIdSchema }).strict(), output: WorklistItemSchema, phi: true },
  'worklist.undo': { input: z.void(), output: UndoResultSchema.nullable(), phi: true },
  'encounter.get': { input: z.object({ encounterId: EncounterIdSchema }).strict(), output: EncounterDetailSchema, phi: true },
  'coding.saveDraft': { input: SaveDraftInputSchema, output: SaveDraftResultSchema, phi: true },
  'coding.submit': { input: SubmitInputSchema, output: SubmitResultSchema, phi: true },
  'codes.search': { input: CodeSearchInputSchema, output: CodeSearchResultSchema },
  'coding.group': { input: CodedEncounterSchema, output: CodingGroupResultSchema, phi: true },
  /** Loads code sets, search indexes and MS-DRG tables in the background (the worklist asks once it is interactive). */
  'codes.warm': { input: z.void(), output: z.object({ scheduled: z.boolean() }) },
  /** The coder's session figures (charts, minutes per chart, suggestion acceptance) computed in main from the store. */
  'coding.productivity': { input: z.void(), output: ProductivitySchema, phi: true },
  'imaging.library.list': { input: z.void(), output: ImagingLibrarySchema, phi: true },
  'imaging.studies.search': { input: StudySearchInputSchema, output: StudySearchResultSchema, phi: true },
  'imaging.study.get': { input: z.object({ study: StudyRefSchema }).strict(), output: StudyDetailSchema, phi: true },
  'imaging.series.open': { input: SeriesOpenInputSchema, output: OpenedSeriesSchema, phi: true },
  'imaging.series.focus': { input: z.object({ seriesId: SeriesIdSchema, index: z.number().int().min(0).max(99_999) }).strict(), output: z.null(), phi: true },
  'imaging.series.close': { input: z.object({ seriesId: SeriesIdSchema }).strict(), output: z.null() },
  'imaging.verification.get': {
    input: z.object({ studyInstanceUid: UidSchema, seriesInstanceUid: UidSchema }).strict(),
    output: VerificationSchema.nullable(),
    phi: true,
  },
  'imaging.verification.save': { input: VerificationInputSchema, output: VerificationSchema, phi: true },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType; phi?: true }>;

/** Events main pushes to the renderer: name → payload schema. */
export const events = {
  'settings.changed': SettingsSnapshotSchema,
  'session.changed': SessionStatusSchema,
  'session.signIn.changed': SignInProgressSchema,
  'session.lock.changed': LockStatusSchema,
  'updates.changed': UpdateStatusSchema,
  'sync.changed': SyncStatusSchema,
  'worklist.changed': WorklistChangedSchema,
} as const satisfies Record<string, z.ZodType>;

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.infer<(typeof methods)[M]['output']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}
/** True for methods marked `phi: true`: refused while the station is locked. */
export function readsPhi(method: MethodName): boolean {
  const spec: object = methods[method];
  return 'phi' in spec && spec.phi === true;
}
/**
 * Methods that record a decision (accept/reject in a draft, submit, hold, query, release, undo, verify,
 * retry or discard refused work):
 * the handler registry audits each call with a hash of its content. Add every new decision method here
 * (main/ipc/callAudit.test.ts fails for a method named like one that is missing).
 */
export const DECISION_METHODS = [
  'coding.saveDraft',
  'coding.submit',
  'worklist.hold',
  'worklist.release',
  'worklist.undo',
  'imaging.verification.save',
  'sync.deadLetters.retry',
  'sync.deadLetters.discard',
  'sync.conflicts.resolve',
] as const satisfies readonly MethodName[];
export function isDecision(method: MethodName): boolean {
  return (DECISION_METHODS as readonly MethodName[]).includes(method);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Error codes a call can fail with, the same over IPC and over the host's socket. */
export const CallErrorCodeSchema = z.enum([
  'unknown_method',
  'invalid_input',
  'forbidden',
  'locked',
  'not_found',
  'conflict',
  'unavailable',
  'too_large',
  'malformed',
  'internal',
]);
export type CallErrorCode = z.infer<typeof CallErrorCodeSchema>;

export const CallErrorSchema = z.object({
  code: CallErrorCodeSchema,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type CallErrorShape = z.infer<typeof CallErrorSchema>;

/** One envelope for every reply, so transports carry errors as data, never as thrown strings. */
export type CallReply<T = unknown> = { ok: true; result: T } | { ok: false; error: CallErrorShape };

/**
 * The API preload exposes as `window.atrium`, and the host transport implements too. Replies are
 * envelopes: errors crossing the context bridge would lose everything but their message.
 */
export interface AtriumBridge {
  invoke(method: MethodName, input: unknown): Promise<CallReply>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Wire messages of the host's WebSocket. */
export const SocketRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().max(128),
  input: z.unknown().optional(),
});
