// The esbuild plugins of the Lambda bundles, loaded by serverless-esbuild (`custom.esbuild.plugins` in
// serverless.yml). Node 22 runs the TypeScript module directly (type stripping).
import { trimSourceMapsPlugin } from './sourcemap-trim-plugin.ts';

export default [trimSourceMapsPlugin()];
