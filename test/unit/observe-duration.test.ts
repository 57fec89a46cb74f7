import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/observe/duration.ts';

describe('formatDuration', () => {
  it('shows tenths of a second under ten seconds, whole seconds under a minute', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.44)).toBe('0.4 s');
    expect(formatDuration(3)).toBe('3 s');
    expect(formatDuration(9.96)).toBe('10 s');
    expect(formatDuration(44.6)).toBe('45 s');
  });

  it('shows the two largest units from minutes up to days', () => {
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3599)).toBe('59 min 59 s');
    expect(formatDuration(3720)).toBe('1 h 2 min');
    expect(formatDuration(90_000)).toBe('1 d 1 h');
    expect(formatDuration(346_770)).toBe('4 d 0 h');
  });

  it('never rounds up into a unit it then shows as zero-and-a-remainder', () => {
    expect(formatDuration(3599.6)).toBe('1 h 0 min');
    expect(formatDuration(86_399)).toBe('1 d 0 h');
  });

  it('shows nonsense input (negative, NaN) as zero rather than as text a person must decode', () => {
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatDuration(Number.NaN)).toBe('0 s');
  });
});
