import { describe, expect, it } from 'vitest';
import { SelectorError } from '../../src/errors/catalog.js';
import { matches, parseSelector } from '../../src/labels/selector.js';

describe('label selectors (Kubernetes syntax)', () => {
  it('parses every operator and spells each meaning one way (the owner mark)', () => {
    expect(parseSelector('team=a')?.canonical).toBe('team=a');
    expect(parseSelector('team==a')?.canonical).toBe('team=a');
    expect(parseSelector(' tier != test , team = a ')?.canonical).toBe('team=a,tier!=test');
    expect(parseSelector('team in (b, a, b),!legacy,app')?.canonical).toBe('app,!legacy,team in (a,b)');
    expect(parseSelector('env notin (prod),example.com/owner=ops')?.canonical).toBe(
      'env notin (prod),example.com/owner=ops',
    );
    expect(parseSelector('team=a,team=a')?.canonical).toBe('team=a');
    expect(parseSelector('value=')?.requirements).toEqual([{ key: 'value', operator: '=', values: [''] }]);
    expect(parseSelector('   ')).toBeUndefined();
  });

  it('matches as Kubernetes does: != and notin hold for an object without the key', () => {
    const labels = { team: 'a', tier: 'prod' };
    const m = (s: string, l: Record<string, string> | undefined = labels) => matches(parseSelector(s), l);
    expect(m('team=a')).toBe(true);
    expect(m('team=b')).toBe(false);
    expect(m('team!=b')).toBe(true);
    expect(m('owner!=b')).toBe(true);
    expect(m('team in (a,b)')).toBe(true);
    expect(m('owner in (a)')).toBe(false);
    expect(m('team notin (a)')).toBe(false);
    expect(m('owner notin (a)')).toBe(true);
    expect(m('team')).toBe(true);
    expect(m('!team')).toBe(false);
    expect(m('team=a,tier=test')).toBe(false);
    expect(matches(parseSelector('team=a'), undefined)).toBe(false);
    expect(matches(parseSelector('team!=a'), undefined)).toBe(true);
    expect(matches(undefined, undefined)).toBe(true);
  });

  it('refuses what is not a selector, saying why', () => {
    for (const [text, why] of [
      ['team=a,,tier=b', /empty requirement/],
      ['team in (a', /without its "\)"/],
      ['team in ()', /lists no value/],
      ['-team=a', /not a label key/],
      ['team=a b', /not a requirement/],
      ['team=-a', /not a label value/],
      ['Example.COM/x=a', /not a label key/],
      ['team>1', /not a label key/],
    ] as const) {
      expect(() => parseSelector(text), text).toThrow(SelectorError);
      expect(() => parseSelector(text), text).toThrow(why);
    }
  });
});
