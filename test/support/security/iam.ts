// IAM statements wherever they are in a serverless definition or CloudFormation template: functions'
// `iamRoleStatements`, `provider.iam`, and the `PolicyDocument`s of AWS::IAM::* resources.

export interface FoundStatement {
  /** JSON path of the statement, e.g. `functions.submitAssignment.iamRoleStatements[0]`. */
  where: string;
  statement: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object with an `Effect` and an `Action` or `NotAction`: the shape of an IAM policy statement. */
export function iamStatementsIn(value: unknown, where = ''): FoundStatement[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => iamStatementsIn(item, `${where}[${i}]`));
  if (!isRecord(value)) return [];
  if ('Effect' in value && ('Action' in value || 'NotAction' in value)) return [{ where, statement: value }];
  return Object.entries(value).flatMap(([key, item]) =>
    iamStatementsIn(item, where ? `${where}.${key}` : key),
  );
}

/** What makes a statement grant more than named actions: a wildcard in an action, or NotAction at all. */
export function wildcardGrants(statement: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if ('NotAction' in statement) problems.push('NotAction (allows everything not listed)');
  const actions = [statement.Action].flat();
  for (const action of actions) {
    if (typeof action !== 'string') problems.push(`non-literal action ${JSON.stringify(action)}`);
    else if (action.includes('*')) problems.push(`action ${action}`);
  }
  return problems;
}
