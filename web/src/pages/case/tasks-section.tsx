import { useState, type FormEvent } from 'react';
import type { CaseWithWork } from '../../api/case-work.js';
import { cases } from '../../api/endpoints.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDate } from '../../format.js';
import { useAction } from '../../use-action.js';

/** Tasks with an owner and a due date; ticking one off is recorded. */
export function TasksSection({ detail, onChanged }: { detail: CaseWithWork; onChanged(): Promise<unknown> }) {
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [due, setDue] = useState('');
  const add = useAction();
  const toggle = useAction();
  const names = new Map(detail.readers.map((reader) => [reader.id, reader.name]));
  const now = Date.now();

  async function addTask(event: FormEvent) {
    event.preventDefault();
    // A due date is the end of that day, in UTC: the API takes an ISO date-time.
    const dueAt = due ? new Date(`${due}T23:59:59.000Z`).toISOString() : undefined;
    if (await add.run(() => cases.addTask(detail.id, { title, ...(ownerId ? { ownerId } : {}), ...(dueAt ? { dueAt } : {}) }), 'Task added.')) {
      setTitle('');
      setOwnerId('');
      setDue('');
      await onChanged();
    }
  }

  async function setDone(taskId: string, done: boolean) {
    if (await toggle.run(() => cases.updateTask(detail.id, taskId, { done }), done ? 'Task done.' : 'Task open again.')) await onChanged();
  }

  return (
    <section className="card" aria-labelledby="tasks-heading">
      <h2 id="tasks-heading">Tasks</h2>
      {detail.tasks.length === 0 ? (
        <p className="muted">No tasks.</p>
      ) : (
        <ul className="tasks">
          {detail.tasks.map((task) => {
            const late = !task.doneAt && task.dueAt !== null && Date.parse(task.dueAt) < now;
            return (
              <li key={task.id} className={task.doneAt ? 'done' : undefined}>
                <input id={`task-${task.id}`} type="checkbox" checked={task.doneAt !== null} onChange={(event) => void setDone(task.id, event.target.checked)} />
                <label htmlFor={`task-${task.id}`}>
                  <span className="task-title">{task.title}</span>
                  <span className={`task-meta${late ? ' late' : ''}`}>
                    {task.ownerId ? (names.get(task.ownerId) ?? 'someone') : 'nobody'}
                    {task.dueAt && `, due ${formatDate(task.dueAt)}`}
                    {late && ' (overdue)'}
                    {task.doneAt && `, done ${formatDate(task.doneAt)}`}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {toggle.error !== undefined && <ErrorNotice error={toggle.error} />}
      <form onSubmit={addTask} className="compose">
        <div className="field">
          <label htmlFor="f-task-title">New task</label>
          <input id="f-task-title" type="text" value={title} onChange={(event) => setTitle(event.target.value)} />
        </div>
        <div className="pair">
          <div className="field">
            <label htmlFor="f-task-owner">Owner</label>
            <select id="f-task-owner" value={ownerId} onChange={(event) => setOwnerId(event.target.value)}>
              <option value="">Nobody yet</option>
              {detail.readers.map((reader) => (
                <option key={reader.id} value={reader.id}>
                  {reader.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-task-due">Due</label>
            <input id="f-task-due" type="date" value={due} onChange={(event) => setDue(event.target.value)} />
          </div>
        </div>
        {add.error !== undefined && <ErrorNotice error={add.error} />}
        <button type="submit" className="secondary" disabled={add.busy}>
          Add the task
        </button>
      </form>
      <p className="visually-hidden" role="status">
        {add.done || toggle.done}
      </p>
    </section>
  );
}
