/**
 * Table types for Kysely. Timestamps are ISO-8601 UTC text (see kernel/clock.ts); binary columns
 * hold ciphertext or wrapped keys only, never plaintext.
 */
import type { Generated } from 'kysely';

export type StaffRole = 'admin' | 'handler' | 'oversight' | 'analyst' | 'counselor';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  public_key: Buffer;
  password_kdf: string; // JSON PasswordKdf
  private_key_by_password: Buffer;
  private_key_by_recovery: Buffer;
  created_at: string;
  disabled_at: string | null;
  /** The TOTP secret, sealed under a key derived from the user's private key; null without a second factor. */
  totp_sealed: Buffer | null;
  /** When the second factor was confirmed; a sealed secret without it is an unfinished enrolment. */
  totp_confirmed_at: string | null;
  /** The last accepted TOTP time step: a code of that step or earlier is never accepted again. */
  totp_last_step: number | null;
  failed_logins: Generated<number>;
  /** How many times the account was locked since its last successful sign-in (each lock lasts longer). */
  lockouts: Generated<number>;
  locked_until: string | null;
  last_login_at: string | null;
  /** The person's entry in the employee directory (linked by e-mail, or set by an admin). */
  employee_id?: string | null;
}

export interface StaffRecoveryCodesTable {
  user_id: string;
  /** A keyed hash of the code (the key derives from the user's private key): never the code. */
  code_hash: Buffer;
  created_at: string;
  used_at: string | null;
}

/** An invited staff member who has not chosen a password yet (and so has no key pair yet). */
export interface StaffInvitationsTable {
  /** Becomes the user's id when the invitation is accepted. */
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** JSON array of channel ids. */
  channels: string;
  token_hash: Buffer;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}

export interface ChannelsTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
  description: string | null;
  /** The standard of proof findings on this channel's cases are made against; null: the installation's. */
  standard_of_proof?: string | null;
}

export interface QuestionnairesTable {
  channel_id: string;
  version: number;
  definition: string; // JSON QuestionnaireDefinition
  created_at: string;
  created_by: string | null;
}

export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  created_at: string;
}

export interface CasesTable {
  id: string;
  ref: string;
  channel_id: string;
  category: string;
  anonymity: 'anonymous' | 'confidential' | 'named';
  status: string;
  received_at: string;
  acknowledge_by: string;
  acknowledged_at: string | null;
  feedback_by: string;
  closed_at: string | null;
  next_deadline_at: string;
  updated_at: string;
  /** Sealed JSON of the report itself (narrative, when, where). */
  report_sealed: Buffer;
  /** Sealed JSON of the reporter's identity; null when anonymous. */
  identity_sealed: Buffer | null;
  receipt_lookup: Buffer;
  /** The case key wrapped by the reporter's receipt. */
  reporter_wrapped_key: Buffer;
  /** The questionnaire version the answers were given under (null: submitted through the API without one). */
  questionnaire_version: number | null;
  /** How the case closed (see case.rules.ts CLOSINGS); null while open. */
  closing: string | null;
  /** When feedback was last given to the reporter. */
  feedback_given_at: string | null;
  /** When the case was last reopened on appeal. */
  reopened_at: string | null;
  assignee_id: string | null;
  /** `report`, or `retaliation-review` for a review oversight opened on an HR event (no reporter). */
  kind?: string;
  /** When the reporter withdrew the report while a legal hold stood: shredded once the hold is lifted. */
  withdrawn_at: Generated<string | null>;
}

export interface CaseTransitionsTable {
  seq: Generated<number>;
  id: string;
  case_id: string;
  from_status: string;
  to_status: string;
  closing: string | null;
  reason_sealed: Buffer;
  actor_type: 'staff' | 'reporter' | 'system';
  actor_id: string | null;
  at: string;
}

export interface CaseAllegationsTable {
  id: string;
  case_id: string;
  position: number;
  summary_sealed: Buffer;
  /** In the clear: outcome statistics survive the content (see case.rules.ts FINDINGS). */
  finding: string | null;
  standard: string | null;
  reasoning_sealed: Buffer | null;
  decided_at: string | null;
  decided_by: string | null;
  created_at: string;
}

