import { useEffect, useState, type FormEvent } from 'react';
import { clocks } from '../../api/endpoints.js';
import type { ClockPolicies, ClockPolicyInput, ReportCategory } from '../../api/schema.js';
import { ChannelPicker } from '../../components/channel-picker.js';
import { ErrorNotice, Loading } from '../../components/page.js';
import { CATEGORY_ORDER, categoryLabel } from '../../labels.js';
import { useApi } from '../../use-api.js';

type Policy = ClockPolicies['policies'][number];
type Category = ReportCategory | '*';

/** A row as edited: numbers as text until saved, so a half-typed number is not forced into shape. */
interface Row {
  category: Category;
  acknowledgeDays: string;
  feedbackAmount: string;
  feedbackUnit: 'months' | 'days';
  investigationDays: string;
  idleDays: string;
  days: 'calendar' | 'business';
}

function toRow(policy: Policy): Row {
  const months = 'months' in policy.feedback ? policy.feedback.months : undefined;
  return {
    category: policy.category as Category,
    acknowledgeDays: String(policy.acknowledgeDays),
    feedbackAmount: String(months ?? ('days' in policy.feedback ? policy.feedback.days : '')),
    feedbackUnit: months !== undefined ? 'months' : 'days',
    investigationDays: String(policy.investigationDays),
    idleDays: String(policy.idleDays),
    days: policy.days,
  };
}

function toInput(row: Row): ClockPolicyInput {
  const feedbackAmount = Number(row.feedbackAmount);
  return {
    category: row.category,
    acknowledgeDays: Number(row.acknowledgeDays),
    feedback: row.feedbackUnit === 'months' ? { months: feedbackAmount } : { days: feedbackAmount },
    investigationDays: Number(row.investigationDays),
    idleDays: Number(row.idleDays),
    days: row.days,
  };
}

function describePolicy(policy: Policy): string {
  const feedback = 'months' in policy.feedback ? `${policy.feedback.months} months` : `${policy.feedback.days} days`;
  return `acknowledge within ${policy.acknowledgeDays} days, feedback within ${feedback}, investigation target ${policy.investigationDays} days, idle alarm after ${policy.idleDays} days (${policy.days} days)`;
}

/** Clock policies per channel and category (a tighter one for assault, say), and the channel's holidays. */
export function ClockPoliciesAdmin() {
  return <ChannelPicker id="clocks-channel">{(slug) => <PoliciesEditor key={slug} slug={slug} />}</ChannelPicker>;
}

function PoliciesEditor({ slug }: { slug: string }) {
  const current = useApi(() => clocks.policies(slug), [slug]);
  const [rows, setRows] = useState<Row[]>();
  const [holidays, setHolidays] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState('');

  useEffect(() => {
    if (current.data) {
      setRows(current.data.policies.map(toRow));
      setHolidays(current.data.holidays.join('\n'));
    }
  }, [current.data]);

  if (current.error !== undefined) return <ErrorNotice error={current.error} />;
  if (!current.data || !rows) return <Loading what="clock policies" />;
  const used = new Set(rows.map((row) => row.category));
  const free = (['*', ...CATEGORY_ORDER] as Category[]).filter((category) => !used.has(category));
  const update = (index: number, change: Partial<Row>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved('');
    try {
      await clocks.setPolicies(slug, { policies: rows!.map(toInput) });
      const dates = holidays
        .split(/[\s,]+/)
        .map((text) => text.trim())
        .filter(Boolean);
      await clocks.setHolidays(slug, { holidays: dates });
      setSaved('Saved. New cases on this channel run on these clocks.');
      await current.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form onSubmit={save}>
      <p>
        Where this channel sets nothing: {describePolicy(current.data.defaults)}. A policy for one category overrides the one for every category
        (*).
      </p>
      {rows.length === 0 ? (
        <p className="muted">This channel uses the defaults for every category.</p>
      ) : (
        <table className="plain policies">
          <caption className="visually-hidden">Clock policies of this channel</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Acknowledge (days)</th>
              <th scope="col">Feedback</th>
              <th scope="col">Investigation (days)</th>
              <th scope="col">Idle alarm (days)</th>
              <th scope="col">Counting</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const name = row.category === '*' ? 'every other category' : categoryLabel(row.category);
              return (
                <tr key={row.category}>
                  <th scope="row">{row.category === '*' ? 'Every other category (*)' : categoryLabel(row.category)}</th>
                  <td>
                    <input type="text" inputMode="numeric" aria-label={`Acknowledge within, days, ${name}`} value={row.acknowledgeDays} onChange={(event) => update(index, { acknowledgeDays: event.target.value })} />
                  </td>
                  <td className="feedback-cell">
                    <input type="text" inputMode="numeric" aria-label={`Feedback within, ${name}`} value={row.feedbackAmount} onChange={(event) => update(index, { feedbackAmount: event.target.value })} />
                    <select aria-label={`Feedback unit, ${name}`} value={row.feedbackUnit} onChange={(event) => update(index, { feedbackUnit: event.target.value as Row['feedbackUnit'] })}>
                      <option value="months">months</option>
                      <option value="days">days</option>
                    </select>
                  </td>
                  <td>
                    <input type="text" inputMode="numeric" aria-label={`Investigation target, days, ${name}`} value={row.investigationDays} onChange={(event) => update(index, { investigationDays: event.target.value })} />
                  </td>
                  <td>
                    <input type="text" inputMode="numeric" aria-label={`Idle alarm after, days, ${name}`} value={row.idleDays} onChange={(event) => update(index, { idleDays: event.target.value })} />
                  </td>
                  <td>
                    <select aria-label={`Counting, ${name}`} value={row.days} onChange={(event) => update(index, { days: event.target.value as Row['days'] })}>
                      <option value="calendar">calendar days</option>
                      <option value="business">business days</option>
                    </select>
                  </td>
                  <td>
                    <button type="button" className="secondary small-button" onClick={() => setRows(rows.filter((_, at) => at !== index))} aria-label={`Remove the policy for ${name}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {free.length > 0 && <AddPolicy free={free} defaults={current.data.defaults} onAdd={(row) => setRows([...rows, row])} />}
      <div className="field">
        <label htmlFor="holidays">Holidays (business days skip these), one date a line, YYYY-MM-DD</label>
        <textarea id="holidays" rows={4} value={holidays} onChange={(event) => setHolidays(event.target.value)} />
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Save clock policies
        </button>
        <span role="status">{saved}</span>
      </div>
    </form>
  );
}

function AddPolicy({ free, defaults, onAdd }: { free: Category[]; defaults: Policy; onAdd(row: Row): void }) {
  const [category, setCategory] = useState<Category>(free[0]!);
  const chosen = free.includes(category) ? category : free[0]!;
  return (
    <div className="form-actions">
      <label htmlFor="add-policy-category">Add a policy for</label>
      <select id="add-policy-category" value={chosen} onChange={(event) => setCategory(event.target.value as Category)}>
        {free.map((each) => (
          <option key={each} value={each}>
            {each === '*' ? 'every category without its own (*)' : categoryLabel(each)}
          </option>
        ))}
      </select>
      <button type="button" className="secondary" onClick={() => onAdd({ ...toRow(defaults), category: chosen })}>
        Add
      </button>
    </div>
  );
}
