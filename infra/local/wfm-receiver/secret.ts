/**
 * LOCAL-ONLY default signing secret of the WFM receiver and the local stack (`whsec_` + base64 of 32 bytes).
 * Published on purpose so local runs and tests can sign and verify; never used when deployed, where the secret
 * lives in Secrets Manager. `WFM_WEBHOOK_SECRET` overrides it for `npm start` and the receiver's main.ts.
 */
export const LOCAL_WFM_WEBHOOK_SECRET = 'whsec_J3X34vxNmvKl303YMxOOoTvvbzNqqgDzNiknQU625qI=';
