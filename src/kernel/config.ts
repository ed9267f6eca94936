import path from 'node:path';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';

/** Argon2id floor: OWASP's minimum for Argon2id (19 MiB, 2 passes). Weaker settings are refused. */
export const ARGON2_MIN_MEMORY_KIB = 19_456;
export const ARGON2_MIN_PASSES = 2;

export interface Argon2Params {
  memoryKib: number;
  passes: number;
  parallelism: number;
}

export interface ClockDefaults {
  acknowledgeDays: number;
  feedbackMonths: number;
  investigationDays: number;
  idleDays: number;
}

/** Background jobs (clock sweeps, e-mail): how often the scheduler looks, how long a claimed job is held. */
export interface JobSettings {
  enabled: boolean;
  schedulerIntervalMs: number;
  leaseMs: number;
}

/** Outgoing e-mail. Without an SMTP URL, messages stay in the outbox and nothing is sent. */
export interface MailSettings {
  smtpUrl: string | null;
  from: string;
  /** The server-held key that seals reporters' notification addresses: given inline, or kept in a file. */
  notifyKey: { base64: string } | { file: string };
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `sqlite:` path or a postgres:// URL. */
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  argon2: Argon2Params;
  clocks: ClockDefaults;
  jobs: JobSettings;
  mail: MailSettings;
  session: { staffTtlMinutes: number; staffIdleMinutes: number; reporterTtlMinutes: number; secureCookies: boolean };
  /** Where people reach this Candor (for links it prints or hands out); null: http://HOST:PORT, or the request's own address. */
  publicUrl: string | null;
  http: { bodyLimitBytes: number };
  /** Evidence files: per-file and per-case limits in bytes, and the directory their sealed files live in. */
  attachments: { maxFileBytes: number; maxCaseBytes: number; dir: string };
  portal: { quickExitUrl: string };
  /** Escrow: the key file kept outside the database, the match threshold, the region national phone numbers are read in. */
  escrow: { keyFile: string; threshold: number; phoneRegion: string | null; lodgingsPerHour: number };
  cases: { appealWindowDays: number; standardOfProof: string };
  /** Conflict-of-interest routing: how many levels of a subject's management chain are excluded. */
  conflicts: { chainDepth: number };
  /** Retaliation watch: how long a person stays protected, and the server-held key of the protected-persons table. */
  protection: { windowDays: number; key: { base64: string } | { file: string } };
  /** Evidence and records (docs/records.md): retention, withdrawal, export approval, signing and backup keys, witnessed audit heads. */
  records: {
    retainMonths: number;
    reporterWithdrawal: boolean;
    exportApproval: 'required' | 'none';
    exportValidDays: number;
    signingKeyFile: string;
    backupPublicKey: { base64: string } | { file: string };
    auditHeadMailTo: string | null;
  };
  /**
   * Leadership analytics: k, the smallest number of cases a published figure may rest on (5 or
   * more), and the published benchmark drawn as a reference line (see docs/analytics.md).
   */
  analytics: { k: number; benchmark: { closeDays: number | null; source: string; year: number | null } };
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (used in memory for throttling only). */
  trustProxy: boolean;
  logLevel: string;
}

const intFromEnv = (fallback: number) =>
  z
    .string()
    .regex(/^\d*$/, 'must be a whole number')
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : Number(value)))
    .pipe(z.number().int().positive());

