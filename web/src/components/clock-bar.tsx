import { clockProgress, effectiveState, type ClockView } from '../clocks.js';
import { formatDate, formatDuration } from '../format.js';

/** What the bar shows, in words: the bar itself is hidden from assistive technology. */
export function describeClock(clock: ClockView, now: number): string {
  const state = effectiveState(clock, now);
  const due = Date.parse(clock.dueAt);
  switch (state) {
    case 'met': {
      if (!clock.stoppedAt) return 'done';
      const late = Date.parse(clock.stoppedAt) - due;
      return late > 0 ? `done ${formatDate(clock.stoppedAt)}, ${formatDuration(late)} late` : `done ${formatDate(clock.stoppedAt)}, on time`;
    }
    case 'breached':
      return `overdue by ${formatDuration(now - due)} (was due ${formatDate(clock.dueAt)})`;
    case 'paused':
      return `paused${clock.pausedAt ? ` since ${formatDate(clock.pausedAt)}` : ''}${clock.pauseReason ? `: ${clock.pauseReason}` : ''}`;
    case 'running':
      return `${formatDuration(due - now)} left (due ${formatDate(clock.dueAt)})`;
  }
}

function tone(clock: ClockView, now: number): string {
  const state = effectiveState(clock, now);
  if (state !== 'running') return state;
  const progress = clockProgress(clock, now);
  return progress >= 0.8 ? 'warn' : 'running';
}

/**
 * One clock as a bar with its text beside it. The bar is SVG, sized by attributes, because the
 * Content-Security-Policy refuses style attributes; the text carries the same information.
 */
export function ClockBar({ clock, now, compact = false }: { clock: ClockView; now: number; compact?: boolean }) {
  const progress = clockProgress(clock, now);
  const state = tone(clock, now);
  return (
    <div className={`clock clock-${state}${compact ? ' clock-compact' : ''}`}>
      <span className="clock-label">{clock.label}:</span>{' '}
      <svg className="clock-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect className="clock-track" x="0" y="0" width="100" height="8" rx="2" />
        <rect className="clock-fill" x="0" y="0" width={Math.max(2, progress * 100).toFixed(1)} height="8" rx="2" />
      </svg>{' '}
      <span className="clock-text">{describeClock(clock, now)}</span>
    </div>
  );
}
