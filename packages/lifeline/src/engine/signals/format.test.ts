// Formatting of measured quantities in descriptions and problem statements.
import { describe, expect, it } from 'vitest';
import { formatDays, formatFactor, formatLatency, formatPercent, formatSpan } from './format.js';

describe('format', () => {
  it.each([
    [850, '850ms'],
    [1200, '1.2s'],
    [1234, '1.23s'],
    [12_345, '12.3s'],
    [2.5, '2.5ms'],
  ])('latency %d → %s', (ms, text) => expect(formatLatency(ms)).toBe(text));

  it.each([
    [0, '0ms'],
    [45_000, '45s'],
    [120_000, '2m'],
    [125_000, '2m 5s'],
    [5_400_000, '1h 30m'],
    [3_600_000 * 6, '6h'],
    [30 * 86_400_000, '30d'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, '3d 4h'],
  ])('span %d → %s', (ms, text) => expect(formatSpan(ms)).toBe(text));

  it('formats fractions, factors and days', () => {
    expect(formatPercent(0.0144)).toBe('1.44%');
    expect(formatPercent(0.05)).toBe('5%');
    expect(formatPercent(1 / 3)).toBe('33.3%');
    expect(formatFactor(14.4)).toBe('14.4×');
    expect(formatFactor(15.04)).toBe('15×');
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(12)).toBe('12 days');
  });
});
