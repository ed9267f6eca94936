import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/channels/channel.service.js';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

const DAY = 86_400_000;

async function caseIdFor(app: TestApp, caseRef: string): Promise<string> {
  const row = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', caseRef).executeTakeFirstOrThrow();
  return row.id;
}

describe.each(DIALECTS)('who may read a case (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let oversight: TestStaff;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    // Before anyone can read reports, intake refuses them, and writes nothing.
    const refused = await app.client().post('/api/v1/reports', { category: 'bullying', narrative: 'nobody is here', anonymity: 'anonymous' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('no_recipients');
    expect(await app.ctx.db.selectFrom('cases').select('id').execute()).toHaveLength(0);

    handler = await app.createStaff('handler', { channel: 'general' });
    oversight = await app.createStaff('oversight');
    await createChannel(app.ctx, { type: 'system' }, { slug: 'board', name: 'Board matters' });
  });
  afterAll(() => app?.close());

  it('refuses intake with no_recipients while a channel has nobody at all to read it', async () => {
    // A handler of another channel does not make a report on `general` readable... but oversight does,
    // so check the refusal on a fresh database with only an admin and a handler elsewhere.
    const lonely = await startTestApp(dialect);
    try {
      await lonely.createStaff('admin');
      await createChannel(lonely.ctx, { type: 'system' }, { slug: 'other', name: 'Other' });
      await lonely.createStaff('handler', { channel: 'other' });
      const refused = await lonely.client().post('/api/v1/reports', { category: 'fraud', narrative: 'x', anonymity: 'anonymous' });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('no_recipients');
      expect(await lonely.ctx.db.selectFrom('cases').select('id').execute()).toHaveLength(0);
      expect(await lonely.ctx.db.selectFrom('audit_events').select('seq').where('action', '=', 'report.submit').execute()).toHaveLength(0);
    } finally {
      await lonely.close();
    }
  });

  it('shows an admin with no case role no case at all', async () => {
    const report = await app.submitReport();
    const admin = await app.signIn(await app.createStaff('admin'));
    const list = await admin.get('/api/v1/cases');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], nextCursor: null, counts: null });
    expect((await admin.get('/api/v1/cases?counts=true')).body.counts).toEqual({ total: 0, overdue: 0, byStatus: {} });
    const id = await caseIdFor(app, report.caseRef);
    const detail = await admin.get(`/api/v1/cases/${id}`);
    expect(detail.status).toBe(404);
    expect(detail.body.error.code).toBe('case_not_found');
    expect((await admin.post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(404);
    expect((await admin.post(`/api/v1/cases/${id}/messages`, { body: 'hello' })).status).toBe(404);
  });

  it('gives oversight a standby key while a handler reads the case, and the whole case when no handler exists', async () => {
    const general = await app.submitReport();
    const board = await app.submitReport({ channel: 'board' });
    const generalId = await caseIdFor(app, general.caseRef);
    const boardId = await caseIdFor(app, board.caseRef);

    const grants = await app.ctx.db.selectFrom('case_access').selectAll().where('case_id', 'in', [generalId, boardId]).execute();
    const grant = (caseId: string, userId: string) => grants.find((row) => row.case_id === caseId && row.user_id === userId);
    expect(grant(generalId, handler.id)).toMatchObject({ grant_kind: 'handler', active: 1 });
    expect(grant(generalId, oversight.id)).toMatchObject({ grant_kind: 'oversight', active: 0 });
    expect(grant(boardId, oversight.id)).toMatchObject({ grant_kind: 'oversight', active: 1 });
    expect(grant(boardId, handler.id)).toBeUndefined();

    const overseer = await app.signIn(oversight);
    expect((await overseer.get(`/api/v1/cases/${generalId}`)).status).toBe(404);
    expect((await overseer.get(`/api/v1/cases/${boardId}`)).status).toBe(200);
    const refs = (await overseer.get('/api/v1/cases?limit=200')).body.items.map((item: { ref: string }) => item.ref);
    expect(refs).toContain(board.caseRef);
    expect(refs).not.toContain(general.caseRef);

    const handlerClient = await app.signIn(handler);
    expect((await handlerClient.get(`/api/v1/cases/${boardId}`)).status).toBe(404);
  });

  it('lists the most urgent deadline first, flags overdue cases, and pages without gaps or repeats', async () => {
    const fresh = await startTestApp(dialect);
    try {
      const reader = await fresh.createStaff('handler', { channel: 'general' });
      const refs: string[] = [];
      for (let index = 0; index < 7; index += 1) {
        refs.push((await fresh.submitReport({ narrative: `case ${index}` })).caseRef);
        fresh.clock.advance(DAY);
      }
      const client = await fresh.signIn(reader);
      // Acknowledging the oldest moves it to its feedback deadline, months away: it drops to the end.
      const oldestId = await caseIdFor(fresh, refs[0]!);
      expect((await client.post(`/api/v1/cases/${oldestId}/acknowledge`)).status).toBe(200);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { ref: string; overdue: boolean }[]; nextCursor: string | null } } = await client.get(
          `/api/v1/cases?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items.map((item) => item.ref));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...refs.slice(1), refs[0]]);

      // Two days and an hour on, the cases received on days 1 and 2 have missed their 7-day acknowledgement.
      fresh.clock.advance(2 * DAY + 3_600_000);
      const later = await fresh.signIn(reader);
      const items = (await later.get('/api/v1/cases')).body.items as { ref: string; overdue: boolean }[];
      expect(items.filter((item) => item.overdue).map((item) => item.ref)).toEqual([refs[1], refs[2]]);
      expect((await later.get('/api/v1/cases?cursor=garbage')).body.error.code).toBe('invalid_request');
    } finally {
      await fresh.close();
    }
  });

  it('keeps cases readable after a password change, and refuses the old password', async () => {
    const person = await app.createStaff('handler', { channel: 'general' });
    const report = await app.submitReport({ narrative: 'readable after password change' });
    const client = await app.signIn(person);
    const changed = await client.post('/api/v1/auth/password', { currentPassword: person.password, newPassword: 'an entirely new passphrase' });
    expect(changed.status).toBe(204);
    const again = app.client();
    expect((await again.post('/api/v1/auth/login', { email: person.email, password: person.password })).body.error.code).toBe('bad_credentials');
    expect((await again.post('/api/v1/auth/login', { email: person.email, password: 'an entirely new passphrase' })).status).toBe(200);
    const detail = await again.get(`/api/v1/cases/${await caseIdFor(app, report.caseRef)}`);
    expect(detail.body.narrative).toBe('readable after password change');
  });

  it('serves a session from any node: the session lives in the database, not in memory', async () => {
    const second = await startTestApp(dialect, { database: app.database });
    try {
      const report = await app.submitReport({ narrative: 'read through the second node' });
      const client = await app.signIn(handler);
      const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const id = await caseIdFor(app, report.caseRef);
      const response = await fetch(`${second.baseUrl}/api/v1/cases/${id}`, { headers: { cookie } });
      expect(response.status).toBe(200);
      expect((await response.json()).narrative).toBe('read through the second node');

      // After sign-out the same cookie opens nothing on either node.
      expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
      expect((await fetch(`${second.baseUrl}/api/v1/cases/${id}`, { headers: { cookie } })).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('refuses a tampered session cookie and an expired one', async () => {
    const client = await app.signIn(handler);
    const [name, value] = [...client.cookies][0]!;
    const forged = app.client();
    forged.cookies.set(name, value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA'));
    expect((await forged.get('/api/v1/cases')).status).toBe(401);
    app.clock.advance(9 * 60 * 60_000);
    const expired = await client.get('/api/v1/cases');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('session_expired');
  });
});
