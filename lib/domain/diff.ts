// Minimal change sets between what CXone has on a skill and what it should have.
import { compareUserIds } from './planner.ts';
import type { SkillAssignment, SkillDiff } from './types.ts';

function byUserId(assignments: readonly SkillAssignment[]): Map<string, SkillAssignment> {
  return new Map(assignments.map((assignment) => [assignment.userId, assignment]));
}

function sameAssignment(a: SkillAssignment, b: SkillAssignment): boolean {
  return a.isActive === b.isActive && a.proficiency === b.proficiency;
}

const sortByUserId = (a: SkillAssignment, b: SkillAssignment) => compareUserIds(a.userId, b.userId);

/**
 * Adds (desired, not on the skill), updates (on the skill with another isActive or proficiency; carries the desired
 * values) and removals (on the skill, not desired), each sorted by userId. Both sides are sets keyed by userId; a
 * repeated userId counts once (its last entry).
 */
export function diffSkillAssignments(
  current: readonly SkillAssignment[],
  desired: readonly SkillAssignment[],
): SkillDiff {
  const currentById = byUserId(current);
  const desiredById = byUserId(desired);
  const add: SkillAssignment[] = [];
  const update: SkillAssignment[] = [];
  for (const wanted of desiredById.values()) {
    const existing = currentById.get(wanted.userId);
    if (!existing) add.push({ ...wanted });
    else if (!sameAssignment(existing, wanted)) update.push({ ...wanted });
  }
  const remove = [...currentById.keys()].filter((userId) => !desiredById.has(userId)).sort(compareUserIds);
  return { add: add.sort(sortByUserId), update: update.sort(sortByUserId), remove };
}

export function isEmptyDiff(diff: SkillDiff): boolean {
  return diff.add.length === 0 && diff.update.length === 0 && diff.remove.length === 0;
}

/** `current` with `diff` applied, as a new array sorted by userId (inputs are not modified). */
export function applyDiff(current: readonly SkillAssignment[], diff: SkillDiff): SkillAssignment[] {
  const result = byUserId(current);
  for (const userId of diff.remove) result.delete(userId);
  for (const assignment of [...diff.add, ...diff.update]) result.set(assignment.userId, assignment);
  return [...result.values()].map((assignment) => ({ ...assignment })).sort(sortByUserId);
}

/** Whether two assignment sets differ in any way (membership, isActive or proficiency). */
export function assignmentsDiffer(a: readonly SkillAssignment[], b: readonly SkillAssignment[]): boolean {
  return !isEmptyDiff(diffSkillAssignments(a, b));
}

/**
 * Whether the active agents differ: another set of active userIds, or an active agent with another proficiency.
 * Inactive agents' proficiencies and membership of inactive agents are ignored.
 */
export function activeSetChanged(a: readonly SkillAssignment[], b: readonly SkillAssignment[]): boolean {
  const activeA = byUserId(a.filter((assignment) => assignment.isActive));
  const activeB = byUserId(b.filter((assignment) => assignment.isActive));
  if (activeA.size !== activeB.size) return true;
  for (const [userId, assignment] of activeA) {
    const other = activeB.get(userId);
    if (!other || other.proficiency !== assignment.proficiency) return true;
  }
  return false;
}
