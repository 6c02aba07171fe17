import { describe, expect, it } from 'vitest';
import {
  activeSetChanged,
  applyDiff,
  assignmentsDiffer,
  diffSkillAssignments,
  isEmptyDiff,
} from '../../../lib/domain/diff.ts';
import type { SkillAssignment } from '../../../lib/domain/types.ts';

const on = (userId: string, proficiency = 1): SkillAssignment => ({ userId, isActive: true, proficiency });
const off = (userId: string, proficiency = 1): SkillAssignment => ({ userId, isActive: false, proficiency });

describe('diffSkillAssignments', () => {
  it('adds, updates and removes the minimum, sorted by userId', () => {
    const current = [on('c'), on('a', 2), off('x'), on('keep', 3)];
    const desired = [on('keep', 3), off('c'), on('b'), on('a', 1), on('0new')];
    expect(diffSkillAssignments(current, desired)).toEqual({
      add: [on('0new'), on('b')],
      update: [on('a', 1), off('c')],
      remove: ['x'],
    });
  });

  it('is empty for the same state in another order', () => {
    const diff = diffSkillAssignments([on('a'), off('b', 5)], [off('b', 5), on('a')]);
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it('removes everything for an empty desired state', () => {
    expect(diffSkillAssignments([on('b'), on('a')], [])).toEqual({ add: [], update: [], remove: ['a', 'b'] });
  });

  it('does not share objects with its inputs', () => {
    const desired = [on('a')];
    const diff = diffSkillAssignments([], desired);
    diff.add[0]!.isActive = false;
    expect(desired[0]!.isActive).toBe(true);
  });
});

describe('isEmptyDiff', () => {
  it('is false when any list has an entry', () => {
    expect(isEmptyDiff({ add: [], update: [], remove: [] })).toBe(true);
    expect(isEmptyDiff({ add: [on('a')], update: [], remove: [] })).toBe(false);
    expect(isEmptyDiff({ add: [], update: [on('a')], remove: [] })).toBe(false);
    expect(isEmptyDiff({ add: [], update: [], remove: ['a'] })).toBe(false);
  });
});

describe('applyDiff', () => {
  it('gives the desired state, sorted, without modifying the inputs', () => {
    const current = [on('c'), on('a', 2), off('x')];
    const desired = [off('c'), on('b'), on('a', 1)];
    const snapshot = structuredClone(current);
    expect(applyDiff(current, diffSkillAssignments(current, desired))).toEqual([
      on('a', 1),
      on('b'),
      off('c'),
    ]);
    expect(current).toEqual(snapshot);
  });
});

describe('assignmentsDiffer / activeSetChanged', () => {
  it('assignmentsDiffer sees any difference', () => {
    expect(assignmentsDiffer([on('a')], [on('a')])).toBe(false);
    expect(assignmentsDiffer([on('a')], [on('a'), off('b')])).toBe(true);
    expect(assignmentsDiffer([off('a', 2)], [off('a', 3)])).toBe(true);
  });

  it('activeSetChanged sees changes of the active set or of an active proficiency only', () => {
    expect(activeSetChanged([on('a'), off('b')], [off('b', 4), on('a')])).toBe(false);
    expect(activeSetChanged([on('a')], [on('a'), off('c')])).toBe(false);
    expect(activeSetChanged([on('a')], [off('a')])).toBe(true);
    expect(activeSetChanged([on('a')], [on('b')])).toBe(true);
    expect(activeSetChanged([on('a', 1)], [on('a', 2)])).toBe(true);
    expect(activeSetChanged([on('a')], [on('a'), on('b')])).toBe(true);
  });
});
