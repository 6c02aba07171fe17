// After the writes, the verifying read (when one is needed: see writesConfirm) is the truth, within what it can show: an agent is reported failed only if
// CXone still differs for it (so a per-agent "already assigned" after a retried POST that had in fact succeeded is not
// a failure). Whether CXone's skill-agent read lists inactive members is unverified, and members hidden from the
// access key are never listed: a desired agent the read leaves out counts as applied when CXone answered its own write
// with success and it is inactive, or the read reported hidden members (then also when the first read listed it as
// desired and nothing was written for it).

import {
  diffMembership,
  foreignMembers,
  type MembershipDiff,
  type MembershipScope,
  unlistedMayHold,
} from '../domain/membership.ts';
import { compareUserIds } from '../domain/planner.ts';
import type { SkillAssignment, SkillMember } from '../domain/types.ts';
import type { ConvergeResult, FailedAgent } from './types.ts';

/** How CXone answered the last write made for one agent. */
export interface AgentWrite {
  method: 'POST' | 'PUT' | 'DELETE';
  /**
   * `ok`: CXone reported success. `absent`: a DELETE found the agent not on the skill (so it is off it). `unknown`:
   * CXone gave no result for this agent. Otherwise CXone's refusal.
   */
  outcome: 'ok' | 'absent' | 'unknown' | { refused: string };
  /** The first read did not list the agent, yet CXone's answer showed it on the skill. */
  revealed?: boolean;
  /**
   * CXone's answer says the agent was not on the skill though the picture the write was planned from had it there (a
   * DELETE or PUT answered "not assigned").
   */
  missing?: boolean;
}

export interface ConvergeFacts {
  desired: readonly SkillAssignment[];
  scope: MembershipScope;
  /** The first read (or the trusted picture). */
  before: readonly SkillMember[];
  /** What the writes were planned from. */
  diff: MembershipDiff;
  /**
   * The verifying read (the first one again when nothing was written), or applyWrites of the picture when the
   * answers confirm the writes; and the last read's `hiddenAgents`.
   */
  after: readonly SkillMember[];
  hiddenAgents: number;
  writes: ReadonlyMap<string, AgentWrite>;
  /** Agents that could not be written at all (e.g. no CXone agent has the userId), with why. */
  unwritable: ReadonlyMap<string, FailedAgent>;
}

type Settled = Omit<ConvergeResult, 'reads' | 'writes' | 'cxoneMs' | 'confirmedBy'>;

/** CXone's answer for the agent contradicts the picture its write was planned from. */
export function contradictsPicture(write: AgentWrite): boolean {
  return write.revealed === true || write.missing === true;
}

/**
 * Whether CXone's per-agent answers can stand in for a verifying read: every write answered with success (`ok`, or
 * `absent` for a DELETE), none contradicting the picture, no agent left unwritten, and no hidden member that could be
 * the campaign's unseen. In `managed` mode hidden members cannot hide a change the service had to make: every owned
 * agent the picture leaves out is written (a desired one added, a managed one removed by agentId), and CXone's answer
 * to that write reveals it; the members left hidden are then others', which managed mode never touches. In
 * `exclusive` mode a hidden member is one the campaign should remove and cannot see: a read is needed (and still
 * cannot vouch for it).
 */
export function writesConfirm(
  writes: ReadonlyMap<string, AgentWrite>,
  unwritable: ReadonlyMap<string, FailedAgent>,
  scope: MembershipScope,
  hiddenAgents: number,
): boolean {
  if (unwritable.size > 0) return false;
  if (hiddenAgents > 0 && scope.mode === 'exclusive') return false;
  for (const write of writes.values()) {
    if (contradictsPicture(write)) return false;
    if (write.outcome === 'ok') continue;
    if (write.outcome === 'absent' && write.method === 'DELETE') continue;
    return false;
  }
  return true;
}

/**
 * The skill after writes that all succeeded, from the picture they were planned from: a POST or PUT leaves the agent
 * as desired, a DELETE takes it off.
 */
