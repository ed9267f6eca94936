import { useState, type ReactNode } from 'react';
import { channels } from '../api/endpoints.js';
import { useApi } from '../use-api.js';
import { ErrorNotice, Loading } from './page.js';

/** A channel chooser for the per-channel admin pages; renders `children(slug)` for the chosen channel. */
export function ChannelPicker({ id, children }: { id: string; children(slug: string): ReactNode }) {
  const list = useApi(() => channels.list(), []);
  const [slug, setSlug] = useState<string>();
  const chosen = slug ?? list.data?.items[0]?.slug;
  if (list.error !== undefined) return <ErrorNotice error={list.error} />;
  if (!list.data) return <Loading what="channels" />;
  return (
    <>
      <div className="field inline-field">
        <label htmlFor={id}>Channel</label>
        <select id={id} value={chosen} onChange={(event) => setSlug(event.target.value)}>
          {list.data.items.map((channel) => (
            <option key={channel.slug} value={channel.slug}>
              {channel.name}
            </option>
          ))}
        </select>
      </div>
      {chosen && children(chosen)}
    </>
  );
}