export interface PortalSubmissionsTable {
  id: string;
  created_at: string;
}

export interface CaseNotesTable {
  id: string;
  case_id: string;
  author_id: string;
  body_sealed: Buffer;
  created_at: string;
}

export interface CaseTasksTable {
  id: string;
  case_id: string;
  title_sealed: Buffer;
  owner_id: string | null;
  due_at: string | null;
  done_at: string | null;
  created_by: string;
  created_at: string;
}

export type AccessGrant = 'handler' | 'oversight';

export interface CaseAccessTable {
  case_id: string;
  user_id: string;
  wrapped_key: Buffer;
  grant_kind: AccessGrant;
  /** 1 when the holder may read now; 0 for an upper rung holding its key until escalation. */
  active: number;
  /** Copied from the case so each person's inbox is one ordered index walk. */
  next_deadline_at: string;
  /** Copied from the case with every status change, so inbox counts read the grants alone. */
  status: string;
  created_at: string;
}

export interface CaseMessagesTable {
  seq: Generated<number>;
  id: string;
  case_id: string;
  author: 'reporter' | 'handler';
  author_user_id: string | null;
  body_sealed: Buffer;
  created_at: string;
}

export interface CaseAttachmentsTable {
  id: string;
  case_id: string;
  /** The message the file was sent with, if any. */
  message_id: string | null;
  uploaded_by: 'reporter' | 'handler';
  uploaded_by_user_id: string | null;
  /** The file name, sealed under the case key. */
  filename_sealed: Buffer;
  /** Detected from the bytes, coarse: image/jpeg, image/png, image/webp, application/pdf or application/octet-stream. */
  content_type: string;
  /** Size of the stored plaintext (after metadata was removed). */
  size_bytes: number;
  /** Size of the plaintext as it was received. */
  received_bytes: number;
  sha256_received: string;
  sha256_stored: string;
  /** JSON list of what was removed, e.g. ["EXIF","GPS location"]. */
  metadata_removed: string;
  /** 1 when the stored bytes are exactly the bytes received. */
  original_kept: number;
  /** The file key wrapped under the case key. */
  wrapped_file_key: Buffer;
  /** The sealed file's name in the attachments directory: random. */
  storage_name: string;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  kind: 'staff' | 'reporter';
  /** The user id for staff, the case id for a reporter. */
  subject_id: string;
  secret_hash: Buffer;
  sealed_key: Buffer;
  created_at: string;
  expires_at: string;
  /** The last request made with the session (staff sessions end after CANDOR_STAFF_IDLE_MINUTES without one). */
  last_seen_at: string | null;
}

export interface AuditEventsTable {
  seq: number;
  at: string;
  actor_type: 'staff' | 'reporter' | 'system';
  actor_id: string | null;
  action: string;
  case_id: string | null;
  target_id: string | null;
  details: string; // JSON, ids and counts only
  prev_hash: string;
  hash: string;
}

/** An escrow entry: sealed under its own key, which is wrapped to its receipt (see docs/escrow.md). */
export interface EscrowEntriesTable {
  id: string;
  receipt_lookup: Buffer;
  /** The entry key wrapped by the reporter's receipt. */
  reporter_wrapped_key: Buffer;
  /** Sealed JSON of the entry: account, identifiers as typed, contact address. */
  content_sealed: Buffer;
  /** 1 when the reporter agrees that counselors may open a report from a match. */
  consent_to_case: number;
  /** The report made from this entry, by the reporter or, with consent, by a counselor. */
  case_id: string | null;
  /** The receipt of a report a counselor opened, sealed under the entry key for the reporter to read. */
  case_receipt_sealed: Buffer | null;
  notified_at: string | null;
  created_at: string;
}

/** One row per match tag: serialises lodgings of the tag; with matched_at set, it is a match. */
export interface EscrowPoolsTable {
  id: string;
  tag: Buffer;
  matched_at: string | null;
  created_at: string;
}

