/**
 * Referral bundle exports. Exporting is its own step, not a read: a person who holds an active key
 * for the case (handler or oversight grant) asks for a bundle, naming who it is for; when
 * CANDOR_EXPORT_APPROVAL is `required` (the default) someone else approves it first: oversight, or
 * another holder of the case's key; never the person who asked. Only the requester downloads it,
 * until it expires. Each step is audited; the download's entry carries the manifest's SHA-256.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { auditHead, recordAudit } from '../audit/audit.service.js';
import { openSealedFile } from '../attachments/attachment.store.js';
import { listAttachments } from '../attachments/attachment.repository.js';
import { getCaseForStaff } from '../cases/case.service.js';
import { findReadableCase, listMessages } from '../cases/case.repository.js';
import { openMessage, openReportText } from '../cases/case.content.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { evidenceSha256, openAttachmentName, unwrapCaseKeyForUser, unwrapFileKey } from '../kernel/crypto.js';
import { CaseNotFound, Conflict, DomainError, Forbidden, NotFound } from '../kernel/errors.js';
import { addCalendarDays } from '../clocks/clock.rules.js';
import { BUNDLE_FORMAT, BUNDLE_README, fileFromText, signManifest, zipBundle, type BundleFile, type BundleManifest } from './bundle.builder.js';
import { renderTimelinePdf, type TimelineEvent } from './bundle.pdf.js';
import { decideExport, findExport, holdsActiveGrant, insertExport, listExportsForCase, markExportDownloaded } from './records.repository.js';
import { platformSigningKey } from './signing-key.js';

export class ExportNotFound extends NotFound {
  constructor() {
    super('export_not_found', 'No such export.');
  }
}

export class ExportNotApproved extends DomainError {
  constructor() {
    super('export_not_approved', 'This export has not been approved by a second person yet.', 409);
  }
}

/** What staff see of an export request (the records panel lists them without the case id). */
export function exportView(row: Awaited<ReturnType<typeof findExport>> & object) {
  return {
    id: row.id,
    caseId: row.case_id,
    purpose: row.purpose,
    state: row.state,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    downloadedAt: row.downloaded_at,
    expiresAt: row.expires_at,
    manifestSha256: row.manifest_sha256,
  };
}

/** A holder of the case's key asks for a referral bundle. */
export async function requestExport(ctx: AppContext, principal: StaffPrincipal, caseId: string, purpose: string) {
  const at = ctx.clock.now();
  const id = randomUUID();
  const approval = ctx.config.records.exportApproval;
  return inTransaction(ctx, async (tx) => {
    if (!(await findReadableCase(tx, caseId, principal.userId))) throw new CaseNotFound();
    const row = {
      id,
      case_id: caseId,
      requested_by: principal.userId,
      requested_at: at.toISOString(),
      purpose,
      state: approval === 'required' ? ('pending' as const) : ('approved' as const),
      decided_by: null,
      decided_at: approval === 'required' ? null : at.toISOString(),
      downloaded_at: null,
      manifest_sha256: null,
      expires_at: addCalendarDays(at, ctx.config.records.exportValidDays).toISOString(),
    };
    await insertExport(tx, row);
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.export.request', caseId, targetId: id, details: { approval } });
    return exportView(row);
  });
}

export async function listExports(ctx: AppContext, principal: StaffPrincipal, caseId: string) {
  if (principal.role !== 'oversight' && !(await holdsActiveGrant(ctx.db, caseId, principal.userId))) throw new CaseNotFound();
  return { items: (await listExportsForCase(ctx.db, caseId)).map(exportView) };
}

/** A second person approves or refuses: oversight, or another holder of the case's key; never the requester. */
export async function decideExportRequest(ctx: AppContext, principal: StaffPrincipal, exportId: string, decision: 'approved' | 'refused') {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const row = await findExport(tx, exportId);
    if (!row) throw new ExportNotFound();
    const mayDecide = principal.role === 'oversight' || (await holdsActiveGrant(tx, row.case_id, principal.userId));
    if (!mayDecide) throw new ExportNotFound();
    if (row.requested_by === principal.userId) throw new Forbidden('own_export', 'Someone other than the person who asked must approve an export.');
    if (!(await decideExport(tx, exportId, decision, principal.userId, at.toISOString()))) throw new Conflict('export_decided', 'This export was already decided.');
    await recordAudit(tx, ctx.dialect, at, {
      actor: { type: 'staff', id: principal.userId },
      action: decision === 'approved' ? 'case.export.approve' : 'case.export.refuse',
      caseId: row.case_id,
      targetId: exportId,
    });
    return exportView({ ...row, state: decision, decided_by: principal.userId, decided_at: at.toISOString() });
  });
}

