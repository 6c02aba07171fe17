import { en } from 'zod/locales';
import * as z from 'zod/mini';

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * A function's environment schema: `base` (TableEnv, …) extended with more variables. The environment schemas are
 * zod/mini, which costs a handler next to nothing at init, where classic zod's own evaluation costs more than the
 * rest of a small handler (docs/performance.md, §2). Every schema of the service is zod/mini (lib/domain/zod.ts).
 */
export const extendEnv = z.extend;

/** Parses the function's environment once at init and fails fast with every problem named. */
export function parseEnv<T extends z.core.$ZodType>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.output<T> {
  const parsed = z.safeParse(schema, env);
  if (parsed.success) return parsed.data;
  // zod/mini loads no messages; the English ones (classic zod's default) are loaded when there is something to say.
  z.config(en());
  const problems = (z.safeParse(schema, env).error?.issues ?? parsed.error.issues).map(
    (issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`,
  );
  throw new ConfigurationError(`Invalid environment: ${problems.join('; ')}`);
}
