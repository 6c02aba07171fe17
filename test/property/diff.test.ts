import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeSetChanged, applyDiff, diffSkillAssignments, isEmptyDiff } from '../../lib/domain/diff.ts';
import type { SkillAssignment } from '../../lib/domain/types.ts';
import { skillAssignments } from './arbitraries.ts';

const sorted = (assignments: SkillAssignment[]) =>
  [...assignments].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

describe('diffSkillAssignments (properties)', () => {
  it('diffing a state with itself is empty', () => {
    fc.assert(
      fc.property(skillAssignments, (state) => {
        expect(isEmptyDiff(diffSkillAssignments(state, structuredClone(state).reverse()))).toBe(true);
        expect(activeSetChanged(state, state)).toBe(false);
      }),
    );
  });

  it('applying the diff to the current state gives the desired state', () => {
    fc.assert(
      fc.property(skillAssignments, skillAssignments, (current, desired) => {
        expect(applyDiff(current, diffSkillAssignments(current, desired))).toEqual(sorted(desired));
      }),
    );
  });

  it('is minimal: adds only new agents, updates only changed ones, removes only current ones', () => {
    fc.assert(
      fc.property(skillAssignments, skillAssignments, (current, desired) => {
        const diff = diffSkillAssignments(current, desired);
        const currentById = new Map(current.map((a) => [a.userId, a]));
        const desiredIds = new Set(desired.map((a) => a.userId));
        for (const added of diff.add) expect(currentById.has(added.userId)).toBe(false);
        for (const updated of diff.update) {
          const before = currentById.get(updated.userId)!;
          expect(before.isActive !== updated.isActive || before.proficiency !== updated.proficiency).toBe(
            true,
          );
        }
        for (const removed of diff.remove) {
          expect(currentById.has(removed)).toBe(true);
          expect(desiredIds.has(removed)).toBe(false);
        }
        const unchanged = desired.filter((a) => {
          const before = currentById.get(a.userId);
          return before && before.isActive === a.isActive && before.proficiency === a.proficiency;
        });
        expect(diff.add.length + diff.update.length + unchanged.length).toBe(desired.length);
      }),
    );
  });
});
