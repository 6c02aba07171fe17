// The part of CloudFormation the local stack needs: resolving Ref / Fn::GetAtt / Fn::Join / Fn::Sub / Fn::Select
// against the resources created in moto, and ordering resources so that referenced ones exist first.
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './moto.ts';

export class UnresolvableReferenceError extends Error {
  override name = 'UnresolvableReferenceError';
}
export class UnsupportedIntrinsicError extends Error {
  override name = 'UnsupportedIntrinsicError';
}
export class CircularDependencyError extends Error {
  override name = 'CircularDependencyError';
}

/** A resource created locally: what `Ref` returns and its `Fn::GetAtt` attributes. */
export interface CreatedResource {
  logicalId: string;
  type: string;
  ref: string;
  attributes: Record<string, string>;
}

export interface ResolveContext {
  created: ReadonlyMap<string, CreatedResource>;
  stackName: string;
}

function pseudoParameter(name: string, context: ResolveContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return LOCAL_REGION;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT_ID;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return context.stackName;
    default:
      return undefined;
  }
}

function ref(name: string, context: ResolveContext): string {
  const value = pseudoParameter(name, context) ?? context.created.get(name)?.ref;
  if (value === undefined) throw new UnresolvableReferenceError(`Ref ${name}: no such local resource`);
  return value;
}

function getAtt(target: unknown, context: ResolveContext): string {
  const [logicalId, attribute] =
    typeof target === 'string' ? splitOnce(target, '.') : Array.isArray(target) ? target : [];
  if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
    throw new UnsupportedIntrinsicError(
      `Fn::GetAtt ${JSON.stringify(target)}: expected [LogicalId, Attribute]`,
    );
  }
  const resource = context.created.get(logicalId);
  const value = resource?.attributes[attribute];
  if (value === undefined) {
    throw new UnresolvableReferenceError(
      `Fn::GetAtt ${logicalId}.${attribute}: no such local resource attribute`,
    );
  }
  return value;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function sub(args: unknown, context: ResolveContext): string {
  const [template, variables] = Array.isArray(args) ? args : [args, {}];
  if (typeof template !== 'string') throw new UnsupportedIntrinsicError('Fn::Sub needs a template string');
  const values = resolveIntrinsics(variables ?? {}, context) as Record<string, unknown>;
  return template.replace(/\$\{(!?)([^}]+)\}/g, (_whole, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    if (name in values) return String(values[name]);
    return name.includes('.') ? getAtt(name, context) : ref(name, context);
  });
}

/** Replaces every supported intrinsic in `value` with its local value. */
export function resolveIntrinsics(value: unknown, context: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, context));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
    switch (key) {
      case 'Ref':
        return ref(String(argument), context);
      case 'Fn::GetAtt':
        return getAtt(argument, context);
      case 'Fn::Sub':
        return sub(argument, context);
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown];
        return (resolveIntrinsics(parts, context) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (resolveIntrinsics(list, context) as unknown[])[Number(resolveIntrinsics(index, context))];
      }
      default:
        throw new UnsupportedIntrinsicError(`${key} is not supported by the local stack`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, context)]));
}

/** Logical ids that `value` refers to (Ref, Fn::GetAtt and `${X}` / `${X.Attr}` inside Fn::Sub). */
export function referencedLogicalIds(value: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, argument] of Object.entries(node)) {
      if (key === 'Ref' && typeof argument === 'string' && !argument.startsWith('AWS::')) found.add(argument);
      else if (key === 'Fn::GetAtt') {
        const target =
          typeof argument === 'string' ? splitOnce(argument, '.')[0] : (argument as unknown[])[0];
        if (typeof target === 'string') found.add(target);
      } else if (key === 'Fn::Sub') {
        const template = Array.isArray(argument) ? argument[0] : argument;
        for (const match of String(template).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = splitOnce(match[1] ?? '', '.')[0];
          if (!name.startsWith('AWS::')) found.add(name);
        }
        if (Array.isArray(argument)) visit(argument[1]);
      } else visit(argument);
    }
  };
  visit(value);
  return found;
}

/** Orders logical ids so that each comes after the ones it references (among `ids`). */
export function dependencyOrder(ids: string[], dependenciesOf: (id: string) => Set<string>): string[] {
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting')
      throw new CircularDependencyError(`cycle: ${[...path, id].join(' → ')}`);
    state.set(id, 'visiting');
    for (const dependency of [...dependenciesOf(id)].sort()) {
      if (ids.includes(dependency)) visit(dependency, [...path, id]);
    }
    state.set(id, 'done');
    ordered.push(id);
  };
  for (const id of [...ids].sort()) visit(id, []);
  return ordered;
}
