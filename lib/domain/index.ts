// Public API of the pure domain core.
export * from './capacity.ts';
export * from './diff.ts';
export * from './load-balance.ts';
export * from './planner.ts';
export * from './problem.ts';
export * from './schemas.ts';
export * from './time-window.ts';
export type * from './types.ts';
export * from './validate.ts';
