import * as z from '../domain/zod.ts';
import { AssignmentKindSchema } from './vocabulary.ts';

/** The body of a message on the FIFO dispatch queue; the desired state itself stays in the table. */
export const DispatchMessageSchema = z.strictObject({
  assignmentId: z.string().check(z.minLength(1)),
  campaignId: z.string().check(z.minLength(1)),
  kind: AssignmentKindSchema,
  enqueuedAt: z.iso.datetime(),
});
export type DispatchMessage = z.infer<typeof DispatchMessageSchema>;
