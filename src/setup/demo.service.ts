/**
 * `candor demo`: a demo organisation for people evaluating Candor. Staff accounts are made with the
 * identity service and reports with the intake service; everything staff and reporters do to the
 * cases goes through the HTTP API in-process (Fastify's inject), exactly as the console and the
 * portal would do it. A step the API does not offer (yet) is skipped and reported, not faked.
 *
 * Cases are spread over the last few months: the demo runs on its own clock, which starts in the
 * past and moves forward to the present, so deadlines, overdue cases and the audit log look real.
 */
import { createChannel } from '../channels/channel.service.js';
import { findChannelBySlug, updateChannel } from '../channels/channel.repository.js';
import { createStaffUser } from '../identity/identity.service.js';
import { countUsers } from '../identity/user.repository.js';
import { ManualClock } from '../kernel/clock.js';
import type { AppContext } from '../kernel/context.js';
import { Conflict } from '../kernel/errors.js';
import type { StaffRole } from '../kernel/db-schema.js';
import { buildServer } from '../server.js';
import { submitReport } from '../intake/intake.service.js';
import type { SubmitReport } from '../intake/intake.schema.js';

const DAY = 86_400_000;
export const DEMO_PASSWORD = 'candor demo password';
const ORGANISATION = 'Northwind Logistics (demo)';

interface DemoUser {
  key: string;
  email: string;
  name: string;
  role: StaffRole;
  channel?: string;
}

const USERS: readonly DemoUser[] = [
  { key: 'admin', email: 'admin@northwind.example', name: 'Alex Morgan', role: 'admin' },
  { key: 'hana', email: 'hana.ito@northwind.example', name: 'Hana Ito', role: 'handler', channel: 'general' },
  { key: 'omar', email: 'omar.haddad@northwind.example', name: 'Omar Haddad', role: 'handler', channel: 'finance' },
  { key: 'ruth', email: 'ruth.okafor@northwind.example', name: 'Ruth Okafor (audit committee)', role: 'oversight' },
  { key: 'lee', email: 'lee.chen@northwind.example', name: 'Lee Chen', role: 'analyst' },
  { key: 'sam', email: 'sam.rivera@northwind.example', name: 'Sam Rivera', role: 'counselor' },
];

/** What a demo case goes through after intake; each step is one API call (or is skipped if the API lacks it). */
type Step =
  | { do: 'acknowledge' }
  | { do: 'message'; body: string }
  | { do: 'reporter-message'; body: string }
  | { do: 'transition'; to: string; closing?: string; reason: string }
  | { do: 'allegation'; summary: string }
  | { do: 'finding'; finding: string; reasoning: string }
  | { do: 'feedback'; body: string }
  | { do: 'note'; body: string }
  | { do: 'appeal'; reason: string };

interface DemoCase {
  /** Days before now that the report arrived. */
  ageDays: number;
  handler: 'hana' | 'omar';
  report: SubmitReport;
  /** Steps, each a number of days after the previous one. */
  steps: readonly (Step & { after: number })[];
}

const acknowledge = (after: number) => ({ do: 'acknowledge' as const, after });

