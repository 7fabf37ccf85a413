// The loss chart's log scale: whole-decade ranges and labels on 1, 2 and 5 times a power of ten.
import { describe, expect, it } from 'vitest';
import { logRange, logTickLabels } from './chart-log';

describe('log-scale loss axis', () => {
  it('spans whole decades around the data', () => {
    expect(logRange(0.23, 2.3)).toEqual([0.1, 10]);
    expect(logRange(0.1, 1)).toEqual([0.1, 1]);
    expect(logRange(0.5, 0.5)).toEqual([0.1, 1]);
    expect(logRange(3e-5, 0.02)).toEqual([1e-5, 0.1]);
    expect(logRange(1, 1)).toEqual([1, 10]);
    expect(logRange(null, null)).toEqual([0.1, 1]);
    expect(logRange(0, 1)).toEqual([0.1, 1]);
  });

  it('labels 1, 2 and 5 times a power of ten, blank elsewhere; exponents outside 10⁻³…10⁵', () => {
    const decade = [0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7, 0.8, 0.9, 1, 2, 3];
    expect(logTickLabels(decade)).toEqual(['0.1', '0.2', '', '', '0.5', '', '', '', '', '1', '2', '']);
    expect(logTickLabels([1e-5, 2e-5, 1e5, 5e6])).toEqual(['1e-5', '2e-5', '1e5', '5e6']);
    expect(logTickLabels([0.001, 20, 50000])).toEqual(['0.001', '20', '50000']);
  });
});
