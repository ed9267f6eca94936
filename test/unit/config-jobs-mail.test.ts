import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/kernel/config.js';

const base = { CANDOR_DATA_DIR: '/tmp/candor-config-test' };

describe('configuration of clocks, jobs and e-mail', () => {
  test('clock defaults, the scheduler and the lease can be set', () => {
    const config = loadConfig({ ...base, CANDOR_INVESTIGATION_DAYS: '30', CANDOR_IDLE_DAYS: '7', CANDOR_SCHEDULER_INTERVAL_SECONDS: '15', CANDOR_JOB_LEASE_SECONDS: '600', CANDOR_JOBS: 'off' });
    expect(config.clocks).toMatchObject({ investigationDays: 30, idleDays: 7 });
    expect(config.jobs).toEqual({ enabled: false, schedulerIntervalMs: 15_000, leaseMs: 600_000 });
  });

  test('SMTP URL, sender and an inline notification key', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig({ ...base, CANDOR_SMTP_URL: 'smtps://user:secret@mail.example.org:465', CANDOR_MAIL_FROM: 'Speak up <speakup@example.org>', CANDOR_NOTIFY_KEY: key });
    expect(config.mail).toEqual({ smtpUrl: 'smtps://user:secret@mail.example.org:465', from: 'Speak up <speakup@example.org>', notifyKey: { base64: key } });
  });

  test('a notification key file may be named', () => {
    expect(loadConfig({ ...base, CANDOR_NOTIFY_KEY_FILE: '/etc/candor/notify.key' }).mail.notifyKey).toEqual({ file: '/etc/candor/notify.key' });
  });

  test.each([
    ['CANDOR_SMTP_URL', 'mail.example.org:25'],
    ['CANDOR_SMTP_URL', 'http://mail.example.org'],
    ['CANDOR_NOTIFY_KEY', Buffer.alloc(16).toString('base64')],
    ['CANDOR_JOBS', 'maybe'],
    ['CANDOR_SCHEDULER_INTERVAL_SECONDS', '0'],
    ['CANDOR_IDLE_DAYS', 'two weeks'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
  });
});
