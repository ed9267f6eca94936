/** The work recorded on a case, opened for someone who holds its key: steps, allegations, notes, tasks, trail. */
import type { CaseKey } from '../kernel/crypto.js';
import type { Queryable } from '../kernel/database.js';
import { openCaseText } from './case.content.js';
import { closingsFrom, isCaseStatus, nextSteps } from './case.rules.js';
import { listAllegations, listCaseAuditTrail, listNotes, listTasks, listTransitions } from './lifecycle.repository.js';

export async function caseWorkView(db: Queryable, caseId: string, caseKey: CaseKey, status: string) {
  const [transitions, allegations, notes, tasks, trail, readers] = await Promise.all([
    listTransitions(db, caseId),
    listAllegations(db, caseId),
    listNotes(db, caseId),
    listTasks(db, caseId),
    listCaseAuditTrail(db, caseId),
    db
      .selectFrom('case_access')
      .innerJoin('users', 'users.id', 'case_access.user_id')
      .select(['users.id', 'users.name'])
      .where('case_access.case_id', '=', caseId)
      .where('case_access.active', '=', 1)
      .orderBy('users.name')
      .execute(),
  ]);
  const names = new Map(readers.map((reader) => [reader.id, reader.name]));
  for (const entry of trail) if (entry.actor_id && entry.actor_name) names.set(entry.actor_id, entry.actor_name);
  const current = isCaseStatus(status) ? status : null;
  return {
    nextSteps: current ? [...nextSteps(current)] : [],
    closings: current ? [...closingsFrom(current), ...(current === 'assessment' || current === 'findings' || current === 'review' ? [] : [])] : [],
    readers,
    transitions: transitions.map((step) => ({
      from: step.from_status,
      to: step.to_status,
      closing: step.closing,
      reason: openCaseText(caseKey, caseId, 'transition', step.reason_sealed),
      by: step.actor_type === 'reporter' ? 'reporter' : (names.get(step.actor_id ?? '') ?? 'staff'),
      at: step.at,
    })),
    allegations: allegations.map((allegation) => ({
      id: allegation.id,
      position: allegation.position,
      summary: openCaseText(caseKey, caseId, 'allegation', allegation.summary_sealed),
      finding: allegation.finding,
      standard: allegation.standard,
      reasoning: allegation.reasoning_sealed ? openCaseText(caseKey, caseId, 'finding', allegation.reasoning_sealed) : null,
      decidedAt: allegation.decided_at,
    })),
    notes: notes.map((note) => ({ id: note.id, authorId: note.author_id, authorName: names.get(note.author_id) ?? null, body: openCaseText(caseKey, caseId, 'note', note.body_sealed), at: note.created_at })),
    tasks: tasks.map((task) => ({ id: task.id, title: openCaseText(caseKey, caseId, 'task', task.title_sealed), ownerId: task.owner_id, dueAt: task.due_at, doneAt: task.done_at })),
    timeline: trail.map((entry) => ({
      at: entry.at,
      action: entry.action,
      actor: entry.actor_type === 'reporter' ? 'reporter' : entry.actor_type === 'system' ? 'system' : (entry.actor_name ?? 'staff'),
      details: JSON.parse(entry.details) as Record<string, unknown>,
    })),
  };
}
