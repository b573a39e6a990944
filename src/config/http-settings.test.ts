import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('HTTP server settings', () => {
  it('default to timeouts that cut off slow clients, a failed-login limit and no metrics token', () => {
    expect(loadConfig({})).toMatchObject({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
      adminAuthFailuresPerMinute: 20,
    });
    expect(loadConfig({}).metricsToken).toBeUndefined();
  });

  it('are read from IPNHUB_* variables', () => {
    const config = loadConfig({
      IPNHUB_REQUEST_TIMEOUT_MS: '5000',
      IPNHUB_HEADERS_TIMEOUT_MS: '2000',
      IPNHUB_KEEP_ALIVE_TIMEOUT_MS: '61000',
      IPNHUB_ADMIN_AUTH_FAILURES_PER_MINUTE: '0',
      IPNHUB_METRICS_TOKEN: 'prometheus-scrape-0123',
    });
    expect(config).toMatchObject({
      requestTimeoutMs: 5000,
      headersTimeoutMs: 2000,
      keepAliveTimeoutMs: 61_000,
      adminAuthFailuresPerMinute: 0,
      metricsToken: 'prometheus-scrape-0123',
    });
  });

  it('refuse values that would turn the protection off or leave /metrics guessable, naming them', () => {
    expect(() => loadConfig({ IPNHUB_REQUEST_TIMEOUT_MS: '0' })).toThrow(
      /requestTimeoutMs \(IPNHUB_REQUEST_TIMEOUT_MS=0\): expected a whole number of milliseconds, at least 100/,
    );
    expect(() => loadConfig({ IPNHUB_HEADERS_TIMEOUT_MS: 'soon' })).toThrow(
      /headersTimeoutMs \(IPNHUB_HEADERS_TIMEOUT_MS=soon\): expected a whole number of milliseconds/,
    );
    expect(() => loadConfig({ IPNHUB_METRICS_TOKEN: 'short' })).toThrow(
      /metricsToken \(IPNHUB_METRICS_TOKEN, value not shown\): expected a token of at least 16 characters/,
    );
  });
});
