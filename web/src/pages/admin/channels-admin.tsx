import { useState, type FormEvent } from 'react';
import { channels } from '../../api/endpoints.js';
import type { Channel } from '../../api/schema.js';
import { ErrorNotice, Loading } from '../../components/page.js';
import { useApi } from '../../use-api.js';

/** The reporting channels: create one, rename it, change what its landing page says it is for. */
export function ChannelsAdmin() {
  const list = useApi(() => channels.list(), []);
  return (
    <>
      {list.error !== undefined && <ErrorNotice error={list.error} />}
      {!list.data && list.error === undefined && <Loading what="channels" />}
      {list.data && (
        <ul className="plain-list">
          {list.data.items.map((channel) => (
            <li key={channel.id}>
              <ChannelEditor channel={channel} onSaved={list.reload} />
            </li>
          ))}
        </ul>
      )}
      <NewChannelForm onCreated={list.reload} />
    </>
  );
}

function ChannelEditor({ channel, onSaved }: { channel: Channel; onSaved(): Promise<unknown> }) {
  const [name, setName] = useState(channel.name);
  const [description, setDescription] = useState(channel.description?.en ?? '');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState('');
  const id = `ch-${channel.slug}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved('');
    try {
      const text = description.trim();
      await channels.update(channel.slug, { name, description: text ? { ...(channel.description ?? {}), en: text } : null });
      setSaved('Saved.');
      await onSaved();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form className="card" onSubmit={save} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {channel.name} <span className="muted small">/{channel.slug}</span>
      </h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} type="text" value={name} onChange={(event) => setName(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>What this channel is for (English)</label>
        <textarea id={`${id}-description`} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Save {channel.name}
        </button>
        <span role="status">{saved}</span>
      </div>
    </form>
  );
}

function NewChannelForm({ onCreated }: { onCreated(): Promise<unknown> }) {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState('');

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const channel = await channels.create({ slug, name });
      setCreated(`Channel ${channel.name} created.`);
      setSlug('');
      setName('');
      await onCreated();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form className="card" onSubmit={create} aria-labelledby="new-channel-heading">
      <h2 id="new-channel-heading">New channel</h2>
      <div className="pair">
        <div className="field">
          <label htmlFor="new-channel-slug">Address</label>
          <p className="help" id="new-channel-slug-help">
            Lower-case letters, digits and dashes; the portal shows it at /c/address.
          </p>
          <input id="new-channel-slug" type="text" value={slug} aria-describedby="new-channel-slug-help" onChange={(event) => setSlug(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-channel-name">Name</label>
          <input id="new-channel-name" type="text" value={name} onChange={(event) => setName(event.target.value)} />
        </div>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Create channel
        </button>
        <span role="status">{created}</span>
      </div>
    </form>
  );
}
