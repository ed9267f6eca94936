/**
 * The leadership dashboard (analysts and oversight): figures from the statistics rows, never from
 * a case, with small cells already suppressed by the server. Filters: a range of months and one
 * of channel, category or department (only values with enough cases are offered).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { analytics } from '../../api/endpoints.js';
import type { AnalyticsFigure, AnalyticsTable, Dashboard, DashboardQuery } from '../../api/schema.js';
import { ErrorNotice, Loading, PageTitle } from '../../components/page.js';
import { useApi } from '../../use-api.js';
import { FigureChart, type ChartRow, type ReferenceLine } from './chart.js';

function figureText(figure: AnalyticsFigure, k: number): string {
  if (figure.state === 'small') return `fewer than ${k}`;
  if (figure.state === 'withheld') return 'withheld';
  return String(figure.value);
}

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)} %`);

function rowsOf(table: AnalyticsTable, k: number): ChartRow[] {
  return table.rows.map((row) => ({
    label: row.key === '*rest' ? 'Other' : row.label,
    value: row.count.value,
    text: figureText(row.count, k),
    extra: [percent(row.share)],
  }));
}

function monthsAgo(months: number): string {
  const now = new Date();
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return at.toISOString().slice(0, 7);
}

function quarters(count: number): string[] {
  const now = new Date();
  const out: string[] = [];
  let year = now.getUTCFullYear();
  let quarter = Math.floor(now.getUTCMonth() / 3) + 1;
  for (let i = 0; i < count; i++) {
    out.push(`${year}-Q${quarter}`);
    quarter -= 1;
    if (quarter === 0) {
      quarter = 4;
      year -= 1;
    }
  }
  return out;
}

const TABLE_CHARTS: Record<string, { horizontal?: boolean; chart?: boolean }> = {
  'by-period': {},
  'by-channel': { horizontal: true },
  'by-category': { horizontal: true },
  'by-department': { horizontal: true },
  anonymity: {},
  outcome: {},
  escalation: {},
};

export function AnalyticsPage() {
  const [query, setQuery] = useState<DashboardQuery>({ from: monthsAgo(11), to: monthsAgo(0) });
  const dashboard = useApi(() => analytics.dashboard(query), [query.from, query.to, query.channel, query.category, query.department]);
  return (
    <>
      <PageTitle title="Dashboard">Dashboard</PageTitle>
      <p>
        Reports received and how they were handled, counted from statistics that hold no names and no content. A figure built from
        too few cases is not shown, and neither is a figure that would let someone work one out.
      </p>
      <Filters query={query} data={dashboard.data} onChange={setQuery} />
      {dashboard.error !== undefined && <ErrorNotice error={dashboard.error} />}
      {!dashboard.data && dashboard.error === undefined && <Loading what="the figures" />}
      {dashboard.data && <Figures data={dashboard.data} />}
      <BoardReport />
    </>
  );
}

function Filters({ query, data, onChange }: { query: DashboardQuery; data: Dashboard | undefined; onChange: (query: DashboardQuery) => void }) {
  const [from, setFrom] = useState(query.from ?? '');
  const [to, setTo] = useState(query.to ?? '');
  const current = query.channel ? `channel:${query.channel}` : query.category ? `category:${query.category}` : query.department ? `department:${query.department}` : '';
  const [slice, setSlice] = useState(current);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const [kind, ...rest] = slice.split(':');
    const value = rest.join(':');
    onChange({ from: from || undefined, to: to || undefined, ...(kind && value ? { [kind]: value } : {}) });
  };
  const options = data?.options;
  return (
    <form className="filters analytics-filters" onSubmit={submit} aria-label="Filters">
      <label>
        From month
        <input type="month" value={from} onChange={(event) => setFrom(event.target.value)} />
      </label>
      <label>
        To month
        <input type="month" value={to} onChange={(event) => setTo(event.target.value)} />
      </label>
      <label>
        Show only
        <select value={slice} onChange={(event) => setSlice(event.target.value)}>
          <option value="">All reports</option>
          {options && options.channels.length > 0 && (
            <optgroup label="Channel">
              {options.channels.map((channel) => (
                <option key={channel.slug} value={`channel:${channel.slug}`}>
                  {channel.name}
                </option>
              ))}
            </optgroup>
          )}
          {options && options.categories.length > 0 && (
            <optgroup label="Category">
              {options.categories.map((category) => (
                <option key={category} value={`category:${category}`}>
                  {category}
                </option>
              ))}
            </optgroup>
          )}
          {options && options.departments.length > 0 && (
            <optgroup label="Department of the person reported">
              {options.departments.map((department) => (
                <option key={department} value={`department:${department}`}>
                  {department}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      <button type="submit" className="button">
        Show figures
      </button>
      <p className="small muted filter-help">
        One filter at a time; only channels, categories and departments with enough reports in every period are offered.
      </p>
    </form>
  );
}

function Figures({ data }: { data: Dashboard }) {
  const k = data.k;
  const references = useMemo(() => {
    const close: ReferenceLine[] = [];
    if (data.benchmark.closeDays !== null) {
      close.push({ value: data.benchmark.closeDays, label: `Benchmark ${data.benchmark.closeDays} days: ${data.benchmark.source}${data.benchmark.year ? `, ${data.benchmark.year}` : ''}` });
    }
    return { close, acknowledge: [{ value: data.targets.acknowledgeDays * 24, label: `Target: acknowledge within ${data.targets.acknowledgeDays} days` }] };
  }, [data]);
  if (data.suppressed) {
    return (
      <div className="notice" role="status">
        <p>
          {data.suppressed === 'filter_too_narrow'
            ? `Too few reports for this filter: some period would show fewer than ${k}. Choose a wider range or another filter.`
            : `Fewer than ${k} reports in this range so far: nothing can be shown without risking that someone is identified.`}
        </p>
      </div>
    );
  }
  const ack = data.durations.acknowledge;
  const close = data.durations.close;
  return (
    <>
      <dl className="figures-summary">
        <div>
          <dt>Reports received</dt>
          <dd>{figureText(data.received, k)}</dd>
        </div>
        <div>
          <dt>Months covered</dt>
          <dd>{data.covered ? `${data.covered.from} to ${data.covered.to}` : '—'}</dd>
        </div>
        <div>
          <dt>Median days to close</dt>
          <dd>{close.median ?? `— (${figureText(close.n, k)} closed)`}</dd>
        </div>
        <div>
          <dt>Median hours to acknowledge</dt>
          <dd>{ack.median ?? `— (${figureText(ack.n, k)} acknowledged)`}</dd>
        </div>
      </dl>
      {data.withheld && (
        <p className="small muted">
          {data.withheld.from} to {data.withheld.to} are not shown yet: they hold fewer than {k} reports so far and appear once they reach {k}. The range was
          widened to whole periods of at least {k} reports so that two ranges never differ by a handful.
        </p>
      )}
      <div className="figure-grid">
        <FigureChart
          id="time-to-close"
          title="Days to close"
          valueHeading="Days"
          horizontal
          references={references.close}
          note={
            data.benchmark.closeDays === null
              ? `No benchmark figure is configured (source: ${data.benchmark.source}). An administrator can set one; see docs/analytics.md.`
              : undefined
          }
          rows={[
            { label: 'Median', value: close.median, text: close.median === null ? `not shown (${figureText(close.n, k)} cases)` : `${close.median} days` },
            { label: '90th percentile', value: close.p90, text: close.p90 === null ? 'not shown' : `${close.p90} days` },
          ]}
        />
        <FigureChart
          id="time-to-acknowledge"
          title="Hours to acknowledge"
          valueHeading="Hours"
          horizontal
          references={references.acknowledge}
          rows={[
            { label: 'Median', value: ack.median, text: ack.median === null ? `not shown (${figureText(ack.n, k)} cases)` : `${ack.median} hours` },
            { label: '90th percentile', value: ack.p90, text: ack.p90 === null ? 'not shown' : `${ack.p90} hours` },
          ]}
        />
        {data.tables.map((table) => {
          const look = TABLE_CHARTS[table.id];
          return (
            <FigureChart
              key={table.id}
              id={table.id}
              title={table.title}
              valueHeading="Reports"
              extraHeadings={['Share']}
              rows={rowsOf(table, k)}
              horizontal={look?.horizontal}
              chart={look !== undefined && look.chart !== false}
              note={`Out of ${figureText(table.total, k)}.`}
            />
          );
        })}
        <FigureChart
          id="escrow"
          title="Escrow (sealed entries)"
          valueHeading="Count"
          chart={false}
          rows={[
            { label: 'Entries held', value: data.escrow.held.value, text: figureText(data.escrow.held, k) },
            { label: 'Matches made', value: data.escrow.matches.value, text: figureText(data.escrow.matches, k) },
          ]}
        />
      </div>
    </>
  );
}

function BoardReport() {
  const options = quarters(8);
  const [quarter, setQuarter] = useState(options[1] ?? options[0]!);
  return (
    <section className="board-report" aria-labelledby="board-report-heading">
      <h2 id="board-report-heading">Board report</h2>
      <p>The same figures for one quarter, as a PDF to print or send to the board.</p>
      <div className="form-actions">
        <label>
          Quarter{' '}
          <select value={quarter} onChange={(event) => setQuarter(event.target.value)}>
            {options.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        <a className="button" href={analytics.boardReportUrl(quarter)} download>
          Download the board report (PDF)
        </a>
      </div>
    </section>
  );
}
