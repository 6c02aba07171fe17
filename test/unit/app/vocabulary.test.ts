import { describe, expect, it } from 'vitest';
import {
  AssignmentKindSchema,
  AssignmentStatusSchema,
  CampaignChangeSchema,
  FinalStatusSchema,
  isFinalStatus,
} from '../../../lib/app/vocabulary.ts';

describe('assignment vocabulary', () => {
  it('has the statuses of an assignment, of which all but queued and dispatching are final', () => {
    expect(AssignmentStatusSchema.options).toEqual([
      'queued',
      'dispatching',
      'applied',
      'partially_applied',
      'rejected',
      'failed',
      'superseded',
    ]);
    expect(FinalStatusSchema.options).toEqual([
      'applied',
      'partially_applied',
      'rejected',
      'failed',
      'superseded',
    ]);
    expect(AssignmentStatusSchema.options.filter(isFinalStatus)).toEqual(FinalStatusSchema.options);
  });

  it('has the kinds of an assignment', () => {
    expect(AssignmentKindSchema.options).toEqual(['submission', 'rebalance', 'repair', 'policy_change']);
    expect(AssignmentKindSchema.safeParse('manual').success).toBe(false);
  });

  it('has the changes of a campaign as a whole', () => {
    expect(CampaignChangeSchema.options).toEqual([
      'rebalanced',
      'agents_dropped',
      'policy_changed',
      'drift_detected',
    ]);
  });
});