/** Builds the bundle for its requester (approved, not expired) and audits the download with the manifest's hash. */
export async function downloadExport(ctx: AppContext, principal: StaffPrincipal, exportId: string): Promise<{ filename: string; stream: Readable; manifestSha256: string }> {
  const row = await findExport(ctx.db, exportId);
  if (!row || row.requested_by !== principal.userId) throw new ExportNotFound();
  const now = ctx.clock.now();
  if (row.state === 'pending' || row.state === 'refused') throw new ExportNotApproved();
  if (row.expires_at <= now.toISOString()) throw new Conflict('export_expired', 'This export has expired; ask for a new one.');
  const caseId = row.case_id;
  const signing = await platformSigningKey(ctx);
  // Opening the case is itself audited (case.read), like any read of its content.
  const opened = await getCaseForStaff(ctx, principal, caseId);
  const readable = await findReadableCase(ctx.db, caseId, principal.userId);
  if (!readable) throw new CaseNotFound();
  const caseKey = unwrapCaseKeyForUser(readable.wrapped_key, principal.privateKey, caseId);
  const files: BundleFile[] = [fileFromText('README.txt', BUNDLE_README)];
  files.push(fileFromText('report.json', openReportText(caseKey, caseId, readable.report_sealed)));
  files.push(fileFromText('answers.json', JSON.stringify(opened.answers, null, 2) + '\n'));
  if (opened.reporter) files.push(fileFromText('reporter.json', JSON.stringify(opened.reporter, null, 2) + '\n'));
  const messages = await listMessages(ctx.db, caseId);
  const messageIndex = messages.map((message, index) => {
    const body = openMessage(caseKey, caseId, message.body_sealed);
    const path = `messages/${String(index + 1).padStart(4, '0')}.txt`;
    files.push(fileFromText(path, body));
    return { id: message.id, from: message.author, at: message.created_at, sha256: evidenceSha256(body), file: path };
  });
  files.push(fileFromText('messages.json', JSON.stringify(messageIndex, null, 2) + '\n'));
  const attachments = await listAttachments(ctx.db, caseId);
  const attachmentIndex = attachments.map((attachment, index) => {
    const name = openAttachmentName(caseKey, caseId, attachment.id, attachment.filename_sealed).replace(/[/\\\0]/g, '_').slice(0, 120) || 'file';
    const path = `attachments/${String(index + 1).padStart(3, '0')}-${name}`;
    const fileKey = unwrapFileKey(attachment.wrapped_file_key, caseKey, caseId, attachment.id);
    files.push({
      path,
      bytes: Number(attachment.size_bytes),
      sha256: attachment.sha256_stored,
      content: () => openSealedFile(ctx.config.attachments.dir, attachment.storage_name, fileKey, attachment.id),
    });
    return {
      id: attachment.id,
      file: path,
      at: attachment.created_at,
      uploadedBy: attachment.uploaded_by,
      sha256Received: attachment.sha256_received,
      sha256Stored: attachment.sha256_stored,
      originalKept: attachment.original_kept === 1,
      metadataRemoved: JSON.parse(attachment.metadata_removed) as string[],
    };
  });
  files.push(fileFromText('attachments.json', JSON.stringify(attachmentIndex, null, 2) + '\n'));
  const trail = await ctx.db.selectFrom('audit_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  const head = await auditHead(ctx.db);
  files.push(
    fileFromText(
      'audit.jsonl',
      trail.map((entry) => JSON.stringify({ seq: Number(entry.seq), at: entry.at, actorType: entry.actor_type, actorId: entry.actor_id, action: entry.action, caseId: entry.case_id, targetId: entry.target_id, details: entry.details, prevHash: entry.prev_hash, hash: entry.hash })).join('\n') +
        `\n${JSON.stringify({ auditHead: head })}\n`,
    ),
  );
  const events: TimelineEvent[] = [
    { at: opened.receivedAt, title: 'Report received', detail: `SHA-256 of report.json: ${files[1]!.sha256}` },
    ...opened.transitions.map((step) => ({ at: step.at, title: `Status ${step.from} -> ${step.to}${step.closing ? ` (${step.closing})` : ''} by ${step.by}`, detail: step.reason })),
    ...messageIndex.map((message) => ({ at: message.at, title: `Message from the ${message.from}`, detail: `${message.file}, SHA-256 ${message.sha256}` })),
    ...attachmentIndex.map((attachment) => ({ at: attachment.at, title: `Evidence from the ${attachment.uploadedBy}`, detail: `${attachment.file}, SHA-256 as received ${attachment.sha256Received}${attachment.originalKept ? '' : `, as stored ${attachment.sha256Stored} (${attachment.metadataRemoved.join(', ')} removed)`}` })),
    ...opened.allegations.filter((allegation) => allegation.decidedAt).map((allegation) => ({ at: allegation.decidedAt!, title: `Finding on allegation ${allegation.position}: ${allegation.finding} (${allegation.standard})`, detail: allegation.summary })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const generatedAt = now.toISOString();
  files.push(
    fileFromText(
      'timeline.pdf',
      await renderTimelinePdf({ ref: opened.ref, category: opened.category, channel: opened.channel, receivedAt: opened.receivedAt, status: opened.status, generatedAt, purpose: row.purpose }, events),
    ),
  );
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    generatedAt,
    export: { id: row.id, purpose: row.purpose, requestedBy: row.requested_by, approvedBy: row.decided_by },
    case: { id: caseId, ref: opened.ref, channel: opened.channel, category: opened.category, anonymity: opened.anonymity, status: opened.status, receivedAt: opened.receivedAt, closedAt: opened.closedAt },
    auditHead: head,
    files: files.map((file) => ({ path: file.path, bytes: file.bytes, sha256: file.sha256 })),
    signing: { algorithm: 'Ed25519', publicKey: signing.publicKey.toString('base64'), fingerprint: signing.fingerprint },
  };
  const signed = signManifest(manifest, signing);
  const manifestSha256 = evidenceSha256(signed.text);
  await inTransaction(ctx, async (tx) => {
    await markExportDownloaded(tx, row.id, generatedAt, manifestSha256);
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'staff', id: principal.userId },
      action: 'case.export.download',
      caseId,
      targetId: row.id,
      details: { manifestSha256, files: files.length, attachments: attachmentIndex.length, messages: messageIndex.length },
    });
  });
  ctx.logger.info({ op: 'case.export.download', caseId, exportId: row.id }, 'referral bundle exported');
  return { filename: `candor-${opened.ref}-${generatedAt.slice(0, 10)}.zip`, stream: zipBundle(files, signed, now), manifestSha256 };
}
