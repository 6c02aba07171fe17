import * as z from 'zod';
import { WfmEventSchema } from '../wfm/cloudevents.ts';
import { AssignmentKindSchema } from './vocabulary.ts';

/** The body of a message on the FIFO dispatch queue; the desired state itself stays in the table. */
export const DispatchMessageSchema = z.strictObject({
  assignmentId: z.string().min(1),
  campaignId: z.string().min(1),
  kind: AssignmentKindSchema,
  enqueuedAt: z.iso.datetime(),
});
export type DispatchMessage = z.infer<typeof DispatchMessageSchema>;

/** The body of a message on the WFM events queue: one event for one configured endpoint (fanned out at enqueue). */
export const WfmDeliveryMessageSchema = z.strictObject({
  endpoint: z.string().min(1),
  event: WfmEventSchema,
});
export type WfmDeliveryMessage = z.infer<typeof WfmDeliveryMessageSchema>;
