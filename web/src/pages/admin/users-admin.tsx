import { useState, type FormEvent } from 'react';
import { channels as channelsApi, users } from '../../api/endpoints.js';
import type { AdminUser, Channel, Enrolment, StaffRole } from '../../api/schema.js';
import { ErrorNotice, Loading } from '../../components/page.js';
import { formatDate, formatDateTime } from '../../format.js';
import { useSession } from '../../session.js';
import { useApi } from '../../use-api.js';

const ROLE_LABELS: Record<StaffRole, string> = {
  handler: 'Handler: receives and handles reports',
  oversight: 'Oversight: the independent body at the top of the ladder',
  counselor: 'Counselor: receives matched escrow entries',
  analyst: 'Analyst: aggregate figures only',
  admin: 'Administrator: configures Candor, reads no case',
};
const ROLES = Object.keys(ROLE_LABELS) as StaffRole[];

/** Staff accounts: invite, change role and channels, disable, unlock; and the sign-in rules for everyone. */
export function UsersAdmin() {
  const list = useApi(() => users.list(), []);
  const channelList = useApi(() => channelsApi.list(), []);
  const [editing, setEditing] = useState<string>();
  const [link, setLink] = useState<{ name: string; enrolment: Enrolment }>();
  const channels = channelList.data?.items ?? [];

  return (
    <>
      <SecuritySettingsForm />
      {link && <EnrolmentLink name={link.name} enrolment={link.enrolment} onClose={() => setLink(undefined)} />}
      {list.error !== undefined && <ErrorNotice error={list.error} />}
      {!list.data && list.error === undefined && <Loading what="staff accounts" />}
      {list.data && (
        <table className="plain users">
          <caption className="visually-hidden">Staff accounts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Channels</th>
              <th scope="col">Account</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((user) =>
              editing === user.id ? (
                <tr key={user.id}>
                  <td colSpan={6}>
                    <UserEditor
                      user={user}
                      channels={channels}
                      onDone={async () => {
                        setEditing(undefined);
                        await list.reload();
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <UserRow key={user.id} user={user} onEdit={() => setEditing(user.id)} onChanged={list.reload} onLink={(enrolment) => setLink({ name: user.name, enrolment })} />
              ),
            )}
          </tbody>
        </table>
      )}
      <InviteForm
        channels={channels}
        onInvited={async (name, enrolment) => {
          setLink({ name, enrolment });
          await list.reload();
        }}
      />
    </>
  );
}

function accountState(user: AdminUser): string {
  const parts: string[] = [user.status === 'invited' ? `Invited${user.invitationExpiresAt ? `, link valid until ${formatDate(user.invitationExpiresAt)}` : ''}` : user.status === 'disabled' ? 'Disabled' : 'Active'];
  if (user.status === 'active') parts.push(user.totpEnabled ? 'two-step sign-in on' : 'password only');
  if (user.lockedUntil) parts.push(`locked until ${formatDateTime(user.lockedUntil)}`);
  return parts.join('; ');
}

function UserRow({ user, onEdit, onChanged, onLink }: { user: AdminUser; onEdit(): void; onChanged(): Promise<unknown>; onLink(enrolment: Enrolment): void }) {
  const [error, setError] = useState<unknown>();
  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      await onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <tr>
      <th scope="row">
        {user.name}
        <span className="block muted small">{user.email}</span>
      </th>
      <td>{user.role}</td>
      <td>{user.channels.length > 0 ? user.channels.join(', ') : <span className="muted">none</span>}</td>
      <td>
        {accountState(user)}
        {error !== undefined && <ErrorNotice error={error} />}
      </td>
      <td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : <span className="muted">never</span>}</td>
      <td className="row-actions">
        <button type="button" className="secondary small-button" onClick={onEdit} aria-label={`Change ${user.name}`}>
          Change
        </button>
        {user.lockedUntil && (
          <button type="button" className="secondary small-button" onClick={() => void act(() => users.unlock(user.id))} aria-label={`Unlock ${user.name}`}>
            Unlock
          </button>
        )}
        {user.status === 'invited' && (
          <>
            <button
              type="button"
              className="secondary small-button"
              onClick={() => void act(async () => onLink(await users.reissueEnrolment(user.id)))}
              aria-label={`New enrolment link for ${user.name}`}
            >
              New link
            </button>
            <button type="button" className="danger small-button" onClick={() => void act(() => users.withdrawInvitation(user.id))} aria-label={`Withdraw the invitation of ${user.name}`}>
              Withdraw
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

function ChannelChoices({ channels, chosen, onChange, idPrefix }: { channels: Channel[]; chosen: string[]; onChange(next: string[]): void; idPrefix: string }) {
  return (
    <fieldset className="choices-inline">
      <legend>Channels whose reports they receive</legend>
      {channels.map((channel) => (
        <div className="check" key={channel.slug}>
          <input
            id={`${idPrefix}-${channel.slug}`}
            type="checkbox"
            checked={chosen.includes(channel.slug)}
            onChange={(event) => onChange(event.target.checked ? [...chosen, channel.slug] : chosen.filter((slug) => slug !== channel.slug))}
          />
          <label htmlFor={`${idPrefix}-${channel.slug}`}>{channel.name}</label>
        </div>
      ))}
    </fieldset>
  );
}

function UserEditor({ user, channels, onDone }: { user: AdminUser; channels: Channel[]; onDone(): Promise<void> }) {
  const { me } = useSession();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<StaffRole>(user.role);
  const [chosen, setChosen] = useState(user.channels);
  const [error, setError] = useState<unknown>();
  const id = `edit-${user.id}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await users.update(user.id, { name, role, channels: chosen });
      await onDone();
    } catch (caught) {
      setError(caught);
    }
  }

  async function setDisabled(disabled: boolean) {
    setError(undefined);
    try {
      await users.update(user.id, { disabled });
      await onDone();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form onSubmit={save} className="user-editor" aria-label={`Change ${user.name}`}>
      <div className="pair">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} type="text" value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as StaffRole)}>
            {ROLES.map((each) => (
              <option key={each} value={each}>
                {ROLE_LABELS[each]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ChannelChoices channels={channels} chosen={chosen} onChange={setChosen} idPrefix={id} />
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Save
        </button>
        <button type="button" className="secondary" onClick={() => void onDone()}>
          Cancel
        </button>
        {user.id !== me.id && user.status !== 'invited' && (
          <button type="button" className="danger" onClick={() => void setDisabled(user.status !== 'disabled')}>
            {user.status === 'disabled' ? 'Enable the account' : 'Disable the account'}
          </button>
        )}
      </div>
    </form>
  );
}

function InviteForm({ channels, onInvited }: { channels: Channel[]; onInvited(name: string, enrolment: Enrolment): Promise<void> }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>('handler');
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();

  async function invite(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const enrolment = await users.invite({ email, name, role, channels: role === 'handler' ? chosen : [] });
      setEmail('');
      setName('');
      setChosen([]);
      await onInvited(enrolment.user.name, enrolment);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form className="card" onSubmit={invite} aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <p className="help">They receive no e-mail from Candor: you get a one-time link to pass on to them privately, where they choose their own password.</p>
      <div className="pair">
        <div className="field">
          <label htmlFor="invite-name">Name</label>
          <input id="invite-name" type="text" value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="invite-email">E-mail address</label>
          <input id="invite-email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="invite-role">Role</label>
        <select id="invite-role" value={role} onChange={(event) => setRole(event.target.value as StaffRole)}>
          {ROLES.map((each) => (
            <option key={each} value={each}>
              {ROLE_LABELS[each]}
            </option>
          ))}
        </select>
      </div>
      {role === 'handler' && <ChannelChoices channels={channels} chosen={chosen} onChange={setChosen} idPrefix="invite-channel" />}
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Invite
        </button>
      </div>
    </form>
  );
}

function EnrolmentLink({ name, enrolment, onClose }: { name: string; enrolment: Enrolment; onClose(): void }) {
  return (
    <div className="notice" role="status">
      <p>
        <strong>Pass this link on to {name} privately.</strong> It works once, until {formatDateTime(enrolment.enrolmentExpiresAt)}, and is not shown
        again.
      </p>
      <p>
        <code className="enrolment-link">{enrolment.enrolmentUrl}</code>
      </p>
      <button type="button" className="secondary small-button" onClick={onClose}>
        Done
      </button>
    </div>
  );
}

function SecuritySettingsForm() {
  const current = useApi(() => users.security(), []);
  const [error, setError] = useState<unknown>();
  if (!current.data) return current.error !== undefined ? <ErrorNotice error={current.error} /> : null;
  const required = current.data.totpRequired;
  async function toggle(totpRequired: boolean) {
    setError(undefined);
    try {
      await users.setSecurity({ totpRequired });
      await current.reload();
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <section className="card" aria-labelledby="security-heading">
      <h2 id="security-heading">Sign-in rules</h2>
      <div className="check">
        <input id="totp-required" type="checkbox" checked={required} onChange={(event) => void toggle(event.target.checked)} />
        <label htmlFor="totp-required">Require two-step sign-in (a code from an authenticator app) of every staff member</label>
      </div>
      <p className="help">People without it are asked to set it up at their next sign-in, and can do nothing else until they have.</p>
      {error !== undefined && <ErrorNotice error={error} />}
    </section>
  );
}