const CASES: readonly DemoCase[] = [
  {
    ageDays: 1,
    handler: 'hana',
    report: { category: 'sexual-harassment', anonymity: 'anonymous', narrative: 'At the team offsite my manager kept commenting on my body in front of others and messaged me late at night asking to meet alone. I said no twice.', occurredAt: 'Last month, at the offsite', safeNow: 'yes' },
    steps: [],
  },
  {
    ageDays: 10,
    handler: 'hana',
    report: { category: 'bullying', anonymity: 'confidential', identity: { name: 'J. Doe', email: 'jdoe@example.org' }, narrative: 'A shift lead shouts at new warehouse staff and assigns the heaviest work as punishment to people who complain.', safeNow: 'unsure' },
    steps: [],
  },
  {
    ageDays: 20,
    handler: 'hana',
    report: { category: 'discrimination', anonymity: 'anonymous', narrative: 'Two colleagues over 55 were left out of the new scheduling training and were then told they could not use the new system.' },
    steps: [acknowledge(2), { do: 'message', after: 0, body: 'Thank you for telling us. We have received your report and will look at it carefully. Could you tell us roughly when the training took place?' }, { do: 'reporter-message', after: 3, body: 'It was the second week of last month.' }],
  },
  {
    ageDays: 35,
    handler: 'omar',
    report: { channel: 'finance', category: 'fraud', anonymity: 'anonymous', narrative: 'Invoices from one transport subcontractor are being approved twice, once in each depot, and the second payment never comes back.' },
    steps: [acknowledge(3), { do: 'transition', after: 2, to: 'assessment', reason: 'Within scope: possible duplicate payments. Requesting the approval logs.' }, { do: 'note', after: 1, body: 'Asked finance operations for the approval logs of both depots.' }],
  },
  {
    ageDays: 60,
    handler: 'hana',
    report: { category: 'sexual-assault', anonymity: 'confidential', identity: { name: 'M. Rossi' }, narrative: 'During a client dinner on a business trip, my manager and a client representative assaulted me in the taxi back to the hotel.', subjects: [{ name: 'R. Keller', relationship: 'my manager' }, { name: 'D. Brandt', organisation: 'Client', relationship: 'client representative' }], safeNow: 'no' },
    steps: [
      acknowledge(1),
      { do: 'message', after: 0, body: 'We are very sorry this happened. You can take your time; nothing you tell us goes to the people you named.' },
      { do: 'transition', after: 2, to: 'assessment', reason: 'Serious allegation; in scope. The manager is excluded from the case.' },
      { do: 'transition', after: 3, to: 'investigation', reason: 'Independent investigation opened; an external investigator is appointed.' },
      { do: 'allegation', after: 0, summary: 'Sexual assault by the manager during the taxi ride after the client dinner.' },
      { do: 'allegation', after: 0, summary: 'Sexual assault by the client representative during the same ride.' },
      { do: 'feedback', after: 10, body: 'The investigation is under way. We have spoken to two witnesses and asked the taxi company for records. We will update you within four weeks.' },
    ],
  },
  {
    ageDays: 80,
    handler: 'hana',
    report: { category: 'harassment', anonymity: 'named', identity: { name: 'Priya Nair', email: 'priya.nair@example.org' }, narrative: 'A colleague has repeatedly posted mocking comments about my accent in the team chat.', supporters: [{ name: 'Tom Becker', contact: 'tom.becker@example.org' }] },
    steps: [
      acknowledge(2),
      { do: 'transition', after: 2, to: 'assessment', reason: 'In scope.' },
      { do: 'transition', after: 2, to: 'investigation', reason: 'Chat history requested from IT.' },
      { do: 'allegation', after: 0, summary: 'Repeated mocking comments about accent in team chat.' },
      { do: 'finding', after: 14, finding: 'substantiated', reasoning: 'The chat history shows eleven such comments over three months.' },
      { do: 'transition', after: 1, to: 'findings', reason: 'Investigation complete.' },
    ],
  },
  {
    ageDays: 110,
    handler: 'hana',
    report: { category: 'retaliation', anonymity: 'anonymous', narrative: 'After I supported a colleague who reported harassment, my shifts were cut without explanation.' },
    steps: [
      acknowledge(3),
      { do: 'transition', after: 2, to: 'assessment', reason: 'Possible retaliation against a supporter: in scope.' },
      { do: 'transition', after: 2, to: 'investigation', reason: 'Rota records requested.' },
      { do: 'allegation', after: 0, summary: 'Shifts cut after supporting a colleague who reported harassment.' },
      { do: 'finding', after: 20, finding: 'partly-substantiated', reasoning: 'The cuts followed the report, but part of them applied to the whole team.' },
      { do: 'transition', after: 1, to: 'findings', reason: 'Investigation complete.' },
      { do: 'feedback', after: 2, body: 'We found that part of the shift cuts was linked to your support for a colleague. Your hours have been restored and the manager has been instructed.' },
      { do: 'transition', after: 1, to: 'closed', closing: 'findings-issued', reason: 'Findings issued; remedies in place.' },
    ],
  },
  {
    ageDays: 70,
    handler: 'omar',
    report: { channel: 'finance', category: 'other', anonymity: 'anonymous', narrative: 'The canteen prices went up and nobody asked us.' },
    steps: [
      acknowledge(1),
      { do: 'transition', after: 1, to: 'assessment', reason: 'Assessing scope.' },
      { do: 'feedback', after: 1, body: 'Thank you. Canteen prices are outside what this channel handles; we have passed your comment to the works council.' },
      { do: 'transition', after: 0, to: 'closed', closing: 'out-of-scope', reason: 'Not misconduct: a general workplace matter.' },
    ],
  },
  {
    ageDays: 50,
    handler: 'hana',
    report: { category: 'health-safety', anonymity: 'anonymous', narrative: 'The loading dock emergency exit has been blocked with pallets for weeks.' },
    steps: [
      acknowledge(1),
      { do: 'transition', after: 1, to: 'assessment', reason: 'Safety matter for the safety officer.' },
      { do: 'feedback', after: 1, body: 'We have referred this to the site safety officer, who will inspect the dock this week.' },
      { do: 'transition', after: 0, to: 'closed', closing: 'referred-elsewhere', reason: 'Referred to health and safety.' },
    ],
  },
  {
    ageDays: 95,
    handler: 'hana',
    report: { category: 'harassment', anonymity: 'anonymous', narrative: 'A driver keeps making sexual jokes to the dispatch team over the radio.' },
    steps: [
      acknowledge(2),
      { do: 'transition', after: 2, to: 'assessment', reason: 'In scope.' },
      { do: 'transition', after: 2, to: 'investigation', reason: 'Radio logs requested.' },
      { do: 'allegation', after: 0, summary: 'Sexual jokes over the dispatch radio.' },
      { do: 'finding', after: 10, finding: 'inconclusive', reasoning: 'The radio is not recorded and the accounts differ.' },
      { do: 'transition', after: 1, to: 'findings', reason: 'Investigation complete.' },
      { do: 'feedback', after: 1, body: 'We could not establish what was said, because the radio is not recorded. Dispatch radio etiquette training is being scheduled.' },
      { do: 'transition', after: 1, to: 'closed', closing: 'findings-issued', reason: 'Inconclusive; preventive measures taken.' },
      { do: 'appeal', after: 5, reason: 'It is still happening, and two colleagues heard it last week. Please look again.' },
    ],
  },
];