export function applyWrites(
  picture: readonly SkillMember[],
  desired: readonly SkillAssignment[],
  writes: ReadonlyMap<string, AgentWrite>,
): SkillMember[] {
  const state = new Map(picture.map((member) => [member.userId, { ...member }]));
  const wanted = new Map(desired.map((agent) => [agent.userId, agent]));
  for (const [userId, write] of writes) {
    if (write.method === 'DELETE') {
      state.delete(userId);
      continue;
    }
    const agent = wanted.get(userId);
    if (agent && write.outcome === 'ok') {
      state.set(userId, { userId, isActive: agent.isActive, proficiency: agent.proficiency });
    }
  }
  return [...state.values()].sort((a, b) => compareUserIds(a.userId, b.userId));
}

export function settle(facts: ConvergeFacts): Settled {
  const { desired, scope, diff, writes } = facts;
  const current = new Map(facts.after.map((member) => [member.userId, { ...member }]));
  const seenBefore = new Map(facts.before.map((member) => [member.userId, member]));
  for (const agent of desired) {
    if (current.has(agent.userId)) continue;
    const write = writes.get(agent.userId);
    const confirmedByWrite =
      write?.outcome === 'ok' && write.method !== 'DELETE' && unlistedMayHold(agent, facts.hiddenAgents);
    // Hidden members are not always the same ones (CXone does not say which); one listed as desired before and not
    // written since may simply be hidden now.
    const listedAsDesired = write === undefined && sameState(seenBefore.get(agent.userId), agent);
    if (confirmedByWrite || (listedAsDesired && facts.hiddenAgents > 0))
      current.set(agent.userId, { ...agent });
  }
  const state = [...current.values()].sort((a, b) => compareUserIds(a.userId, b.userId));
  const remaining = diffMembership(state, desired, scope);
  const refusedUnlisted = diff.unlisted.filter((userId) => isRefused(writes.get(userId)));
  const failedIds = new Set([
    ...remaining.add.map((agent) => agent.userId),
    ...remaining.update.map((agent) => agent.userId),
    ...remaining.remove,
    ...refusedUnlisted,
  ]);
  const failedAgents = [...failedIds].sort(compareUserIds).map((userId) => explain(userId, facts));

  const offSkill = (userId: string) => {
    const write = writes.get(userId);
    const deleted = write?.method === 'DELETE' && (write.outcome === 'ok' || write.outcome === 'absent');
    return !current.has(userId) && (deleted || facts.unwritable.has(userId));
  };
  const managed = new Set(scope.managed);
  const released = [...diff.remove, ...diff.unlisted].filter(
    (userId) => managed.has(userId) && offSkill(userId),
  );
  const revealed = [...writes].filter(([, write]) => write.revealed).map(([userId]) => userId);
  const revealedSet = new Set(revealed);
  const succeeded = (userId: string) => !failedIds.has(userId);
  return {
    added: diff.add.map((agent) => agent.userId).filter((u) => succeeded(u) && !revealedSet.has(u)),
    updated: [
      ...diff.update.map((agent) => agent.userId),
      ...diff.add.map((agent) => agent.userId).filter((u) => revealedSet.has(u)),
    ]
      .filter(succeeded)
      .sort(compareUserIds),
    removed: [
      ...diff.remove.filter(succeeded),
      ...diff.unlisted.filter((userId) => writes.get(userId)?.outcome === 'ok'),
    ].sort(compareUserIds),
    failedAgents,
    verified: failedAgents.length === 0 && !(scope.mode === 'exclusive' && facts.hiddenAgents > 0),
    before: facts.before.map((member) => ({ ...member })),
    current: state,
    hiddenAgents: facts.hiddenAgents,
    foreign: foreignMembers(state, desired, scope.managed),
    released: released.sort(compareUserIds),
    revealed: revealed.sort(compareUserIds),
  };
}

function sameState(member: SkillMember | undefined, agent: SkillAssignment): boolean {
  return (
    member !== undefined && member.isActive === agent.isActive && member.proficiency === agent.proficiency
  );
}

function isRefused(write: AgentWrite | undefined): boolean {
  return typeof write?.outcome === 'object';
}

function explain(userId: string, facts: ConvergeFacts): FailedAgent {
  const unwritable = facts.unwritable.get(userId);
  if (unwritable) return unwritable;
  const outcome = facts.writes.get(userId)?.outcome;
  return { userId, reason: typeof outcome === 'object' ? outcome.refused : 'not as desired after the write' };
}
