import type { Approver, ReviewDecision, ReviewRequest } from '../runtime/context.js';

/**
 * Approval by policy, for `--yes` and CI: only GREEN patches under the size limit are approved; anything else
 * waits for a human (the run pauses at REVIEW, resumable).
 */
export function policyApprover(maxLines: number, by = 'policy'): Approver {
  return {
    review(request: ReviewRequest): Promise<ReviewDecision> {
      if (!request.green.ok) return Promise.resolve({ decision: 'quit', by, reason: 'not GREEN' });
      if (request.patch.changedLines > maxLines) {
        return Promise.resolve({
          decision: 'quit',
          by,
          reason: `the fix changes ${request.patch.changedLines} lines, over the auto-approval limit of ${maxLines}; a human must review it`,
        });
      }
      return Promise.resolve({ decision: 'approve', by });
    },
  };
}
