import { describe, expect, it } from 'vitest';
import {
  baseField,
  groupEventTypes,
  headerRowProblem,
  headerRowsFrom,
  headersChanged,
  headersToSend,
  parseSchedule,
  presetOf,
} from './configurationForm';

describe('configurationForm', () => {
  it('parses a schedule of whole seconds within the API limits', () => {
    expect(parseSchedule(' 5, 30 ,120,')).toEqual({ ok: true, delays: [5, 30, 120] });
    expect(parseSchedule('')).toEqual({ ok: true, delays: [] });
    expect(parseSchedule('5, 1.5')).toEqual({ ok: false, problem: 'notNumber' });
    expect(parseSchedule('0')).toEqual({ ok: false, problem: 'outOfRange' });
    expect(parseSchedule('86401')).toEqual({ ok: false, problem: 'outOfRange' });
    expect(parseSchedule(Array(21).fill('1').join(','))).toEqual({ ok: false, problem: 'tooMany' });
    expect(presetOf('1,2,4')).toBe('stift');
    expect(presetOf('1, 2')).toBe('custom');
  });

  it('groups event types by the prefix before the first dot, else the application, else none (last)', () => {
    const groups = groupEventTypes([
      { name: 'PING', description: '' },
      { name: 'order.refunded', description: '', application: 'shop' },
      { name: 'QUESTION_ANSWERED', description: '', application: 'stift' },
      { name: 'order.paid', description: '' },
    ]);
    expect(groups.map((g) => [g.group, g.types.map((t) => t.name)])).toEqual([
      ['order', ['order.paid', 'order.refunded']],
      ['stift', ['QUESTION_ANSWERED']],
      ['', ['PING']],
    ]);
  });

  it('sends headers back only when changed, keeping untouched ones by their redacted value', () => {
    const initial = headerRowsFrom({ 'X-B': '••••bbbb', 'X-A': '••••aaaa' });
    expect(initial.map((r) => r.name)).toEqual(['X-A', 'X-B']);
    expect(headersChanged(initial, initial)).toBe(false);
    expect(headersChanged([...initial, { name: '', value: '' }], initial)).toBe(false);
    expect(headersChanged([initial[0]], initial)).toBe(true);
    const typed = [initial[0], { ...initial[1], value: 'new' }];
    expect(headersChanged(typed, initial)).toBe(true);
    expect(headersToSend(typed)).toEqual({ 'X-A': '••••aaaa', 'X-B': 'new' });
    expect(headerRowProblem({ ...initial[0], name: 'X-C' })).toBe('renamedNeedsValue');
    expect(headerRowProblem({ name: 'X-C', value: '' })).toBe('valueRequired');
    expect(headerRowProblem({ name: '', value: 'v' })).toBe('nameRequired');
  });

  it('reads the field a BAD_USER_INPUT error names', () => {
    expect(baseField('input.retrySchedule[2]')).toBe('retrySchedule');
    expect(baseField('headers.X-Key')).toBe('headers');
    expect(baseField('url')).toBe('url');
  });
});
