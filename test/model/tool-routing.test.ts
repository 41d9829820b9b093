import { describe, expect, it } from 'vitest';
import { PHASES } from '../../src/core/phases.js';
import { refusalReason, toolsForPhase } from '../../src/policy/tool-routing.js';

describe('tool routing: a phase offers only its tools', () => {
  it('offers read_last_report in every authoring phase and ask_user only when a person can answer', () => {
    for (const phase of ['AUTHOR_TEST', 'AUTHOR_FIX'] as const) {
      expect(toolsForPhase(phase)).toContain('read_last_report');
      expect(toolsForPhase(phase)).toContain('ask_user');
      expect(toolsForPhase(phase, { unattended: true })).not.toContain('ask_user');
      expect(toolsForPhase(phase, { unattended: true })).toEqual(
        toolsForPhase(phase).filter((t) => t !== 'ask_user'),
      );
    }
    expect(toolsForPhase('ORIENT')).toEqual(['read_file', 'list_files', 'search_text']);
    for (const phase of PHASES.filter((p) => !['ORIENT', 'AUTHOR_TEST', 'AUTHOR_FIX'].includes(p)))
      expect(toolsForPhase(phase)).toEqual([]);
  });

  it('tells an unattended model why ask_user is refused and what to do instead', () => {
    expect(refusalReason('ask_user', 'AUTHOR_FIX', { unattended: true })).toBe(
      'ask_user refused: this run is unattended and nobody can answer. Decide from the task and the code, or call give_up with the reason.',
    );
    expect(refusalReason('ask_user', 'ORIENT', { unattended: true })).toBe(
      'ask_user is not available in phase ORIENT; available: read_file, list_files, search_text.',
    );
  });
});