/** One identifier of one entry: its tag, its sealed Shamir share and the entry key under the tag's secret. */
export interface EscrowTagsTable {
  entry_id: string;
  tag: Buffer;
  threshold: number;
  share_sealed: Buffer;
  key_wrapped: Buffer;
  created_at: string;
}

/** A matched entry's key wrapped to a counselor. */
export interface EscrowAccessTable {
  entry_id: string;
  user_id: string;
  wrapped_key: Buffer;
  created_at: string;
}

export interface EscrowSessionsTable {
  id: string;
  entry_id: string;
  secret_hash: Buffer;
  sealed_key: Buffer;
  created_at: string;
  expires_at: string;
}

/** The address for one content-free notice of a match, until the outbox has sent it. */
export interface EscrowNoticesTable {
  id: string;
  entry_id: string;
  /** Sealed under a key derived from the escrow key. */
  address_sealed: Buffer;
  created_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** A channel's clock policy for one report category, or for all its categories ('*'). */
export interface ClockPoliciesTable {
  channel_id: string;
  category: string;
  acknowledge_days: number;
  feedback_months: number;
  /** When set, feedback is due in this many days instead of feedback_months. */
  feedback_days: number | null;
  investigation_days: number;
  idle_days: number;
  day_kind: 'calendar' | 'business';
  updated_at: string;
}

export interface ClockHolidaysTable {
  channel_id: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
}

export interface EscalationLaddersTable {
  channel_id: string;
  /** JSON LadderRung[] (see clocks/escalation.rules.ts). */
  rungs: string;
  updated_at: string;
}

export interface CaseClocksTable {
  case_id: string;
  kind: 'acknowledge' | 'feedback' | 'investigation' | 'idle';
  cycle: number;
  state: 'running' | 'met' | 'breached' | 'paused';
  started_at: string;
  due_at: string;
  met_at: string | null;
  breached_at: string | null;
  paused_at: string | null;
  /** In the clear, so oversight sees why a clock stopped without opening the case. */
  pause_reason: string | null;
  paused_by: string | null;
  paused_ms: number;
  warned_50_at: string | null;
  warned_80_at: string | null;
  /** When the sweep owes this clock a warning or its breach; null when nothing. */
  next_check_at: string | null;
  updated_at: string;
}

export interface CaseEscalationsTable {
  case_id: string;
  rung: number;
  outcome: 'escalated' | 'skipped';
  clock_kind: string;
  clock_cycle: number;
  activated: number;
  without_key: number;
  at: string;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  available_at: string;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  dedupe_key: string | null;
  /** The error's kind and code only: never its message, which could quote data. */
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface MailOutboxTable {
  id: string;
  recipient_kind: 'staff' | 'reporter' | 'escrow' | 'witness';
  user_id: string | null;
  case_id: string | null;
  template: string;
  /** JSON: the case reference and dates only. */
  params: string;
  dedupe_key: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface ReporterNotifyAddressesTable {
  case_id: string;
  address_sealed: Buffer;
  created_at: string;
}

/** HR master data: who works here and for whom. In the clear; nothing here mentions a case. */
export interface DirectoryEmployeesTable {
  id: string;
  name: string;
  /** The name normalised for matching (see routing/name-match.rules.ts). */
  name_key: string;
  email: string | null;
  department: string | null;
  manager_id: string | null;
  /** 0 once the HR system no longer lists the person. */
  active: number;
  updated_at: string;
}

/** A standing conflict: this staff member never receives a case naming this employee as a subject. */
export interface StaffConflictsTable {
  id: string;
  user_id: string;
  employee_id: string;
  declared_by: string;
  created_at: string;
}

/** A machine identity (today the `hr-system` role): only a hash of the token is kept. */
export interface ApiTokensTable {
  id: string;
  name: string;
  role: 'hr-system';
  token_hash: Buffer;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A subject, witness or supporter of a case; everything about them sealed under the case key. */
export interface CasePartiesTable {
  id: string;
  case_id: string;
  details_sealed: Buffer;
  added_by: string | null;
  created_at: string;
}

/** Due process: what the subject was told, their response, outcome and sanctions, appeals (sealed). */
export interface CaseDueProcessTable {
  id: string;
  case_id: string;
  kind: 'notice' | 'response' | 'outcome' | 'appeal';
  body_sealed: Buffer;
  recorded_by: string;
  created_at: string;
}

/** A protected person for one case: found by a keyed hash of the employee id; the case sealed under the server's protection key. */
export interface ProtectedPersonsTable {
  id: string;
  tag: Buffer;
  window_ends_at: string;
  reference_sealed: Buffer;
  created_at: string;
}

export type HrEventType = 'termination' | 'demotion' | 'pay_cut' | 'transfer' | 'negative_review' | 'disciplinary_action' | 'non_renewal';

/** An adverse HR event as the HR system reported it; `flagged` until oversight clears or upholds it. */
export interface HrEventsTable {
  id: string;
  /** The HR system's own id for the event, so a second delivery is recognised. */
  source_ref: string | null;
  employee_id: string;
  type: HrEventType;
  effective_at: string | null;
  token_id: string | null;
  status: 'recorded' | 'flagged' | 'cleared' | 'upheld';
  review_case_id: string | null;
  decided_at: string | null;
  decided_by: string | null;
  received_at: string;
}

/** How long a channel's closed cases are kept, and whether its reporters may withdraw a report. */
export interface RetentionPoliciesTable {
  channel_id: string;
  retain_months: number;
  /** null: the installation's CANDOR_REPORTER_WITHDRAWAL; 1 or 0 overrides it for this channel. */
  allow_withdrawal: number | null;
  updated_at: string;
  updated_by: string | null;
}

/** A legal hold on a case: while one is not lifted, the case is never shredded. */
export interface LegalHoldsTable {
  id: string;
  case_id: string;
  /** In the clear for oversight and admins (e.g. a court or police reference): never case content. */
  reason: string;
  set_by: string;
  set_at: string;
  lifted_by: string | null;
  lifted_at: string | null;
  lift_reason: string | null;
}

/** A request to export a referral bundle, its second approval and its download. */
export interface CaseExportsTable {
  id: string;
  case_id: string;
  requested_by: string;
  requested_at: string;
  /** Who the bundle is for and why, e.g. "Police referral, ref 2026/123". */
  purpose: string;
  state: 'pending' | 'approved' | 'refused' | 'downloaded';
  decided_by: string | null;
  decided_at: string | null;
  downloaded_at: string | null;
  /** SHA-256 of the signed manifest of the bundle handed out. */
  manifest_sha256: string | null;
  expires_at: string;
}

/** What is left of a shredded case: its random reference, its channel, why and when (no content, no dates of the case). */
export interface CaseDisposalsTable {
  case_id: string;
  ref: string;
  channel_id: string;
  reason: 'retention' | 'withdrawal';
  disposed_at: string;
}

/**
 * Non-identifying statistics of one case (see docs/analytics.md). No foreign key to `cases`: the
 * row outlives the case's content and keys when they are crypto-shredded.
 */
export interface CaseStatsTable {
  case_id: string;
  channel_id: string;
  category: string;
  anonymity: string;
  /** The department of the first subject found in the directory; null while unknown. */
  department: string | null;
  received_at: string;
  /** YYYY-MM (UTC) of received_at. */
  received_month: string;
  acknowledged_at: string | null;
  /** Whole hours from receipt to acknowledgement. */
  ack_hours: number | null;
  closed_at: string | null;
  /** Whole days from receipt to the (latest) closing. */
  close_days: number | null;
  closing: string | null;
  /** The most serious finding on any allegation when the case closed. */
  outcome: string | null;
  /** Coarse action taken after findings, when recorded (reserved for due process). */
  action: string | null;
  ack_breached: number;
  feedback_breached: number;
  investigation_breached: number;
  /** The highest rung of the escalation ladder reached (0: never escalated). */
  escalation_rung: number;
  appealed: number;
  /** First time the reporter came back with the receipt; null if never. */
  returned_at: string | null;
  /** First time the reporter answered (sent a message) after the report. */
  replied_at: string | null;
  retaliation_reviews: number;
  retaliation_upheld: number;
  retaliation_cleared: number;
  hr_events_flagged: number;
  updated_at: string;
}

/**
 * Exact sums of case_stats per received month, one dimension at a time ('all', 'channel',
 * 'category' or 'department'; dim_value '' for 'all' and for an unknown department), and anonymity.
 */
export interface CaseStatsMonthlyTable {
  month: string;
  dimension: string;
  dim_value: string;
  anonymity: string;
  received: number;
  acknowledged: number;
  closed: number;
  ack_breached: number;
  feedback_breached: number;
  investigation_breached: number;
  rung_1: number;
  rung_2: number;
  rung_3: number;
  rung_4_plus: number;
  closing_findings_issued: number;
  closing_out_of_scope: number;
  closing_referred_elsewhere: number;
  closing_appeal_dismissed: number;
  outcome_substantiated: number;
  outcome_partly_substantiated: number;
  outcome_not_substantiated: number;
  outcome_inconclusive: number;
  appealed: number;
  returned: number;
  replied: number;
  retaliation_reviews: number;
  retaliation_upheld: number;
  retaliation_cleared: number;
  hr_events_flagged: number;
}

/** Cases received per month for each pair of values of two dimensions (channel:category, channel:department, category:department). */
export interface CaseStatsPairsTable {
  month: string;
  pair: string;
  value_a: string;
  value_b: string;
  received: number;
}

/** Exact histograms of durations per received month, for all cases or one dimension value at a time. */
export interface CaseStatsDurationsTable {
  month: string;
  /** 'all', 'channel', 'category' or 'department'. */
  dimension: string;
  /** The dimension's value ('' for 'all'). */
  dim_value: string;
  /** 'ack_hours' or 'close_days'. */
  measure: string;
  bucket: number;
  n: number;
}

export interface Database {
  directory_employees: DirectoryEmployeesTable;
  staff_conflicts: StaffConflictsTable;
  api_tokens: ApiTokensTable;
  case_parties: CasePartiesTable;
  case_due_process: CaseDueProcessTable;
  protected_persons: ProtectedPersonsTable;
  hr_events: HrEventsTable;
  retention_policies: RetentionPoliciesTable;
  legal_holds: LegalHoldsTable;
  case_exports: CaseExportsTable;
  case_disposals: CaseDisposalsTable;
  users: UsersTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  cases: CasesTable;
  case_access: CaseAccessTable;
  case_messages: CaseMessagesTable;
  case_attachments: CaseAttachmentsTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  escrow_entries: EscrowEntriesTable;
  escrow_pools: EscrowPoolsTable;
  escrow_tags: EscrowTagsTable;
  escrow_access: EscrowAccessTable;
  escrow_sessions: EscrowSessionsTable;
  escrow_notices: EscrowNoticesTable;
  questionnaires: QuestionnairesTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  staff_invitations: StaffInvitationsTable;
  case_transitions: CaseTransitionsTable;
  case_allegations: CaseAllegationsTable;
  case_notes: CaseNotesTable;
  portal_submissions: PortalSubmissionsTable;
  case_tasks: CaseTasksTable;
  clock_policies: ClockPoliciesTable;
  clock_holidays: ClockHolidaysTable;
  escalation_ladders: EscalationLaddersTable;
  case_clocks: CaseClocksTable;
  case_escalations: CaseEscalationsTable;
  jobs: JobsTable;
  mail_outbox: MailOutboxTable;
  reporter_notify_addresses: ReporterNotifyAddressesTable;
  case_stats: CaseStatsTable;
  case_stats_monthly: CaseStatsMonthlyTable;
  case_stats_pairs: CaseStatsPairsTable;
  case_stats_durations: CaseStatsDurationsTable;
}

export type { Generated };
