import { useEffect, useState } from 'react';
import { clocks, users as usersApi } from '../../api/endpoints.js';
import type { AdminUser, LadderBody } from '../../api/schema.js';
import { ChannelPicker } from '../../components/channel-picker.js';
import { ErrorNotice, Loading } from '../../components/page.js';
import { useApi } from '../../use-api.js';

type Rung = { kind: 'users'; users: string[] } | { kind: 'oversight' };

/**
 * Who a case climbs to when a clock is missed, rung by rung. The last rung is usually oversight,
 * the independent body; people on upper rungs hold their key from intake but may read the case only
 * once it has escalated to them.
 */
export function LadderAdmin() {
  const staff = useApi(() => usersApi.list(), []);
  if (staff.error !== undefined) return <ErrorNotice error={staff.error} />;
  if (!staff.data) return <Loading what="staff" />;
  const eligible = staff.data.items.filter((user) => user.status === 'active' && (user.role === 'handler' || user.role === 'oversight'));
  return <ChannelPicker id="ladder-channel">{(slug) => <LadderEditor key={slug} slug={slug} eligible={eligible} />}</ChannelPicker>;
}

function LadderEditor({ slug, eligible }: { slug: string; eligible: AdminUser[] }) {
  const current = useApi(() => clocks.ladder(slug), [slug]);
  const [rungs, setRungs] = useState<Rung[]>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState('');

  useEffect(() => {
    if (current.data) {
      setRungs(current.data.rungs.map((rung) => (rung.kind === 'oversight' ? { kind: 'oversight' } : { kind: 'users', users: rung.users.map((user) => user.id) })));
    }
  }, [current.data]);

  if (current.error !== undefined) return <ErrorNotice error={current.error} />;
  if (!current.data || !rungs) return <Loading what="the ladder" />;
  const update = (index: number, rung: Rung) => setRungs(rungs.map((each, at) => (at === index ? rung : each)));

  async function save() {
    setError(undefined);
    setSaved('');
    try {
      const body: LadderBody = { rungs: rungs!.map((rung) => (rung.kind === 'oversight' ? { oversight: true as const } : { users: rung.users })) };
      await clocks.setLadder(slug, body);
      setSaved('Saved.');
      await current.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      {!current.data.configured && <p className="notice">This channel uses the default ladder: a missed clock goes straight to oversight.</p>}
      <ol className="rungs">
        {rungs.map((rung, index) => (
          <li key={index} className="card">
            <fieldset>
              <legend>Rung {index + 1}</legend>
              <div className="check">
                <input id={`rung-${index}-oversight`} type="checkbox" checked={rung.kind === 'oversight'} onChange={(event) => update(index, event.target.checked ? { kind: 'oversight' } : { kind: 'users', users: [] })} />
                <label htmlFor={`rung-${index}-oversight`}>Every active oversight member</label>
              </div>
              {rung.kind === 'users' && (
                <div className="choices-inline">
                  {eligible.map((user) => (
                    <div className="check" key={user.id}>
                      <input
                        id={`rung-${index}-${user.id}`}
                        type="checkbox"
                        checked={rung.users.includes(user.id)}
                        onChange={(event) => update(index, { kind: 'users', users: event.target.checked ? [...rung.users, user.id] : rung.users.filter((id) => id !== user.id) })}
                      />
                      <label htmlFor={`rung-${index}-${user.id}`}>
                        {user.name} <span className="muted">({user.role})</span>
                      </label>
                    </div>
                  ))}
                </div>
              )}
            </fieldset>
            <button type="button" className="secondary small-button" onClick={() => setRungs(rungs.filter((_, at) => at !== index))} aria-label={`Remove rung ${index + 1}`}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={() => setRungs([...rungs, { kind: 'users', users: [] }])}>
          Add a rung of people
        </button>
        <button type="button" className="secondary" onClick={() => setRungs([...rungs, { kind: 'oversight' }])}>
          Add oversight as a rung
        </button>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void save()}>
          Save the ladder
        </button>
        <span role="status">{saved}</span>
      </div>
    </>
  );
}
