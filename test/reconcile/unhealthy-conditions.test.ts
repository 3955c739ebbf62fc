import { describe, expect, it } from 'vitest';
import { unhealthyConditions, type Condition } from '../../src/reconcile/status.js';

/** What `tollgate status` exits 1 for: every bad condition, not only a false Ready. */

const at = '2025-01-01T00:00:00.000Z';
const ready = (status: boolean, reason = status ? 'Applied' : 'ApplyFailed'): Condition => ({
  type: 'Ready',
  status,
  reason,
  message: '',
  since: at,
});
const stalled = (status: boolean, reason = status ? 'SourceUnavailable' : 'Converged'): Condition => ({
  type: 'Stalled',
  status,
  reason,
  message: '',
  since: at,
});
const reconciling: Condition = { type: 'Reconciling', status: true, reason: 'Progressing', message: '', since: at };

describe('unhealthyConditions', () => {
  it('Ready and not stalled, reconciling or not: healthy', () => {
    expect(unhealthyConditions([ready(true), stalled(false)])).toEqual([]);
    expect(unhealthyConditions([ready(true), reconciling, stalled(false)])).toEqual([]);
  });

  it('Stalled is bad even while Ready is true', () => {
    expect(unhealthyConditions([ready(true), stalled(true)])).toEqual(['Stalled is true (SourceUnavailable)']);
  });

  it('Ready false, or not reported yet, is bad', () => {
    expect(unhealthyConditions([ready(false), stalled(true, 'ApplyFailed')])).toEqual([
      'Ready is false (ApplyFailed)',
      'Stalled is true (ApplyFailed)',
    ]);
    expect(unhealthyConditions([reconciling])).toEqual(['Ready is not reported yet']);
  });
});
