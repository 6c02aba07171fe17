// The drift check's report (the answer of GET /campaigns/{campaignId}/drift) and what a check did about it.

import { DriftDifferenceSchema } from '../domain/drift.ts';
import * as z from '../domain/zod.ts';

export const DriftReportSchema = z
  .strictObject({
    campaignId: z.string(),
    checkedAt: z.iso.datetime(),
    inSync: z.boolean().register(z.globalRegistry, {
      description: 'No difference (members hidden from the access key aside).',
    }),
    differences: z.array(DriftDifferenceSchema),
    hiddenAgents: z.int().check(z.minimum(0)).register(z.globalRegistry, {
      description: 'Members of the skill CXone did not show the access key: they could not be compared.',
    }),
  })
  .register(z.globalRegistry, {
    id: 'DriftReport',
    description: 'The campaign’s CXone skill compared with the plan for now.',
  });
export type DriftReport = z.infer<typeof DriftReportSchema>;

/** What an acting check did about a difference. */
export const DriftActionSchema = z.enum(['none', 'reported', 'repair_queued', 'repair_pending']);
export type DriftAction = z.infer<typeof DriftActionSchema>;
