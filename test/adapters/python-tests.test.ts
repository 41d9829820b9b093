import { describe, expect, it } from 'vitest';
import { analyzeTestSource } from '../../gates/assertion-count.js';

describe('pytest test files', () => {
  it('finds test functions and Test* class methods with their assert lines, and skip marks', () => {
    const source = [
      'import pytest',
      'from shapes import area',
      '',
      'def helper():',
      '    assert True',
      '',
      'def test_area():',
      '    assert area(2, 3) == 6',
      '    assert area(0, 3) == 0',
      '',
      '@pytest.mark.skip(reason="later")',
      'def test_later():',
      '    assert area(1, 1) == 1',
      '',
      'class TestNegative:',
      '    def test_raises(self):',
      '        with pytest.raises(ValueError):',
      '            area(-1, 2)',
      '',
      '    def test_nothing(self):',
      '        area(1, 2)',
    ].join('\n');
    expect(analyzeTestSource(source, 'testing/test_shapes.py')).toEqual([
      { name: 'test_area', line: 7, assertions: 2, modifier: 'none' },
      { name: 'test_later', line: 12, assertions: 1, modifier: 'skip' },
      { name: 'TestNegative > test_raises', line: 16, assertions: 1, modifier: 'none' },
      { name: 'TestNegative > test_nothing', line: 20, assertions: 0, modifier: 'none' },
    ]);
  });
});
