/**
 * Withdrawal from the portal's follow-up page, as a browser without JavaScript would: the section
 * shows only where withdrawal is allowed, needs its confirmation box, and in the reporter's
 * language ends with the report shredded and the receipt no longer working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { csrfIn, postForm } from '../support/forms.js';

describe.each(DIALECTS)('withdrawal in the portal (%s)', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(dialect);
    await app.createStaff('handler', { channel: 'general' });
  });
  afterAll(async () => app?.close());

  it('offers it only where allowed, asks for confirmation, and shreds the report (German)', async () => {
    const submitted = await app.submitReport({ narrative: 'ZQXPORTALWITHDRAW' });
    const reporter = app.client();
    await reporter.post('/api/v1/reporter/session', { receipt: submitted.receipt });
    const without = await reporter.get('/my-report?lang=de');
    expect(without.body).not.toContain('/my-report/withdraw');

    const admin = await app.signIn(await app.createStaff('admin'));
    expect((await admin.request('PUT', '/api/v1/retention/general', { retainMonths: 36, allowWithdrawal: true })).status).toBe(200);
    const page = await reporter.get('/my-report?lang=de');
    expect(page.body).toContain('Meldung zurückziehen');
    const csrf = csrfIn(page.body.slice(page.body.indexOf('/my-report/withdraw')));
    const unconfirmed = await postForm(reporter, '/my-report/withdraw?lang=de', { csrf, lang: 'de' });
    expect(unconfirmed.body).toContain('Bitte bestätigen Sie mit dem Häkchen.');
    expect(await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', submitted.caseRef).execute()).toHaveLength(1);

    const done = await postForm(reporter, '/my-report/withdraw?lang=de', { csrf, lang: 'de', confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Ihre Meldung wurde zurückgezogen und gelöscht.');
    expect(await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', submitted.caseRef).execute()).toEqual([]);
    expect((await app.client().post('/api/v1/reporter/session', { receipt: submitted.receipt })).status).toBe(401);
  });
});