export interface DemoResult {
  organisation: string;
  password: string;
  users: { email: string; name: string; role: StaffRole }[];
  cases: number;
  casesByStatus: Record<string, number>;
  /** Lifecycle states the API did not let the demo reach. */
  unreached: string[];
  /** Steps that were skipped, with the reason, for the operator to see. */
  skipped: string[];
}

const ALL_STATES = ['received', 'acknowledged', 'assessment', 'investigation', 'findings', 'closed', 'review'] as const;

export class DemoRefused extends Conflict {
  constructor() {
    super('has_accounts', 'This installation has accounts already; the demo fills fresh installations only. Use --force to add the demo beside them.');
  }
}

type Inject = (request: { method: string; url: string; payload?: unknown; cookie?: string }) => Promise<{ status: number; body: any; cookie?: string }>;

/** Fills the installation with the demo organisation. Refuses when accounts exist, unless forced. */
export async function runDemo(ctx: AppContext, options: { force?: boolean } = {}): Promise<DemoResult> {
  if (!options.force && (await countUsers(ctx.db)) > 0) throw new DemoRefused();
  const now = ctx.clock.now();
  const clock = new ManualClock(new Date(now.getTime() - 130 * DAY));
  // The demo's own context: its clock starts in the past, and its sessions outlast the months it spans.
  const demo: AppContext = {
    ...ctx,
    clock,
    config: { ...ctx.config, session: { ...ctx.config.session, staffTtlMinutes: 365 * 24 * 60, staffIdleMinutes: 365 * 24 * 60, reporterTtlMinutes: 365 * 24 * 60 } },
  };
  const actor = { type: 'system' as const, id: 'demo' };

  if (!(await findChannelBySlug(demo.db, 'finance'))) {
    await createChannel(demo, actor, { slug: 'finance', name: 'Financial misconduct', description: { en: 'Fraud, bribery, conflicts of interest and misuse of company money.' } });
  }
  const general = await findChannelBySlug(demo.db, 'general');
  if (general) await updateChannel(demo.db, general.id, { name: 'Speak up', description: JSON.stringify({ en: 'Harassment, assault, discrimination, bullying, retaliation, safety: anything that should not happen at work.' }) });

  const ids = new Map<string, string>();
  for (const user of USERS) {
    const created = await createStaffUser(demo, actor, { email: user.email, name: user.name, role: user.role, password: DEMO_PASSWORD, channel: user.channel });
    ids.set(user.key, created.id);
  }

  const app = await buildServer(demo);
  const inject: Inject = async ({ method, url, payload, cookie }) => {
    const response = await app.inject({ method: method as 'GET', url, payload: payload as object, headers: cookie ? { cookie } : {} });
    const set = response.cookies[0];
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body);
    } catch {
      // not JSON
    }
    return { status: response.statusCode, body, cookie: set ? `${set.name}=${set.value}` : undefined };
  };
  const skipped: string[] = [];
  try {
    const sessions = new Map<string, string>();
    for (const key of ['hana', 'omar']) {
      const email = USERS.find((user) => user.key === key)!.email;
      const login = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: DEMO_PASSWORD } });
      if (login.status !== 200 || !login.cookie) throw new Error(`demo sign-in failed (${login.status})`);
      sessions.set(key, login.cookie);
    }

    for (const [index, demoCase] of CASES.entries()) {
      clock.set(new Date(now.getTime() - demoCase.ageDays * DAY + index * 60_000));
      const submitted = await submitReport(demo, demoCase.report);
      const staff = sessions.get(demoCase.handler)!;
      let allegations: string[] = [];
      let reporterCookie: string | undefined;
      for (const step of demoCase.steps) {
        clock.advance(step.after * DAY + 3_600_000);
        if (clock.now() > now) clock.set(now);
        const base = `/api/v1/cases/${submitted.caseId}`;
        let result: { status: number; body: any } | null = null;
        switch (step.do) {
          case 'acknowledge':
            result = await inject({ method: 'POST', url: `${base}/acknowledge`, cookie: staff });
            break;
          case 'message':
            result = await inject({ method: 'POST', url: `${base}/messages`, payload: { body: step.body }, cookie: staff });
            break;
          case 'feedback':
            result = await inject({ method: 'POST', url: `${base}/feedback`, payload: { body: step.body }, cookie: staff });
            break;
          case 'note':
            result = await inject({ method: 'POST', url: `${base}/notes`, payload: { body: step.body }, cookie: staff });
            break;
          case 'transition':
            result = await inject({ method: 'POST', url: `${base}/transitions`, payload: { to: step.to, reason: step.reason, ...(step.closing ? { closing: step.closing } : {}) }, cookie: staff });
            break;
          case 'allegation':
            result = await inject({ method: 'POST', url: `${base}/allegations`, payload: { summary: step.summary }, cookie: staff });
            if (result.status === 201 && typeof result.body?.id === 'string') allegations = [...allegations, result.body.id];
            break;
          case 'finding':
            for (const allegationId of allegations) {
              result = await inject({ method: 'PUT', url: `${base}/allegations/${allegationId}/finding`, payload: { finding: step.finding, reasoning: step.reasoning }, cookie: staff });
            }
            break;
          case 'reporter-message':
          case 'appeal': {
            if (!reporterCookie) {
              const signIn = await inject({ method: 'POST', url: '/api/v1/reporter/session', payload: { receipt: submitted.receipt } });
              reporterCookie = signIn.cookie;
            }
            result =
              step.do === 'appeal'
                ? await inject({ method: 'POST', url: '/api/v1/reporter/appeal', payload: { reason: step.reason }, cookie: reporterCookie })
                : await inject({ method: 'POST', url: '/api/v1/reporter/messages', payload: { body: step.body }, cookie: reporterCookie });
            break;
          }
        }
        if (result && (result.status < 200 || result.status >= 300)) {
          skipped.push(`${submitted.caseRef} ${step.do}${step.do === 'transition' ? ` to ${step.to}` : ''}: ${result.status} ${result.body?.error?.code ?? ''}`.trim());
        }
      }
    }
  } finally {
    await app.close();
  }

  const rows = await demo.db.selectFrom('cases').select(['status']).execute();
  const casesByStatus: Record<string, number> = {};
  for (const row of rows) casesByStatus[row.status] = (casesByStatus[row.status] ?? 0) + 1;
  return {
    organisation: ORGANISATION,
    password: DEMO_PASSWORD,
    users: USERS.map((user) => ({ email: user.email, name: user.name, role: user.role })),
    cases: CASES.length,
    casesByStatus,
    unreached: ALL_STATES.filter((state) => !casesByStatus[state]),
    skipped,
  };
}
