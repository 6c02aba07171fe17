// cfn-lint and checkov for the template checks of the test suite, from PyPI (pinned in
// infra/local/requirements-template-checks.txt) into `.venv/template-checks`, a virtualenv of their own inside the
// project's `.venv`: checkov pins an older boto3 than the one moto runs on. The project's `.venv` (moto) is made first,
// so that rebuilding it can never wipe the tools mid-run, and its Python creates the tools' virtualenv.
import { join } from 'node:path';
import { ensureMotoVirtualenv, PROJECT_ROOT } from './moto.ts';
import { ensureVirtualenv } from './python-venv.ts';

export class TemplateToolsInstallError extends Error {
  override name = 'TemplateToolsInstallError';
}

export interface TemplateTools {
  cfnLint: string;
  checkov: string;
}

export async function ensureTemplateTools(
  projectRoot = PROJECT_ROOT,
  log: (line: string) => void = () => {},
): Promise<TemplateTools> {
  const basePython = await ensureMotoVirtualenv(projectRoot, log);
  const dir = join(projectRoot, '.venv', 'template-checks');
  await ensureVirtualenv(
    {
      dir,
      requirements: join(projectRoot, 'infra', 'local', 'requirements-template-checks.txt'),
      python: basePython,
      lock: join(projectRoot, '.venv.lock'),
      purpose: 'cfn-lint and checkov',
      error: TemplateToolsInstallError,
    },
    log,
  );
  return { cfnLint: join(dir, 'bin', 'cfn-lint'), checkov: join(dir, 'bin', 'checkov') };
}
