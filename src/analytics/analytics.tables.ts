/** The tables the dashboard publishes, each a breakdown of a total that is itself published. */
import type { Cell, Dim, FigureContext, Filters, TableSpec } from './analytics.figures.js';

const ANONYMITY = [
  { key: 'anonymous', label: 'Anonymous' },
  { key: 'confidential', label: 'Confidential' },
  { key: 'named', label: 'Named' },
];

export interface DimensionLabels {
  channels: Map<string, string>;
}

/**
 * Tables by a dimension that is also a filter: each value that may be filtered by, and the rest
 * as one row. The rest is never split: its members have a period under k, and shown one by one
 * over two ranges they would subtract back to it (a test found exactly that leak).
 */
function byDimension(ctx: FigureContext, dim: Dim, filters: Filters, title: string, label: (value: string) => string): TableSpec {
  const column = dim === 'channel' ? 'channel_id' : dim;
  const { eligible, rest } = ctx.eligible(dim, filters);
  const rows = eligible.map((value) => ({ key: value, label: label(value) }));
  const restKeys = rest.length ? ['*rest'] : [];
  for (const key of restKeys) rows.push({ key, label: key === '*rest' ? 'Other or not known' : label(key) });
  const index = new Map(rows.map((row, i) => [row.key, i]));
  return {
    id: `by-${dim}`,
    title,
    rows,
    dim,
    totalKnown: true,
    counts(cell: Cell) {
      const out = rows.map(() => 0);
      const value = cell[column];
      const at = index.get(value) ?? index.get('*rest');
      if (at !== undefined) out[at] = cell.received;
      return out;
    },
  };
}

export function tableSpecs(ctx: FigureContext, filters: Filters, labels: DimensionLabels): TableSpec[] {
  const specs: TableSpec[] = [
    {
      id: 'by-period',
      title: 'Reports received',
      rows: ctx.periods.map((p) => ({ key: p.from === p.to ? p.from : `${p.from}/${p.to}`, label: p.from === p.to ? p.from : `${p.from} to ${p.to}` })),
      totalKnown: true,
      counts: (cell, c) => {
        const out = c.periods.map(() => 0);
        out[c.periodIndex(cell.month)] = cell.received;
        return out;
      },
    },
  ];
  if (!filters.channel) specs.push(byDimension(ctx, 'channel', filters, 'Reports by channel', (id) => labels.channels.get(id) ?? id));
  if (!filters.category) specs.push(byDimension(ctx, 'category', filters, 'Reports by category', (value) => value));
  if (!filters.department) specs.push(byDimension(ctx, 'department', filters, "Reports by the subject's department", (value) => value));
  specs.push(
    {
      id: 'anonymity',
      title: 'Reports by anonymity',
      rows: ANONYMITY,
      totalKnown: true,
      counts: (cell) => ANONYMITY.map((a) => (cell.anonymity === a.key ? cell.received : 0)),
    },
    {
      id: 'anonymous-return',
      title: 'Anonymous reporters who came back',
      rows: [
        { key: 'answered', label: 'Came back and answered' },
        { key: 'read-only', label: 'Came back to read only' },
        { key: 'never', label: 'Did not come back' },
      ],
      totalKnown: true,
      only: (cell) => cell.anonymity === 'anonymous',
      counts: (cell) => [cell.replied, cell.returned - cell.replied, cell.received - cell.returned],
    },
    {
      id: 'status',
      title: 'Open and closed',
      rows: [
        { key: 'open', label: 'Open' },
        { key: 'closed', label: 'Closed' },
      ],
      totalKnown: true,
      counts: (cell) => [cell.received - cell.closed, cell.closed],
    },
    {
      id: 'outcome',
      title: 'Outcomes of closed cases',
      rows: [
        { key: 'substantiated', label: 'Substantiated' },
        { key: 'partly-substantiated', label: 'Partly substantiated' },
        { key: 'not-substantiated', label: 'Not substantiated' },
        { key: 'inconclusive', label: 'Inconclusive' },
        { key: 'no-finding', label: 'Closed without a finding' },
      ],
      totalKnown: true,
      counts: (cell) => {
        const found = cell.outcome_substantiated + cell.outcome_partly_substantiated + cell.outcome_not_substantiated + cell.outcome_inconclusive;
        return [cell.outcome_substantiated, cell.outcome_partly_substantiated, cell.outcome_not_substantiated, cell.outcome_inconclusive, cell.closed - found];
      },
    },
    {
      id: 'closing',
      title: 'How closed cases ended (action taken)',
      rows: [
        { key: 'findings-issued', label: 'Findings issued' },
        { key: 'out-of-scope', label: 'Out of scope' },
        { key: 'referred-elsewhere', label: 'Referred elsewhere' },
        { key: 'appeal-dismissed', label: 'Appeal dismissed' },
      ],
      totalKnown: true,
      counts: (cell) => [cell.closing_findings_issued, cell.closing_out_of_scope, cell.closing_referred_elsewhere, cell.closing_appeal_dismissed],
    },
    breachTable('acknowledge-breach', 'Acknowledgement deadline', (cell) => cell.ack_breached),
    breachTable('feedback-breach', 'Feedback deadline', (cell) => cell.feedback_breached),
    breachTable('investigation-breach', 'Investigation target', (cell) => cell.investigation_breached),
    {
      id: 'escalation',
      title: 'Highest escalation rung reached',
      rows: [
        { key: '0', label: 'Not escalated' },
        { key: '1', label: 'Rung 1' },
        { key: '2', label: 'Rung 2' },
        { key: '3', label: 'Rung 3' },
        { key: '4+', label: 'Rung 4 or higher' },
      ],
      totalKnown: true,
      counts: (cell) => [cell.received - cell.rung_1 - cell.rung_2 - cell.rung_3 - cell.rung_4_plus, cell.rung_1, cell.rung_2, cell.rung_3, cell.rung_4_plus],
    },
    {
      id: 'retaliation',
      title: 'Retaliation reviews',
      rows: [
        { key: 'upheld', label: 'Upheld' },
        { key: 'cleared', label: 'Cleared' },
        { key: 'pending', label: 'Not yet decided' },
      ],
      totalKnown: true,
      counts: (cell) => [cell.retaliation_upheld, cell.retaliation_cleared, cell.retaliation_reviews - cell.retaliation_upheld - cell.retaliation_cleared],
    },
    {
      id: 'hr-events',
      title: 'HR events flagged for protected persons',
      rows: [{ key: 'flagged', label: 'HR events flagged' }],
      totalKnown: false,
      counts: (cell) => [cell.hr_events_flagged],
    },
  );
  return specs;
}

function breachTable(id: string, title: string, breached: (cell: Cell) => number): TableSpec {
  return {
    id,
    title: `${title}: missed`,
    rows: [
      { key: 'breached', label: 'Missed' },
      { key: 'kept', label: 'Not missed' },
    ],
    totalKnown: true,
    counts: (cell) => [breached(cell), cell.received - breached(cell)],
  };
}