const EnvSchema = z.object({
  PORT: intFromEnv(8080).pipe(z.number().max(65_535)),
  HOST: z.string().default('127.0.0.1'),
  CANDOR_DATA_DIR: z.string().default('./data'),
  CANDOR_DATABASE_URL: z.string().optional(),
  CANDOR_ARGON2_MEMORY_KIB: intFromEnv(ARGON2_MIN_MEMORY_KIB).pipe(
    z.number().min(ARGON2_MIN_MEMORY_KIB, `must be at least ${ARGON2_MIN_MEMORY_KIB} KiB (19 MiB)`),
  ),
  CANDOR_ARGON2_PASSES: intFromEnv(ARGON2_MIN_PASSES).pipe(
    z.number().min(ARGON2_MIN_PASSES, `must be at least ${ARGON2_MIN_PASSES}`),
  ),
  CANDOR_ARGON2_PARALLELISM: intFromEnv(1).pipe(z.number().max(16)),
  CANDOR_ACKNOWLEDGE_DAYS: intFromEnv(7),
  CANDOR_FEEDBACK_MONTHS: intFromEnv(3),
  CANDOR_INVESTIGATION_DAYS: intFromEnv(60),
  CANDOR_IDLE_DAYS: intFromEnv(14),
  CANDOR_JOBS: z.enum(['on', 'off']).default('on'),
  CANDOR_SCHEDULER_INTERVAL_SECONDS: intFromEnv(60),
  CANDOR_JOB_LEASE_SECONDS: intFromEnv(120),
  CANDOR_SMTP_URL: z
    .string()
    .optional()
    .refine((value) => !value || /^smtps?:\/\/[^\s]+$/.test(value), 'must be smtp://[user:password@]host[:port] or smtps://...'),
  CANDOR_MAIL_FROM: z.string().min(3).max(320).default('Candor <candor@localhost>'),
  CANDOR_NOTIFY_KEY: z
    .string()
    .optional()
    .refine((value) => !value || Buffer.from(value, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)'),
  CANDOR_NOTIFY_KEY_FILE: z.string().optional(),
  CANDOR_STAFF_SESSION_MINUTES: intFromEnv(8 * 60),
  CANDOR_STAFF_IDLE_MINUTES: intFromEnv(30),
  CANDOR_PUBLIC_URL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
  CANDOR_REPORTER_SESSION_MINUTES: intFromEnv(30),
  CANDOR_SECURE_COOKIES: z.enum(['true', 'false']).default('false'),
  CANDOR_BODY_LIMIT_BYTES: intFromEnv(1024 * 1024),
  CANDOR_ATTACHMENT_MAX_FILE_BYTES: intFromEnv(50 * 1024 * 1024),
  CANDOR_ATTACHMENT_MAX_CASE_BYTES: intFromEnv(200 * 1024 * 1024),
  CANDOR_ATTACHMENT_DIR: z.string().optional(),
  CANDOR_APPEAL_WINDOW_DAYS: intFromEnv(30),
  CANDOR_STANDARD_OF_PROOF: z.string().min(1).max(100).default('balance-of-probabilities'),
  CANDOR_CONFLICT_CHAIN_DEPTH: z
    .string()
    .regex(/^\d*$/, 'must be a whole number')
    .optional()
    .transform((value) => (value === undefined || value === '' ? 2 : Number(value)))
    .pipe(z.number().int().min(0).max(20)),
  CANDOR_PROTECTION_WINDOW_DAYS: intFromEnv(730),
  CANDOR_PROTECTION_KEY: z
    .string()
    .optional()
    .refine((value) => !value || Buffer.from(value, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)'),
  CANDOR_PROTECTION_KEY_FILE: z.string().optional(),
  CANDOR_QUICK_EXIT_URL: z.url({ protocol: /^https?$/ }).default('https://weather.com/'),
  CANDOR_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  CANDOR_ESCROW_KEY_FILE: z.string().optional(),
  CANDOR_ESCROW_THRESHOLD: intFromEnv(2).pipe(z.number().min(2, 'must be at least 2').max(10)),
  CANDOR_ESCROW_LODGINGS_PER_HOUR: intFromEnv(10),
  CANDOR_ESCROW_PHONE_REGION: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim().toUpperCase()))
    .refine((value) => value === null || isSupportedCountry(value), 'must be a two-letter region code such as GB, DE or US'),
  CANDOR_RETENTION_MONTHS: intFromEnv(36).pipe(z.number().max(1200)),
  CANDOR_REPORTER_WITHDRAWAL: z.enum(['on', 'off']).default('off'),
  CANDOR_EXPORT_APPROVAL: z.enum(['required', 'none']).default('required'),
  CANDOR_EXPORT_VALID_DAYS: intFromEnv(7).pipe(z.number().max(90)),
  CANDOR_SIGNING_KEY_FILE: z.string().optional(),
  CANDOR_BACKUP_PUBLIC_KEY: z
    .string()
    .optional()
    .refine((value) => !value || Buffer.from(value, 'base64').length === 32, 'must be a 32-byte X25519 public key in base64 (candor backup keygen prints one)'),
  CANDOR_BACKUP_PUBLIC_KEY_FILE: z.string().optional(),
  CANDOR_AUDIT_HEAD_MAIL_TO: z.union([z.literal(''), z.email()]).optional(),
  CANDOR_ANALYTICS_K: intFromEnv(5).pipe(z.number().min(5, 'must be at least 5: small cells can only be made larger').max(1000)),
  CANDOR_BENCHMARK_CLOSE_DAYS: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? null : Number(value)))
    .refine((value) => value === null || (Number.isFinite(value) && value > 0 && value < 10_000), 'must be a number of days'),
  CANDOR_BENCHMARK_SOURCE: z.string().max(300).optional(),
  CANDOR_BENCHMARK_YEAR: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? null : Number(value)))
    .refine((value) => value === null || (Number.isInteger(value) && value >= 1990 && value <= 2100), 'must be a year'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * The benchmark the dashboard compares time to close with. No figure is shipped: we could not
 * verify the report's number from a source we can cite, so the line appears once an operator
 * sets CANDOR_BENCHMARK_CLOSE_DAYS (and the year) from their own copy of the report.
 */
export const DEFAULT_BENCHMARK_SOURCE = 'NAVEX Risk & Compliance Hotline & Incident Management Benchmark Report (median case closure time, days)';

export class ConfigError extends Error {}

/** Reads the configuration from environment variables; throws ConfigError naming every bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.CANDOR_DATA_DIR);
  const url = e.CANDOR_DATABASE_URL;
  let database: Config['database'];
  if (url === undefined || url === '') {
    database = { kind: 'sqlite', file: path.join(dataDir, 'candor.sqlite') };
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    database = { kind: 'postgres', url };
  } else if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length) {
    database = { kind: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  } else {
    throw new ConfigError('Invalid configuration:\n  CANDOR_DATABASE_URL: must be postgres://... or sqlite:PATH');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    argon2: {
      memoryKib: e.CANDOR_ARGON2_MEMORY_KIB,
      passes: e.CANDOR_ARGON2_PASSES,
      parallelism: e.CANDOR_ARGON2_PARALLELISM,
    },
    clocks: {
      acknowledgeDays: e.CANDOR_ACKNOWLEDGE_DAYS,
      feedbackMonths: e.CANDOR_FEEDBACK_MONTHS,
      investigationDays: e.CANDOR_INVESTIGATION_DAYS,
      idleDays: e.CANDOR_IDLE_DAYS,
    },
    jobs: {
      enabled: e.CANDOR_JOBS === 'on',
      schedulerIntervalMs: e.CANDOR_SCHEDULER_INTERVAL_SECONDS * 1000,
      leaseMs: e.CANDOR_JOB_LEASE_SECONDS * 1000,
    },
    mail: {
      smtpUrl: e.CANDOR_SMTP_URL ? e.CANDOR_SMTP_URL : null,
      from: e.CANDOR_MAIL_FROM,
      notifyKey: e.CANDOR_NOTIFY_KEY
        ? { base64: e.CANDOR_NOTIFY_KEY }
        : { file: e.CANDOR_NOTIFY_KEY_FILE ? path.resolve(e.CANDOR_NOTIFY_KEY_FILE) : path.join(dataDir, 'notify-address.key') },
    },
    session: {
      staffTtlMinutes: e.CANDOR_STAFF_SESSION_MINUTES,
      staffIdleMinutes: e.CANDOR_STAFF_IDLE_MINUTES,
      reporterTtlMinutes: e.CANDOR_REPORTER_SESSION_MINUTES,
      secureCookies: e.CANDOR_SECURE_COOKIES === 'true',
    },
    http: { bodyLimitBytes: e.CANDOR_BODY_LIMIT_BYTES },
    attachments: {
      maxFileBytes: e.CANDOR_ATTACHMENT_MAX_FILE_BYTES,
      maxCaseBytes: e.CANDOR_ATTACHMENT_MAX_CASE_BYTES,
      dir: e.CANDOR_ATTACHMENT_DIR ? path.resolve(e.CANDOR_ATTACHMENT_DIR) : path.join(dataDir, 'attachments'),
    },
    portal: { quickExitUrl: e.CANDOR_QUICK_EXIT_URL },
    escrow: {
      keyFile: e.CANDOR_ESCROW_KEY_FILE ? path.resolve(e.CANDOR_ESCROW_KEY_FILE) : path.join(dataDir, 'escrow.key'),
      threshold: e.CANDOR_ESCROW_THRESHOLD,
      phoneRegion: e.CANDOR_ESCROW_PHONE_REGION,
      lodgingsPerHour: e.CANDOR_ESCROW_LODGINGS_PER_HOUR,
    },
    publicUrl: e.CANDOR_PUBLIC_URL ? e.CANDOR_PUBLIC_URL.replace(/\/+$/, '') : null,
    cases: { appealWindowDays: e.CANDOR_APPEAL_WINDOW_DAYS, standardOfProof: e.CANDOR_STANDARD_OF_PROOF },
    conflicts: { chainDepth: e.CANDOR_CONFLICT_CHAIN_DEPTH },
    protection: {
      windowDays: e.CANDOR_PROTECTION_WINDOW_DAYS,
      key: e.CANDOR_PROTECTION_KEY
        ? { base64: e.CANDOR_PROTECTION_KEY }
        : { file: e.CANDOR_PROTECTION_KEY_FILE ? path.resolve(e.CANDOR_PROTECTION_KEY_FILE) : path.join(dataDir, 'protection.key') },
    },
    records: {
      retainMonths: e.CANDOR_RETENTION_MONTHS,
      reporterWithdrawal: e.CANDOR_REPORTER_WITHDRAWAL === 'on',
      exportApproval: e.CANDOR_EXPORT_APPROVAL,
      exportValidDays: e.CANDOR_EXPORT_VALID_DAYS,
      signingKeyFile: e.CANDOR_SIGNING_KEY_FILE ? path.resolve(e.CANDOR_SIGNING_KEY_FILE) : path.join(dataDir, 'signing.key'),
      backupPublicKey: e.CANDOR_BACKUP_PUBLIC_KEY
        ? { base64: e.CANDOR_BACKUP_PUBLIC_KEY }
        : { file: e.CANDOR_BACKUP_PUBLIC_KEY_FILE ? path.resolve(e.CANDOR_BACKUP_PUBLIC_KEY_FILE) : path.join(dataDir, 'backup.pub') },
      auditHeadMailTo: e.CANDOR_AUDIT_HEAD_MAIL_TO ? e.CANDOR_AUDIT_HEAD_MAIL_TO : null,
    },
    trustProxy: e.CANDOR_TRUST_PROXY === 'true',
    analytics: {
      k: e.CANDOR_ANALYTICS_K,
      benchmark: {
        closeDays: e.CANDOR_BENCHMARK_CLOSE_DAYS,
        source: e.CANDOR_BENCHMARK_SOURCE?.trim() || DEFAULT_BENCHMARK_SOURCE,
        year: e.CANDOR_BENCHMARK_YEAR,
      },
    },
    logLevel: e.LOG_LEVEL,
  };
}
