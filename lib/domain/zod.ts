// zod/mini with classic zod's English messages. Every schema of the service is zod/mini: classic zod attaches its
// methods to every schema it builds and evaluates far more code at import, which costs a handler's cold start more
// than the rest of its own code (docs/performance.md, §2). zod/mini loads no locale, so its messages would read
// "Invalid input"; the English one (classic zod's default) is installed here and built at the first issue that
// needs a message, so a handler pays nothing for it at init. The service imports zod from this module.
import { en } from 'zod/locales';
import * as z from 'zod/mini';

type LocaleError = NonNullable<z.core.$ZodConfig['localeError']>;
let english: LocaleError | undefined;
z.config({
  localeError: (issue) => {
    english ??= en().localeError as LocaleError;
    return english(issue);
  },
});

export * from 'zod/mini';

/**
 * `schema` with `metadata` (an OpenAPI `id`, a description, examples), as classic zod's `.meta()` and `.describe()`:
 * a copy of it registered in the global registry, which the OpenAPI document is generated from. For a schema that is
 * used elsewhere without the metadata; one built in place takes `.register(z.globalRegistry, …)` (no copy to build).
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, metadata: z.core.GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy as z.core.$ZodType, metadata);
  return copy;
}

/** Reports an issue from inside a `z.transform`, as classic zod's `ctx.addIssue` does (zod/mini's has none). */
export function addIssue(
  ctx: z.core.ParsePayload,
  issue: { message: string; path?: readonly PropertyKey[] },
): void {
  ctx.issues.push({
    code: 'custom',
    path: [...(issue.path ?? [])],
    message: issue.message,
    input: ctx.value,
  });
}
