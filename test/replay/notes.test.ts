import { describe, expect, it } from 'vitest';
import { isoMicroseconds, parseRecordTime } from '../../src/gateway/records/access-record.js';
import { unrecordedInput } from '../../src/replay/notes.js';
import { parseRecordLine } from '../../src/replay/records.js';
import { policy } from '../helpers/state.js';

describe('what replay cannot measure', () => {
  it('names the inputs a policy reads that records do not carry, and nothing for what they do', () => {
    const limit = (keySelector: unknown) =>
      unrecordedInput(
        policy('limit', 'rate-limiting', {
          rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }],
          keySelector,
        }),
      );
    expect(unrecordedInput(policy('body', 'json-threat-protection'))).toBe('request bodies');
    expect(limit({ source: 'header', header: 'X-Tenant' })).toBe('the X-Tenant header it counts by');
    expect(limit({ source: 'ip', clientIpHeader: 'X-Real-IP', trustedProxies: ['10.0.0.0/8'] })).toBe(
      'the X-Real-IP header it counts by',
    );
    expect(limit("#[attributes.headers['x-tenant'] ++ attributes.queryParams['key']]")).toBe(
      'the x-tenant header and the key query parameter its key expression reads',
    );
    // Records hold these: replay sends them again.
    expect(limit({ source: 'header', header: 'Origin' })).toBeUndefined();
    expect(limit({ source: 'ip', clientIpHeader: 'X-Forwarded-For', trustedProxies: ['10.0.0.0/8'] })).toBeUndefined();
    expect(limit("#[attributes.headers['x-forwarded-for']]")).toBeUndefined();
    expect(limit({ source: 'client-id' })).toBeUndefined();
    expect(unrecordedInput(policy('cors', 'cors', { originGroups: [] }))).toBeUndefined();
  });
});

describe('record times', () => {
  it('keep the microsecond through a line and back', () => {
    const time = Date.UTC(2026, 10, 30, 9, 0, 40) + 0.123;
    const text = isoMicroseconds(time);
    expect(text).toBe('2026-11-30T09:00:40.000123Z');
    expect(parseRecordTime(text)).toBeCloseTo(time, 6);
    expect(parseRecordTime('2026-11-30T09:00:40.5Z')).toBe(Date.UTC(2026, 10, 30, 9, 0, 40, 500));
    expect(Number.isNaN(parseRecordTime('yesterday'))).toBe(true);
  });

  it('a line that is not a record says why', () => {
    const base = { time: '2026-11-30T09:00:40Z', method: 'GET', path: '/a', status: 200, clientIp: '10.0.0.1' };
    expect(parseRecordLine('{')).toBe('not JSON');
    expect(parseRecordLine('[1]')).toBe('not a JSON object');
    expect(parseRecordLine(JSON.stringify({ ...base, time: 'soon' }))).toBe('"time" is not a date');
    expect(parseRecordLine(JSON.stringify({ ...base, path: 'a' }))).toBe('"path" is not a path');
    expect(parseRecordLine(JSON.stringify({ ...base, status: '200' }))).toBe('"status" is not a status code');
    expect(parseRecordLine(JSON.stringify({ ...base, client: { id: 'x' } }))).toBe('"client" is not {id, verified}');
    expect(parseRecordLine(JSON.stringify({ ...base, api: 'orders', principal: 'ops', unknown: 1 }))).toMatchObject({
      api: 'orders',
      principal: 'ops',
    });
  });
});
