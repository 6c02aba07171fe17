// The soak's verdict, as a pure function of what it collected: every assignment's final status, the webhooks the WFM
// receiver recorded, the DLQ contents and the CXone sandbox's request log. Definitions (docs/reliability.md):
//
// lost — an assignment with no final status once the stack is quiescent, or with a final status but no final event
//   (neither delivered, signed, to the WFM receiver nor parked in the WFM DLQ).
// duplicate effect — one of: two different final events (distinct webhook-ids) for one assignment; a final event
//   whose status is not the assignment's final status, or a final status that changed after it was first seen;
//   a successful CXone write carrying an assignment's CorrelationId after its final status was recorded; any CXone
//   write for a state CXone already held (the converged re-submissions); two different agent events with the same
//   per-campaign sequence number.
import type { AssignmentView } from '../../../lib/app/api-schemas.ts';
import type { ReceivedWebhook, SandboxRequest } from './stack-client.ts';

export const FINAL_STATUSES = ['applied', 'partially_applied', 'superseded', 'rejected', 'failed'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

const EVENT_PREFIX = 'com.cxone-assignments.';
const CXONE_WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE']);

export interface AuditInput {
  /** assignmentIds the API accepted (202), soak and re-submissions alike. */
  accepted: readonly string[];
  /** The last GET /assignments/{id} of every assignment known: the accepted ones and the rebalances found. */
  assignments: ReadonlyMap<string, AssignmentView>;
  /** The first final status seen for an assignment while polling. */
  firstFinalStatus: ReadonlyMap<string, string>;
  webhooks: readonly ReceivedWebhook[];
  /** Bodies of the WfmEventsDLQ messages: `{endpoint, event}`. */
  wfmDlqBodies: readonly string[];
  /** Bodies of the DispatchDLQ messages: `{assignmentId, …}` (or anything, for a poison message). */
  dispatchDlqBodies: readonly string[];
  /** The DLQs' ApproximateNumberOfMessages, read before their bodies: each must match the bodies read. */
  dlqDepths?: { DispatchDLQ: number; WfmEventsDLQ: number };
  cxoneRequests: readonly SandboxRequest[];
  /** Re-submissions of a state CXone already held: each must end `applied` without a single CXone write. */
  convergedResubmissions: readonly string[];
}

export interface StatusCounts {
  applied: number;
  partially_applied: number;
  superseded: number;
  rejected: number;
  failed: number;
  notFinal: number;
}

export interface SoakFigures {
  accepted: number;
  acceptedByStatus: StatusCounts;
  rebalances: number;
  rebalancesByStatus: StatusCounts;
  lost: number;
  duplicateEffects: number;
  finalEventsInWfmDlq: number;
  dispatchDlqMessages: number;
  wfmDlqMessages: number;
  webhookAttemptsRecorded: number;
  webhooksAccepted: number;
  webhookIdsDelivered: number;
  webhookRedeliveriesAccepted: number;
  webhookAttemptsRefused: number;
  cxoneRequests: number;
  cxone429: number;
  cxone5xx: number;
  cxoneTimeouts: number;
  cxone401: number;
  cxoneWrites: number;
  convergedResubmissionWrites: number;
}

export interface AuditResult {
  figures: SoakFigures;
  /** One line per problem found: lost, duplicate effects and every other failed check. */
  violations: string[];
  lostIds: string[];
  duplicateEffects: string[];
}

interface ParsedEvent {
  webhookId: string;
  type: string;
  assignmentId: string;
  campaignId: string;
  status: string;
  sequence?: number;
}

function parseEvent(body: string, webhookId: string): ParsedEvent | undefined {
  try {
    const event = JSON.parse(body) as {
      id?: string;
      type?: string;
      data?: { assignmentId?: string; campaignId?: string; status?: string; sequence?: number };
    };
    if (!event.type || !event.data?.assignmentId) return undefined;
    return {
      webhookId: webhookId || event.id || '',
      type: event.type,
      assignmentId: event.data.assignmentId,
      campaignId: event.data.campaignId ?? '',
      status: event.data.status ?? '',
      ...(event.data.sequence === undefined ? {} : { sequence: event.data.sequence }),
    };
  } catch {
    return undefined;
  }
}

/** An assignment's final event: `campaign.rebalanced` for an applied rebalance, else `assignment.<status>`. */
export function finalEventTypeOf(kind: string, status: string): string {
  const rebalanced = kind === 'rebalance' && (status === 'applied' || status === 'partially_applied');
  return rebalanced ? `${EVENT_PREFIX}campaign.rebalanced` : `${EVENT_PREFIX}assignment.${status}`;
}

function isFinalEventType(type: string): boolean {
  return type.startsWith(`${EVENT_PREFIX}assignment.`) || type === `${EVENT_PREFIX}campaign.rebalanced`;
}

export function isCxoneWrite(request: SandboxRequest): boolean {
  return CXONE_WRITE_METHODS.has(request.method) && !/\/(auth|oauth2)\/token$/.test(request.path);
}

function emptyCounts(): StatusCounts {
  return { applied: 0, partially_applied: 0, superseded: 0, rejected: 0, failed: 0, notFinal: 0 };
}

function countStatus(counts: StatusCounts, status: string): void {
  if ((FINAL_STATUSES as readonly string[]).includes(status)) counts[status as FinalStatus] += 1;
  else counts.notFinal += 1;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

export function auditSoak(input: AuditInput): AuditResult {
  const violations: string[] = [];
  const lostIds: string[] = [];
  const duplicateEffects: string[] = [];
  const duplicate = (line: string) => {
    duplicateEffects.push(line);
    violations.push(`duplicate effect: ${line}`);
  };

  for (const hook of input.webhooks) {
    if (!hook.signatureValid)
      violations.push(`webhook ${hook.headers['webhook-id']} has an invalid signature`);
  }
  const delivered = input.webhooks
    .filter((hook) => hook.accepted && hook.signatureValid)
    .map((hook) => parseEvent(hook.body, hook.headers['webhook-id'] ?? ''))
    .filter((event): event is ParsedEvent => event !== undefined);
  const deliveredIds = new Set(delivered.map((event) => event.webhookId));
  const uniqueDelivered = [...groupBy(delivered, (event) => event.webhookId).values()].map(
    (copies) => copies[0] as ParsedEvent,
  );
  const finalEventsByAssignment = groupBy(
    uniqueDelivered.filter((event) => isFinalEventType(event.type)),
    (event) => event.assignmentId,
  );
  const dlqEvents = input.wfmDlqBodies
    .map((body) => {
      const message = JSON.parse(body) as { event?: { id?: string } };
      return parseEvent(JSON.stringify(message.event ?? {}), message.event?.id ?? '');
    })
    .filter((event): event is ParsedEvent => event !== undefined);
  const dlqFinal = new Set(
    dlqEvents
      .filter((e) => isFinalEventType(e.type) && !deliveredIds.has(e.webhookId))
      .map((e) => e.assignmentId),
  );
  const writesByAssignment = groupBy(
    input.cxoneRequests.filter(
      (r) => isCxoneWrite(r) && r.status >= 200 && r.status < 300 && r.correlationId,
    ),
    (request) => request.correlationId as string,
  );

  const accepted = new Set(input.accepted);
  const acceptedByStatus = emptyCounts();
  const rebalancesByStatus = emptyCounts();
  for (const id of accepted) {
    if (!input.assignments.has(id)) {
      lostIds.push(id);
      violations.push(`lost: accepted assignment ${id} was never read back`);
    }
  }
  for (const [id, assignment] of input.assignments) {
    const { status } = assignment;
    countStatus(accepted.has(id) ? acceptedByStatus : rebalancesByStatus, status);
    if (!(FINAL_STATUSES as readonly string[]).includes(status)) {
      lostIds.push(id);
      violations.push(`lost: ${assignment.kind} ${id} is still ${status}`);
      continue;
    }
    const finals = finalEventsByAssignment.get(id) ?? [];
    if (finals.length === 0 && !dlqFinal.has(id)) {
      lostIds.push(id);
      violations.push(`lost: ${id} is ${status} but no final event was delivered or dead-lettered`);
    }
    if (finals.length > 1) duplicate(`${id} has ${finals.length} different final events`);
    const expectedType = finalEventTypeOf(assignment.kind, status);
    for (const event of finals) {
      if (event.status !== status) duplicate(`${id} is ${status} but its final event says ${event.status}`);
      else if (event.type !== expectedType)
        violations.push(`${id}: final event ${event.type}, ${expectedType} expected`);
    }
    const first = input.firstFinalStatus.get(id);
    if (first !== undefined && first !== status) duplicate(`${id} was ${first}, later ${status}`);
    if (status === 'failed') {
      if (!assignment.error) violations.push(`${id} failed without an error`);
      if (!input.dispatchDlqBodies.some((body) => body.includes(id))) {
        violations.push(`${id} failed but its dispatch message is not in DispatchDLQ`);
      }
    }
    const late = (writesByAssignment.get(id) ?? []).filter((w) => w.at > assignment.updatedAt);
    if (late.length > 0) duplicate(`${id}: ${late.length} CXone write(s) after its final status`);
  }

  let convergedResubmissionWrites = 0;
  for (const id of input.convergedResubmissions) {
    const writes = input.cxoneRequests.filter((r) => r.correlationId === id && isCxoneWrite(r)).length;
    convergedResubmissionWrites += writes;
    if (writes > 0) duplicate(`${id} re-submitted a converged state and made ${writes} CXone write(s)`);
    const status = input.assignments.get(id)?.status;
    if (status !== 'applied')
      violations.push(`converged re-submission ${id} ended ${status}, applied expected`);
  }

  const agentEvents = uniqueDelivered.filter((event) => event.sequence !== undefined);
  for (const [key, events] of groupBy(agentEvents, (event) => `${event.campaignId}#${event.sequence}`)) {
    if (events.length > 1)
      duplicate(`agent events ${events.map((e) => e.webhookId).join(', ')} share sequence ${key}`);
  }
  for (const event of uniqueDelivered) {
    if (!input.assignments.has(event.assignmentId)) {
      violations.push(`event ${event.webhookId} names an unknown assignment ${event.assignmentId}`);
    }
  }

  if (input.dlqDepths) {
    const read = { DispatchDLQ: input.dispatchDlqBodies.length, WfmEventsDLQ: input.wfmDlqBodies.length };
    for (const queue of ['DispatchDLQ', 'WfmEventsDLQ'] as const) {
      if (input.dlqDepths[queue] !== read[queue]) {
        violations.push(`${queue} holds ${input.dlqDepths[queue]} message(s) but ${read[queue]} were read`);
      }
    }
  }

  const requests = input.cxoneRequests;
  const acceptedHooks = input.webhooks.filter((hook) => hook.accepted);
  const figures: SoakFigures = {
    accepted: accepted.size,
    acceptedByStatus,
    rebalances: [...input.assignments.keys()].filter((id) => !accepted.has(id)).length,
    rebalancesByStatus,
    lost: new Set(lostIds).size,
    duplicateEffects: duplicateEffects.length,
    finalEventsInWfmDlq: dlqFinal.size,
    dispatchDlqMessages: input.dispatchDlqBodies.length,
    wfmDlqMessages: input.wfmDlqBodies.length,
    webhookAttemptsRecorded: input.webhooks.length,
    webhooksAccepted: acceptedHooks.length,
    webhookIdsDelivered: deliveredIds.size,
    webhookRedeliveriesAccepted: acceptedHooks.length - deliveredIds.size,
    webhookAttemptsRefused: input.webhooks.length - acceptedHooks.length,
    cxoneRequests: requests.length,
    cxone429: requests.filter((r) => r.status === 429).length,
    cxone5xx: requests.filter((r) => r.status >= 500).length,
    cxoneTimeouts: requests.filter((r) => r.status === 0).length,
    cxone401: requests.filter((r) => r.status === 401).length,
    cxoneWrites: requests.filter((r) => isCxoneWrite(r) && r.status >= 200 && r.status < 300).length,
    convergedResubmissionWrites,
  };
  return { figures, violations, lostIds: [...new Set(lostIds)], duplicateEffects };
}
